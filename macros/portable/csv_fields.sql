{#-
    The fields of one CSV line (`;` between fields), as CSV quotes them
    (RFC 4180): a field in double quotes may hold `;` and a quote written
    twice (`""`); the quotes are not part of the value. A field that does not
    start with a quote is taken as it stands (a quote inside it is text).
    A line whose quoting is broken (a quoted field not closed, or text after
    its closing quote) cannot be split into fields: the list is NULL and the
    row a wrong_field_count. NULL for a NULL (blank) line.

    Only a line holding a quote goes through the quote-aware pattern: every
    other line is split on `;` as it stands, which is the same and cheap.
-#}
{% macro csv_fields(line) %}
    {{- return(adapter.dispatch('csv_fields', 'rtwpanel')(line)) -}}
{% endmacro %}

{#- One field: quoted (its quotes doubled inside), unquoted, or empty. -#}
{% macro csv_field_pattern() %}
    {{- return('"(?:[^"]|"")*"|[^;"][^;]*|') -}}
{% endmacro %}

{% macro duckdb__csv_fields(line) -%}
    {%- set field = rtwpanel.csv_field_pattern() -%}
    case
        when not contains({{ line }}, '"') then string_split({{ line }}, ';')
        when regexp_full_match({{ line }}, '(?:{{ field }})(?:;(?:{{ field }}))*')
            then list_transform(
                regexp_extract_all(';' || {{ line }}, ';({{ field }})', 1),
                lambda quoted_field: case
                    when starts_with(quoted_field, '"')
                        then replace(quoted_field[2:-2], '""', '"')
                    else quoted_field
                end
            )
    end
{%- endmacro %}

{#- Java regular expressions; split's pattern `;` has no special character. -#}
{% macro spark__csv_fields(line) -%}
    {%- set field = rtwpanel.csv_field_pattern() -%}
    case
        when instr({{ line }}, '"') = 0 then split({{ line }}, ';', -1)
        when {{ line }} rlike '^(?:{{ field }})(?:;(?:{{ field }}))*$'
            then transform(
                regexp_extract_all(concat(';', {{ line }}), ';({{ field }})', 1),
                quoted_field -> case
                    when startswith(quoted_field, '"')
                        then replace(substr(quoted_field, 2, length(quoted_field) - 2), '""', '"')
                    else quoted_field
                end
            )
    end
{%- endmacro %}

{#- The i-th field (from 1) of a csv_fields list; NULL beyond its end. -#}
{% macro csv_field(fields, position) %}
    {{- return(adapter.dispatch('csv_field', 'rtwpanel')(fields, position)) -}}
{% endmacro %}

{% macro duckdb__csv_field(fields, position) -%}
    {{ fields }}[{{ position }}]
{%- endmacro %}

{% macro spark__csv_field(fields, position) -%}
    element_at({{ fields }}, {{ position }})
{%- endmacro %}

{#- The number of fields in a csv_fields list; 0 for a blank or broken line. -#}
{% macro csv_field_count(fields) %}
    {{- return(adapter.dispatch('csv_field_count', 'rtwpanel')(fields)) -}}
{% endmacro %}

{% macro duckdb__csv_field_count(fields) -%}
    coalesce(len({{ fields }}), 0)
{%- endmacro %}

{#- not size() alone: it gives -1 for NULL unless ANSI mode is on -#}
{% macro spark__csv_field_count(fields) -%}
    case when {{ fields }} is null then 0 else size({{ fields }}) end
{%- endmacro %}
