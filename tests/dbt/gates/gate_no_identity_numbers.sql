-- Critical: no value in the marts or the quality marts (quarantined raw lines
-- included) has the shape of a national identity number.
-- depends_on: {{ ref('dq_gate_summary') }}
{{ config(severity='error', tags=['gate', 'critical']) }}

select *
from {{ ref('dq_gate_identity_numbers') }}
where n_identity_shaped <> 0
