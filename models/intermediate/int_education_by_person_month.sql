-- One row per person and month in which the person is in education: registered in
-- ongoing education on 1 October of the month's year (the last delivered year's
-- value carried forward after it), or in an education course spell.

with

yearly_status as (

    select * from {{ ref('stg_utdanning') }}

),

courses as (

    select * from {{ ref('stg_utdanning_forlop') }}

),

spine as (

    select * from {{ ref('int_month_spine') }}

),

october as (

    -- the spine carries each month's education year (carried forward after the last)
    select
        yearly_status.person_id,
        spine.month,
        1 as in_education_oct,
        0 as in_education_course
    from yearly_status
    inner join spine on yearly_status.year = spine.education_oct_year
    where yearly_status.i_utdanning = 1

),

course_months as (

    select
        courses.person_id,
        spine.month,
        0 as in_education_oct,
        1 as in_education_course
    from courses
    inner join spine
        on
            courses.fom_date <= spine.month_end
            and (courses.tom_date is null or courses.tom_date >= spine.month)

),

combined as (

    select * from october
    union all
    select * from course_months

),

final as (

    select
        person_id,
        month,
        max(in_education_oct) as in_education_oct,
        max(in_education_course) as in_education_course
    from combined
    group by person_id, month

)

select * from final
