-- The episodes of a cohort study (design cohort): the rows of
-- fct_sick_leave_episodes whose first day falls in the study's inclusion window,
-- with a diagnosis in its ICPC-2 chapter, aged within its ages at the index date
-- and, when it asks, in work in the index month. Empty for a study of another
-- design. The rules are the study file's (macro study_cohort). The indentation
-- rule cannot see the layout of the Jinja branches.
-- noqa: disable=LT02

{%- set cohort = rtwpanel.study_cohort() %}

with

episodes as (

    select * from {{ ref('fct_sick_leave_episodes') }}

),

final as (

    select episodes.*
    from episodes
    {%- if cohort %}
    where
        episodes.first_day between cast('{{ cohort.first_day }}' as date)
        and cast('{{ cohort.last_day }}' as date)
        and episodes.diagnosis_chapter = '{{ cohort.chapter }}'
        and episodes.age between {{ cohort.ages[0] }} and {{ cohort.ages[1] }}
        {%- if cohort.in_work_at_start %}
        and episodes.employed_at_start = 1
        {%- endif %}
    {%- else %}
    -- the study randomised its persons: no cohort of episodes
    where 1 = 0
    {%- endif %}

)

select * from final
