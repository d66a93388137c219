-- The regions of a roll-out study (design rollout) with the first month of the
-- programme in each (NULL: never), from the study file; no rows for a study of
-- another design. The panel's treated_since and marts.mart_region_month read it.
-- The indentation rule cannot see the layout of the Jinja loop.
-- noqa: disable=LT02

{%- set rollout = rtwpanel.study_rollout() %}

with

regions as (

    select * from {{ ref('ref_regions') }}

),

study_regions as (

    {%- for region in rollout.get('regions', []) %}
    select
        '{{ region.code }}' as region,
        {{ "cast('" ~ region.start ~ "' as date)" if region.start else 'cast(null as date)' }}
            as start_month
    {{ 'union all' if not loop.last }}
    {%- else %}
    -- not a roll-out: no regions
    select
        cast(null as {{ dbt.type_string() }}) as region,
        cast(null as date) as start_month
    where 1 = 0
    {%- endfor %}

),

final as (

    select
        study_regions.region,
        regions.region_name,
        study_regions.start_month
    from study_regions
    inner join regions on study_regions.region = regions.region

)

select * from final
