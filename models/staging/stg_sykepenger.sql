-- The sound, de-duplicated rows of sykepenger.csv, typed.

with

checked as (

    select * from {{ ref('base_sykepenger__verdicts') }}

),

final as (

    select
        source_line,
        -- ids
        person_id,
        sykefravaer_id,
        -- codes and attributes
        diagnose,
        -- dates and periods
        fom_date,
        tom_date,
        -- amounts and shares
        grad
    from checked
    where row_status = 'loaded'

)

select * from final
