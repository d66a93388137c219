{#-
    A value shaped like a fødselsnummer: 11 digits not part of a longer number,
    also in the written form with a space after the birth date (010190 12345).
-#}
{% macro identity_number_pattern() %}
    {{- return('(^|[^0-9])[0-9]{6} ?[0-9]{5}([^0-9]|$)') -}}
{% endmacro %}


{#-
    One pass over a raw file for the structural checks: the number of data
    rows, where values shaped like a national identity number are (line and
    column of the first; how many lines), and lines that cannot be read (not
    UTF-8). Never selects a value, so no value reaches a message.
-#}
{% macro raw_scan(path, header_columns) %}
    {{- return(adapter.dispatch('raw_scan', 'rtwpanel')(path, header_columns)) -}}
{% endmacro %}

{% macro duckdb__raw_scan(path, header_columns) %}
    {%- set pattern = rtwpanel.identity_number_pattern() -%}
    {%- set rejects = 'rtw_unreadable_lines' -%}
    {%- do run_query('drop table if exists ' ~ rejects ~ '; drop table if exists ' ~ rejects ~ '_scan'
        ~ '; drop table if exists ' ~ rejects ~ '_again; drop table if exists ' ~ rejects ~ '_again_scan') -%}
    {#- One aggregate over one unnumbered read, on every thread. -#}
    {%- set sql -%}
        select
            count(*) as n_lines,
            count(case when regexp_matches(raw_line, '{{ pattern }}') then 1 end) as identity_lines
        from ({{ rtwpanel.raw_line_values(rtwpanel.raw_read(path, rejects)) }}) as lines
    {%- endset -%}
    {%- set counts = run_query(sql).rows[0] -%}
    {%- set first_line = none -%}
    {%- set first_column = none -%}
    {%- if counts[1] > 0 -%}
        {#- Only for a refused file: the line and column of the first flagged value. -#}
        {%- set first_sql -%}
            select
                source_line,
                case
                {%- for column in header_columns %}
                    when regexp_matches({{ rtwpanel.csv_field(rtwpanel.csv_fields('raw_line'), loop.index) }}, '{{ pattern }}')
                        then '{{ column | replace("'", "''") }}'
                {%- endfor %}
                    else 'a field beyond the header'
                end as column_name
            from ({{ rtwpanel.raw_lines(rtwpanel.raw_read(path, rejects ~ '_again')) }}) as lines
            where regexp_matches(raw_line, '{{ pattern }}')
            order by source_line
            limit 1
        {%- endset -%}
        {%- set first = run_query(first_sql).rows[0] -%}
        {%- set first_line = first[0] -%}
        {%- set first_column = first[1] -%}
    {%- endif -%}
    {%- set unreadable = run_query(
        'select count(*), min(line), min(error_type) from ' ~ rejects).rows[0] -%}
    {{- return({
        'data_rows': [counts[0] - 1, 0] | max,
        'identity_lines': counts[1] | int,
        'first_identity_line': first_line,
        'first_identity_column': first_column,
        'unreadable_lines': unreadable[0] | int,
        'first_unreadable_line': unreadable[1],
        'unreadable_error': unreadable[2],
    }) -}}
{% endmacro %}

{% macro default__raw_scan(path, header_columns) %}
    {{- exceptions.raise_compiler_error(
        "The structural delivery checks are not yet supported on the " ~ target.type
        ~ " adapter (only DuckDB).") -}}
{% endmacro %}


{#- The distinct values of one field (by position) over the data rows of a raw file. -#}
{% macro raw_distinct_values(path, position) %}
    {%- set sql -%}
        select distinct {{ rtwpanel.csv_field(rtwpanel.csv_fields('raw_line'), position) }} as value
        from ({{ rtwpanel.raw_lines(rtwpanel.raw_read(path, 'rtw_unreadable_coverage_lines')) }}) as lines
        where source_line > 1 and raw_line is not null
    {%- endset -%}
    {{- return(run_query(sql).columns[0].values() | list) -}}
{% endmacro %}
