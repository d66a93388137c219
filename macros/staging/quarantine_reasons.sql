{#-
    The row-level defect reasons (docs/contracts.md, "Defect kinds"), in the
    order of precedence used when a row has several problems: the first that
    applies is the row's reason. Shape before content, content before
    reference data, reference data before other rows:
      wrong_field_count  the fields cannot be mapped to columns at all
      missing_value      a required field is empty
      bad_date, bad_month, bad_number   a field does not parse
      end_before_start   the row contradicts itself
      unknown_code       a code not in its reference seed
      unknown_person     person_id not among the sound participants
      orphan_reversal    a negative payment that cancels no payment
    Within one reason, the first column in contract order is named.
-#}
{% macro quarantine_reasons() %}
    {{- return([
        'wrong_field_count',
        'missing_value',
        'bad_date',
        'bad_month',
        'bad_number',
        'end_before_start',
        'unknown_code',
        'unknown_person',
        'orphan_reversal',
    ]) -}}
{% endmacro %}
