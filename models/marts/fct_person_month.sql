-- One row per person with register data per month of the aa_arbeidsforhold
-- coverage. Each status is NULL in a month outside its source's coverage and 0
-- inside it when the person has no record.

with

participants as (

    select * from {{ ref('dim_participant') }}

),

spine as (

    select * from {{ ref('int_month_spine') }}

),

records as (

    select * from {{ ref('int_person_month_records') }}

),

grid as (

    -- persons x months: the only product in the panel, through the month spine
    select
        participants.person_id,
        spine.month
    from participants
    cross join spine
    where participants.has_register_data

),

stacked as (

    -- every panel person-month once, then each source's records of it
    select
        person_id,
        month,
        cast(null as {{ dbt.type_int() }}) as n_jobs,
        cast(null as {{ dbt.type_float() }}) as max_stillingsprosent,
        cast(null as {{ dbt.type_int() }}) as n_jobs_stipulated,
        cast(null as {{ dbt.type_int() }}) as sick_listed,
        cast(null as {{ dbt.type_string() }}) as sick_listed_source,
        cast(null as {{ dbt.type_int() }}) as on_aap,
        cast(null as {{ dbt.type_int() }}) as on_disability,
        cast(null as {{ dbt.type_int() }}) as on_unemployment_benefit,
        cast(null as {{ dbt.type_int() }}) as on_social_assistance,
        cast(null as {{ dbt.type_int() }}) as in_programme,
        cast(null as {{ dbt.type_int() }}) as in_education_oct,
        cast(null as {{ dbt.type_int() }}) as in_education_course,
        cast(null as {{ dbt.type_int() }}) as npr_avtalespesialist,
        cast(null as {{ dbt.type_int() }}) as npr_bup,
        cast(null as {{ dbt.type_int() }}) as npr_phv_poli,
        cast(null as {{ dbt.type_int() }}) as npr_phv_dag,
        cast(null as {{ dbt.type_int() }}) as npr_phv_dogn_days
    from grid

    union all

    select
        person_id,
        month,
        n_jobs,
        max_stillingsprosent,
        n_jobs_stipulated,
        sick_listed,
        sick_listed_source,
        on_aap,
        on_disability,
        on_unemployment_benefit,
        on_social_assistance,
        in_programme,
        in_education_oct,
        in_education_course,
        npr_avtalespesialist,
        npr_bup,
        npr_phv_poli,
        npr_phv_dag,
        npr_phv_dogn_days
    from records

),

collapsed as (

    -- one aggregation instead of a join of the grid with the records: each
    -- column has at most one non-NULL value per person and month
    select
        person_id,
        month,
        max(n_jobs) as employment_n_jobs,
        max(max_stillingsprosent) as employment_max_stillingsprosent,
        max(n_jobs_stipulated) as employment_n_jobs_stipulated,
        max(sick_listed) as sick_leave_sick_listed,
        max(sick_listed_source) as sick_leave_source,
        max(on_aap) as benefits_on_aap,
        max(on_disability) as benefits_on_disability,
        max(on_unemployment_benefit) as benefits_on_unemployment_benefit,
        max(on_social_assistance) as social_assistance_flag,
        max(in_programme) as programmes_flag,
        max(in_education_oct) as education_oct_flag,
        max(in_education_course) as education_course_flag,
        max(npr_avtalespesialist) as npr_avtalespesialist_count,
        max(npr_bup) as npr_bup_count,
        max(npr_phv_poli) as npr_phv_poli_count,
        max(npr_phv_dag) as npr_phv_dag_count,
        max(npr_phv_dogn_days) as npr_phv_dogn_days_count
    from stacked
    group by person_id, month

),

joined as (

    -- the person's attributes and the month's coverage: the grid's persons and
    -- months only (records of anyone or any month else fall away here)
    select
        collapsed.*,
        participants.arm,
        participants.is_ips,
        participants.centre_id,
        participants.female,
        participants.age_at_randomisation,
        participants.diagnosis_group,
        participants.education_level,
        participants.randomised_date,
        spine.month_end,
        spine.year,
        spine.calendar_month,
        spine.covered_aa_arbeidsforhold,
        spine.covered_ytelser,
        spine.covered_sykepenger,
        spine.covered_sykmeldinger,
        spine.covered_sosialhjelp,
        spine.covered_tiltak,
        spine.covered_utdanning,
        spine.covered_utdanning_forlop,
        spine.covered_npr,
        spine.education_oct_year,
        {{ calendar_months_between('participants.randomised_date', 'collapsed.month') }} as rel_month
    from collapsed
    inner join participants
        on collapsed.person_id = participants.person_id
    inner join spine
        on collapsed.month = spine.month
    where participants.has_register_data

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
