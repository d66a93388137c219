-- Every data line of ytelser.csv with its verdict: the line-by-line verdicts,
-- with each reversal that has no payment to cancel quarantined as an
-- orphan_reversal; see macro reversal_verdicts.
-- A view: the line-by-line table is not copied.
{{ config(materialized='view') }}

{{ reversal_verdicts('ytelser') }}
