-- One row per person whose panel rows are not exactly one per month of the
-- employer/employee register's coverage: a person with register data missing from
-- the panel, a person in the panel without register data, months missing,
-- duplicated or outside the coverage. Healthy result: no rows. Counted per person
-- (aggregate first) so the check is linear in panel rows.

with

participants as (

    select * from {{ ref('dim_participant') }}

),

person_months as (

    select * from {{ ref('fct_person_month') }}

),

coverage as (

    select * from {{ ref('stg_coverage') }}

),

panel_window as (

    select
        first_month,
        last_month,
        {{ calendar_months_between('first_month', 'last_month') }} + 1 as n_months
    from coverage
    where source = 'aa_arbeidsforhold'

),

expected_persons as (

    select person_id
    from participants
    where has_register_data

),

rows_per_person as (

    select
        person_months.person_id,
        count(*) as n_rows,
        count(distinct person_months.month) as n_distinct_months,
        sum(
            case
                when
                    person_months.month between panel_window.first_month
                    and panel_window.last_month
                    then 0
                else 1
            end
        ) as n_rows_outside_coverage
    from person_months
    cross join panel_window
    group by person_months.person_id

),

compared as (

    select
        coalesce(expected_persons.person_id, rows_per_person.person_id) as person_id,
        panel_window.n_months as n_months_expected,
        coalesce(rows_per_person.n_rows, 0) as n_rows,
        coalesce(rows_per_person.n_distinct_months, 0) as n_distinct_months,
        coalesce(rows_per_person.n_rows_outside_coverage, 0) as n_rows_outside_coverage,
        case
            when rows_per_person.person_id is null then 'missing_person'
            when expected_persons.person_id is null then 'unexpected_person'
            when rows_per_person.n_rows_outside_coverage > 0 then 'months_outside_coverage'
            when rows_per_person.n_rows > rows_per_person.n_distinct_months
                then 'duplicate_months'
            when rows_per_person.n_distinct_months < panel_window.n_months
                then 'missing_months'
        end as problem
    from expected_persons
    full outer join rows_per_person
        on expected_persons.person_id = rows_per_person.person_id
    cross join panel_window

),

final as (

    select *
    from compared
    where problem is not null

)

select * from final
