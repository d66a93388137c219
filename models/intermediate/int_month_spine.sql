-- One row per month of the panel (the aa_arbeidsforhold coverage), with which
-- source observes that month. The fact table reads the flags for the NULL rule.
-- The Jinja loops below write one line per source; the indentation rule
-- cannot see their layout, so it is off here.
-- noqa: disable=LT02

with

coverage as (

    select * from {{ ref('stg_coverage') }}

),

numbers as (

    -- 1200 months (100 years) is far more than any register window.
    {{ dbt.generate_series(1200) }}

),

panel_window as (

    select
        first_month,
        last_month
    from coverage
    where source = 'aa_arbeidsforhold'

),

months as (

    select {{ add_months('panel_window.first_month', 'numbers.generated_number - 1') }} as month
    from panel_window
    cross join numbers

),

in_window as (

    select months.month
    from months
    cross join panel_window
    where months.month <= panel_window.last_month

),

source_months as (

    -- months x sources (a dozen rows per month): which source covers which month
    select
        in_window.month,
        coverage.source,
        coverage.first_month,
        coverage.last_month,
        case
            when in_window.month between coverage.first_month and coverage.last_month then 1
            else 0
        end as is_covered
    from in_window
    cross join coverage

),

education_window as (

    select
        first_month,
        {{ year_of('last_month') }} as last_year
    from coverage
    where source = 'utdanning'

),

pivoted as (

    -- one covered_<source> flag per source some status needs (macro panel_statuses)
    select
        month,
        {%- for source in panel_coverage_sources() %}
        max(case when source = '{{ source }}' then is_covered else 0 end)
            as covered_{{ source }}{{ ',' if not loop.last }}
        {%- endfor %}
    from source_months
    group by month

),

final as (

    select
        pivoted.month,
        {{ month_end('pivoted.month') }} as month_end,
        {{ year_of('pivoted.month') }} as year,
        {{ month_of('pivoted.month') }} as calendar_month,
        {%- for source in panel_coverage_sources() %}
        pivoted.covered_{{ source }},
        {%- endfor %}
        -- The October status of the month's year; after the last delivered year the
        -- last year's value is carried forward, so only months before the source
        -- starts are unobserved.
        case
            when pivoted.month >= education_window.first_month
                then least({{ year_of('pivoted.month') }}, education_window.last_year)
        end as education_oct_year
    from pivoted
    left join education_window on 1 = 1

)

select * from final
