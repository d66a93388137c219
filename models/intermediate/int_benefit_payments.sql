-- One row per benefit payment that counts: positive payments not cancelled by a
-- reversal, mapped to a status through the benefit-code seed. A reversal (negative
-- belop) cancels one payment of the same person, ytelse, fom_date and tom_date with
-- the negated amount; reversals and payments are paired one to one in line order,
-- so a reversal with nothing to reverse cancels nothing.

with

payments_and_reversals as (

    select * from {{ ref('stg_ytelser') }}

),

benefit_codes as (

    select * from {{ ref('ref_benefit_codes') }}

),

ranked as (

    select
        payments_and_reversals.*,
        case when payments_and_reversals.belop < 0 then 1 else 0 end as is_reversal,
        row_number() over (
            partition by
                payments_and_reversals.person_id,
                payments_and_reversals.ytelse,
                payments_and_reversals.fom_date,
                payments_and_reversals.tom_date,
                abs(payments_and_reversals.belop),
                case when payments_and_reversals.belop < 0 then 1 else 0 end
            order by payments_and_reversals.source_line
        ) as pair_rank
    from payments_and_reversals

),

payments as (

    select * from ranked
    where is_reversal = 0

),

reversals as (

    select * from ranked
    where is_reversal = 1

),

counting as (

    select payments.*
    from payments
    left join reversals
        on
            payments.person_id = reversals.person_id
            and payments.ytelse = reversals.ytelse
            and payments.fom_date = reversals.fom_date
            and payments.tom_date = reversals.tom_date
            and payments.belop = -1 * reversals.belop
            and payments.pair_rank = reversals.pair_rank
    where reversals.person_id is null

),

final as (

    select
        counting.person_id,
        counting.utbetaling_id,
        counting.ytelse,
        benefit_codes.status,
        counting.fom_date,
        counting.tom_date,
        counting.belop
    from counting
    inner join benefit_codes on counting.ytelse = benefit_codes.ytelse

)

select * from final
