-- Critical: every status column is NULL outside its source's coverage and never
-- NULL inside it.
-- depends_on: {{ ref('dq_gate_summary') }}
{{ config(severity='error', tags=['gate', 'critical']) }}

select *
from {{ ref('dq_gate_coverage_nulls') }}
where
    n_null_inside <> 0
    or n_value_outside <> 0
