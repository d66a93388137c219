-- Every quarantined raw row: which file and line, why (reason and, for a parse
-- error, the column), and the offending field as delivered: what is needed to
-- find and fix the row. The whole raw line only with var quarantine_raw_lines
-- (personal data: ids of persons outside the cohort among them); NULL
-- otherwise. One row per quarantined line. Exact duplicates are not here: they
-- are removed and counted in dq_source_rows.

-- One branch per file of the delivery contract (macro raw_files).
-- The layout of the SQL that the Jinja loop below generates is not the layout
-- of this file: the indentation rule is off here.
-- noqa: disable=LT02

with

quarantined as (
{% for source in rtwpanel.raw_files() %}
    select
        '{{ source }}' as source,
        source_line,
        reason,
        column_name,
        offending_value,
        raw_line
    from {{ ref('base_' ~ source ~ '__verdicts') }}
    where row_status = 'quarantined'
{% if not loop.last %}
    union all
{% endif %}
{%- endfor %}
),

final as (

    select
        source,
        source_line,
        reason,
        column_name,
        offending_value,
        raw_line
    from quarantined

)

select * from final
