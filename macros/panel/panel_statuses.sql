{#- The 0/1 status columns of marts.fct_person_month, in mart column order. -#}
{% macro panel_binary_statuses() -%}
    {{ return([
        'employed',
        'sick_listed',
        'on_aap',
        'on_disability',
        'on_unemployment_benefit',
        'on_social_assistance',
        'in_programme',
        'in_education_oct',
        'in_education_course',
        'aap_and_employed',
    ]) }}
{%- endmacro %}
