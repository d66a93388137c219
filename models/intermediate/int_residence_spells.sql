-- Residence as spells that do not overlap: a person lives in one region at a
-- time. The spells of bosted.csv are read in order of their first day (then of
-- their line in the file); a spell ends, at the latest, the day before the next
-- one starts, as a registered move ends the address before it. A spell left
-- with no day is dropped. The panel gives each month the region lived in on its
-- last day.

with

residence as (

    select * from {{ ref('stg_bosted') }}

),

ordered as (

    select
        person_id,
        region,
        fom_date,
        tom_date,
        lead(fom_date) over (
            partition by person_id
            order by fom_date, source_line
        ) as next_fom_date
    from residence

),

cut as (

    select
        person_id,
        region,
        fom_date,
        case
            when next_fom_date is null then tom_date
            when tom_date is null or tom_date >= next_fom_date
                then {{ dbt.dateadd('day', -1, 'next_fom_date') }}
            else tom_date
        end as tom_date
    from ordered

),

final as (

    select
        person_id,
        region,
        fom_date,
        cast(tom_date as date) as tom_date
    from cut
    where tom_date is null or tom_date >= fom_date

)

select * from final
