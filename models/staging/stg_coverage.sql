-- The sound, de-duplicated rows of coverage.csv, typed.

with

checked as (

    select * from {{ ref('base_coverage__verdicts') }}

),

final as (

    select
        source_line,
        -- ids
        source,
        -- dates and periods
        first_month,
        last_month
    from checked
    where row_status = 'loaded'

)

select * from final
