{#-
    Reversals of a file whose negative amounts must cancel a payment (ytelser),
    paired once.

    reversal_pairs(name): the source_line of every sound reversal (negative
    belop) with no payment left to cancel (pairing orphan_reversal) and of
    every sound payment a reversal cancels (pairing cancelled_payment).
    Reversals cancel payments one to one: the k-th sound reversal of a key
    (person_id, ytelse, fom_date, tom_date, amount) matches the k-th sound
    payment of the same key, both in line order, so the k-th reversal is an
    orphan when the key has fewer than k payments, and the k-th payment is
    cancelled when the key has at least k reversals. Only the few keys that
    have a reversal are ranked.

    reversal_verdicts(name): the line-by-line verdicts of checked_rows with
    every orphan quarantined as orphan_reversal.

    Each CTE names the relation it reads (no import CTE): a CTE read twice is
    copied into memory whole, and these relations hold every line of the file.
-#}
{% macro reversal_pairs(name) %}
    {%- set line_checks = ref('stg_' ~ name ~ '__line_checks') -%}

with

reversal_keys as (
    select distinct
        person_id,
        ytelse,
        fom_date,
        tom_date,
        -belop as amount
    from {{ line_checks }}
    where row_status = 'loaded' and belop < 0
),

key_rows as (
    -- the sound payments and reversals of those keys
    select
        line_checks.source_line,
        line_checks.person_id,
        line_checks.ytelse,
        line_checks.fom_date,
        line_checks.tom_date,
        line_checks.belop
    from {{ line_checks }} as line_checks
    inner join reversal_keys
        on
            line_checks.person_id = reversal_keys.person_id
            and line_checks.ytelse = reversal_keys.ytelse
            and line_checks.fom_date = reversal_keys.fom_date
            and line_checks.tom_date = reversal_keys.tom_date
            and abs(line_checks.belop) = reversal_keys.amount
    where line_checks.row_status = 'loaded'
),

ranked as (
    select
        source_line,
        belop,
        row_number() over (
            partition by person_id, ytelse, fom_date, tom_date, belop
            order by source_line
        ) as rank_in_key,
        sum(case when belop > 0 then 1 else 0 end) over (
            partition by person_id, ytelse, fom_date, tom_date, abs(belop)
        ) as key_payments,
        sum(case when belop < 0 then 1 else 0 end) over (
            partition by person_id, ytelse, fom_date, tom_date, abs(belop)
        ) as key_reversals
    from key_rows
),

final as (
    select
        source_line,
        case when belop < 0 then 'orphan_reversal' else 'cancelled_payment' end as pairing
    from ranked
    where
        (belop < 0 and rank_in_key > key_payments)
        or (belop > 0 and rank_in_key <= key_reversals)
)

select * from final
{% endmacro %}


{% macro reversal_verdicts(name) %}
    {%- set columns = rtwpanel.raw_files()[name]['columns'] -%}

with

line_checks as (
    select * from {{ ref('stg_' ~ name ~ '__line_checks') }}
),

orphan_reversals as (
    select * from {{ ref('stg_' ~ name ~ '__reversal_pairs') }}
    where pairing = 'orphan_reversal'
),

final as (
    select
        line_checks.source_line,
        case
            when orphan_reversals.source_line is not null then 'quarantined'
            else line_checks.row_status
        end as row_status,
        case
            when orphan_reversals.source_line is not null then 'orphan_reversal'
            else line_checks.reason
        end as reason,
        line_checks.column_name,
        line_checks.offending_value,
        -- kept for quarantined rows only (and only with var quarantine_raw_lines)
        case
            when line_checks.row_status = 'quarantined' or orphan_reversals.source_line is not null
                then line_checks.raw_line
        end as raw_line,
        {%- for column in columns %}
        line_checks.{{ column['name'] }}{{ ',' if not loop.last }}
        {%- endfor %}
    from line_checks
    left join orphan_reversals
        on line_checks.source_line = orphan_reversals.source_line
)

select * from final
{% endmacro %}
