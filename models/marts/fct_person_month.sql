-- One row per person with register data per month of the aa_arbeidsforhold
-- coverage. Each status is NULL in a month outside its source's coverage and 0
-- inside it when the person has no record.
--
-- Built in buckets of persons (macro panel_person_buckets): the select below is
-- the first bucket, the post-hook inserts the rest. The SQL is in macro
-- person_month_panel.

{{ config(post_hook="{{ rtwpanel.insert_panel_buckets() }}") }}

{{ rtwpanel.person_month_panel(rtwpanel.panel_person_buckets()[0]) }}
