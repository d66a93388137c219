{#-
    Month and day arithmetic for the panel. A month is identified by its first
    day (a DATE). Everything goes through dbt's cross-database macros or plain
    ANSI `extract`, so the same models build on DuckDB and Spark.
-#}

{#- First day of the month of a date. -#}
{% macro month_start(date_expr) -%}
    cast({{ dbt.date_trunc('month', date_expr) }} as date)
{%- endmacro %}

{#- Last day of the month of a date. -#}
{% macro month_end(date_expr) -%}
    cast({{ dbt.last_day(date_expr, 'month') }} as date)
{%- endmacro %}

{#- A date moved by a (possibly negative) number of months. -#}
{% macro add_months(date_expr, n) -%}
    cast({{ dbt.dateadd('month', n, date_expr) }} as date)
{%- endmacro %}

{#- A date moved by a (possibly negative) number of days. -#}
{% macro add_days(date_expr, n) -%}
    cast({{ dbt.dateadd('day', n, date_expr) }} as date)
{%- endmacro %}

{#- Days from one date to another (to - from; 0 for the same day). -#}
{% macro days_between(from_date, to_date) -%}
    {{ dbt.datediff(from_date, to_date, 'day') }}
{%- endmacro %}

{#-
    Whole calendar months from the month of one date to the month of another,
    counted on (year, month) only: 2013-11-20 -> 2014-01-01 is 2.
-#}
{% macro calendar_months_between(from_date, to_date) -%}
    cast(
        (extract(year from {{ to_date }}) - extract(year from {{ from_date }})) * 12
        + extract(month from {{ to_date }}) - extract(month from {{ from_date }})
        as integer
    )
{%- endmacro %}

{#- Calendar year and month of a date, as integers. -#}
{% macro year_of(date_expr) -%}
    cast(extract(year from {{ date_expr }}) as integer)
{%- endmacro %}

{% macro month_of(date_expr) -%}
    cast(extract(month from {{ date_expr }}) as integer)
{%- endmacro %}
