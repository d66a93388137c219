-- One row per employment relationship (arbeidsforhold_id) with its effective end:
-- the reported end if any registration reports one (the latest such registration
-- wins), else a stipulated end when the relationship stopped being registered
-- before the register's last covered month, else open.
-- The registrations are named in each CTE that reads them (no import CTE): a CTE
-- read four times is copied into memory whole, and they are 24 million rows at a
-- million persons.

with

coverage as (

    select last_month
    from {{ ref('stg_coverage') }}
    where source = 'aa_arbeidsforhold'

),

ranked_registrations as (

    -- the latest registration month wins. Two registrations of one month that
    -- disagree (conflicting registrations, counted by a gate) are ranked by
    -- their values, never by their order in the file: the later start, then
    -- the higher position percentage, then type, employer and person in
    -- alphabetical order. The line breaks a tie only between equal values.
    select
        registrations.*,
        row_number() over (
            partition by registrations.arbeidsforhold_id
            order by
                registrations.reg_month desc,
                registrations.start_date desc,
                registrations.stillingsprosent desc,
                registrations.arbeidsforhold_type asc,
                registrations.orgnr asc,
                registrations.person_id asc,
                registrations.source_line desc
        ) as recency_rank
    from {{ ref('stg_aa_arbeidsforhold') }} as registrations

),

latest_registration as (

    -- the start date, type, person and position come from the latest registration
    select
        arbeidsforhold_id,
        person_id,
        orgnr,
        start_date,
        stillingsprosent,
        arbeidsforhold_type
    from ranked_registrations
    where recency_rank = 1

),

ranked_reported_ends as (

    select
        registrations.arbeidsforhold_id,
        registrations.end_date,
        -- within one month the later reported end wins, whatever the line order
        row_number() over (
            partition by registrations.arbeidsforhold_id
            order by
                registrations.reg_month desc,
                registrations.end_date desc,
                registrations.source_line desc
        ) as recency_rank
    from {{ ref('stg_aa_arbeidsforhold') }} as registrations
    where registrations.end_date is not null

),

latest_reported_end as (

    select
        arbeidsforhold_id,
        end_date as reported_end_date
    from ranked_reported_ends
    where recency_rank = 1

),

registration_span as (

    select
        registrations.arbeidsforhold_id,
        min(registrations.reg_month) as first_reg_month,
        max(registrations.reg_month) as last_reg_month,
        count(distinct registrations.reg_month) as n_reg_months
    from {{ ref('stg_aa_arbeidsforhold') }} as registrations
    group by registrations.arbeidsforhold_id

),

relationships as (

    select
        latest_registration.arbeidsforhold_id,
        latest_registration.person_id,
        latest_registration.orgnr,
        latest_registration.arbeidsforhold_type,
        latest_registration.stillingsprosent,
        latest_registration.start_date,
        registration_span.first_reg_month,
        registration_span.last_reg_month,
        registration_span.n_reg_months,
        latest_reported_end.reported_end_date,
        case
            when
                latest_reported_end.reported_end_date is null
                and registration_span.last_reg_month < coverage.last_month
                then {{ month_end(add_months(
                    'registration_span.last_reg_month',
                    -1 * var('aa_stipulation_lag_months')
                )) }}
        end as unclamped_stipulated_end_date
    from latest_registration
    inner join registration_span
        on latest_registration.arbeidsforhold_id = registration_span.arbeidsforhold_id
    left join latest_reported_end
        on latest_registration.arbeidsforhold_id = latest_reported_end.arbeidsforhold_id
    cross join coverage

),

ends as (

    select
        relationships.*,
        -- a stipulated end before the start would erase the relationship: it then
        -- counts in its start month only
        coalesce(
            relationships.unclamped_stipulated_end_date < relationships.start_date, false
        ) as is_clamped,
        case
            when relationships.unclamped_stipulated_end_date < relationships.start_date
                then {{ month_end('relationships.start_date') }}
            else relationships.unclamped_stipulated_end_date
        end as stipulated_end_date,
        case
            when relationships.reported_end_date is not null then 'reported'
            when relationships.unclamped_stipulated_end_date is not null then 'stipulated'
            else 'open'
        end as end_kind
    from relationships

),

removed_months as (

    -- registration months that fall after the stipulated end: employment the rule removed
    select
        ends.arbeidsforhold_id,
        count(distinct registrations.reg_month) as n_reg_months_removed
    from ends
    inner join {{ ref('stg_aa_arbeidsforhold') }} as registrations
        on ends.arbeidsforhold_id = registrations.arbeidsforhold_id
    where
        ends.end_kind = 'stipulated'
        and registrations.reg_month > ends.stipulated_end_date
    group by ends.arbeidsforhold_id

),

final as (

    select
        ends.arbeidsforhold_id,
        ends.person_id,
        ends.orgnr,
        ends.arbeidsforhold_type,
        case
            when ends.arbeidsforhold_type in (
                {%- for t in var('aa_counted_types') %}'{{ t }}'{{ ', ' if not loop.last }}{% endfor -%}
            ) then 1
            else 0
        end as is_counted,
        ends.stillingsprosent,
        ends.start_date,
        ends.first_reg_month,
        ends.last_reg_month,
        ends.n_reg_months,
        ends.reported_end_date,
        ends.stipulated_end_date,
        ends.is_clamped,
        ends.end_kind,
        coalesce(ends.reported_end_date, ends.stipulated_end_date) as effective_end_date,
        coalesce(removed_months.n_reg_months_removed, 0) as n_reg_months_removed
    from ends
    left join removed_months on ends.arbeidsforhold_id = removed_months.arbeidsforhold_id

)

select * from final
