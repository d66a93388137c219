{#-
    dbt-spark's listagg ignores order_by_clause (collect_list has no order),
    which would make a list's order depend on the shuffle. Here the values are
    collected with their sort keys and sorted: order_by_clause is
    'order by a, b, ...' (ascending keys only).
-#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if order_by_clause -%}
        {%- set keys = order_by_clause | trim -%}
        {%- if keys[:8] | lower == 'order by' -%}
            {%- set keys = keys[8:] -%}
        {%- endif -%}
        {%- set keys = keys.split(',') | map('trim') | list -%}
        {%- for key in keys if ' ' in key and key.split(' ')[-1] | lower in ('desc', 'asc', 'nulls') -%}
            {{- exceptions.raise_compiler_error(
                "listagg on Spark takes plain ascending sort keys, got '" ~ order_by_clause ~ "'") -}}
        {%- endfor -%}
        {%- set collected -%}
            transform(
                array_sort(collect_list(named_struct(
                    {%- for key in keys %}
                    'k{{ loop.index }}', {{ key }},
                    {%- endfor %}
                    'v', cast({{ measure }} as string)
                ))),
                x -> x.v
            )
        {%- endset -%}
    {%- else -%}
        {%- set collected = 'collect_list(cast(' ~ measure ~ ' as string))' -%}
    {%- endif -%}
    {%- if limit_num -%}
        array_join(slice({{ collected }}, 1, {{ limit_num }}), {{ delimiter_text }})
    {%- else -%}
        array_join({{ collected }}, {{ delimiter_text }})
    {%- endif -%}
{%- endmacro %}
