{#-
    The gate manifest: every quality gate of dq.dq_gate_summary, in gate_order.

      gate         the gate's name
      measure      share (n_flagged / n_checked is compared with the threshold)
                   or count (n_flagged itself is)
      scope        what the gate checked, as text; or scope_column: one row per
                   value of that column of both models (per source)
      description  what is counted, in words
      flagged      [model, aggregate]: the count behind the gate
      checked      [model, aggregate]: what was checked (the share's denominator)
      threshold    the dbt variable holding the threshold, and severity the one
                   holding its severity (warn or error); a gate without them is
                   critical, an invariant: threshold 0, severity error
-#}
{% macro quality_gates() %}
    {{ return([
        {'gate': 'stipulated_end_share', 'measure': 'share', 'scope': 'aa_arbeidsforhold',
            'description': 'ended employment relationships whose end date was stipulated',
            'flagged': ['int_employment_relationships', "sum(case when end_kind = 'stipulated' then 1 else 0 end)"],
            'checked': ['int_employment_relationships',
                "sum(case when end_kind in ('reported', 'stipulated') then 1 else 0 end)"],
            'threshold': 'gate_stipulated_share_warn', 'severity': 'gate_stipulated_share_severity'},
        {'gate': 'aa_registered_after_end_share', 'measure': 'share', 'scope': 'aa_arbeidsforhold',
            'description': 'relationships with a reported end registered in a later month',
            'flagged': ['dq_gate_employment_anomalies', 'sum(registered_after_end)'],
            'checked': ['int_employment_relationships',
                'sum(case when reported_end_date is not null then 1 else 0 end)'],
            'threshold': 'gate_aa_registered_after_end_share_warn',
            'severity': 'gate_aa_registered_after_end_share_severity'},
        {'gate': 'aa_start_changed_share', 'measure': 'share', 'scope': 'aa_arbeidsforhold',
            'description': 'relationships whose start date changes between registration months',
            'flagged': ['dq_gate_employment_anomalies', 'sum(start_changed)'],
            'checked': ['int_employment_relationships', 'count(*)'],
            'threshold': 'gate_aa_start_changed_share_warn', 'severity': 'gate_aa_start_changed_share_severity'},
        {'gate': 'aa_conflicting_registrations_share', 'measure': 'share', 'scope': 'aa_arbeidsforhold',
            'description': 'relationships registered twice in one month with different values',
            'flagged': ['dq_gate_employment_anomalies', 'sum(conflicting_registrations)'],
            'checked': ['int_employment_relationships', 'count(*)'],
            'threshold': 'gate_aa_conflicting_registrations_share_warn',
            'severity': 'gate_aa_conflicting_registrations_share_severity'},
        {'gate': 'sick_leave_mismatch_share', 'measure': 'share', 'scope': 'sykmeldinger',
            'description': 'certificate episodes in mismatch with the sickness-benefit register',
            'flagged': ['int_sick_leave_episode_matches', 'sum(is_mismatch)'],
            'checked': ['int_sick_leave_episode_matches', 'count(*)'],
            'threshold': 'gate_sick_leave_mismatch_share_warn',
            'severity': 'gate_sick_leave_mismatch_share_severity'},
        {'gate': 'quarantine_share', 'measure': 'share', 'scope_column': 'source',
            'description': 'raw rows set aside in quarantine',
            'flagged': ['dq_gate_sources', 'sum(quarantined_rows)'],
            'checked': ['dq_gate_sources', 'sum(raw_rows)'],
            'threshold': 'gate_quarantine_share_fail', 'severity': 'gate_quarantine_share_severity'},
        {'gate': 'implausible_share', 'measure': 'share', 'scope_column': 'source',
            'description': 'raw rows set aside as implausible (outside the ranges of the delivery contract)',
            'flagged': ['dq_gate_sources', 'sum(implausible_rows)'],
            'checked': ['dq_gate_sources', 'sum(raw_rows)'],
            'threshold': 'gate_implausible_share_warn', 'severity': 'gate_implausible_share_severity'},
        {'gate': 'row_reconciliation', 'measure': 'count', 'scope_column': 'source',
            'description': 'raw rows not accounted for as loaded, duplicate or quarantined',
            'flagged': ['dq_gate_sources', 'sum(abs(unaccounted_rows))'],
            'checked': ['dq_gate_sources', 'sum(raw_rows)']},
        {'gate': 'panel_completeness', 'measure': 'count', 'scope': 'marts.fct_person_month',
            'description': 'persons not exactly once in every covered month',
            'flagged': ['dq_gate_panel_gaps', 'count(*)'],
            'checked': ['dim_participant', 'count(case when has_register_data then 1 end)']},
        {'gate': 'null_outside_coverage', 'measure': 'count', 'scope': 'marts.fct_person_month',
            'description': 'status values NULL inside or not NULL outside their source coverage',
            'flagged': ['dq_gate_coverage_nulls', 'sum(n_null_inside + n_value_outside)'],
            'checked': ['dq_gate_coverage_nulls', 'sum(n_rows)']},
        {'gate': 'identity_numbers', 'measure': 'count', 'scope': 'every table of the build',
            'description': 'values shaped like a national identity number (11 digits)',
            'flagged': ['dq_gate_identity_numbers', 'sum(n_identity_shaped)'],
            'checked': ['dq_gate_identity_numbers', 'sum(n_rows)']},
    ]) }}
{% endmacro %}
