{#- Spark versions of the strict parsers in macros/staging/parse.sql. -#}

{#- Java regular expressions, anchored so the whole text must match (NULL stays NULL). -#}
{% macro spark__full_match(expr, pattern) -%}
    ({{ expr }} rlike '^(?:{{ pattern }})$')
{%- endmacro %}

{#-
    YYYYMMDD from its parts with make_date, which gives NULL for a date that
    does not exist (20131332, 20140230) with ANSI mode off (dbt-spark turns it
    off). Not to_date: its result for such a date depends on the session's
    time-parser policy and may raise instead.
-#}
{% macro spark__parse_date(expr) -%}
    case
        when {{ rtwpanel.full_match(expr, '[0-9]{8}') }}
            then make_date(
                cast(substr({{ expr }}, 1, 4) as int),
                cast(substr({{ expr }}, 5, 2) as int),
                cast(substr({{ expr }}, 7, 2) as int)
            )
    end
{%- endmacro %}
