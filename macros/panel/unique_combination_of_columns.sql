{#-
    Grain test: no two rows share the same values of the listed columns.
    Returns one row per duplicated key with how often it occurs.
-#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

with keyed as (

    select
        {{ combination_of_columns | join(',\n        ') }},
        count(*) as n_rows
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}

),

final as (

    select *
    from keyed
    where n_rows > 1

)

select * from final

{% endtest %}
