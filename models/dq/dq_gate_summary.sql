-- One row per quality gate (and per source for the per-source gates): what was
-- checked, the count behind it, the observed value, the threshold (dbt variables)
-- and the status. A gate trips when the observed value exceeds its threshold; it
-- then fails when its severity is `error` and warns when it is `warn`.
-- Critical gates (threshold 0, severity error) are invariants: any count fails.

with

sources as (

    select * from {{ ref('dq_gate_sources') }}

),

relationships as (

    select * from {{ ref('int_employment_relationships') }}

),

employment_anomalies as (

    select * from {{ ref('dq_gate_employment_anomalies') }}

),

episodes as (

    select * from {{ ref('int_sick_leave_episode_matches') }}

),

panel_gaps as (

    select * from {{ ref('dq_gate_panel_gaps') }}

),

participants as (

    select * from {{ ref('dim_participant') }}

),

coverage_nulls as (

    select * from {{ ref('dq_gate_coverage_nulls') }}

),

identity_numbers as (

    select * from {{ ref('dq_gate_identity_numbers') }}

),

stipulated_share as (

    select
        'stipulated_end_share' as gate,
        'share' as measure,
        'aa_arbeidsforhold' as scope,
        'ended employment relationships whose end date was stipulated' as description,
        sum(case when end_kind = 'stipulated' then 1 else 0 end) as n_flagged,
        sum(case when end_kind in ('reported', 'stipulated') then 1 else 0 end) as n_checked,
        {{ var('gate_stipulated_share_warn') }} as threshold,
        '{{ var('gate_stipulated_share_severity') }}' as severity,
        1 as gate_order
    from relationships

),

anomaly_counts as (

    select
        coalesce(sum(registered_after_end), 0) as n_registered_after_end,
        coalesce(sum(start_changed), 0) as n_start_changed
    from employment_anomalies

),

relationship_counts as (

    select
        sum(case when reported_end_date is not null then 1 else 0 end) as n_reported_end,
        count(*) as n_relationships
    from relationships

),

registered_after_end_share as (

    select
        'aa_registered_after_end_share' as gate,
        'share' as measure,
        'aa_arbeidsforhold' as scope,
        'relationships with a reported end registered in a later month' as description,
        anomaly_counts.n_registered_after_end as n_flagged,
        relationship_counts.n_reported_end as n_checked,
        {{ var('gate_aa_registered_after_end_share_warn') }} as threshold,
        '{{ var('gate_aa_registered_after_end_share_severity') }}' as severity,
        2 as gate_order
    from anomaly_counts
    cross join relationship_counts

),

start_changed_share as (

    select
        'aa_start_changed_share' as gate,
        'share' as measure,
        'aa_arbeidsforhold' as scope,
        'relationships whose start date changes between registration months' as description,
        anomaly_counts.n_start_changed as n_flagged,
        relationship_counts.n_relationships as n_checked,
        {{ var('gate_aa_start_changed_share_warn') }} as threshold,
        '{{ var('gate_aa_start_changed_share_severity') }}' as severity,
        3 as gate_order
    from anomaly_counts
    cross join relationship_counts

),

mismatch_share as (

    select
        'sick_leave_mismatch_share' as gate,
        'share' as measure,
        'sykmeldinger' as scope,
        'certificate episodes in mismatch with the sickness-benefit register' as description,
        sum(is_mismatch) as n_flagged,
        count(*) as n_checked,
        {{ var('gate_sick_leave_mismatch_share_warn') }} as threshold,
        '{{ var('gate_sick_leave_mismatch_share_severity') }}' as severity,
        4 as gate_order
    from episodes

),

quarantine_share as (

    select
        'quarantine_share' as gate,
        'share' as measure,
        source as scope,
        'raw rows set aside in quarantine' as description,
        quarantined_rows as n_flagged,
        raw_rows as n_checked,
        {{ var('gate_quarantine_share_fail') }} as threshold,
        '{{ var('gate_quarantine_share_severity') }}' as severity,
        5 as gate_order
    from sources

),

row_reconciliation as (

    select
        'row_reconciliation' as gate,
        'count' as measure,
        source as scope,
        'raw rows not accounted for as loaded, duplicate or quarantined' as description,
        abs(unaccounted_rows) as n_flagged,
        raw_rows as n_checked,
        0 as threshold,
        'error' as severity,
        6 as gate_order
    from sources

),

expected_persons as (

    select count(*) as n_persons
    from participants
    where has_register_data

),

gap_persons as (

    select count(*) as n_persons
    from panel_gaps

),

panel_completeness as (

    select
        'panel_completeness' as gate,
        'count' as measure,
        'marts.fct_person_month' as scope,
        'persons not exactly once in every covered month' as description,
        gap_persons.n_persons as n_flagged,
        expected_persons.n_persons as n_checked,
        0 as threshold,
        'error' as severity,
        7 as gate_order
    from gap_persons
    cross join expected_persons

),

null_outside_coverage as (

    select
        'null_outside_coverage' as gate,
        'count' as measure,
        'marts.fct_person_month' as scope,
        'status values NULL inside or not NULL outside their source coverage' as description,
        sum(n_null_inside + n_value_outside) as n_flagged,
        sum(n_rows) as n_checked,
        0 as threshold,
        'error' as severity,
        8 as gate_order
    from coverage_nulls

),

identity_number_values as (

    select
        'identity_numbers' as gate,
        'count' as measure,
        'marts, dq' as scope,
        'values shaped like a national identity number (11 digits)' as description,
        sum(n_identity_shaped) as n_flagged,
        sum(n_rows) as n_checked,
        0 as threshold,
        'error' as severity,
        9 as gate_order
    from identity_numbers

),

gates as (

    select * from stipulated_share
    union all
    select * from mismatch_share
    union all
    select * from registered_after_end_share
    union all
    select * from start_changed_share
    union all
    select * from quarantine_share
    union all
    select * from row_reconciliation
    union all
    select * from panel_completeness
    union all
    select * from null_outside_coverage
    union all
    select * from identity_number_values

),

observed as (

    select
        gate,
        scope,
        description,
        measure,
        cast(coalesce(n_flagged, 0) as {{ dbt.type_bigint() }}) as n_flagged,
        cast(coalesce(n_checked, 0) as {{ dbt.type_bigint() }}) as n_checked,
        case
            -- share gates report a share, critical gates the count itself
            when measure = 'count' then cast(coalesce(n_flagged, 0) as double)
            when coalesce(n_checked, 0) = 0 then 0.0
            else cast(n_flagged as double) / n_checked
        end as observed_value,
        cast(threshold as double) as threshold,
        severity,
        gate_order
    from gates

),

final as (

    select
        gate,
        scope,
        description,
        measure,
        n_flagged,
        n_checked,
        observed_value,
        threshold,
        severity,
        case
            when observed_value <= threshold then 'pass'
            when severity = 'error' then 'fail'
            else 'warn'
        end as status,
        gate_order
    from observed

)

select * from final
