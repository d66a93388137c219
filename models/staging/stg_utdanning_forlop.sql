-- The sound, de-duplicated rows of utdanning_forlop.csv, typed.

with

checked as (

    select * from {{ ref('base_utdanning_forlop__verdicts') }}

),

final as (

    select
        source_line,
        -- ids
        person_id,
        -- codes and attributes
        nus2000,
        -- dates and periods
        fom_date,
        tom_date
    from checked
    where row_status = 'loaded'

)

select * from final
