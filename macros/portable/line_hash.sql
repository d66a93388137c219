{#-
    A 64-bit hash of a text value, to find the few raw lines that may repeat
    without sorting every line by its full text. Only lines sharing a hash are
    then compared in full, so a collision never makes two lines duplicates.
-#}
{% macro line_hash(expression) %}
    {{- return(adapter.dispatch('line_hash', 'rtwpanel')(expression)) -}}
{% endmacro %}

{% macro default__line_hash(expression) -%}
    hash({{ expression }})
{%- endmacro %}

{% macro spark__line_hash(expression) -%}
    xxhash64({{ expression }})
{%- endmacro %}
