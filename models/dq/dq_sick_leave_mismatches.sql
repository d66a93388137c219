-- One row per certificate episode in mismatch with the sickness-benefit register:
-- it overlaps several register spells, or its first/last day differs from the
-- spell's. The register prevails in the panel; this lists what it overrode.

with

episodes as (

    select * from {{ ref('int_sick_leave_episode_matches') }}

),

final as (

    select
        person_id,
        episode_id,
        first_day as episode_first_day,
        last_day as episode_last_day,
        n_certificates,
        n_spells,
        sykefravaer_ids,
        spell_fom_date,
        spell_tom_date,
        mismatch_kind,
        days_in_dispute
    from episodes
    where is_mismatch = 1

)

select * from final
