-- One row per person and month with any record in any source: the per-source
-- month aggregates stacked and collapsed, so the panel joins the person x month
-- grid once (not once per source). Columns of a source are NULL where the person
-- has no record of it that month; the fact table turns that into 0 or NULL by
-- coverage.

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

stacked as (

    select
        person_id,
        month,
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
        person_id, month,
        null, null, null,
        sick_listed, sick_listed_source,
        null, null, null, null, null, null, null, null, null, null, null, null
    from sick_leave

    union all

    select
        person_id, month,
        null, null, null, null, null,
        on_aap, on_disability, on_unemployment_benefit,
        null, null, null, null, null, null, null, null, null
    from benefits

    union all

    select
        person_id, month,
        null, null, null, null, null, null, null, null,
        on_social_assistance,
        null, null, null, null, null, null, null, null
    from social_assistance

    union all

    select
        person_id, month,
        null, null, null, null, null, null, null, null, null,
        in_programme,
        null, null, null, null, null, null, null
    from programmes

    union all

    select
        person_id, month,
        null, null, null, null, null, null, null, null, null, null,
        in_education_oct, in_education_course,
        null, null, null, null, null
    from education

    union all

    select
        person_id, month,
        null, null, null, null, null, null, null, null, null, null, null, null,
        npr_avtalespesialist, npr_bup, npr_phv_poli, npr_phv_dag, npr_phv_dogn_days
    from npr
    -- noqa: enable=all

),

final as (

    -- each column has at most one non-NULL value per person and month
    select
        person_id,
        month,
        max(n_jobs) as n_jobs,
        max(max_stillingsprosent) as max_stillingsprosent,
        max(n_jobs_stipulated) as n_jobs_stipulated,
        max(sick_listed) as sick_listed,
        max(sick_listed_source) as sick_listed_source,
        max(on_aap) as on_aap,
        max(on_disability) as on_disability,
        max(on_unemployment_benefit) as on_unemployment_benefit,
        max(on_social_assistance) as on_social_assistance,
        max(in_programme) as in_programme,
        max(in_education_oct) as in_education_oct,
        max(in_education_course) as in_education_course,
        max(npr_avtalespesialist) as npr_avtalespesialist,
        max(npr_bup) as npr_bup,
        max(npr_phv_poli) as npr_phv_poli,
        max(npr_phv_dag) as npr_phv_dag,
        max(npr_phv_dogn_days) as npr_phv_dogn_days
    from stacked
    group by person_id, month

)

select * from final
