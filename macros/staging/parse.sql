{#-
    Strict parsers for raw text fields. Each returns the typed value, or NULL
    when the text does not have the contract's shape, so a bad value becomes a
    quarantined row with a reason, never a failed cast. Empty text is handled
    by the caller (missing_value or an allowed empty).
-#}

{#- expr matches the regular expression as a whole. -#}
{% macro full_match(expr, pattern) %}
    {{- return(adapter.dispatch('full_match', 'rtwpanel')(expr, pattern)) -}}
{% endmacro %}

{% macro duckdb__full_match(expr, pattern) -%}
    regexp_full_match({{ expr }}, '{{ pattern }}')
{%- endmacro %}

{% macro default__full_match(expr, pattern) %}
    {{- exceptions.raise_compiler_error(
        "full_match is not yet supported on the " ~ target.type ~ " adapter.") -}}
{% endmacro %}


{#- YYYYMMDD, a real calendar date (20131332 and 20140230 are not). -#}
{% macro parse_date(expr) %}
    {{- return(adapter.dispatch('parse_date', 'rtwpanel')(expr)) -}}
{% endmacro %}

{% macro duckdb__parse_date(expr) -%}
    case
        when {{ rtwpanel.full_match(expr, '[0-9]{8}') }}
            then cast(try_strptime({{ expr }}, '%Y%m%d') as date)
    end
{%- endmacro %}

{% macro default__parse_date(expr) %}
    {{- exceptions.raise_compiler_error(
        "parse_date is not yet supported on the " ~ target.type ~ " adapter.") -}}
{% endmacro %}


{#- YYYYMM with month 01-12, as the first day of the month. -#}
{% macro parse_month(expr) -%}
    case
        when {{ rtwpanel.full_match(expr, '[0-9]{6}') }}
            then {{ rtwpanel.parse_date(dbt.concat([expr, "'01'"])) }}
    end
{%- endmacro %}


{#- A whole number (optional minus); 18 digits at most, so the cast cannot overflow. -#}
{% macro parse_integer(expr, type='bigint') -%}
    case
        when {{ rtwpanel.full_match(expr, '-?[0-9]{1,18}') }}
            then cast({{ expr }} as {{ type }})
    end
{%- endmacro %}


{#- YYYY. -#}
{% macro parse_year(expr) -%}
    case
        when {{ rtwpanel.full_match(expr, '[0-9]{4}') }}
            then cast({{ expr }} as integer)
    end
{%- endmacro %}


{#- A number with an optional decimal point (50, 50.5, -1.25). -#}
{% macro parse_number(expr) -%}
    case
        when {{ rtwpanel.full_match(expr, '-?[0-9]{1,15}([.][0-9]{1,15})?') }}
            then cast({{ expr }} as double)
    end
{%- endmacro %}


{#- '1' or '0' as integer 1/0. -#}
{% macro parse_flag(expr) -%}
    case
        when {{ expr }} = '1' then 1
        when {{ expr }} = '0' then 0
    end
{%- endmacro %}
