-- The register prevails: no certificate episode that overlaps a register spell is
-- itself a reconciled day spell, and every register spell is one. Returns the
-- spells that break either rule.

with

day_spells as (

    select * from {{ ref('int_sick_leave_day_spells') }}

),

episodes as (

    select * from {{ ref('int_sick_leave_episode_matches') }}

),

register_spells as (

    select * from {{ ref('stg_sykepenger') }}

),

matched_episode_counted as (

    select day_spells.spell_id
    from day_spells
    inner join episodes on day_spells.spell_id = episodes.episode_id
    where episodes.is_matched = 1

),

register_spell_missing as (

    select register_spells.sykefravaer_id as spell_id
    from register_spells
    left join day_spells
        on
            register_spells.sykefravaer_id = day_spells.spell_id
            and day_spells.source = 'register'
    where day_spells.spell_id is null

),

final as (

    select * from matched_episode_counted
    union all
    select * from register_spell_missing

)

select * from final
