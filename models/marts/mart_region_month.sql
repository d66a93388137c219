-- A roll-out study's panel at the level it is evaluated on (design rollout):
-- one row per region of the study and month of its inclusion window, over the
-- persons of the target population living there that month and of the study's
-- ages in its calendar year. For every 0/1 status of the panel: the persons it
-- is observed for (n_<status>) and the share of them in it (share_<status>).
-- Ready for publication through the small-cell step. Empty for a study of
-- another design.
-- noqa: disable=LT02

{%- set rollout = rtwpanel.study_rollout() %}
{%- set inclusion = rtwpanel.study_inclusion() %}
{%- set flags = panel_statuses() | selectattr('kind', 'equalto', 'flag') | list %}

with

person_months as (

    select * from {{ ref('fct_person_month') }}

),

persons as (

    select * from {{ ref('dim_participant') }}

),

target as (

    select * from {{ ref('int_rollout_target_persons') }}

),

regions as (

    select * from {{ ref('int_rollout_regions') }}

),

in_target as (

    select person_months.*
    from person_months
    inner join target on person_months.person_id = target.person_id
    inner join persons on person_months.person_id = persons.person_id
    {%- if rollout %}
    where
        person_months.month between cast('{{ inclusion[0] }}' as date)
        and cast('{{ inclusion[1] }}' as date)
        and person_months.year - persons.birth_year between {{ rollout.ages[0] }} and {{ rollout.ages[1] }}
    {%- endif %}

),

by_region_month as (

    select
        region,
        month,
        count(*) as n_persons,
        {%- for status in flags %}
        count({{ status.column }}) as n_{{ status.column }},
        avg(cast({{ status.column }} as double)) as share_{{ status.column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from in_target
    group by region, month

),

final as (

    select
        by_region_month.region,
        regions.region_name,
        by_region_month.month,
        regions.start_month,
        case
            when by_region_month.month >= regions.start_month
                then {{ calendar_months_between('regions.start_month', 'by_region_month.month') }}
        end as treated_since,
        by_region_month.n_persons,
        {%- for status in flags %}
        by_region_month.n_{{ status.column }},
        by_region_month.share_{{ status.column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from by_region_month
    inner join regions on by_region_month.region = regions.region

)

select * from final
