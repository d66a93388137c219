{#-
    dbt's own run_query, redefined here (dbt takes the root project's version
    of a macro that is called directly), so that the unit tests'
    `create temporary view` and the panel's bucket inserts run on Spark's
    Thrift server: Spark 3.5 answers a statement without result rows (create,
    insert, drop) with no result columns at all, which PyHive's fetch cannot
    read ("'NoneType' object is not iterable"; SPARK-48808). So on Spark only a
    statement that returns rows is fetched; any other returns an empty table,
    as a fetch of it would.
-#}
{% macro run_query(sql) %}
    {{- return(adapter.dispatch('run_query', 'rtwpanel')(sql)) -}}
{% endmacro %}

{% macro default__run_query(sql) %}
    {{- return(dbt.run_query(sql)) -}}
{% endmacro %}

{% macro spark__run_query(sql) %}
    {#- the first keyword, after blanks, parentheses and comments -#}
    {%- set text = modules.re.sub('^(\\s|\\(|/\\*.*?\\*/|--[^\\n]*)*', '', sql | string, flags=modules.re.S) -%}
    {%- set keyword = modules.re.match('[a-z]*', text | lower).group(0) -%}
    {%- if keyword in ('select', 'with', 'values', 'table', 'from', 'show', 'describe', 'desc', 'explain', 'set') -%}
        {{- return(dbt.run_query(sql)) -}}
    {%- endif -%}
    {%- call statement('run_query_statement', fetch_result=false, auto_begin=false) -%}
        {{ sql }}
    {%- endcall -%}
    {{- return(load_result('run_query_statement').table) -}}
{% endmacro %}
