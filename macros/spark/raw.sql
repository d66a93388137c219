{#-
    Raw delivery files on Spark, read where they lie with Spark's `text` source:
    one row per physical line (`.csv.gz` is decompressed by its extension).
    Paths are whatever the cluster can read: a local path for the session
    method, hdfs://, s3a:// or dbfs:/ on a cluster.
-#}

{#-
    A table expression with one text column, raw_line; a blank line is NULL, as
    on DuckDB. Spark does not fail on bytes that are not UTF-8: it reads them as
    U+FFFD, which spark__raw_scan counts as unreadable lines. So rejects_table
    (DuckDB's table of lines it could not read) is not needed here.
-#}
{% macro spark__raw_read(path, rejects_table=none, estimate_rows=false) -%}
    (select nullif(value, '') as raw_line from text.`{{ rtwpanel.spark_path(path) }}`)
{%- endmacro %}


{#-
    A path as Spark must be given it. A relative local path (the default
    raw_dir data/demo, the unit tests' tests/fixtures/...) is taken from the
    project folder, as DuckDB takes it from where dbt runs: a Thrift server
    would resolve it against its own working folder. An absolute path or a URI
    (file:/, hdfs://, s3a://) is left as it is.
-#}
{% macro spark_path(path) %}
    {%- set path = path | string -%}
    {%- if path.startswith('/') or ':' in path.split('/')[0] -%}
        {{- return(path) -}}
    {%- endif -%}
    {{- return(invocation_args_dict['project_dir'] ~ '/' ~ path) -}}
{% endmacro %}


{#-
    Lines numbered as in the file (header = 1). Spark has no file order after
    a shuffle, so the number is built from where each row was read: a split of
    a file starts at a byte offset (input_file_block_start, 0 for a gzip file,
    which is never split) and, inside a split, rows come in file order with
    increasing monotonically_increasing_id. Numbering inside each split and
    adding the lines of the splits before it gives the physical line without
    moving the whole file through one partition.

    `relation` is either a table expression from raw_read or a source of the
    raw delivery (source('raw', name)); the latter is read from its file in
    var raw_dir, like dbt-duckdb's external_location does on DuckDB; in a dbt
    unit test the source is mocked by a CTE, which is read as it is.
-#}
{% macro spark__raw_lines(relation) %}
    {%- if relation is string -%}
        {%- set reader = relation -%}
    {%- elif (relation.identifier or '').startswith('__dbt__cte__') -%}
        {#- a dbt unit test's mocked rows (a CTE with raw_line), read in the given order -#}
        {%- set reader = relation -%}
    {%- elif execute -%}
        {#- exactly name.csv or name.csv.gz, as the structural checks found it -#}
        {%- set reader = rtwpanel.raw_read(rtwpanel.raw_file_path(relation.identifier, [])) -%}
    {%- else -%}
        {#- parsing: no query runs, the path is only a placeholder -#}
        {%- set reader = rtwpanel.raw_read(rtwpanel.raw_dir() ~ '/' ~ relation.identifier ~ '.csv') -%}
    {%- endif -%}
    with rtw_scanned as (
        select
            raw_line,
            input_file_name() as file_name,
            input_file_block_start() as block_start,
            monotonically_increasing_id() as read_order
        from {{ reader }} as rtw_reader
    ),

    rtw_blocks as (
        select
            file_name,
            block_start,
            coalesce(sum(count(*)) over (
                partition by file_name
                order by block_start
                rows between unbounded preceding and 1 preceding
            ), 0) as lines_before
        from rtw_scanned
        group by file_name, block_start
    ),

    rtw_numbered as (
        select
            rtw_blocks.lines_before + row_number() over (
                partition by rtw_scanned.file_name, rtw_scanned.block_start
                order by rtw_scanned.read_order
            ) as source_line,
            rtw_scanned.raw_line
        from rtw_scanned
        inner join rtw_blocks
            on rtw_scanned.file_name = rtw_blocks.file_name
            and rtw_scanned.block_start = rtw_blocks.block_start
    )

    select source_line, raw_line from rtw_numbered
{%- endmacro %}


{#-
    The structural scan of raw_scan (see macros/raw/raw_scan.sql) in one pass
    over the file. A line is unreadable when it holds U+FFFD, the character
    Spark puts for bytes that are not UTF-8 (so a file that really contains
    U+FFFD is refused too); the error is named as DuckDB names it.
-#}
{% macro spark__raw_scan(path, header_columns) %}
    {%- set pattern = rtwpanel.identity_number_pattern() -%}
    {%- set sql -%}
        with lines as (
            {{ rtwpanel.raw_lines(rtwpanel.raw_read(path)) }}
        ),

        flagged as (
            select
                source_line,
                coalesce(raw_line rlike '\\x{FFFD}', false) as is_unreadable,
                coalesce(raw_line rlike '{{ pattern }}', false) as is_flagged,
                case
                {%- for column in header_columns %}
                    when {{ rtwpanel.csv_field(rtwpanel.csv_fields('raw_line'), loop.index) }} rlike '{{ pattern }}'
                        then '{{ column | replace("'", "\\'") }}'
                {%- endfor %}
                    else 'a field beyond the header'
                end as column_name
            from lines
        )

        select
            count(case when source_line > 1 and not is_unreadable then 1 end) as data_rows,
            count(case when is_flagged then 1 end) as identity_lines,
            min(case when is_flagged then source_line end) as first_identity_line,
            min_by(column_name, case when is_flagged then source_line end) as first_identity_column,
            count(case when is_unreadable then 1 end) as unreadable_lines,
            min(case when is_unreadable then source_line end) as first_unreadable_line
        from flagged
    {%- endset -%}
    {%- set row = run_query(sql).rows[0] -%}
    {{- return({
        'data_rows': row[0] | int,
        'identity_lines': row[1] | int,
        'first_identity_line': row[2],
        'first_identity_column': row[3],
        'unreadable_lines': row[4] | int,
        'first_unreadable_line': row[5],
        'unreadable_error': 'INVALID ENCODING' if row[4] | int > 0 else none,
    }) -}}
{% endmacro %}
