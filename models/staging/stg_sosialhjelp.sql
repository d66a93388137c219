-- The sound, de-duplicated rows of sosialhjelp.csv, typed.

with

checked as (

    select * from {{ ref('base_sosialhjelp__verdicts') }}

),

final as (

    select
        source_line,
        -- ids
        person_id,
        -- dates and periods
        month,
        -- amounts and shares
        belop
    from checked
    where row_status = 'loaded'

)

select * from final
