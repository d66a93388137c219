-- The line of every sound reversal in ytelser.csv with no payment left to
-- cancel (an orphan_reversal); see macro orphan_reversals. A small table, so
-- that each read of stg_ytelser__checked only joins it.
{{ config(materialized='table') }}

{{ orphan_reversals('ytelser') }}
