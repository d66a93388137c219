-- One row per sick-leave episode (grain: episode_id) with its outcome, read from
-- the panel in the month after the episode's last month (docs/cohort.md):
--   disability      on disability benefit in that month
--   aap             else on AAP in that month
--   return_to_work  else in work and not sick-listed in that month and in each of
--                   the return_to_work_months - 1 months after it
--   censored        else: coverage_end where one of those months is unobserved
--                   (outside the registers' coverage, or no panel row), and
--                   not_back_at_work where the person is out of work or on sick
--                   leave again
-- Every outcome happens at the episode's end: the time to it is its duration.
-- The Jinja loop writes the offsets' lines; the indentation rule cannot see them.
-- noqa: disable=LT02

with

episodes as (

    select * from {{ ref('int_sick_leave_episodes') }}

),

panel as (

    select * from {{ ref('fct_person_month') }}

),

offsets as (

    -- the months after the last month that the rule reads
    {%- for offset in range(1, var('return_to_work_months') + 1) %}
    select {{ offset }} as month_offset{{ ' union all' if not loop.last }}
    {%- endfor %}

),

months_after as (

    select
        episodes.episode_id,
        offsets.month_offset,
        panel.employed,
        panel.sick_listed,
        panel.on_aap,
        panel.on_disability,
        case
            when
                panel.employed is null or panel.sick_listed is null
                or panel.on_aap is null or panel.on_disability is null
                then 1
            else 0
        end as is_unobserved
    from episodes
    cross join offsets
    left join panel
        on
            episodes.person_id = panel.person_id
            and panel.month = {{ add_months('episodes.last_month', 'offsets.month_offset') }}

),

per_episode as (

    select
        episode_id,
        max(case when month_offset = 1 then on_disability end) as disability_next,
        max(case when month_offset = 1 then on_aap end) as aap_next,
        max(is_unobserved) as any_unobserved,
        min(case when employed = 1 and sick_listed = 0 then 1 else 0 end) as back_at_work
    from months_after
    group by episode_id

),

final as (

    select
        episodes.episode_id,
        case
            when per_episode.disability_next = 1 then 'disability'
            when per_episode.aap_next = 1 then 'aap'
            when per_episode.any_unobserved = 1 then 'censored'
            when per_episode.back_at_work = 1 then 'return_to_work'
            else 'censored'
        end as outcome,
        case
            when per_episode.disability_next = 1 or per_episode.aap_next = 1 then null
            when per_episode.any_unobserved = 1 then 'coverage_end'
            when per_episode.back_at_work = 1 then null
            else 'not_back_at_work'
        end as censoring_reason,
        case
            when
                per_episode.disability_next = 1 or per_episode.aap_next = 1
                or (per_episode.any_unobserved = 0 and per_episode.back_at_work = 1)
                then {{ add_months('episodes.last_month', 1) }}
        end as outcome_month
    from episodes
    inner join per_episode on episodes.episode_id = per_episode.episode_id

)

select * from final
