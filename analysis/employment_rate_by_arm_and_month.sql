-- In work, by arm and months since randomisation: the share of persons observed
-- in the month who have a counted employment relationship (the primary outcome,
-- as in the trial's figure). avg() skips NULL, so persons in months outside the
-- register's coverage are not counted as out of work.

with

person_months as (

    select * from {{ warehouse_relation('fct_person_month') }}

),

final as (

    select
        arm,
        rel_month,
        count(employed) as n_persons_observed,
        sum(employed) as n_employed,
        avg(employed) as employment_rate
    from person_months
    group by arm, rel_month

)

select * from final
order by arm, rel_month
