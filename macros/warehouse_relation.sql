{#-
    A model as the analyses in analysis/ name it: schema and table without the
    catalog, so that the compiled SQL runs wherever an analyst opens the
    warehouse: `duckdb warehouse/rtw.duckdb`, or `attach '...' as w; use w`,
    whatever the file is called.
-#}
{% macro warehouse_relation(model_name) %}
    {{- return(ref(model_name).include(database=false)) -}}
{% endmacro %}
