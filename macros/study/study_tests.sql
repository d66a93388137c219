{#-
    A participants column that only a trial fills (arm, randomised_date): set on
    every row when the study randomised (design rct), empty on every row when it
    did not (design cohort). Returns the offending rows.
-#}
{% test set_by_design(model, column_name) %}

select *
from {{ model }}
where {{ column_name }} is {{ 'null' if rtwpanel.study_is_trial() else 'not null' }}

{% endtest %}
