-- One row per graded piece of reconciled sick leave: every register spell with its
-- grade and diagnosis, and (when certificates are used) every certificate of an
-- episode that overlaps no register spell, with the certificate's grade and
-- diagnosis. Here, and only here, is decided which sick leave counts: the register
-- prevails, and matched episodes add nothing. spell_id is the spell a piece belongs
-- to; int_sick_leave_day_spells spans each spell's pieces.

with

spells as (

    select * from {{ ref('stg_sykepenger') }}

),

certificates as (

    select * from {{ ref('stg_sykmeldinger') }}

),

episodes as (

    select * from {{ ref('int_sick_leave_episode_matches') }}

),

register_pieces as (

    select
        person_id,
        sykefravaer_id as spell_id,
        sykefravaer_id as piece_id,
        fom_date,
        tom_date,
        grad,
        diagnose,
        'register' as source
    from spells

),

certificate_pieces as (

    -- a person's episodes do not overlap, so a certificate is in the episode whose
    -- days hold its first day
    select
        certificates.person_id,
        episodes.episode_id as spell_id,
        certificates.sykmelding_id as piece_id,
        certificates.fom_date,
        certificates.tom_date,
        certificates.grad,
        certificates.diagnose,
        'certificate' as source
    from certificates
    inner join episodes
        on
            certificates.person_id = episodes.person_id
            and certificates.fom_date between episodes.first_day and episodes.last_day
    where episodes.is_matched = 0
    {%- if not var('use_certificates') %}
        -- use_certificates is false: the register alone
        and 1 = 0
    {%- endif %}

),

final as (

    select * from register_pieces
    union all
    select * from certificate_pieces

)

select * from final
