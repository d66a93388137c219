-- One row per benefit payment that counts: positive payments not cancelled by a
-- reversal, mapped to a status through the benefit-code seed. A reversal (negative
-- belop) cancels one payment of the same person, ytelse, fom_date and tom_date with
-- the negated amount; reversals and payments are paired one to one in line order,
-- so the k-th payment of a key is cancelled when the key has at least k reversals.
-- Only the few keys with a reversal are ranked. stg_ytelser is named in each CTE
-- that reads it (no import CTE): a CTE read three times would be copied into
-- memory whole.

with

benefit_codes as (

    select * from {{ ref('ref_benefit_codes') }}

),

reversal_keys as (

    select
        person_id,
        ytelse,
        fom_date,
        tom_date,
        -1 * belop as amount,
        count(*) as n_reversals
    from {{ ref('stg_ytelser') }}
    where belop < 0
    group by person_id, ytelse, fom_date, tom_date, -1 * belop

),

cancelled as (

    -- the first n_reversals payments of each key, in line order
    select ranked.source_line
    from (
        select
            payments.source_line,
            reversal_keys.n_reversals,
            row_number() over (
                partition by
                    payments.person_id,
                    payments.ytelse,
                    payments.fom_date,
                    payments.tom_date,
                    payments.belop
                order by payments.source_line
            ) as pair_rank
        from {{ ref('stg_ytelser') }} as payments
        inner join reversal_keys
            on
                payments.person_id = reversal_keys.person_id
                and payments.ytelse = reversal_keys.ytelse
                and payments.fom_date = reversal_keys.fom_date
                and payments.tom_date = reversal_keys.tom_date
                and payments.belop = reversal_keys.amount
    ) as ranked
    where ranked.pair_rank <= ranked.n_reversals

),

counting as (

    select payments.*
    from {{ ref('stg_ytelser') }} as payments
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
