-- One row per person and month overlapped by a counting benefit payment, with a
-- flag per status.

with

payments as (

    select * from {{ ref('int_benefit_payments') }}

),

spine as (

    select * from {{ ref('int_month_spine') }}

),

active as (

    select
        payments.person_id,
        spine.month,
        payments.status
    from payments
    inner join spine
        on
            payments.fom_date <= spine.month_end
            and payments.tom_date >= spine.month

),

final as (

    select
        person_id,
        month,
        max(case when status = 'aap' then 1 else 0 end) as on_aap,
        max(case when status = 'disability' then 1 else 0 end) as on_disability,
        max(case when status = 'unemployment' then 1 else 0 end) as on_unemployment_benefit
    from active
    group by person_id, month

)

select * from final
