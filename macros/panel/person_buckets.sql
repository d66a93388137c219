{#-
    The panel is built in buckets of persons, so that its joins hold one
    bucket's person-months at a time and DuckDB spills one bucket, not the whole
    panel: up to var panel_bucket_persons persons (default 1,000,000) it is one
    bucket and one statement; beyond, fct_person_month selects the first bucket
    and a post-hook inserts each further one (macro insert_panel_buckets).

    A bucket is a range of person_id, split at the persons' quantiles, so the
    buckets are as even as the cohort and the same for the same delivery. A
    list of [lower, upper) bounds; none is open.
-#}
{% macro panel_person_buckets() %}
    {%- if not execute or flags.WHICH not in ('run', 'build') -%}
        {{- return([[none, none]]) -}}
    {%- endif -%}
    {%- set persons = ref('dim_participant') -%}
    {%- if (persons.identifier or '').startswith('__dbt__cte__') -%}
        {#- a unit test's mocked rows: one bucket -#}
        {{- return([[none, none]]) -}}
    {%- endif -%}
    {%- set per_bucket = var('panel_bucket_persons') | int -%}
    {%- set n = run_query(
        'select count(*) from ' ~ persons ~ ' where has_register_data'
    ).columns[0].values()[0] | int -%}
    {%- if n <= per_bucket -%}
        {{- return([[none, none]]) -}}
    {%- endif -%}
    {%- set n_buckets = ((n + per_bucket - 1) // per_bucket) | int -%}
    {%- set firsts = run_query(
        'select min(person_id) from (select person_id, ntile(' ~ n_buckets ~ ') over (order by person_id) as bucket'
        ~ ' from ' ~ persons ~ ' where has_register_data) as numbered group by bucket order by 1'
    ).columns[0].values() | list -%}
    {%- set buckets = [] -%}
    {%- for first in firsts -%}
        {%- do buckets.append([none if loop.first else first, none if loop.last else firsts[loop.index]]) -%}
    {%- endfor -%}
    {{- return(buckets) -}}
{% endmacro %}


{#- A condition on a person_id column: inside the bucket's bounds. -#}
{% macro in_person_bucket(column, bucket) %}
    {%- set conditions = [] -%}
    {%- if bucket[0] is not none -%}
        {%- do conditions.append(column ~ " >= '" ~ (bucket[0] | replace("'", "''")) ~ "'") -%}
    {%- endif -%}
    {%- if bucket[1] is not none -%}
        {%- do conditions.append(column ~ " < '" ~ (bucket[1] | replace("'", "''")) ~ "'") -%}
    {%- endif -%}
    {{- conditions | join(' and ') if conditions else '1 = 1' -}}
{% endmacro %}


{#-
    Post-hook of fct_person_month: insert every bucket after the first, one
    statement each (so one bucket's joins at a time). Renders no SQL itself.
-#}
{% macro insert_panel_buckets() %}
    {%- set buckets = rtwpanel.panel_person_buckets() -%}
    {%- for bucket in buckets[1:] -%}
        {%- do run_query('insert into ' ~ this ~ ' ' ~ rtwpanel.person_month_panel(bucket)) -%}
        {%- do log(this.identifier ~ ': person bucket ' ~ (loop.index + 1) ~ ' of ' ~ (buckets | length) ~ ' inserted', info=true) -%}
    {%- endfor -%}
{% endmacro %}
