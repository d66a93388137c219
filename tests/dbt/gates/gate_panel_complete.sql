-- Critical: every person with register data is in the panel exactly once in every
-- month of the employer/employee register's coverage, and nobody else is.
-- depends_on: {{ ref('dq_gate_summary') }}
{{ config(severity='error', tags=['gate', 'critical']) }}

select *
from {{ ref('dq_gate_panel_gaps') }}
