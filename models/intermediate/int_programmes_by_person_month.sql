-- One row per person and month overlapped by a counting programme participation.

with

participations as (

    select * from {{ ref('int_programme_participations') }}

),

spine as (

    select * from {{ ref('int_month_spine') }}

),

active as (

    select
        participations.person_id,
        spine.month
    from participations
    inner join spine
        on
            participations.fom_date <= spine.month_end
            and participations.effective_tom_date >= spine.month

),

final as (

    select
        person_id,
        month,
        1 as in_programme,
        count(*) as n_participations
    from active
    group by person_id, month

)

select * from final
