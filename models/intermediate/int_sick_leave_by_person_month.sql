-- One row per person and month in which some reconciled sick-leave day falls, with
-- the source: the register when a register spell is active, else the certificates.

with

day_spells as (

    select * from {{ ref('int_sick_leave_day_spells') }}

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

final as (

    select
        person_id,
        month,
        1 as sick_listed,
        case when max(is_register) = 1 then 'register' else 'certificate' end
            as sick_listed_source
    from active
    group by person_id, month

)

select * from final
