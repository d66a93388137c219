{#-
    A fødselsnummer (national identity number) is 11 digits. A value is
    "identity-number shaped" when it holds a run of exactly 11 digits (or the
    written form 010190 12345, with a space after the birth date): a text with
    such a run, or an integer between 10^10 and 10^11 - 1. Floating-point
    and date columns cannot carry one and are not checked.
-#}
{% macro is_identity_number_text(expr) -%}
    {{- return(adapter.dispatch('is_identity_number_text', 'rtwpanel')(expr)) -}}
{%- endmacro %}

{% macro duckdb__is_identity_number_text(expr) -%}
    (length({{ expr }}) >= 11 and regexp_matches({{ expr }}, '{{ rtwpanel.identity_number_pattern() }}'))
{%- endmacro %}

{#- Spark, Databricks and most others: rlike with Java regular expressions. -#}
{% macro default__is_identity_number_text(expr) -%}
    (length({{ expr }}) >= 11 and {{ expr }} rlike '{{ rtwpanel.identity_number_pattern() }}')
{%- endmacro %}

{% macro is_identity_number_integer(expr) -%}
    (abs({{ expr }}) between 10000000000 and 99999999999)
{%- endmacro %}
