-- Every data line of bosted.csv with its verdict (loaded, duplicate or
-- quarantined with a reason); see macro checked_rows. An optional file: a
-- delivery without it gives no rows.
{{ config(materialized='table') }}

{{ checked_rows('bosted') }}
