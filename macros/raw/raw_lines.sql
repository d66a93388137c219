{#-
    The physical lines of a raw file, numbered as in the file (header = line 1).
    Every file is read as one text column per line and split into its fields
    in SQL (macro csv_fields: `;` between fields, CSV quoting),
    so a row with the wrong number of fields becomes a quarantined row instead
    of a reader error, and line numbers are exact.
-#}
{% macro raw_lines(relation) %}
    {{- return(adapter.dispatch('raw_lines', 'rtwpanel')(relation)) -}}
{% endmacro %}

{#-
    DuckDB keeps the file's row order through a single-table scan and an empty
    OVER () window (documented order preservation), so row_number() over ()
    is the physical line number, also with the parallel reader and gzip.
    Blank lines come through as NULL and keep their number.
-#}
{% macro duckdb__raw_lines(relation) %}
    select
        row_number() over () as source_line,
        raw_line
    from {{ relation }}
{% endmacro %}

{#-
    The lines of a raw file without their numbers, in no particular order: for
    whole-file aggregates (counts, hashes), which then need not read the file in
    order. Numbering is what makes a read sequential on DuckDB (the empty OVER ()
    window runs on one thread), so these reads use every thread.
-#}
{% macro raw_line_values(relation) %}
    {{- return(adapter.dispatch('raw_line_values', 'rtwpanel')(relation)) -}}
{% endmacro %}

{% macro duckdb__raw_line_values(relation) %}
    select raw_line
    from {{ relation }}
{% endmacro %}

{#- Elsewhere the numbered read, without its numbers. -#}
{% macro default__raw_line_values(relation) %}
    select raw_line
    from ({{ rtwpanel.raw_lines(relation) }}) as rtw_numbered_lines
{% endmacro %}


{% macro default__raw_lines(relation) %}
    {{- exceptions.raise_compiler_error(
        "Reading raw delivery files is not yet supported on the " ~ target.type
        ~ " adapter (only DuckDB); add a " ~ target.type ~ "__raw_lines and "
        ~ target.type ~ "__raw_read macro.") -}}
{% endmacro %}


{#-
    The table expression that reads one raw file as lines (one text column,
    raw_line). The sources in models/staging/_raw__sources.yml use the same
    reader options; the structural checks use this macro before any model runs.
-#}
{% macro raw_read(path, rejects_table=none, estimate_rows=false) %}
    {{- return(adapter.dispatch('raw_read', 'rtwpanel')(path, rejects_table, estimate_rows)) -}}
{% endmacro %}

{#-
    chr(1) as delimiter: a whole line is one field; no quoting, no sniffing.
    The path is one exact file, never a pattern; it is quoted as an SQL
    string (a folder may be called o'brien).
    With rejects_table, lines that cannot be read (e.g. not UTF-8, or longer
    than max_line_size) are set aside in that table instead of failing with
    the line's text in the error.
    estimate_rows (the staging reads): the sniffer runs, though every option
    it could detect is fixed so it detects nothing; its sample gives the
    planner a row estimate near the file's, and joins against the cohort are
    then built on the cohort, not on the file.
-#}
{% macro duckdb__raw_read(path, rejects_table=none, estimate_rows=false) %}
    read_csv({{ rtwpanel.sql_string(path) }}, header = false, columns = {'raw_line': 'VARCHAR'}, delim = chr(1), quote = '', escape = '', max_line_size = {{ rtwpanel.raw_max_line_bytes() }}, strict_mode = false
    {%- if estimate_rows -%}
        , comment = '', skip = 0, auto_detect = true
    {%- else -%}
        , auto_detect = false
    {%- endif -%}
    {%- if rejects_table is not none -%}
        , store_rejects = true, rejects_table = '{{ rejects_table }}', rejects_scan = '{{ rejects_table }}_scan'
    {%- endif -%}
    )
{%- endmacro %}

{#- The longest line a delivery may have, in bytes (DuckDB's default max_line_size). -#}
{% macro raw_max_line_bytes() %}
    {{- return(2097152) -}}
{% endmacro %}

{#- A text as an SQL string literal: in single quotes, a quote inside doubled. -#}
{% macro sql_string(text) %}
    {{- return("'" ~ (text | string | replace("'", "''")) ~ "'") -}}
{% endmacro %}

{#-
    A folder as the fixed part of a glob pattern: the characters a glob reads
    as wildcards ([, *, ?) each become a one-character class, so a folder
    called `delivery [1]` is matched as it is named.
-#}
{% macro glob_escape(text) %}
    {{- return(text | string | replace('[', '[[]') | replace('*', '[*]') | replace('?', '[?]')) -}}
{% endmacro %}

{% macro default__raw_read(path, rejects_table=none, estimate_rows=false) %}
    {{- exceptions.raise_compiler_error(
        "Reading raw delivery files is not yet supported on the " ~ target.type
        ~ " adapter (only DuckDB).") -}}
{% endmacro %}


{#- The delivery folder: var raw_dir, without a trailing slash. -#}
{% macro raw_dir() %}
    {{- return((var('raw_dir') | string | trim).rstrip('/')) -}}
{% endmacro %}
