-- One row per person and month in which some reconciled sick-leave day falls, with
-- the source (the register when a register spell is active, else the
-- certificates), the highest grade of the month's days, and the days on sick
-- leave and at grade 100 (each day counted once where pieces overlap).

with

day_spells as (

    select * from {{ ref('int_sick_leave_day_spells') }}

),

pieces as (

    select * from {{ ref('int_sick_leave_graded_pieces') }}

),

spine as (

    select * from {{ ref('int_month_spine') }}

),

active as (

    select
        day_spells.person_id,
        spine.month,
        case when day_spells.source = 'register' then 1 else 0 end as is_register
    from day_spells
    inner join spine
        on
            day_spells.fom_date <= spine.month_end
            and day_spells.tom_date >= spine.month

),

months as (

    select
        person_id,
        month,
        1 as sick_listed,
        case when max(is_register) = 1 then 'register' else 'certificate' end
            as sick_listed_source
    from active
    group by person_id, month

),

clipped as (

    -- each piece cut to each month it touches
    select
        pieces.person_id,
        spine.month,
        pieces.grad,
        case when pieces.grad >= 100 then 1 else 0 end as is_full,
        greatest(pieces.fom_date, spine.month) as first_day,
        least(pieces.tom_date, spine.month_end) as last_day
    from pieces
    inner join spine
        on
            pieces.fom_date <= spine.month_end
            and pieces.tom_date >= spine.month

),

reaches as (

    -- the latest day reached by the pieces before this one, among all pieces of
    -- the month and among the pieces at grade 100
    select
        clipped.*,
        max(clipped.last_day) over (
            partition by clipped.person_id, clipped.month
            order by clipped.first_day, clipped.last_day, clipped.grad
            rows between unbounded preceding and 1 preceding
        ) as reach,
        max(clipped.last_day) over (
            partition by clipped.person_id, clipped.month, clipped.is_full
            order by clipped.first_day, clipped.last_day, clipped.grad
            rows between unbounded preceding and 1 preceding
        ) as reach_at_grade
    from clipped

),

new_days as (

    -- the days a piece adds to those before it: the union of the pieces, summed
    select
        person_id,
        month,
        grad,
        is_full,
        greatest(
            {{ days_between(
                'greatest(first_day, coalesce(' ~ add_days('reach', 1) ~ ', first_day))',
                'last_day'
            ) }} + 1,
            0
        ) as added_days,
        greatest(
            {{ days_between(
                'greatest(first_day, coalesce(' ~ add_days('reach_at_grade', 1) ~ ', first_day))',
                'last_day'
            ) }} + 1,
            0
        ) as added_days_at_grade
    from reaches

),

graded as (

    select
        person_id,
        month,
        max(grad) as sick_leave_grade,
        cast(sum(added_days) as {{ dbt.type_int() }}) as sick_leave_days,
        cast(
            sum(case when is_full = 1 then added_days_at_grade else 0 end) as {{ dbt.type_int() }}
        ) as sick_leave_full_days
    from new_days
    group by person_id, month

),

final as (

    select
        months.person_id,
        months.month,
        months.sick_listed,
        months.sick_listed_source,
        graded.sick_leave_grade,
        graded.sick_leave_days,
        graded.sick_leave_full_days
    from months
    left join graded
        on months.person_id = graded.person_id and months.month = graded.month

)

select * from final
