-- Every data line of utdanning.csv with its verdict (loaded, duplicate or
-- quarantined with a reason); see macro checked_rows.
-- A table: the file is read once, and three models read the verdicts.
{{ config(materialized='table') }}

{{ checked_rows('utdanning') }}
