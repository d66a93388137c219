{#-
    The highest completed education known on a date, for each row of a relation:
    the status as of 1 October of a year is known on that date when that 1 October
    is on or before it; the latest such year counts, and the first digit of its
    NUS2000 code is the level (seed ref_nus_levels). Returns a select of
    (key_column, education_level); rows with no known year are left out.
-#}
{% macro education_level_on(relation, key_column, date_column) %}
    select
        known.{{ key_column }},
        nus_levels.level as education_level
    from (
        select
            {{ relation }}.{{ key_column }},
            education_years.nus2000,
            row_number() over (
                partition by {{ relation }}.{{ key_column }}
                order by education_years.year desc
            ) as recency_rank
        from {{ relation }}
        inner join {{ ref('stg_utdanning') }} as education_years
            on
                {{ relation }}.person_id = education_years.person_id
                and (
                    education_years.year < {{ year_of(relation ~ '.' ~ date_column) }}
                    or (
                        education_years.year = {{ year_of(relation ~ '.' ~ date_column) }}
                        and {{ month_of(relation ~ '.' ~ date_column) }} >= 10
                    )
                )
    ) as known
    left join {{ ref('ref_nus_levels') }} as nus_levels
        -- the first digit of the NUS2000 code is the level
        on substr(known.nus2000, 1, 1) = cast(nus_levels.first_digit as {{ dbt.type_string() }})
    where known.recency_rank = 1
{% endmacro %}
