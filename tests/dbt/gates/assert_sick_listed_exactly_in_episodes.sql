-- The panel and the episodes agree: a person-month is sick-listed exactly when a
-- reconciled episode (marts.fct_sick_leave_episodes) has a day in it. Returns the
-- person-months where they disagree.

with

panel as (

    select * from {{ ref('fct_person_month') }}

),

episodes as (

    select * from {{ ref('fct_sick_leave_episodes') }}

),

covered as (

    select distinct
        panel.person_id,
        panel.month
    from panel
    inner join episodes
        on
            panel.person_id = episodes.person_id
            and {{ month_end('panel.month') }} >= episodes.first_day
            and panel.month <= episodes.last_day

),

final as (

    select
        panel.person_id,
        panel.month,
        panel.sick_listed,
        case when covered.person_id is null then 0 else 1 end as in_episode
    from panel
    left join covered
        on panel.person_id = covered.person_id and panel.month = covered.month
    where
        panel.sick_listed is not null
        and panel.sick_listed <> case when covered.person_id is null then 0 else 1 end

)

select * from final
