-- Where every raw row of every source went. One row per source: data rows in
-- the file (header excluded), rows loaded into stg_<source>, exact duplicates
-- removed, rows quarantined, and quarantined rows by reason (one column per
-- reason of the vocabulary). raw_rows = loaded_rows + duplicate_rows +
-- quarantined_rows must hold (nothing lost); a test enforces it.
-- The layout of the SQL that the Jinja loops below generate is not the layout
-- of this file: the indentation rule is off here.
-- noqa: disable=LT02, LT09

{%- set sources = rtwpanel.raw_files().keys() | list %}
{%- set reasons = rtwpanel.quarantine_reasons() %}

with

line_verdicts as (
{% for source in sources %}
    select
        '{{ source }}' as source,
        count(*) as raw_rows,
        count(case when row_status = 'duplicate' then 1 end) as duplicate_rows
    from {{ ref('base_' ~ source ~ '__verdicts') }}
{% if not loop.last %}
    union all
{% endif %}
{%- endfor %}
),

-- counted in the staging views themselves, so a fault between the verdicts
-- and the views cannot go unnoticed
loaded as (
{% for source in sources %}
    select
        '{{ source }}' as source,
        count(*) as loaded_rows
    from {{ ref('stg_' ~ source) }}
{% if not loop.last %}
    union all
{% endif %}
{%- endfor %}
),

quarantined as (

    select
        source,
        count(*) as quarantined_rows,
        {%- for reason in reasons %}
        count(case when reason = '{{ reason }}' then 1 end) as quarantined_{{ reason }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ ref('dq_quarantine') }}
    group by source

),

final as (

    select
        line_verdicts.source,
        line_verdicts.raw_rows,
        loaded.loaded_rows,
        line_verdicts.duplicate_rows,
        coalesce(quarantined.quarantined_rows, 0) as quarantined_rows,
        {%- for reason in reasons %}
        coalesce(quarantined.quarantined_{{ reason }}, 0) as quarantined_{{ reason }}{{ ',' if not loop.last }}
        {%- endfor %}
    from line_verdicts
    inner join loaded
        on line_verdicts.source = loaded.source
    left join quarantined
        on line_verdicts.source = quarantined.source

)

select * from final
