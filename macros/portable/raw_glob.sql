{#-
    The files matching a path pattern whose last part may hold `*` (e.g.
    data/demo/npr.csv or data/demo/npr.csv*), as a sorted list of paths.
    Used by the delivery checks to find name.csv / name.csv.gz.
-#}
{% macro raw_glob(pattern) %}
    {{- return(adapter.dispatch('raw_glob', 'rtwpanel')(pattern)) -}}
{% endmacro %}

{#- DuckDB's glob() table function. -#}
{% macro duckdb__raw_glob(pattern) %}
    {%- set found = run_query("select file from glob(" ~ rtwpanel.sql_string(pattern) ~ ") order by 1") -%}
    {{- return(found.columns[0].values() | list) -}}
{% endmacro %}

{% macro default__raw_glob(pattern) %}
    {{- exceptions.raise_compiler_error(
        "Listing delivery files is not yet supported on the " ~ target.type ~ " adapter.") -}}
{% endmacro %}

{#-
    Spark has no glob() table function, and a file source raises an error for
    a pattern that matches nothing. So the folder is listed with the
    binaryFile source (only the path is selected, so no file is read; a
    sub-folder such as truth/ is not descended into) and the names are
    matched here. Paths come back as URIs (file:/..., hdfs://...), which
    Spark's readers take as they are.
-#}
{% macro spark__raw_glob(pattern) %}
    {%- set parts = rtwpanel.spark_path(pattern).rsplit('/', 1) -%}
    {%- set folder = parts[0] if parts | length == 2 else '.' -%}
    {%- set name_like = parts[-1] | replace('_', '\\_') | replace('%', '\\%') | replace('*', '%') -%}
    {%- set found = run_query(
        "select path from binaryFile.`" ~ folder ~ "`"
        ~ " where substring_index(path, '/', -1) like '" ~ name_like ~ "'"
        ~ " order by path") -%}
    {{- return(found.columns[0].values() | list) -}}
{% endmacro %}
