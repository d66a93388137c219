-- One row per benefit payment that counts: positive payments not cancelled by a
-- reversal, mapped to a status through the benefit-code seed. Which payments a
-- reversal cancels is decided once, with the orphan reversals, in
-- stg_ytelser__reversal_pairs.

with

payments as (

    select * from {{ ref('stg_ytelser') }}

),

reversal_pairs as (

    select * from {{ ref('stg_ytelser__reversal_pairs') }}

),

benefit_codes as (

    select * from {{ ref('ref_benefit_codes') }}

),

cancelled as (

    select source_line
    from reversal_pairs
    where pairing = 'cancelled_payment'

),

counting as (

    select payments.*
    from payments
    left join cancelled
        on payments.source_line = cancelled.source_line
    where payments.belop >= 0 and cancelled.source_line is null

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
