-- Every data line of sosialhjelp.csv with its verdict (loaded, duplicate or
-- quarantined with a reason); see macro checked_rows.
-- A table: three models read the verdicts, and the file is read only here.
{{ config(materialized='table') }}

{{ checked_rows('sosialhjelp') }}
