{#-
    The plausibility checks of a file's columns (the `window` and `range` of
    its columns in the delivery contract, macro raw_files), as checks for
    checked_rows: [condition, 'implausible_value', column].

      window [years_before, years_after]  a date, month or year must lie within
          the delivery's coverage (the first month of coverage.csv to its last
          month) widened by that many years on each side
      range [low, high]  a number must lie within low..high; none leaves a side
          open (range [0, none]: no negative amounts)
      between [first_day, last_day]  a date must lie within these days (ISO
          dates), e.g. the study's inclusion window for the randomisation date

    The delivery's coverage is read from coverage.csv when the model is
    compiled; with no readable coverage the windows are not checked (the
    structural checks have refused such a delivery).
-#}
{% macro plausibility_checks(columns) %}
    {%- set checks = [] -%}
    {%- set coverage = rtwpanel.delivery_coverage() if execute else none -%}
    {%- for column in columns -%}
        {%- set name = column['name'] -%}
        {%- if column.get('window') is not none and coverage is not none -%}
            {%- set before = column['window'][0] -%}
            {%- set after = column['window'][1] -%}
            {%- if column['kind'] == 'year' -%}
                {%- set condition = name ~ ' < ' ~ (coverage['first_year'] - before)
                    ~ ' or ' ~ name ~ ' > ' ~ (coverage['last_year'] + after) -%}
            {%- else -%}
                {#- from the first day of the first month to the last day of the last -#}
                {%- set low = rtwpanel.month_start_literal(coverage['first_year'] - before, coverage['first_month']) -%}
                {%- set next_month = coverage['last_month'] % 12 + 1 -%}
                {%- set next_year = coverage['last_year'] + after + (1 if coverage['last_month'] == 12 else 0) -%}
                {%- set high = rtwpanel.month_start_literal(next_year, next_month) -%}
                {%- set condition = name ~ ' < ' ~ low ~ ' or ' ~ name ~ ' >= ' ~ high -%}
            {%- endif -%}
            {%- do checks.append([name ~ ' is not null and (' ~ condition ~ ')', 'implausible_value', name]) -%}
        {%- endif -%}
        {%- if column.get('between') -%}
            {%- set condition = name ~ " < cast('" ~ column['between'][0] ~ "' as date) or "
                ~ name ~ " > cast('" ~ column['between'][1] ~ "' as date)" -%}
            {%- do checks.append([name ~ ' is not null and (' ~ condition ~ ')', 'implausible_value', name]) -%}
        {%- endif -%}
        {%- if column.get('range') is not none -%}
            {%- set bounds = [] -%}
            {%- if column['range'][0] is not none -%}
                {%- do bounds.append(name ~ ' < ' ~ column['range'][0]) -%}
            {%- endif -%}
            {%- if column['range'][1] is not none -%}
                {%- do bounds.append(name ~ ' > ' ~ column['range'][1]) -%}
            {%- endif -%}
            {%- do checks.append([name ~ ' is not null and (' ~ bounds | join(' or ') ~ ')', 'implausible_value', name]) -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return(checks) -}}
{% endmacro %}


{#- The first day of a month as a portable date literal. -#}
{% macro month_start_literal(year, month) %}
    {{- return("cast('" ~ '%04d' | format(year) ~ "-" ~ '%02d' | format(month) ~ "-01' as date)") -}}
{% endmacro %}


{#-
    The delivery's coverage: the earliest first_month and the latest last_month
    of coverage.csv, as {first_year, first_month, last_year, last_month}; none
    when the file has no readable row. Only well-formed months (YYYYMM, month
    01-12) count; a malformed row is quarantined by stg_coverage.
-#}
{% macro delivery_coverage() %}
    {%- set path = rtwpanel.raw_file_path('coverage', []) -%}
    {%- if path is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set header = rtwpanel.raw_header(path) -%}
    {%- set columns = rtwpanel.header_names(header) if header is not none else [] -%}
    {%- if 'first_month' not in columns or 'last_month' not in columns -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set firsts = rtwpanel.well_formed_months(
        rtwpanel.raw_distinct_values(path, columns.index('first_month') + 1)) -%}
    {%- set lasts = rtwpanel.well_formed_months(
        rtwpanel.raw_distinct_values(path, columns.index('last_month') + 1)) -%}
    {%- if firsts | length == 0 or lasts | length == 0 -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set first = firsts | min -%}
    {%- set last = lasts | max -%}
    {{- return({
        'first_year': first[:4] | int, 'first_month': first[4:] | int,
        'last_year': last[:4] | int, 'last_month': last[4:] | int,
    }) -}}
{% endmacro %}

{% macro well_formed_months(values) %}
    {%- set months = [] -%}
    {%- for value in values if value is string and value | length == 6 and value.isdigit() -%}
        {%- if 1 <= value[4:] | int <= 12 -%}
            {%- do months.append(value) -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return(months) -}}
{% endmacro %}
