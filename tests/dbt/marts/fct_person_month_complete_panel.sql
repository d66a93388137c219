-- The panel is complete: exactly one row per person with register data per month
-- of the aa_arbeidsforhold coverage, and no row for anyone else or any other month.
-- Returns every missing or extra (person, month).

with

participants as (

    select * from {{ ref('dim_participant') }}

),

coverage as (

    select * from {{ ref('stg_coverage') }}

),

person_months as (

    select * from {{ ref('fct_person_month') }}

),

spine as (

    select month
    from {{ ref('int_month_spine') }}

),

window_bounds as (

    select
        first_month,
        last_month,
        {{ calendar_months_between('first_month', 'last_month') }} + 1 as n_months
    from coverage
    where source = 'aa_arbeidsforhold'

),

expected as (

    select
        participants.person_id,
        spine.month
    from participants
    cross join spine
    where participants.has_register_data

),

observed as (

    select
        person_id,
        month,
        count(*) as n_rows
    from person_months
    group by person_id, month

),

compared as (

    select
        coalesce(expected.person_id, observed.person_id) as person_id,
        coalesce(expected.month, observed.month) as month,
        case
            when observed.person_id is null then 'missing'
            when expected.person_id is null then 'extra'
            when observed.n_rows > 1 then 'duplicated'
        end as problem
    from expected
    full outer join observed
        on
            expected.person_id = observed.person_id
            and expected.month = observed.month

),

spine_problems as (

    -- the spine itself must run over the whole coverage, month by month
    select
        cast(null as {{ dbt.type_string() }}) as person_id,
        cast(null as date) as month,
        'spine has ' || cast(count(*) as {{ dbt.type_string() }}) || ' months' as problem
    from spine
    cross join window_bounds
    group by window_bounds.n_months, window_bounds.first_month, window_bounds.last_month
    having
        count(*) <> window_bounds.n_months
        or min(spine.month) <> window_bounds.first_month
        or max(spine.month) <> window_bounds.last_month

),

final as (

    select * from compared
    where problem is not null
    union all
    select * from spine_problems

)

select * from final
