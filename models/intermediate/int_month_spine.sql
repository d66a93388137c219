-- One row per month of the panel (the aa_arbeidsforhold coverage), with which
-- source observes that month. The fact table reads the flags for the NULL rule.

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

    select
        month,
        max(case when source = 'aa_arbeidsforhold' then is_covered else 0 end)
            as covered_aa_arbeidsforhold,
        max(case when source = 'ytelser' then is_covered else 0 end) as covered_ytelser,
        max(case when source = 'sykepenger' then is_covered else 0 end) as covered_sykepenger,
        max(case when source = 'sykmeldinger' then is_covered else 0 end) as covered_sykmeldinger,
        max(case when source = 'sosialhjelp' then is_covered else 0 end) as covered_sosialhjelp,
        max(case when source = 'tiltak' then is_covered else 0 end) as covered_tiltak,
        max(case when source = 'utdanning' then is_covered else 0 end) as covered_utdanning,
        max(case when source = 'utdanning_forlop' then is_covered else 0 end)
            as covered_utdanning_forlop,
        max(case when source = 'npr' then is_covered else 0 end) as covered_npr
    from source_months
    group by month

),

final as (

    select
        pivoted.month,
        {{ month_end('pivoted.month') }} as month_end,
        {{ year_of('pivoted.month') }} as year,
        {{ month_of('pivoted.month') }} as calendar_month,
        pivoted.covered_aa_arbeidsforhold,
        pivoted.covered_ytelser,
        pivoted.covered_sykepenger,
        pivoted.covered_sykmeldinger,
        pivoted.covered_sosialhjelp,
        pivoted.covered_tiltak,
        pivoted.covered_utdanning,
        pivoted.covered_utdanning_forlop,
        pivoted.covered_npr,
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
