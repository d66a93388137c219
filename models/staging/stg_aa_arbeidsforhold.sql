-- The sound, de-duplicated rows of aa_arbeidsforhold.csv, typed.

with

checked as (

    select * from {{ ref('base_aa_arbeidsforhold__verdicts') }}

),

final as (

    select
        source_line,
        -- ids
        person_id,
        arbeidsforhold_id,
        orgnr,
        -- codes and attributes
        arbeidsforhold_type,
        -- dates and periods
        reg_month,
        start_date,
        end_date,
        -- amounts and shares
        stillingsprosent
    from checked
    where row_status = 'loaded'

)

select * from final
