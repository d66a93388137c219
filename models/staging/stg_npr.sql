-- The sound, de-duplicated rows of npr.csv, typed.

with

checked as (

    select * from {{ ref('base_npr__verdicts') }}

),

final as (

    select
        source_line,
        -- ids
        person_id,
        episode_id,
        -- codes and attributes
        kontakttype,
        -- dates and periods
        inn_date,
        ut_date
    from checked
    where row_status = 'loaded'

)

select * from final
