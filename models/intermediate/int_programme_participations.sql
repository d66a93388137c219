-- One row per programme participation that counts: a status that the seed
-- ref_participation_statuses counts as participation (not IKKEM, never turned
-- up). An empty tom_date means ongoing at extraction: the participation runs
-- to the last day of the tiltak coverage.

with

participations as (

    select * from {{ ref('stg_tiltak') }}

),

participation_statuses as (

    select * from {{ ref('ref_participation_statuses') }}

),

coverage as (

    select last_month
    from {{ ref('stg_coverage') }}
    where source = 'tiltak'

),

final as (

    select
        participations.person_id,
        participations.deltakelse_id,
        participations.tiltakskode,
        participations.deltakerstatus,
        participations.fom_date,
        participations.tom_date,
        coalesce(participations.tom_date, {{ month_end('coverage.last_month') }})
            as effective_tom_date
    from participations
    inner join participation_statuses
        on participations.deltakerstatus = participation_statuses.deltakerstatus
    cross join coverage
    where participation_statuses.counts_as_participation = 1

)

select * from final
