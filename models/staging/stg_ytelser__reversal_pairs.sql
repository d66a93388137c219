-- The line of every sound reversal in ytelser.csv with no payment left to
-- cancel (an orphan_reversal) and of every sound payment a reversal cancels:
-- reversals are paired here once; see macro reversal_pairs. A small table, so
-- that each read of base_ytelser__verdicts only joins it.
{{ config(materialized='table') }}

{{ reversal_pairs('ytelser') }}
