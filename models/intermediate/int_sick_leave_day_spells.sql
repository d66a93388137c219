-- One row per reconciled sick-leave spell: every register spell with its own days,
-- and (when certificates are used) every certificate episode that overlaps no
-- register spell, with the episode's days. Matched episodes add nothing: where
-- certificates and register disagree, the register prevails.

with

spells as (

    select * from {{ ref('stg_sykepenger') }}

),

episodes as (

    select * from {{ ref('int_sick_leave_episode_matches') }}

),

register_spells as (

    select
        person_id,
        sykefravaer_id as spell_id,
        fom_date,
        tom_date,
        'register' as source
    from spells

),

certificate_spells as (

    select
        person_id,
        episode_id as spell_id,
        first_day as fom_date,
        last_day as tom_date,
        'certificate' as source
    from episodes
    where is_matched = 0
    {%- if not var('use_certificates') %}
        -- use_certificates is false: the register alone
        and 1 = 0
    {%- endif %}

),

final as (

    select * from register_spells
    union all
    select * from certificate_spells

)

select * from final
