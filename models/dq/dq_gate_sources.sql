-- One row per raw source: its data rows (header excluded) and where each went -
-- loaded, removed as an exact duplicate, or quarantined (those set aside as
-- implausible counted apart) - with the rows not accounted for (healthy: zero)
-- and the quarantined share. The per-source gates read this one model.

with

source_rows as (

    select * from {{ ref('dq_source_rows') }}

),

final as (

    select
        source,
        raw_rows,
        loaded_rows,
        duplicate_rows,
        quarantined_rows,
        quarantined_implausible_value as implausible_rows,
        raw_rows - (loaded_rows + duplicate_rows + quarantined_rows) as unaccounted_rows,
        case
            when raw_rows > 0
                then cast(quarantined_rows as double) / raw_rows
            else 0
        end as quarantine_share
    from source_rows

)

select * from final
