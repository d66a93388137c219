-- Every data line of ytelser.csv with its line-by-line verdict (loaded,
-- duplicate or quarantined with a reason); see macro checked_rows. Reversals
-- are paired with payments across lines in base_ytelser__verdicts.
{{ config(materialized='table') }}

{{ checked_rows('ytelser') }}
