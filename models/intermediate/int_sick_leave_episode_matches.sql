-- One row per certificate episode with the register spells it overlaps. An episode
-- that overlaps a spell is matched; it is a mismatch when it overlaps several spells
-- or its first/last day differs from the spell's fom_date/tom_date. Days in dispute
-- are the days held by the episode or by its spells but not by both (register spells
-- of a person do not overlap one another).

with

episodes as (

    select * from {{ ref('int_sick_leave_certificate_episodes') }}

),

spells as (

    select * from {{ ref('stg_sykepenger') }}

),

spell_overlaps as (

    select
        episodes.person_id,
        episodes.episode_id,
        spells.sykefravaer_id,
        spells.fom_date as spell_fom_date,
        spells.tom_date as spell_tom_date,
        {{ days_between('spells.fom_date', 'spells.tom_date') }} + 1 as spell_days,
        {{ days_between(
            'case when episodes.first_day > spells.fom_date then episodes.first_day else spells.fom_date end',
            'case when episodes.last_day < spells.tom_date then episodes.last_day else spells.tom_date end'
        ) }} + 1 as shared_days
    from episodes
    inner join spells
        on
            episodes.person_id = spells.person_id
            and episodes.first_day <= spells.tom_date
            and episodes.last_day >= spells.fom_date

),

per_episode as (

    select
        episode_id,
        count(*) as n_spells,
        min(spell_fom_date) as spell_fom_date,
        max(spell_tom_date) as spell_tom_date,
        sum(spell_days) as spell_days,
        sum(shared_days) as shared_days,
        {{ dbt.listagg('sykefravaer_id', "','", 'order by spell_fom_date, sykefravaer_id') }}
            as sykefravaer_ids
    from spell_overlaps
    group by episode_id

),

classified as (

    select
        episodes.person_id,
        episodes.episode_id,
        episodes.first_day,
        episodes.last_day,
        episodes.n_certificates,
        coalesce(per_episode.n_spells, 0) as n_spells,
        per_episode.sykefravaer_ids,
        per_episode.spell_fom_date,
        per_episode.spell_tom_date,
        case
            when per_episode.n_spells is null then null
            when per_episode.n_spells > 1 then 'several_spells'
            when
                episodes.first_day <> per_episode.spell_fom_date
                and episodes.last_day <> per_episode.spell_tom_date
                then 'both'
            when episodes.first_day <> per_episode.spell_fom_date then 'start'
            when episodes.last_day <> per_episode.spell_tom_date then 'stop'
        end as mismatch_kind,
        cast(
            case
                when per_episode.n_spells is not null
                    then
                        {{ days_between('episodes.first_day', 'episodes.last_day') }} + 1
                        + per_episode.spell_days - 2 * per_episode.shared_days
            end as {{ dbt.type_int() }}
        ) as days_in_dispute
    from episodes
    left join per_episode on episodes.episode_id = per_episode.episode_id

),

final as (

    select
        classified.*,
        case when classified.n_spells > 0 then 1 else 0 end as is_matched,
        case when classified.mismatch_kind is not null then 1 else 0 end as is_mismatch
    from classified

)

select * from final
