-- One row per status column of marts.fct_person_month: how many person-months are
-- NULL inside the column's source coverage and how many are not NULL outside it.
-- Healthy result: both zero. Coverage comes straight from the delivery's
-- coverage.csv (an independent re-check of the panel's NULL rule), in one scan.

{#- every status but the labels, which are NULL also where the person has no record -#}
{%- set status_columns = panel_statuses() | rejectattr('kind', 'equalto', 'label') | list %}

with

person_months as (

    select * from {{ ref('fct_person_month') }}

),

coverage as (

    select * from {{ ref('stg_coverage') }}

),

coverage_wide as (

    -- one row: first and last month of every source
    select
        {%- for source in panel_coverage_sources() %}
        max(case when source = '{{ source }}' then first_month end) as {{ source }}_first,
        max(case when source = '{{ source }}' then last_month end) as {{ source }}_last
        {{- ',' if not loop.last }}
        {%- endfor %}
    from coverage

),

counted as (

    select
        count(*) as n_rows,
        {%- for status in status_columns %}
        {%- set inside -%}
            {%- for source in status.coverage -%}
            person_months.month >= coverage_wide.{{ source }}_first
            {%- if not status.get('carried_forward', false) %}
            and person_months.month <= coverage_wide.{{ source }}_last
            {%- endif %}
            {{- ' and ' if not loop.last }}
            {%- endfor -%}
        {%- endset %}
        sum(case when ({{ inside }}) and person_months.{{ status.column }} is null
            then 1 else 0 end) as {{ status.column }}__null_inside,
        sum(case when not coalesce({{ inside }}, false)
            and person_months.{{ status.column }} is not null
            then 1 else 0 end) as {{ status.column }}__value_outside
        {{- ',' if not loop.last }}
        {%- endfor %}
    from person_months
    cross join coverage_wide

),

unpivoted as (

    {%- for status in status_columns %}
    select
        '{{ status.column }}' as column_name,
        '{{ status.coverage | join(", ") }}' as sources,
        cast(n_rows as {{ dbt.type_bigint() }}) as n_rows,
        cast({{ status.column }}__null_inside as {{ dbt.type_bigint() }}) as n_null_inside,
        cast({{ status.column }}__value_outside as {{ dbt.type_bigint() }}) as n_value_outside
    from counted
    {{ 'union all' if not loop.last }}
    {%- endfor %}

),

final as (

    select * from unpivoted

)

select * from final
