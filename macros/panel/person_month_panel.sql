{#-
    The body of fct_person_month for one bucket of persons (macro
    panel_person_buckets): the model selects the first bucket, a post-hook
    inserts the others. With one bucket the filters are `1 = 1`.
-#}
{% macro person_month_panel(bucket) %}
{%- set person_month_sources = {
    'employment': 'int_employment_by_person_month',
    'sick_leave': 'int_sick_leave_by_person_month',
    'benefits': 'int_benefits_by_person_month',
    'social_assistance': 'int_social_assistance_by_person_month',
    'programmes': 'int_programmes_by_person_month',
    'education': 'int_education_by_person_month',
    'npr': 'int_npr_by_person_month',
} %}
with

participants as (

    select * from {{ ref('dim_participant') }}
    where {{ rtwpanel.in_person_bucket('person_id', bucket) }}

),

spine as (

    select * from {{ ref('int_month_spine') }}

),

{#- each source's month records: one row per person and month with a record -#}
{%- for name, model in person_month_sources.items() %}
{{ name }} as (

    select * from {{ ref(model) }}
    where {{ rtwpanel.in_person_bucket('person_id', bucket) }}

),
{% endfor %}
grid as (

    -- persons x months: the only product in the panel, through the month spine
    select
        participants.person_id,
        participants.arm,
        participants.is_ips,
        participants.centre_id,
        participants.female,
        participants.age_at_randomisation,
        participants.diagnosis_group,
        participants.education_level,
        participants.randomised_date,
        spine.*
    from participants
    cross join spine
    where participants.has_register_data

),

joined as (

    -- the grid joined with each source's month records (aggregated before joining,
    -- one row per person and month each): seven hash joins on narrow tables, where
    -- stacking and collapsing the sources first would hold every value of every
    -- source in one large aggregation
    select
        grid.*,
        {{ calendar_months_between('grid.randomised_date', 'grid.month') }} as rel_month,
        employment.n_jobs as employment_n_jobs,
        employment.max_stillingsprosent as employment_max_stillingsprosent,
        employment.n_jobs_stipulated as employment_n_jobs_stipulated,
        sick_leave.sick_listed as sick_leave_sick_listed,
        sick_leave.sick_listed_source as sick_leave_source,
        benefits.on_aap as benefits_on_aap,
        benefits.on_disability as benefits_on_disability,
        benefits.on_unemployment_benefit as benefits_on_unemployment_benefit,
        social_assistance.on_social_assistance as social_assistance_flag,
        programmes.in_programme as programmes_flag,
        education.in_education_oct as education_oct_flag,
        education.in_education_course as education_course_flag,
        npr.npr_avtalespesialist as npr_avtalespesialist_count,
        npr.npr_bup as npr_bup_count,
        npr.npr_phv_poli as npr_phv_poli_count,
        npr.npr_phv_dag as npr_phv_dag_count,
        npr.npr_phv_dogn_days as npr_phv_dogn_days_count
    -- one left join per source; the loop's layout is not the SQL's
    -- noqa: disable=LT02
    from grid
    {%- for source in person_month_sources %}
    left join {{ source }}
        on grid.person_id = {{ source }}.person_id and grid.month = {{ source }}.month
    {%- endfor %}
    -- noqa: enable=LT02

),

observed as (

    -- the NULL rule: a status is observed only where its source covers the month
    select
        joined.*,
        case
            when
                joined.covered_sykepenger = 1
                {%- if var('use_certificates') %} and joined.covered_sykmeldinger = 1{% endif %}
                then 1
            else 0
        end as covered_sick_leave
    from joined

),

statuses as (

    select
        person_id,
        month,
        year,
        calendar_month,
        rel_month,
        case when rel_month <= 0 then 'before' else 'after' end as period,
        arm,
        is_ips,
        centre_id,
        female,
        age_at_randomisation,
        diagnosis_group,
        education_level,

        -- employment (aa_arbeidsforhold)
        case
            when covered_aa_arbeidsforhold = 1
                then case when employment_n_jobs > 0 then 1 else 0 end
        end as employed,
        case
            when covered_aa_arbeidsforhold = 1
                then coalesce(employment_n_jobs, 0)
        end as n_jobs,
        case
            when covered_aa_arbeidsforhold = 1
                then coalesce(employment_max_stillingsprosent, 0)
        end as max_stillingsprosent,
        case
            when covered_aa_arbeidsforhold = 1
                then coalesce(employment_n_jobs_stipulated, 0)
        end as n_jobs_stipulated,

        -- sick leave (sykepenger, sykmeldinger)
        case
            when covered_sick_leave = 1
                then coalesce(sick_leave_sick_listed, 0)
        end as sick_listed,
        case when covered_sick_leave = 1 then sick_leave_source end as sick_listed_source,

        -- benefits (ytelser)
        case when covered_ytelser = 1 then coalesce(benefits_on_aap, 0) end as on_aap,
        case
            when covered_ytelser = 1
                then coalesce(benefits_on_disability, 0)
        end as on_disability,
        case
            when covered_ytelser = 1
                then coalesce(benefits_on_unemployment_benefit, 0)
        end as on_unemployment_benefit,

        -- social assistance (sosialhjelp)
        case
            when covered_sosialhjelp = 1
                then coalesce(social_assistance_flag, 0)
        end as on_social_assistance,

        -- programmes (tiltak)
        case when covered_tiltak = 1 then coalesce(programmes_flag, 0) end as in_programme,

        -- education (utdanning carried forward, utdanning_forlop)
        case
            when education_oct_year is not null
                then coalesce(education_oct_flag, 0)
        end as in_education_oct,
        case
            when covered_utdanning_forlop = 1
                then coalesce(education_course_flag, 0)
        end as in_education_course,

        -- specialist health care (npr)
        case
            when covered_npr = 1
                then coalesce(npr_avtalespesialist_count, 0)
        end as npr_avtalespesialist,
        case when covered_npr = 1 then coalesce(npr_bup_count, 0) end as npr_bup,
        case when covered_npr = 1 then coalesce(npr_phv_poli_count, 0) end as npr_phv_poli,
        case when covered_npr = 1 then coalesce(npr_phv_dag_count, 0) end as npr_phv_dag,
        case
            when covered_npr = 1
                then coalesce(npr_phv_dogn_days_count, 0)
        end as npr_phv_dogn_days
    from observed

),

final as (

    select
        statuses.*,
        statuses.on_aap * statuses.employed as aap_and_employed
    from statuses

)

select * from final
{% endmacro %}
