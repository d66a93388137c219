-- One row per employment relationship that the register reports inconsistently:
-- registered in a month that starts after its reported end date, or with a start
-- date that changes between registration months. The panel copes with both (the
-- latest registration wins); the gates count them. Aggregated per relationship
-- before the join, so the check is linear in registrations.

with

registrations as (

    select * from {{ ref('stg_aa_arbeidsforhold') }}

),

relationships as (

    select * from {{ ref('int_employment_relationships') }}

),

per_relationship as (

    select
        arbeidsforhold_id,
        count(distinct start_date) as n_start_dates
    from registrations
    group by arbeidsforhold_id

),

after_end as (

    select
        registrations.arbeidsforhold_id,
        count(distinct registrations.reg_month) as n_reg_months_after_end
    from registrations
    inner join relationships
        on registrations.arbeidsforhold_id = relationships.arbeidsforhold_id
    where registrations.reg_month > relationships.reported_end_date
    group by registrations.arbeidsforhold_id

),

flagged as (

    select
        relationships.arbeidsforhold_id,
        relationships.person_id,
        relationships.start_date,
        relationships.reported_end_date,
        relationships.last_reg_month,
        coalesce(after_end.n_reg_months_after_end, 0) as n_reg_months_after_end,
        per_relationship.n_start_dates,
        case when after_end.n_reg_months_after_end > 0 then 1 else 0 end as registered_after_end,
        case when per_relationship.n_start_dates > 1 then 1 else 0 end as start_changed
    from relationships
    inner join per_relationship
        on relationships.arbeidsforhold_id = per_relationship.arbeidsforhold_id
    left join after_end
        on relationships.arbeidsforhold_id = after_end.arbeidsforhold_id

),

final as (

    select *
    from flagged
    where
        registered_after_end = 1
        or start_changed = 1

)

select * from final
