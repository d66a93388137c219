-- The persons of a roll-out study's target population (design rollout): those
-- who had, in the study's baseline window, a specialist mental-health contact
-- (npr.csv, the contact's first day in the window) or a sick-leave episode in
-- the study's ICPC-2 chapter overlapping it, each where the study names the
-- criterion. The ages are a rule on the month (marts.mart_region_month). No
-- rows for a study of another design.

{%- set rollout = rtwpanel.study_rollout() %}
{%- set first_day = "cast('" ~ rollout.get('baseline_first_day', '1900-01-01') ~ "' as date)" %}
{%- set last_day = "cast('" ~ rollout.get('baseline_last_day', '1900-01-01') ~ "' as date)" %}

with

contacts as (

    select * from {{ ref('stg_npr') }}

),

episodes as (

    select * from {{ ref('int_sick_leave_episodes') }}

),

by_contact as (

    select distinct
        person_id,
        'npr_contact' as criterion
    from contacts
    where
        {{ 'true' if rollout.get('npr_contact') else 'false' }}
        and inn_date between {{ first_day }} and {{ last_day }}

),

by_sick_leave as (

    select distinct
        person_id,
        'sick_leave' as criterion
    from episodes
    where
        diagnosis_chapter = '{{ rollout.get('sick_leave_chapter', '') }}'
        and first_day <= {{ last_day }}
        and last_day >= {{ first_day }}

),

criteria as (

    select * from by_contact
    union all
    select * from by_sick_leave

),

final as (

    select
        person_id,
        max(case when criterion = 'npr_contact' then 1 else 0 end) as by_npr_contact,
        max(case when criterion = 'sick_leave' then 1 else 0 end) as by_sick_leave
    from criteria
    group by person_id

)

select * from final
