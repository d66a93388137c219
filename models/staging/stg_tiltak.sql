-- The sound, de-duplicated rows of tiltak.csv, typed.

with

checked as (

    select * from {{ ref('base_tiltak__verdicts') }}

),

final as (

    select
        source_line,
        -- ids
        person_id,
        deltakelse_id,
        -- codes and attributes
        tiltakskode,
        deltakerstatus,
        -- dates and periods
        fom_date,
        tom_date
    from checked
    where row_status = 'loaded'

)

select * from final
