-- The strict date and month parsers on hand-picked values: YYYYMMDD / YYYYMM
-- only, real calendar dates only. Returns every value parsed wrongly.
{{ config(severity='error', tags=['staging']) }}

with

examples as (

    select '20131120' as raw_value, 'date' as kind, cast('2013-11-20' as date) as expected
    union all select '20120229', 'date', cast('2012-02-29' as date)
    union all select '20130229', 'date', cast(null as date)
    union all select '20131332', 'date', cast(null as date)
    union all select '20140230', 'date', cast(null as date)
    union all select '2013-05-01', 'date', cast(null as date)
    union all select '0', 'date', cast(null as date)
    union all select '201311201', 'date', cast(null as date)
    union all select ' 20131120', 'date', cast(null as date)
    union all select '201311', 'month', cast('2013-11-01' as date)
    union all select '201401', 'month', cast('2014-01-01' as date)
    union all select '201313', 'month', cast(null as date)
    union all select '201400', 'month', cast(null as date)
    union all select '2014-01', 'month', cast(null as date)
    union all select '20140101', 'month', cast(null as date)

),

parsed as (

    select
        raw_value,
        kind,
        expected,
        case
            when kind = 'date' then {{ rtwpanel.parse_date('raw_value') }}
            else {{ rtwpanel.parse_month('raw_value') }}
        end as parsed
    from examples

),

final as (

    select *
    from parsed
    where not (parsed = expected or (parsed is null and expected is null))

)

select * from final
