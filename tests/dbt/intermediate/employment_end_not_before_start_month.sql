-- No relationship loses its start month: an effective end (reported or stipulated)
-- never falls before the first day of the start month, and a stipulated end lies
-- within the registrations (not after the last registration month). Returns the
-- offending relationships.

with

relationships as (

    select * from {{ ref('int_employment_relationships') }}

),

final as (

    select
        arbeidsforhold_id,
        start_date,
        effective_end_date,
        end_kind,
        last_reg_month
    from relationships
    where
        (end_kind = 'stipulated' and effective_end_date < {{ month_start('start_date') }})
        or (
            end_kind = 'stipulated' and effective_end_date > {{ month_end('last_reg_month') }}
            and not is_clamped
        )

)

select * from final
