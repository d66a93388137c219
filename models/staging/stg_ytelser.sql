-- The sound, de-duplicated rows of ytelser.csv, typed.

with

checked as (

    select * from {{ ref('base_ytelser__verdicts') }}

),

final as (

    select
        source_line,
        -- ids
        person_id,
        utbetaling_id,
        -- codes and attributes
        ytelse,
        -- dates and periods
        fom_date,
        tom_date,
        -- amounts and shares
        belop
    from checked
    where row_status = 'loaded'

)

select * from final
