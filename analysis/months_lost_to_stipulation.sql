-- Months of work lost to stipulated end dates, per person: a relationship that
-- stopped being reported without an end date ends some months before its last
-- registration, so the months in between no longer count as work. Counted here
-- are the panel months after a stipulated end, up to the last registration, in
-- which the person is not in work (another job may still hold the month).

with

stipulated as (

    select * from {{ warehouse_relation('dq_stipulated_end_dates') }}

),

person_months as (

    select * from {{ warehouse_relation('fct_person_month') }}

),

counted_windows as (

    -- only relationships that count as work and lost registration months
    select
        person_id,
        arbeidsforhold_id,
        stipulated_end_date,
        last_reg_month,
        n_reg_months_removed
    from stipulated
    where
        is_counted = 1
        and n_reg_months_removed > 0

),

removed_per_person as (

    select
        person_id,
        count(*) as n_relationships_stipulated,
        sum(n_reg_months_removed) as n_registration_months_removed
    from counted_windows
    group by person_id

),

months_without_work as (

    -- range join per person: windows are a few months long
    select distinct
        person_months.person_id,
        person_months.month
    from counted_windows
    inner join person_months
        on
            counted_windows.person_id = person_months.person_id
            and counted_windows.stipulated_end_date < person_months.month
            and counted_windows.last_reg_month >= person_months.month
    where person_months.employed = 0

),

lost_per_person as (

    select
        person_id,
        count(*) as n_months_lost
    from months_without_work
    group by person_id

),

final as (

    select
        removed_per_person.person_id,
        removed_per_person.n_relationships_stipulated,
        removed_per_person.n_registration_months_removed,
        coalesce(lost_per_person.n_months_lost, 0) as n_months_lost
    from removed_per_person
    left join lost_per_person
        on removed_per_person.person_id = lost_per_person.person_id

)

select * from final
order by n_months_lost desc, person_id asc
