-- One row per participant (everyone randomised), with baseline characteristics at
-- randomisation and whether the person has usable register data. The arms and
-- clusters are the study's (macro study). The Jinja loops write one CTE or
-- line per source; the indentation rule cannot see their layout, so it is off.
-- noqa: disable=LT02

with

participants as (

    select * from {{ ref('stg_participants') }}

),

coverage as (

    select * from {{ ref('stg_coverage') }}

),

incomes as (

    select * from {{ ref('stg_inntekt') }}

),

basic_amount as (

    select * from {{ ref('ref_basic_amount') }}

),

spine as (

    select * from {{ ref('int_month_spine') }}

),
{%- set statuses = panel_statuses() %}
{%- set work_inputs = statuses | selectattr('column', 'in', ['employed', 'sick_leave_full_days']) | list %}
{%- for source in work_inputs | map(attribute='source') | unique %}

{{ source }} as (

    select * from {{ ref('int_' ~ source ~ '_by_person_month') }}

),
{%- endfor %}

register_window as (

    select {{ month_end('last_month') }} as last_day
    from coverage
    where source = 'aa_arbeidsforhold'

),

income_window as (

    select
        {{ year_of('first_month') }} as first_year,
        {{ year_of('last_month') }} as last_year
    from coverage
    where source = 'inntekt'

),

education_at_randomisation as (

    {{ education_level_on('participants', 'person_id', 'randomised_date') }}

),

income_2013 as (

    select
        person_id,
        sum(pensjonsgivende_inntekt) as income_2013_nok
    from incomes
    where year = 2013
    group by person_id

),

months_before as (

    -- the 24 months before the month of randomisation, with the statuses work
    -- participation is derived from, by the panel's own rules (macro panel_statuses)
    select
        participants.person_id,
        grid.month,
        {%- for status in work_inputs %}
        case
            when {{ panel_status_observed(status) }} then {{ panel_status_value(status) }}
        end as {{ status.column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from participants
    inner join spine as grid
        on
            grid.month >= {{ add_months(month_start('participants.randomised_date'), -24) }}
            and grid.month < {{ month_start('participants.randomised_date') }}
    {%- for source in work_inputs | map(attribute='source') | unique %}
    left join {{ source }}
        on participants.person_id = {{ source }}.person_id and grid.month = {{ source }}.month
    {%- endfor %}

),

work_before as (

    -- NULL unless all 24 months are observed
    select
        months_before.person_id,
        case
            when count({{ work_participation('months_before') }}) = 24
                then cast(sum(1 - {{ work_participation('months_before') }}) as integer)
        end as months_out_of_work
    from months_before
    group by months_before.person_id

),

final as (

    select
        participants.person_id,
        participants.arm,
        case
            when participants.arm is null then null
            when participants.arm = '{{ study_treated_code() }}' then 1
            else 0
        end as is_treated,
        participants.centre_id as cluster_id,
        -- aliases for the IPS study, kept for one release
        case
            when participants.arm is null then null
            when participants.arm = '{{ study_treated_code() }}' then 1
            else 0
        end as is_ips,
        {{ parse_integer('participants.centre_id', 'integer') }} as centre_id,
        participants.sex,
        case when participants.sex = 'K' then 1 else 0 end as female,
        participants.birth_year,
        {{ year_of('participants.randomised_date') }} - participants.birth_year
            as age_at_randomisation,
        participants.born_in_norway,
        participants.diagnosis_group,
        education_at_randomisation.education_level,
        -- no income row in a covered year is an income of 0
        case
            when income_window.first_year <= 2013 and income_window.last_year >= 2013
                then cast(coalesce(income_2013.income_2013_nok, 0) as bigint)
        end as income_2013_nok,
        case
            when income_window.first_year <= 2013 and income_window.last_year >= 2013
                -- double on every engine (Spark's division of decimals stays decimal)
                then cast(coalesce(income_2013.income_2013_nok, 0) as double) / basic_amount.g_yearly_average
        end as income_2013_g,
        work_before.months_out_of_work,
        participants.randomised_date,
        coalesce(participants.death_date > register_window.last_day, true) as has_register_data,
        case
            when participants.death_date <= register_window.last_day
                then 'died_before_register_window_end'
        end as excluded_reason
    from participants
    cross join register_window
    left join income_window on 1 = 1
    left join basic_amount on basic_amount.year = 2013
    left join education_at_randomisation
        on participants.person_id = education_at_randomisation.person_id
    left join income_2013 on participants.person_id = income_2013.person_id
    left join work_before on participants.person_id = work_before.person_id

)

select * from final
