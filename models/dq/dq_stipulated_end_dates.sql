-- One row per employment relationship whose end date was stipulated (no registration
-- reports an end and it stopped being registered before the register's last month),
-- with the registration months the rule removed and whether the end was clamped to
-- the start month.

with

relationships as (

    select * from {{ ref('int_employment_relationships') }}

),

final as (

    select
        person_id,
        arbeidsforhold_id,
        arbeidsforhold_type,
        is_counted,
        start_date,
        first_reg_month,
        last_reg_month,
        n_reg_months,
        stipulated_end_date,
        n_reg_months_removed,
        is_clamped
    from relationships
    where end_kind = 'stipulated'

)

select * from final
