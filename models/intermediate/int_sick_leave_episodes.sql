-- One row per reconciled sick-leave episode (grain: episode_id), every diagnosis:
-- each register spell, and each certificate episode that overlaps no register
-- spell: the spells of int_sick_leave_day_spells, whose days the panel's
-- sick_listed is built from. The register prevails: a register spell keeps its own
-- days, diagnosis and grade ('both' when certificates overlap it); an episode of
-- certificates alone takes its first certificate's diagnosis and grade.

with

day_spells as (

    select * from {{ ref('int_sick_leave_day_spells') }}

),

register_spells as (

    select * from {{ ref('stg_sykepenger') }}

),

pieces as (

    select * from {{ ref('int_sick_leave_graded_pieces') }}

),

certificate_episodes as (

    select * from {{ ref('int_sick_leave_episode_matches') }}

),

diagnoses as (

    select * from {{ ref('ref_sick_leave_diagnoses') }}

),

certified_spells as (

    -- the register spells that certificates overlap
    select distinct register_spells.sykefravaer_id
    from register_spells
    inner join certificate_episodes
        on
            register_spells.person_id = certificate_episodes.person_id
            and register_spells.tom_date >= certificate_episodes.first_day
            and register_spells.fom_date <= certificate_episodes.last_day

),

register_episodes as (

    -- a register spell is the episode; 'both' when certificates overlap it
    select
        register_spells.person_id,
        register_spells.sykefravaer_id as episode_id,
        register_spells.fom_date as first_day,
        register_spells.tom_date as last_day,
        register_spells.diagnose as diagnosis,
        register_spells.grad as grade_at_start,
        register_spells.grad as highest_grade,
        case when register_spells.grad < 100 then 1 else 0 end as is_graded,
        case when certified_spells.sykefravaer_id is null then 'register' else 'both' end as source
    from register_spells
    left join certified_spells on register_spells.sykefravaer_id = certified_spells.sykefravaer_id

),

episode_certificates as (

    -- the pieces of the episodes of certificates alone, first certificate first
    select
        spell_id as episode_id,
        diagnose,
        grad,
        row_number() over (
            partition by spell_id
            order by fom_date, tom_date, piece_id
        ) as certificate_order
    from pieces
    where source = 'certificate'

),

certificate_only_episodes as (

    select
        day_spells.person_id,
        day_spells.spell_id as episode_id,
        day_spells.fom_date as first_day,
        day_spells.tom_date as last_day,
        max(case when episode_certificates.certificate_order = 1 then episode_certificates.diagnose end)
            as diagnosis,
        max(case when episode_certificates.certificate_order = 1 then episode_certificates.grad end)
            as grade_at_start,
        max(episode_certificates.grad) as highest_grade,
        case when min(episode_certificates.grad) < 100 then 1 else 0 end as is_graded,
        'certificate' as source
    from day_spells
    inner join episode_certificates on day_spells.spell_id = episode_certificates.episode_id
    where day_spells.source = 'certificate'
    group by day_spells.person_id, day_spells.spell_id, day_spells.fom_date, day_spells.tom_date

),

episodes as (

    select * from register_episodes
    union all
    select * from certificate_only_episodes

),

final as (

    select
        episodes.*,
        cast(
            {{ days_between('episodes.first_day', 'episodes.last_day') }} + 1 as {{ dbt.type_int() }}
        ) as duration_days,
        upper(substr(episodes.diagnosis, 1, 1)) as diagnosis_chapter,
        case
            when diagnoses.diagnosis_group is not null then diagnoses.diagnosis_group
            when upper(substr(episodes.diagnosis, 1, 1)) = 'P' then 'other_mental'
            else 'other'
        end as diagnosis_group,
        {{ month_start('episodes.first_day') }} as index_month,
        {{ month_start('episodes.last_day') }} as last_month
    from episodes
    left join diagnoses on upper(episodes.diagnosis) = diagnoses.code

)

select * from final
