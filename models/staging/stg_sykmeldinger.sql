-- The sound, de-duplicated rows of sykmeldinger.csv, typed.

with

checked as (

    select * from {{ ref('base_sykmeldinger__verdicts') }}

),

final as (

    select
        source_line,
        -- ids
        person_id,
        sykmelding_id,
        -- codes and attributes
        diagnose,
        -- dates and periods
        fom_date,
        tom_date,
        utstedt_date,
        -- amounts and shares
        grad
    from checked
    where row_status = 'loaded'

)

select * from final
