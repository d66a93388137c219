{#-
    Generic tests of the quality gates. Each returns the offending rows, so
    `dbt test --store-failures` or the compiled query shows what tripped.
-#}

{#- Rows of a gate summary whose status is the given one (fail or warn). -#}
{% test gate_status_is_not(model, status) %}

select *
from {{ model }}
where status = '{{ status }}'

{% endtest %}


{#- Rows where a total is not the sum of its parts (nothing lost, nothing invented). -#}
{% macro rows_not_reconciled(relation, total, parts) %}

select *
from {{ relation }}
where {{ total }} is null
    or {{ total }} <> {{ parts | join(' + ') }}

{% endmacro %}
