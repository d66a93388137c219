-- Every data line of ytelser.csv with its line-by-line verdict (loaded,
-- duplicate or quarantined with a reason); see macro checked_rows. Reversals
-- are paired with payments across lines in stg_ytelser__checked.
{{ config(materialized='table') }}

{{ checked_rows('ytelser') }}
