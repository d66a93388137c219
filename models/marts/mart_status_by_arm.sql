-- One row per arm and rel_month: the number of persons in the panel and the share
-- in each status among the persons whose source observes the month.
-- The Jinja loop below writes one line per status; the indentation rule
-- cannot see its layout, so it is off here.
-- noqa: disable=LT02

with

person_months as (

    select * from {{ ref('fct_person_month') }}

),

final as (

    select
        arm,
        rel_month,
        count(*) as n_persons,
        {%- for status in panel_binary_statuses() %}
        avg(cast({{ status }} as {{ dbt.type_float() }})) as share_{{ status }}{{ ',' if not loop.last }}
        {%- endfor %}
    from person_months
    -- a study that randomised nobody has no arms: the mart is empty
    where arm is not null
    group by arm, rel_month

)

select * from final
