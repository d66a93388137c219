{#-
    What kind of values a column of an existing relation holds, for models that
    inspect columns at execution (adapter.get_columns_in_relation). dbt's
    Column.is_string() and is_integer() know the type names of DuckDB and
    Postgres but not Spark's `string` and `int`, so on Spark they say no to
    every text column.
-#}
{% macro is_text_column(column) %}
    {{- return(adapter.dispatch('is_text_column', 'rtwpanel')(column)) -}}
{% endmacro %}

{% macro default__is_text_column(column) %}
    {{- return(column.is_string()) -}}
{% endmacro %}

{% macro spark__is_text_column(column) %}
    {%- set dtype = column.dtype | lower -%}
    {{- return(dtype == 'string' or dtype.startswith('varchar') or dtype.startswith('char')) -}}
{% endmacro %}


{% macro is_integer_column(column) %}
    {{- return(adapter.dispatch('is_integer_column', 'rtwpanel')(column)) -}}
{% endmacro %}

{% macro default__is_integer_column(column) %}
    {{- return(column.is_integer()) -}}
{% endmacro %}

{% macro spark__is_integer_column(column) %}
    {{- return(column.dtype | lower in ('tinyint', 'smallint', 'int', 'integer', 'bigint')) -}}
{% endmacro %}
