-- Nothing lost: for every source, each raw row is loaded, removed as an exact
-- duplicate or quarantined. Returns the sources where that does not add up.
{{ config(severity='error', tags=['staging', 'critical']) }}

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
        quarantined_rows
    from source_rows
    where raw_rows <> loaded_rows + duplicate_rows + quarantined_rows

)

select * from final
