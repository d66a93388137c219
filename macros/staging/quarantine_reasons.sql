{#-
    The row-level defect reasons (docs/contracts.md, "Defect kinds"), in the
    order of precedence used when a row has several problems: the first that
    applies is the row's reason. Shape before content, content before
    reference data, reference data before other rows:
      wrong_field_count  the fields cannot be mapped to columns at all
      nul_byte           a field (or the line) holds a NUL byte
      missing_value      a required field is empty
      bad_date, bad_month, bad_number   a field does not parse
      implausible_value  a value outside its plausible range in the delivery
                         contract (a date far outside the coverage, a
                         percentage over 100, a negative amount)
      end_before_start   the row contradicts itself
      unknown_code       a code not in its reference seed
      unknown_person     person_id not among the sound participants
      orphan_reversal    a negative payment that cancels no payment
    Within one reason, the first column in contract order is named.
-#}
{% macro quarantine_reasons() %}
    {{- return([
        'wrong_field_count',
        'nul_byte',
        'missing_value',
        'bad_date',
        'bad_month',
        'bad_number',
        'implausible_value',
        'end_before_start',
        'unknown_code',
        'unknown_person',
        'orphan_reversal',
    ]) -}}
{% endmacro %}
