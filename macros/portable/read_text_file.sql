{#-
    The whole content of a small text file as one string, read by the engine
    (a path as the engine resolves it: relative to where dbt runs on DuckDB,
    to the project folder on Spark, see spark_path).
-#}
{% macro read_text_file(path) %}
    {{- return(adapter.dispatch('read_text_file', 'rtwpanel')(path)) -}}
{% endmacro %}

{% macro default__read_text_file(path) %}
    {%- set rows = rtwpanel.run_query("select content from read_text(" ~ rtwpanel.sql_text(path) ~ ")") -%}
    {{- return(rows.columns[0].values()[0]) -}}
{% endmacro %}

{% macro spark__read_text_file(path) %}
    {%- do rtwpanel.run_query(
        "create or replace temporary view rtw_text_file using text options (path "
        ~ rtwpanel.sql_text(rtwpanel.spark_path(path)) ~ ", wholetext 'true')"
    ) -%}
    {%- set rows = rtwpanel.run_query("select value from rtw_text_file") -%}
    {{- return(rows.columns[0].values()[0]) -}}
{% endmacro %}


{#- A string as an SQL literal: quotes doubled (a path may hold one). -#}
{% macro sql_text(value) %}
    {{- return("'" ~ (value | string | replace("'", "''")) ~ "'") -}}
{% endmacro %}
