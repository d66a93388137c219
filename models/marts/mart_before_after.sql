-- One row per arm and period (before: rel_month <= 0, after: rel_month >= 1): the
-- mean of each status over the observed person-months, the inputs of the
-- difference-in-differences table.
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
        period,
        count(distinct person_id) as n_persons,
        count(*) as n_person_months,
        {%- for status in panel_binary_statuses() %}
        avg(cast({{ status }} as {{ dbt.type_float() }})) as mean_{{ status }}{{ ',' if not loop.last }}
        {%- endfor %}
    from person_months
    -- a study that randomised nobody has no arms: the mart is empty
    where arm is not null
    group by arm, period

)

select * from final
