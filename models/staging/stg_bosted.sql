-- The sound, de-duplicated rows of bosted.csv, typed.

with

checked as (

    select * from {{ ref('base_bosted__verdicts') }}

),

final as (

    select
        source_line,
        -- ids
        person_id,
        -- codes and attributes
        region,
        -- dates and periods
        fom_date,
        tom_date
    from checked
    where row_status = 'loaded'

)

select * from final
