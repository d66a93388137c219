-- One row per person and month with social-assistance rows: the month's summed
-- belop and whether it is positive (several rows in a month are possible).

with

social_assistance as (

    select * from {{ ref('stg_sosialhjelp') }}

),

summed as (

    select
        person_id,
        month,
        sum(belop) as belop
    from social_assistance
    group by person_id, month

),

final as (

    select
        person_id,
        month,
        belop,
        case when belop > 0 then 1 else 0 end as on_social_assistance
    from summed

)

select * from final
