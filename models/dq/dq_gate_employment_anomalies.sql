-- One row per employment relationship that the register reports inconsistently:
-- registered in a month that starts after its reported end date, with a start
-- date that changes between registration months, or registered more than once
-- in one month with different values (conflicting registrations). The panel
-- copes with all three (the latest registration wins, and within a month the
-- rule of int_employment_relationships picks one); the gates count them. Aggregated per relationship
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

per_month as (

    -- the distinct registrations of a relationship in one month (exact
    -- duplicates are already removed, so two rows here differ somewhere)
    select
        arbeidsforhold_id,
        reg_month,
        count(*) as n_registrations
    from registrations
    group by arbeidsforhold_id, reg_month

),

conflicts as (

    select
        arbeidsforhold_id,
        count(*) as n_conflicting_months
    from per_month
    where n_registrations > 1
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
        case when per_relationship.n_start_dates > 1 then 1 else 0 end as start_changed,
        coalesce(conflicts.n_conflicting_months, 0) as n_conflicting_months,
        case when conflicts.n_conflicting_months > 0 then 1 else 0 end as conflicting_registrations
    from relationships
    inner join per_relationship
        on relationships.arbeidsforhold_id = per_relationship.arbeidsforhold_id
    left join after_end
        on relationships.arbeidsforhold_id = after_end.arbeidsforhold_id
    left join conflicts
        on relationships.arbeidsforhold_id = conflicts.arbeidsforhold_id

),

final as (

    select *
    from flagged
    where
        registered_after_end = 1
        or start_changed = 1
        or conflicting_registrations = 1

)

select * from final
