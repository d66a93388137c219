-- Who combines AAP (work assessment allowance, or a predecessor) with work in the
-- same month, and for how long: one row per person with at least one such month.

with

person_months as (

    select * from {{ warehouse_relation('fct_person_month') }}

),

per_person as (

    select
        person_id,
        arm,
        sum(aap_and_employed) as n_months_aap_and_employed,
        sum(on_aap) as n_months_on_aap,
        sum(employed) as n_months_employed,
        min(case when aap_and_employed = 1 then month end) as first_month_aap_and_employed
    from person_months
    group by person_id, arm

),

final as (

    select *
    from per_person
    where n_months_aap_and_employed > 0

)

select * from final
order by n_months_aap_and_employed desc, person_id asc
