-- The sound, de-duplicated rows of participants.csv, typed.

with

checked as (

    select * from {{ ref('base_participants__verdicts') }}

),

final as (

    select
        source_line,
        -- ids
        person_id,
        -- codes and attributes
        centre_id,
        arm,
        sex,
        birth_year,
        born_in_norway,
        diagnosis_group,
        -- dates and periods
        randomised_date,
        death_date
    from checked
    where row_status = 'loaded'

)

select * from final
