-- One row per person, month and source (the intermediate model it comes from)
-- with a record: the per-source month aggregates stacked, each row NULL in every
-- other source's columns. The fact table stacks the person x month grid onto these
-- rows and collapses them in one aggregation, so the panel needs no join of the
-- grid with the records.
-- A view: it is read once, by the fact table, and never copied.
{{ config(materialized='view') }}

{%- set int = dbt.type_int() %}
{%- set float = dbt.type_float() %}
{%- set string = dbt.type_string() %}

with

employment as (

    select * from {{ ref('int_employment_by_person_month') }}

),

sick_leave as (

    select * from {{ ref('int_sick_leave_by_person_month') }}

),

benefits as (

    select * from {{ ref('int_benefits_by_person_month') }}

),

social_assistance as (

    select * from {{ ref('int_social_assistance_by_person_month') }}

),

programmes as (

    select * from {{ ref('int_programmes_by_person_month') }}

),

education as (

    select * from {{ ref('int_education_by_person_month') }}

),

npr as (

    select * from {{ ref('int_npr_by_person_month') }}

),

final as (

    select
        person_id,
        month,
        'employment' as source,
        cast(n_jobs as {{ int }}) as n_jobs,
        cast(max_stillingsprosent as {{ float }}) as max_stillingsprosent,
        cast(n_jobs_stipulated as {{ int }}) as n_jobs_stipulated,
        cast(null as {{ int }}) as sick_listed,
        cast(null as {{ string }}) as sick_listed_source,
        cast(null as {{ int }}) as on_aap,
        cast(null as {{ int }}) as on_disability,
        cast(null as {{ int }}) as on_unemployment_benefit,
        cast(null as {{ int }}) as on_social_assistance,
        cast(null as {{ int }}) as in_programme,
        cast(null as {{ int }}) as in_education_oct,
        cast(null as {{ int }}) as in_education_course,
        cast(null as {{ int }}) as npr_avtalespesialist,
        cast(null as {{ int }}) as npr_bup,
        cast(null as {{ int }}) as npr_phv_poli,
        cast(null as {{ int }}) as npr_phv_dag,
        cast(null as {{ int }}) as npr_phv_dogn_days
    from employment

    -- The branches below line up by position with the first, which names the
    -- columns: a bare null per absent column keeps each branch a few lines long.
    -- noqa: disable=AL03, LT09
    union all

    select
        person_id, month, 'sick_leave',
        null, null, null,
        sick_listed, sick_listed_source,
        null, null, null, null, null, null, null, null, null, null, null, null
    from sick_leave

    union all

    select
        person_id, month, 'benefits',
        null, null, null, null, null,
        on_aap, on_disability, on_unemployment_benefit,
        null, null, null, null, null, null, null, null, null
    from benefits

    union all

    select
        person_id, month, 'social_assistance',
        null, null, null, null, null, null, null, null,
        on_social_assistance,
        null, null, null, null, null, null, null, null
    from social_assistance

    union all

    select
        person_id, month, 'programmes',
        null, null, null, null, null, null, null, null, null,
        in_programme,
        null, null, null, null, null, null, null
    from programmes

    union all

    select
        person_id, month, 'education',
        null, null, null, null, null, null, null, null, null, null,
        in_education_oct, in_education_course,
        null, null, null, null, null
    from education

    union all

    select
        person_id, month, 'npr',
        null, null, null, null, null, null, null, null, null, null, null, null,
        npr_avtalespesialist, npr_bup, npr_phv_poli, npr_phv_dag, npr_phv_dogn_days
    from npr
    -- noqa: enable=all

)

select * from final
