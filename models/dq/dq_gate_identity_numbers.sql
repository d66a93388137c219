-- One row per text or integer column of every table the build writes: staging
-- (the checked lines of every file), intermediate, the marts and the quality
-- marts (the quarantine's offending fields and, when kept, its raw lines): how
-- many values have the shape of a national identity number (11 digits, or the
-- written form 010190 12345). Healthy result: zero everywhere. Deliveries
-- holding one are refused before the build, also with check_delivery false;
-- this re-checks what the build wrote, whatever let it through. Views are not
-- scanned: they show the values of the tables they read. Seeds are reference
-- data of the project, not of the delivery.
-- The layout of the SQL that the Jinja loops below generate is not the layout
-- of this file: the indentation rule is off here.
-- noqa: disable=LT02, LT09

{#- Every model but this one and the gate summary that reads it; a model that is
    added and not listed here fails this model when it runs (see below). -#}
{%- set model_names = [] %}
{%- for source in rtwpanel.raw_files() %}
    {%- do model_names.extend(['base_' ~ source ~ '__verdicts', 'stg_' ~ source]) %}
{%- endfor %}
{%- do model_names.extend([
    'stg_ytelser__line_checks', 'stg_ytelser__reversal_pairs',
    'int_benefit_payments', 'int_benefits_by_person_month', 'int_education_by_person_month',
    'int_employment_by_person_month', 'int_employment_relationships', 'int_month_spine',
    'int_npr_by_person_month', 'int_programme_participations', 'int_programmes_by_person_month',
    'int_sick_leave_by_person_month', 'int_sick_leave_certificate_episodes',
    'int_sick_leave_day_spells', 'int_sick_leave_episode_matches', 'int_sick_leave_graded_pieces',
    'int_social_assistance_by_person_month', 'int_sick_leave_episodes', 'int_sick_leave_episode_outcomes',
    'dim_participant', 'fct_person_month', 'mart_status_by_arm', 'mart_before_after',
    'fct_sick_leave_episodes', 'mart_cohort_episodes',
    'int_residence_spells', 'int_rollout_regions', 'int_rollout_target_persons', 'mart_region_month',
    'dq_quarantine', 'dq_source_rows', 'dq_gate_sources', 'dq_gate_panel_gaps',
    'dq_gate_coverage_nulls', 'dq_gate_employment_anomalies', 'dq_stipulated_end_dates',
    'dq_sick_leave_mismatches',
]) %}
{%- set not_scanned = [this.identifier, 'dq_gate_summary'] %}
{%- set relations = [] %}
{%- for name in model_names %}
    {%- do relations.append(ref(name)) %}
{%- endfor %}

{%- if execute %}
    {%- set missing = [] %}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.package_name == project_name %}
        {%- if node.name not in model_names and node.name not in not_scanned %}
            {%- do missing.append(node.name) %}
        {%- endif %}
    {%- endfor %}
    {%- if missing %}
        {{- exceptions.raise_compiler_error(
            "dq_gate_identity_numbers does not scan model(s) " ~ missing | join(', ')
            ~ ": add them to its list, so every table the build writes is checked") }}
    {%- endif %}
{%- endif %}

{#- the columns are known only once the relations exist, i.e. at execution -#}
{%- set scans = [] %}
{%- if execute %}
    {%- for relation in relations %}
        {%- set found = adapter.get_relation(database=relation.database, schema=relation.schema, identifier=relation.identifier) %}
        {%- set checked = [] %}
        {%- for column in (adapter.get_columns_in_relation(relation) if found is not none and found.is_table else []) %}
            {%- if rtwpanel.is_text_column(column) %}
                {%- do checked.append({'name': column.name, 'test': is_identity_number_text(adapter.quote(column.name))}) %}
            {%- elif rtwpanel.is_integer_column(column) %}
                {%- do checked.append({'name': column.name, 'test': is_identity_number_integer(adapter.quote(column.name))}) %}
            {%- endif %}
        {%- endfor %}
        {%- if checked %}
        {%- do scans.append({'relation': relation, 'columns': checked}) %}
        {%- endif %}
    {%- endfor %}
{%- endif %}

with

{% for scan in scans %}
{%- set scan_index = loop.index %}
scan_{{ scan_index }} as (

    select
        count(*) as n_rows
        {%- for column in scan.columns %},
        sum(case when {{ column.test }} then 1 else 0 end) as c_{{ loop.index }}
        {%- endfor %}
    from {{ scan.relation }}

),

{% endfor %}

unpivoted as (

    {%- set selects = [] %}
    {%- for scan in scans %}
        {%- set scan_index = loop.index %}
        {%- for column in scan.columns %}
            {%- do selects.append(
                "select '" ~ scan.relation.schema ~ "." ~ scan.relation.identifier ~ "' as relation_name, '"
                ~ column.name ~ "' as column_name, cast(n_rows as " ~ dbt.type_bigint()
                ~ ") as n_rows, cast(coalesce(c_" ~ loop.index ~ ", 0) as " ~ dbt.type_bigint()
                ~ ") as n_identity_shaped from scan_" ~ scan_index
            ) %}
        {%- endfor %}
    {%- endfor %}
    {%- if selects %}
    {{ selects | join('\n    union all\n    ') }}
    {%- else %}
    -- parsing only: the relations are inspected at execution
    select
        cast(null as {{ dbt.type_string() }}) as relation_name,
        cast(null as {{ dbt.type_string() }}) as column_name,
        cast(0 as {{ dbt.type_bigint() }}) as n_rows,
        cast(0 as {{ dbt.type_bigint() }}) as n_identity_shaped
    {%- endif %}

),

final as (

    select * from unpivoted

)

select * from final
