-- One row per text or integer column of the marts and the quality marts that hold
-- person-level values (the quarantine keeps raw values): how many values have the
-- shape of a national identity number (11 digits). Healthy result: zero
-- everywhere. Deliveries holding one are refused before the build; this
-- re-checks what the build wrote.
-- The layout of the SQL that the Jinja loops below generate is not the layout
-- of this file: the indentation rule is off here.
-- noqa: disable=LT02, LT09

{%- set relations = [
    ref('dim_participant'),
    ref('fct_person_month'),
    ref('mart_status_by_arm'),
    ref('mart_before_after'),
    ref('dq_quarantine'),
    ref('dq_stipulated_end_dates'),
    ref('dq_sick_leave_mismatches'),
] %}

{#- the columns are known only once the relations exist, i.e. at execution -#}
{%- set scans = [] %}
{%- if execute %}
    {%- for relation in relations %}
        {%- set checked = [] %}
        {%- for column in adapter.get_columns_in_relation(relation) %}
            {%- if rtwpanel.is_text_column(column) %}
                {%- do checked.append({'name': column.name, 'test': is_identity_number_text(adapter.quote(column.name))}) %}
            {%- elif rtwpanel.is_integer_column(column) %}
                {%- do checked.append({'name': column.name, 'test': is_identity_number_integer(adapter.quote(column.name))}) %}
            {%- endif %}
        {%- endfor %}
        {%- do scans.append({'relation': relation, 'columns': checked}) %}
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
