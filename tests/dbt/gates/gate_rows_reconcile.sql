-- Critical: every raw data row of every source is loaded, removed as an exact
-- duplicate or quarantined (raw = loaded + duplicates + quarantined).
-- depends_on: {{ ref('dq_gate_summary') }}
{{ config(severity='error', tags=['gate', 'critical']) }}

{{ rows_not_reconciled(
    ref('dq_gate_sources'),
    'raw_rows',
    ['loaded_rows', 'duplicate_rows', 'quarantined_rows'],
) }}
