-- The sound, de-duplicated rows of inntekt.csv, typed.

with

checked as (

    select * from {{ ref('base_inntekt__verdicts') }}

),

final as (

    select
        source_line,
        -- ids
        person_id,
        -- dates and periods
        year,
        -- amounts and shares
        pensjonsgivende_inntekt
    from checked
    where row_status = 'loaded'

)

select * from final
