-- One row per reconciled sick-leave episode (grain: episode_id), every diagnosis
-- (int_sick_leave_episodes), with its outcome (int_sick_leave_episode_outcomes)
-- and the predictors known on its first day, the index date. A source that does
-- not cover a predictor's window leaves it NULL; inside the coverage no record is
-- 0. The predictors the panel holds are read from it, by its rules. The Jinja
-- loop writes the offsets' lines; the indentation rule cannot see their layout.
-- noqa: disable=LT02

with

episodes as (

    select * from {{ ref('int_sick_leave_episodes') }}

),

outcomes as (

    select * from {{ ref('int_sick_leave_episode_outcomes') }}

),

day_spells as (

    select * from {{ ref('int_sick_leave_day_spells') }}

),

participants as (

    select * from {{ ref('stg_participants') }}

),

incomes as (

    select * from {{ ref('stg_inntekt') }}

),

npr_contacts as (

    select * from {{ ref('stg_npr') }}

),

coverage as (

    select * from {{ ref('stg_coverage') }}

),

basic_amount as (

    select * from {{ ref('ref_basic_amount') }}

),

panel as (

    select * from {{ ref('fct_person_month') }}

),

offsets as (

    -- the index month (0) and the twelve months before it
    {%- for offset in range(-12, 1) %}
    select {{ offset }} as month_offset{{ ' union all' if not loop.last }}
    {%- endfor %}

),

education as (

    {{ education_level_on('episodes', 'episode_id', 'first_day') }}

),

windows as (

    -- the first months the predictors' sources cover
    select
        max(case when source = 'inntekt' then {{ year_of('first_month') }} end) as income_first_year,
        max(case when source = 'inntekt' then {{ year_of('last_month') }} end) as income_last_year,
        max(case when source = 'sykepenger' then first_month end) as sick_leave_first_day,
        max(case when source = 'npr' then first_month end) as npr_first_day,
        max(case when source = 'npr' then {{ month_end('last_month') }} end) as npr_last_day
    from coverage

),

income_year_before as (

    select
        episodes.episode_id,
        sum(incomes.pensjonsgivende_inntekt) as income_nok
    from episodes
    inner join incomes
        on
            episodes.person_id = incomes.person_id
            and incomes.year = {{ year_of('episodes.first_day') }} - 1
    group by episodes.episode_id

),

sick_leave_before as (

    -- reconciled sick-leave days in the three years before the index date (a
    -- person's reconciled spells do not overlap one another)
    select
        episodes.episode_id,
        sum(
            {{ days_between(
                'greatest(day_spells.fom_date, ' ~ add_months('episodes.first_day', -36) ~ ')',
                'least(day_spells.tom_date, ' ~ add_days('episodes.first_day', -1) ~ ')'
            ) }} + 1
        ) as sick_leave_days
    from episodes
    inner join day_spells
        on
            episodes.person_id = day_spells.person_id
            and {{ add_months('episodes.first_day', -36) }} <= day_spells.tom_date
            and episodes.first_day > day_spells.fom_date
    group by episodes.episode_id

),

npr_before as (

    select
        episodes.episode_id,
        count(*) as contacts
    from episodes
    inner join npr_contacts
        on
            episodes.person_id = npr_contacts.person_id
            and {{ add_months('episodes.first_day', -12) }} <= npr_contacts.inn_date
            and episodes.first_day > npr_contacts.inn_date
    group by episodes.episode_id

),

months_before as (

    select
        episodes.episode_id,
        offsets.month_offset,
        panel.employed,
        panel.max_stillingsprosent,
        panel.on_aap
    from episodes
    cross join offsets
    left join panel
        on
            episodes.person_id = panel.person_id
            and panel.month = {{ add_months('episodes.index_month', 'offsets.month_offset') }}

),

at_start as (

    select
        episode_id,
        max(case when month_offset = 0 then employed end) as employed_at_start,
        max(case when month_offset = 0 then max_stillingsprosent end) as stillingsprosent,
        -- NULL unless all twelve months before are observed
        case
            when count(case when month_offset < 0 then on_aap end) = 12
                then max(case when month_offset < 0 then on_aap end)
        end as aap_year_before
    from months_before
    group by episode_id

),

final as (

    select
        episodes.episode_id,
        episodes.person_id,
        episodes.first_day,
        episodes.last_day,
        episodes.duration_days,
        episodes.source,
        episodes.diagnosis,
        episodes.diagnosis_chapter,
        episodes.diagnosis_group,
        episodes.grade_at_start,
        episodes.highest_grade,
        episodes.is_graded,
        outcomes.outcome,
        outcomes.outcome_month,
        outcomes.censoring_reason,
        {{ year_of('episodes.first_day') }} - participants.birth_year as age,
        case when participants.sex = 'K' then 1 else 0 end as female,
        participants.born_in_norway,
        education.education_level,
        at_start.employed_at_start,
        at_start.stillingsprosent,
        -- no income row in a covered year is an income of 0
        case
            when
                {{ year_of('episodes.first_day') }} - 1
                between windows.income_first_year and windows.income_last_year
                -- double on every engine (Spark's division of decimals stays decimal)
                then cast(coalesce(income_year_before.income_nok, 0) as double) / basic_amount.g_yearly_average
        end as income_g_year_before,
        case
            when {{ add_months('episodes.first_day', -36) }} >= windows.sick_leave_first_day
                then cast(coalesce(sick_leave_before.sick_leave_days, 0) as {{ dbt.type_int() }})
        end as sick_leave_days_3y,
        case
            when
                {{ add_months('episodes.first_day', -12) }} >= windows.npr_first_day
                and episodes.first_day <= {{ add_days('windows.npr_last_day', 1) }}
                then cast(coalesce(npr_before.contacts, 0) as {{ dbt.type_int() }})
        end as npr_contacts_1y,
        at_start.aap_year_before
    from episodes
    cross join windows
    inner join participants on episodes.person_id = participants.person_id
    inner join outcomes on episodes.episode_id = outcomes.episode_id
    inner join at_start on episodes.episode_id = at_start.episode_id
    left join education on episodes.episode_id = education.episode_id
    left join basic_amount on basic_amount.year = {{ year_of('episodes.first_day') }} - 1
    left join income_year_before on episodes.episode_id = income_year_before.episode_id
    left join sick_leave_before on episodes.episode_id = sick_leave_before.episode_id
    left join npr_before on episodes.episode_id = npr_before.episode_id

)

select * from final
