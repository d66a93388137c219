-- One row per certificate episode: a person's medical certificates chained so that a
-- certificate continues the episode when its fom_date is at most one day after the
-- latest tom_date so far (a running max: gaps and islands, no recursion).

with

certificates as (

    select * from {{ ref('stg_sykmeldinger') }}

),

with_reach as (

    select
        person_id,
        sykmelding_id,
        fom_date,
        tom_date,
        max(tom_date) over (
            partition by person_id
            order by fom_date, tom_date, sykmelding_id
            rows between unbounded preceding and 1 preceding
        ) as reach_so_far
    from certificates

),

flagged as (

    select
        with_reach.*,
        case
            when with_reach.reach_so_far is null then 1
            when with_reach.fom_date > {{ add_days('with_reach.reach_so_far', 1) }} then 1
            else 0
        end as starts_episode
    from with_reach

),

numbered as (

    select
        flagged.*,
        sum(flagged.starts_episode) over (
            partition by flagged.person_id
            order by flagged.fom_date, flagged.tom_date, flagged.sykmelding_id
            rows between unbounded preceding and current row
        ) as episode_number
    from flagged

),

final as (

    select
        person_id,
        episode_number,
        {{ dbt.concat(['person_id', "'-'", 'cast(episode_number as ' ~ dbt.type_string() ~ ')']) }}
            as episode_id,
        min(fom_date) as first_day,
        max(tom_date) as last_day,
        count(*) as n_certificates
    from numbered
    group by person_id, episode_number

)

select * from final
