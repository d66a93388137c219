-- The integer, year, number and 0/1-flag parsers on hand-picked values.
-- Returns every value parsed wrongly.
{{ config(severity='error', tags=['staging']) }}

with

examples as (

    select '8000' as raw_value, 'integer' as kind, cast(8000 as double) as expected
    union all select '-15000', 'integer', cast(-15000 as double)
    union all select '5x00', 'integer', cast(null as double)
    union all select '1.5e5', 'integer', cast(null as double)
    union all select '100.0', 'integer', cast(null as double)
    union all select '12345678901234567890', 'integer', cast(null as double)
    union all select '2013', 'year', cast(2013 as double)
    union all select '13', 'year', cast(null as double)
    union all select '20130', 'year', cast(null as double)
    union all select '50.5', 'number', cast(50.5 as double)
    union all select '100', 'number', cast(100 as double)
    union all select '50,5', 'number', cast(null as double)
    union all select 'abc', 'number', cast(null as double)
    union all select '.5', 'number', cast(null as double)
    union all select '1', 'flag', cast(1 as double)
    union all select '0', 'flag', cast(0 as double)
    union all select '2', 'flag', cast(null as double)
    union all select 'ja', 'flag', cast(null as double)

),

parsed as (

    select
        raw_value,
        kind,
        expected,
        case
            when kind = 'integer' then cast({{ rtwpanel.parse_integer('raw_value') }} as double)
            when kind = 'year' then cast({{ rtwpanel.parse_year('raw_value') }} as double)
            when kind = 'number' then {{ rtwpanel.parse_number('raw_value') }}
            else cast({{ rtwpanel.parse_flag('raw_value') }} as double)
        end as parsed
    from examples

),

final as (

    select *
    from parsed
    where not (parsed = expected or (parsed is null and expected is null))

)

select * from final
