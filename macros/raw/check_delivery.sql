{#-
    Structural checks of a delivery, run as on-run-start so that nothing is
    built from a delivery that breaks the contract. Every problem found is
    collected and reported in one error naming the file and the column:
      - a required file missing (neither name.csv nor name.csv.gz), or both
        (an optional file may be missing, never both);
      - a file with no header or no data rows (empty);
      - a required column missing from the header, or named twice;
      - a value shaped like a national identity number (11 digits) in any
        field of any file: the file, line and column are named, the value
        never is;
      - coverage.csv without a row for a source delivered.
      - a line that cannot be read (not UTF-8, or longer than the reader's
        limit): file and line are named, and the limit;
      - a file in the folder that is not a file of the contract, when var
        unrecognised_files is refuse (warn, the default: each is named in a
        warning; the build reads only name.csv or name.csv.gz, never them).
    A gzip file is verified whole (its CRC) before this runs, by the dbt
    plugin (src/rtwpanel/dbt_plugin.py): a corrupt one is refused by name.
    Set var check_delivery: false to skip the checks of the contract's shape
    (e.g. to load only the seeds). The protection of personal data is not
    skipped: every file present is still scanned for identity numbers and
    unreadable lines, which would otherwise reach the tables or a reader's
    error message.
-#}
{% macro check_delivery() %}
    {%- if execute -%}
        {%- set problems = rtwpanel.delivery_problems(var('check_delivery', true)) -%}
        {%- if problems | length > 0 -%}
            {{- exceptions.raise_compiler_error(
                "Delivery '" ~ rtwpanel.raw_dir() ~ "' refused, nothing was built ("
                ~ problems | length ~ " structural error(s)):\n  - "
                ~ problems | join("\n  - ")) -}}
        {%- endif -%}
    {%- endif -%}
    select 1 as delivery_checked
{%- endmacro %}


{#-
    The problems of the delivery in var raw_dir, as messages (empty: sound).
    With whole=false only the scans that keep personal data out of the build
    run, over the files present.
-#}
{% macro delivery_problems(whole=true) %}
    {%- set problems = [] -%}
    {%- set files = rtwpanel.raw_files() -%}
    {%- set covered = [] -%}
    {%- set present = [] -%}
    {%- if whole -%}
        {%- do rtwpanel.check_unrecognised_files(files, problems) -%}
    {%- endif -%}
    {%- for name, spec in files.items() -%}
        {%- set path = rtwpanel.raw_file_path(name, problems if whole else [], not spec.get('optional', false)) -%}
        {%- if path is not none -%}
            {%- do present.append(name) -%}
            {%- set file_label = path.split('/')[-1] -%}
            {%- set header = rtwpanel.raw_header(path) -%}
            {%- if header is none -%}
                {%- if whole -%}
                    {%- do problems.append(file_label ~ ": the file is empty (no header, no rows)") -%}
                {%- endif -%}
            {%- else -%}
                {%- set columns = rtwpanel.header_names(header) -%}
                {%- for column in spec['columns'] if whole -%}
                    {%- if column['name'] not in columns -%}
                        {%- do problems.append(file_label ~ ": missing required column '" ~ column['name'] ~ "'") -%}
                    {%- elif columns.count(column['name']) > 1 -%}
                        {%- do problems.append(file_label ~ ": column '" ~ column['name'] ~ "' appears more than once in the header") -%}
                    {%- endif -%}
                {%- endfor -%}
                {%- set scan = rtwpanel.raw_scan(path, columns) -%}
                {%- if whole and scan['data_rows'] == 0 and scan['unreadable_lines'] == 0 -%}
                    {%- do problems.append(file_label ~ ": the file is empty (a header but no data rows)") -%}
                {%- endif -%}
                {%- if scan['unreadable_lines'] > 0 and scan['unreadable_error'] == 'LINE SIZE OVER MAXIMUM' -%}
                    {%- do problems.append(
                        file_label ~ ": line too long, line " ~ scan['first_unreadable_line']
                        ~ " is longer than the reader's limit of " ~ rtwpanel.raw_max_line_bytes()
                        ~ " bytes (" ~ scan['unreadable_lines'] ~ " unreadable line(s) in this file)."
                        ~ " The line is not shown") -%}
                {%- elif scan['unreadable_lines'] > 0 -%}
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
                {%- if whole and name == 'coverage' and 'source' in columns -%}
                    {%- do covered.extend(rtwpanel.raw_distinct_values(path, columns.index('source') + 1)) -%}
                {%- endif -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if files['coverage'] is defined and covered | length > 0 -%}
        {%- for name, spec in files.items() if spec['needs_coverage'] and name in present and name not in covered -%}
            {%- do problems.append("coverage.csv: no row for source '" ~ name ~ "' (column 'source')") -%}
        {%- endfor -%}
    {%- endif -%}
    {{- return(problems) -}}
{% endmacro %}


{#- The one file of a source (name.csv or name.csv.gz); none + a problem if not
    exactly one (none and no problem when an optional file is absent). -#}
{% macro raw_file_path(name, problems, required=true) %}
    {%- set dir = rtwpanel.raw_dir() -%}
    {%- set paths = rtwpanel.raw_files_present(dir, name) -%}
    {%- if paths | length == 0 and not required -%}
        {{- return(none) -}}
    {%- elif paths | length == 0 -%}
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


{#-
    The column names of a header line, as CSV quotes them: a name may be in
    double quotes (a quote inside doubled). Contract names hold no `;`.
-#}
{% macro header_names(header) %}
    {%- set names = [] -%}
    {%- for name in header.split(';') -%}
        {%- if name | length > 1 and name.startswith('"') and name.endswith('"') -%}
            {%- do names.append(name[1:-1] | replace('""', '"')) -%}
        {%- else -%}
            {%- do names.append(name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return(names) -}}
{% endmacro %}


{#-
    Files in the delivery folder that are no file of the contract (a
    ytelser.csv.bak, a participants.csv.new): never read, but named, in a
    warning or, with var unrecognised_files: refuse, as a problem.
-#}
{% macro check_unrecognised_files(files, problems) %}
    {%- set known = [] -%}
    {%- for name in files -%}
        {%- do known.extend([name ~ '.csv', name ~ '.csv.gz']) -%}
    {%- endfor -%}
    {%- set strays = [] -%}
    {%- for path in rtwpanel.raw_folder_files(rtwpanel.raw_dir()) -%}
        {%- set file_name = (path | replace('\\', '/')).split('/')[-1] -%}
        {%- if file_name not in known -%}
            {%- do strays.append(file_name) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for file_name in strays | sort -%}
        {%- if var('unrecognised_files', 'warn') == 'refuse' -%}
            {%- do problems.append(file_name ~ ": not a file of the delivery contract; remove it"
                ~ " (var unrecognised_files: warn reads past it)") -%}
        {%- else -%}
            {%- do exceptions.warn("Delivery '" ~ rtwpanel.raw_dir() ~ "': " ~ file_name
                ~ " is not a file of the delivery contract and is not read"
                ~ " (var unrecognised_files: refuse refuses such a delivery)") -%}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}


{#- The paths of name.csv and name.csv.gz that exist in dir (0, 1 or 2 of them). -#}
{% macro raw_files_present(dir, name) %}
    {{- return(adapter.dispatch('raw_files_present', 'rtwpanel')(dir, name)) -}}
{% endmacro %}

{#- Exactly these two names: the folder as it is named, no wildcard. -#}
{% macro duckdb__raw_files_present(dir, name) %}
    {%- set folder = rtwpanel.glob_escape(dir) -%}
    {%- set found = run_query(
        "select file from glob(" ~ rtwpanel.sql_string(folder ~ "/" ~ name ~ ".csv") ~ ")"
        ~ " union all select file from glob(" ~ rtwpanel.sql_string(folder ~ "/" ~ name ~ ".csv.gz") ~ ")"
        ~ " order by 1") -%}
    {{- return(found.columns[0].values() | list) -}}
{% endmacro %}


{#- Every file in the folder dir (not in its sub-folders), as paths. -#}
{% macro raw_folder_files(dir) %}
    {{- return(adapter.dispatch('raw_folder_files', 'rtwpanel')(dir)) -}}
{% endmacro %}

{% macro duckdb__raw_folder_files(dir) %}
    {%- set found = run_query(
        "select file from glob(" ~ rtwpanel.sql_string(rtwpanel.glob_escape(dir) ~ "/*") ~ ") order by 1") -%}
    {{- return(found.columns[0].values() | list) -}}
{% endmacro %}

{#- Spark: the folder listed as spark__raw_glob lists it (macros/portable/raw_glob.sql). -#}
{% macro spark__raw_folder_files(dir) %}
    {{- return(rtwpanel.raw_glob(dir ~ '/*')) -}}
{% endmacro %}

{% macro default__raw_folder_files(dir) %}
    {{- exceptions.raise_compiler_error(
        "Listing the files of a delivery is not yet supported on the " ~ target.type
        ~ " adapter (only DuckDB); add a " ~ target.type ~ "__raw_folder_files macro.") -}}
{% endmacro %}

{% macro default__raw_files_present(dir, name) %}
    {{- exceptions.raise_compiler_error(
        "Listing the files of a delivery is not yet supported on the " ~ target.type
        ~ " adapter (only DuckDB); add a " ~ target.type ~ "__raw_files_present macro.") -}}
{% endmacro %}
