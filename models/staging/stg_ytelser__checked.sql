-- Every data line of ytelser.csv with its verdict: the line-by-line verdicts,
-- and a sound reversal with no payment to cancel quarantined as an
-- orphan_reversal; see macro reversal_verdicts.
-- A view: only the few keys with a reversal are ranked, and the table below
-- is not copied.
{{ config(materialized='view') }}

{{ reversal_verdicts('ytelser') }}
