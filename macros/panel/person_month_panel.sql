{#-
    The body of fct_person_month for one bucket of persons (macro
    panel_person_buckets): the model selects the first bucket, a post-hook
    inserts the others. With one bucket the filters are `1 = 1`. The status
    columns come from the status manifest (macro panel_statuses).
-#}
{% macro person_month_panel(bucket) %}
with

participants as (

    select * from {{ ref('dim_participant') }}
    where {{ rtwpanel.in_person_bucket('person_id', bucket) }}

),

spine as (

    select * from {{ ref('int_month_spine') }}

),

residence as (

    select * from {{ ref('int_residence_spells') }}
    where {{ rtwpanel.in_person_bucket('person_id', bucket) }}

),

rollout_regions as (

    select * from {{ ref('int_rollout_regions') }}

),

{#- each source's month records: one row per person and month with a record -#}
{%- for source in panel_status_sources() %}
{{ source }} as (

    select * from {{ ref('int_' ~ source ~ '_by_person_month') }}
    where {{ rtwpanel.in_person_bucket('person_id', bucket) }}

),
{% endfor %}
grid as (

    -- persons x months: the only product in the panel, through the month spine
    select
        participants.person_id,
        participants.arm,
        participants.is_treated,
        participants.cluster_id,
        participants.is_ips,
        participants.centre_id,
        participants.female,
        participants.age_at_randomisation,
        participants.diagnosis_group,
        participants.education_level,
        {{ calendar_months_between('participants.randomised_date', 'spine.month') }} as rel_month,
        spine.*
    from participants
    cross join spine
    where participants.has_register_data

),

located as (

    -- the region lived in on the month's last day (spells do not overlap), and
    -- the months since the programme started there (a roll-out study)
    select
        grid.*,
        residence.region,
        case
            when grid.month >= rollout_regions.start_month
                then {{ calendar_months_between('rollout_regions.start_month', 'grid.month') }}
        end as treated_since
    from grid
    left join residence
        on
            grid.person_id = residence.person_id
            and {{ month_end('grid.month') }} >= residence.fom_date
            and ({{ month_end('grid.month') }} <= residence.tom_date or residence.tom_date is null)
    left join rollout_regions on residence.region = rollout_regions.region

),

statuses as (

    -- the grid joined with each source's month records (aggregated before joining,
    -- one row per person and month each): seven hash joins on narrow tables, where
    -- stacking and collapsing the sources first would hold every value of every
    -- source in one large aggregation. The NULL rule: a status is observed only
    -- where its sources cover the month.
    select
        grid.person_id,
        grid.month,
        grid.year,
        grid.calendar_month,
        grid.rel_month,
        case
            when grid.rel_month is null then null
            when grid.rel_month <= 0 then 'before'
            else 'after'
        end as period,
        grid.arm,
        grid.is_treated,
        grid.cluster_id,
        grid.is_ips,
        grid.centre_id,
        grid.female,
        grid.age_at_randomisation,
        grid.diagnosis_group,
        grid.education_level,
        grid.region,
        grid.treated_since,
        {%- for status in panel_statuses() if status.source %}
        case
            when {{ panel_status_observed(status) }}
                then {{ panel_status_value(status) }}
        end as {{ status.column }}{{ ',' if not loop.last }}
        {%- endfor %}
    -- one left join per source; the loop's layout is not the SQL's
    -- noqa: disable=LT02
    from located as grid
    {%- for source in panel_status_sources() %}
    left join {{ source }}
        on grid.person_id = {{ source }}.person_id and grid.month = {{ source }}.month
    {%- endfor %}
    -- noqa: enable=LT02

),

final as (

    -- the statuses derived from the ones above (NULL where either is)
    select
        statuses.*
        {%- for status in panel_statuses() if not status.source %},
        {{ status.value }} as {{ status.column }}
        {%- endfor %}
    from statuses

)

select * from final
{% endmacro %}
