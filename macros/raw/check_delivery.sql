{#-
    Structural checks of a delivery, run as on-run-start so that nothing is
    built from a delivery that breaks the contract. Every problem found is
    collected and reported in one error naming the file and the column:
      - a required file missing (neither name.csv nor name.csv.gz), or both;
      - a file with no header or no data rows (empty);
      - a required column missing from the header, or named twice;
      - a value shaped like a national identity number (11 digits) in any
        field of any file: the file, line and column are named, the value
        never is;
      - coverage.csv without a row for a source.
      - a line that cannot be read (not UTF-8): file and line are named.
    A file that cannot be opened at all (e.g. a broken gzip stream) fails in
    the reader with DuckDB's message naming the file.
    Set var check_delivery: false to skip (e.g. to load only the seeds).
-#}
{% macro check_delivery() %}
    {%- if execute and var('check_delivery', true) -%}
        {%- set problems = rtwpanel.delivery_problems() -%}
        {%- if problems | length > 0 -%}
            {{- exceptions.raise_compiler_error(
                "Delivery '" ~ rtwpanel.raw_dir() ~ "' refused, nothing was built ("
                ~ problems | length ~ " structural error(s)):\n  - "
                ~ problems | join("\n  - ")) -}}
        {%- endif -%}
    {%- endif -%}
    select 1 as delivery_checked
{%- endmacro %}


{#- The problems of the delivery in var raw_dir, as messages (empty: sound). -#}
{% macro delivery_problems() %}
    {%- set problems = [] -%}
    {%- set files = rtwpanel.raw_files() -%}
    {%- set covered = [] -%}
    {%- for name, spec in files.items() -%}
        {%- set path = rtwpanel.raw_file_path(name, problems) -%}
        {%- if path is not none -%}
            {%- set file_label = path.split('/')[-1] -%}
            {%- set header = rtwpanel.raw_header(path) -%}
            {%- if header is none -%}
                {%- do problems.append(file_label ~ ": the file is empty (no header, no rows)") -%}
            {%- else -%}
                {%- set columns = header.split(';') -%}
                {%- for column in spec['columns'] -%}
                    {%- if column['name'] not in columns -%}
                        {%- do problems.append(file_label ~ ": missing required column '" ~ column['name'] ~ "'") -%}
                    {%- elif columns.count(column['name']) > 1 -%}
                        {%- do problems.append(file_label ~ ": column '" ~ column['name'] ~ "' appears more than once in the header") -%}
                    {%- endif -%}
                {%- endfor -%}
                {%- set scan = rtwpanel.raw_scan(path, columns) -%}
                {%- if scan['data_rows'] == 0 and scan['unreadable_lines'] == 0 -%}
                    {%- do problems.append(file_label ~ ": the file is empty (a header but no data rows)") -%}
                {%- endif -%}
                {%- if scan['unreadable_lines'] > 0 -%}
                    {%- do problems.append(
                        file_label ~ ": unreadable, line " ~ scan['first_unreadable_line'] ~ " cannot be read ("
                        ~ scan['unreadable_error'] | lower ~ "; " ~ scan['unreadable_lines']
                        ~ " line(s) in this file); a delivery must be UTF-8 text") -%}
                {%- endif -%}
                {%- if scan['identity_lines'] > 0 -%}
                    {%- do problems.append(
                        file_label ~ ": line " ~ scan['first_identity_line'] ~ ", column '"
                        ~ scan['first_identity_column'] ~ "' holds a value shaped like a national identity number"
                        ~ " (11 digits; " ~ scan['identity_lines'] ~ " line(s) in this file). The value is not shown;"
                        ~ " a delivery must carry pseudonymous ids only") -%}
                {%- endif -%}
                {%- if name == 'coverage' and 'source' in columns -%}
                    {%- do covered.extend(rtwpanel.raw_distinct_values(path, columns.index('source') + 1)) -%}
                {%- endif -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if files['coverage'] is defined and covered | length > 0 -%}
        {%- for name, spec in files.items() if spec['needs_coverage'] and name not in covered -%}
            {%- do problems.append("coverage.csv: no row for source '" ~ name ~ "' (column 'source')") -%}
        {%- endfor -%}
    {%- endif -%}
    {{- return(problems) -}}
{% endmacro %}


{#- The one file of a source (name.csv or name.csv.gz); none + a problem if not exactly one. -#}
{% macro raw_file_path(name, problems) %}
    {%- set dir = rtwpanel.raw_dir() -%}
    {%- set paths = rtwpanel.raw_files_present(dir, name) -%}
    {%- if paths | length == 0 -%}
        {%- do problems.append(name ~ ".csv: missing required file (neither " ~ name ~ ".csv nor "
            ~ name ~ ".csv.gz in '" ~ dir ~ "')") -%}
        {{- return(none) -}}
    {%- elif paths | length > 1 -%}
        {%- do problems.append(name ~ ".csv: both " ~ name ~ ".csv and " ~ name
            ~ ".csv.gz are present; deliver one of them") -%}
        {{- return(none) -}}
    {%- endif -%}
    {{- return(paths[0] | replace('\\', '/')) -}}
{% endmacro %}


{#- The header line of a raw file, none when the file has no lines. -#}
{% macro raw_header(path) %}
    {#- A single-table scan with limit keeps the file order: this is line 1. -#}
    {#- Unreadable lines are set aside here and reported by raw_scan. -#}
    {%- set result = run_query(
        "select raw_line from " ~ rtwpanel.raw_read(path, 'rtw_unreadable_header_lines') ~ " limit 1") -%}
    {%- set values = result.columns[0].values() | list -%}
    {%- if values | length == 0 or values[0] is none or values[0] | trim == '' -%}
        {{- return(none) -}}
    {%- endif -%}
    {{- return(values[0]) -}}
{% endmacro %}


{#- The paths of name.csv and name.csv.gz that exist in dir (0, 1 or 2 of them). -#}
{% macro raw_files_present(dir, name) %}
    {{- return(adapter.dispatch('raw_files_present', 'rtwpanel')(dir, name)) -}}
{% endmacro %}

{% macro duckdb__raw_files_present(dir, name) %}
    {%- set found = run_query(
        "select file from glob('" ~ dir ~ "/" ~ name ~ ".csv')"
        ~ " union all select file from glob('" ~ dir ~ "/" ~ name ~ ".csv.gz') order by 1") -%}
    {{- return(found.columns[0].values() | list) -}}
{% endmacro %}

{% macro default__raw_files_present(dir, name) %}
    {{- exceptions.raise_compiler_error(
        "Listing the files of a delivery is not yet supported on the " ~ target.type
        ~ " adapter (only DuckDB); add a " ~ target.type ~ "__raw_files_present macro.") -}}
{% endmacro %}
