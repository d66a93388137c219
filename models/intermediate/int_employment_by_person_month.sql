-- One row per person and month in which some counted employment relationship is
-- active under its effective end. Relationships are joined to the month spine by
-- range, so each relationship expands over its own months only.

with

relationships as (

    select * from {{ ref('int_employment_relationships') }}

),

spine as (

    select * from {{ ref('int_month_spine') }}

),

counted as (

    select *
    from relationships
    where is_counted = 1

),

active as (

    select
        counted.person_id,
        spine.month,
        counted.stillingsprosent,
        case when counted.end_kind = 'stipulated' then 1 else 0 end as is_stipulated
    from counted
    inner join spine
        on
            counted.start_date <= spine.month_end
            and (counted.effective_end_date is null or counted.effective_end_date >= spine.month)

),

final as (

    select
        person_id,
        month,
        cast(count(*) as {{ dbt.type_int() }}) as n_jobs,
        max(stillingsprosent) as max_stillingsprosent,
        cast(sum(is_stipulated) as {{ dbt.type_int() }}) as n_jobs_stipulated
    from active
    group by person_id, month

)

select * from final
