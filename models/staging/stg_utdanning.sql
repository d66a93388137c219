-- The sound, de-duplicated rows of utdanning.csv, typed.

with

checked as (

    select * from {{ ref('base_utdanning__verdicts') }}

),

final as (

    select
        source_line,
        -- ids
        person_id,
        -- codes and attributes
        nus2000,
        i_utdanning,
        -- dates and periods
        year
    from checked
    where row_status = 'loaded'

)

select * from final
