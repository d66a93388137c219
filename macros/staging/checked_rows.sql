{#-
    The body of a stg_<file>__checked model: every data line of one raw file,
    split into its fields by the header, typed, and given one verdict:
      row_status  'loaded' (sound), 'duplicate' (an exact copy of an earlier
                  line; the first copy keeps its own verdict) or 'quarantined'
      reason      the quarantine reason (precedence: macro quarantine_reasons)
      column_name the column at fault (NULL for wrong_field_count,
                  unknown_person and orphan_reversal on the whole row)
    stg_<file>, dq_quarantine and dq_source_rows all read these verdicts.

    The header is read when the model is compiled, so columns may come in any
    order and extra columns are ignored.
-#}
{% macro checked_rows(name) %}
    {%- set spec = rtwpanel.raw_files()[name] -%}
    {%- set columns = spec['columns'] -%}
    {%- set raw_relation = source('raw', name) -%}
    {%- set participants = ref('stg_participants') if spec['check_person'] else none -%}

    {#- Field position of each column, from the header (contract order while parsing). -#}
    {%- set positions = {} -%}
    {%- set header_width = [columns | length] -%}
    {%- if execute -%}
        {%- set path = rtwpanel.raw_file_path(name, []) -%}
        {%- set header = rtwpanel.raw_header(path) if path is not none else none -%}
        {%- if header is none -%}
            {{- exceptions.raise_compiler_error(name ~ ".csv: missing or empty file in '" ~ rtwpanel.raw_dir() ~ "'") -}}
        {%- endif -%}
        {%- set header_columns = header.split(';') -%}
        {%- do header_width.append(header_columns | length) -%}
        {%- for column in columns -%}
            {%- if column['name'] not in header_columns -%}
                {{- exceptions.raise_compiler_error(name ~ ".csv: missing required column '" ~ column['name'] ~ "'") -}}
            {%- endif -%}
            {%- do positions.update({column['name']: header_columns.index(column['name']) + 1}) -%}
        {%- endfor -%}
    {%- else -%}
        {%- for column in columns -%}
            {%- do positions.update({column['name']: loop.index}) -%}
        {%- endfor -%}
    {%- endif -%}

    {#- The checks, in precedence order: (condition, reason, column or none). -#}
    {%- set checks = [] -%}
    {%- do checks.append(['field_count <> ' ~ header_width[-1], 'wrong_field_count', none]) -%}
    {%- for column in columns if column['kind'] in ('id', 'code', 'date', 'month', 'year', 'int', 'num', 'flag') -%}
        {%- do checks.append([column['name'] ~ '__raw is null', 'missing_value', column['name']]) -%}
    {%- endfor -%}
    {%- for kind, reason in [(['date', 'date_opt'], 'bad_date'), (['month'], 'bad_month'), (['year', 'int', 'int_opt', 'num'], 'bad_number')] -%}
        {%- for column in columns if column['kind'] in kind -%}
            {%- do checks.append([column['name'] ~ '__raw is not null and ' ~ column['name'] ~ ' is null', reason, column['name']]) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for span in spec['spans'] -%}
        {%- do checks.append([span[1] ~ ' < ' ~ span[0], 'end_before_start', span[1]]) -%}
    {%- endfor -%}
    {%- for column in columns if column['kind'] in ('code', 'code_opt', 'flag') -%}
        {%- do checks.append([column['name'] ~ '__raw is not null and ' ~ column['name'] ~ '__known = 0', 'unknown_code', column['name']]) -%}
    {%- endfor -%}
    {%- if participants is not none -%}
        {%- do checks.append(['person_known = 0', 'unknown_person', 'person_id']) -%}
    {%- endif -%}

with

source_lines as (
    {{ rtwpanel.raw_lines(raw_relation) }}
),

data_lines as (
    select
        source_line,
        raw_line,
        -- fields = separators + 1; a blank line has none
        case
            when raw_line is null then 0
            else {{ dbt.length('raw_line') }} - {{ dbt.length(dbt.replace('raw_line', "';'", "''")) }} + 1
        end as field_count,
        -- an exact duplicate repeats the whole line; the first copy is kept.
        -- Numbered here, while a row is two columns wide: far cheaper to sort.
        row_number() over (partition by raw_line order by source_line) as copy_number
    from source_lines
    where source_line > 1
),

fields as (
    select
        source_line,
        raw_line,
        field_count,
        copy_number,
        {%- for column in columns %}
        nullif({{ dbt.split_part('raw_line', "';'", positions[column['name']]) }}, '') as {{ column['name'] }}__raw{{ ',' if not loop.last }}
        {%- endfor %}
    from data_lines
),

typed as (
    select
        fields.*,
        {%- for column in columns %}
        {%- set raw = column['name'] ~ '__raw' %}
        {%- if column['kind'] in ('date', 'date_opt') %}
        {{ rtwpanel.parse_date(raw) }} as {{ column['name'] }}
        {%- elif column['kind'] == 'month' %}
        {{ rtwpanel.parse_month(raw) }} as {{ column['name'] }}
        {%- elif column['kind'] == 'year' %}
        {{ rtwpanel.parse_year(raw) }} as {{ column['name'] }}
        {%- elif column['kind'] in ('int', 'int_opt') %}
        {{ rtwpanel.parse_integer(raw, 'integer' if column['name'] in ('centre_id', 'birth_year', 'grad') else 'bigint') }} as {{ column['name'] }}
        {%- elif column['kind'] == 'num' %}
        {{ rtwpanel.parse_number(raw) }} as {{ column['name'] }}
        {%- elif column['kind'] == 'flag' %}
        {{ rtwpanel.parse_flag(raw) }} as {{ column['name'] }}
        {%- else %}
        {{ raw }} as {{ column['name'] }}
        {%- endif %}{{ ',' if not loop.last }}
        {%- endfor %}
    from fields
),

looked_up as (
    select
        typed.*,
        {%- for column in columns if column['kind'] in ('code', 'code_opt') %}
        case when ref_{{ column['name'] }}.code is null then 0 else 1 end as {{ column['name'] }}__known,
        {%- endfor %}
        {%- for column in columns if column['kind'] == 'flag' %}
        case when typed.{{ column['name'] }} is null then 0 else 1 end as {{ column['name'] }}__known,
        {%- endfor %}
        {%- if participants is not none %}
        case when known_persons.person_id is null then 0 else 1 end as person_known
        {%- else %}
        1 as person_known
        {%- endif %}
    from typed
    {%- for column in columns if column['kind'] in ('code', 'code_opt') %}
    left join (
        select distinct {{ rtwpanel.raw_code_column(column['seed']) }} as code
        from {{ ref(column['seed']) }}
    ) as ref_{{ column['name'] }}
        on typed.{{ column['name'] }} = ref_{{ column['name'] }}.code
    {%- endfor %}
    {%- if participants is not none %}
    left join (
        select distinct person_id from {{ participants }}
    ) as known_persons
        on typed.person_id = known_persons.person_id
    {%- endif %}
),

verdicts as (
    select
        looked_up.*,
        case
            {%- for check in checks %}
            when {{ check[0] }} then '{{ check[1] }}'
            {%- endfor %}
        end as row_reason,
        case
            {%- for check in checks %}
            when {{ check[0] }} then {{ "'" ~ check[2] ~ "'" if check[2] is not none else 'null' }}
            {%- endfor %}
        end as row_column_name
    from looked_up
),

{%- if spec.get('match_reversals', false) %}

{#- Reversals cancel payments one to one: the k-th reversal of a key matches
    the k-th payment of the same key (both in line order). Only sound,
    first-copy rows take part, so a kept reversal's payment is in stg too. #}
sound_rows as (
    select *
    from verdicts
    where row_reason is null and copy_number = 1
),

payments as (
    select
        source_line,
        person_id,
        ytelse,
        fom_date,
        tom_date,
        belop as amount,
        row_number() over (
            partition by person_id, ytelse, fom_date, tom_date, belop
            order by source_line
        ) as match_rank
    from sound_rows
    where belop > 0
),

reversals as (
    select
        source_line,
        person_id,
        ytelse,
        fom_date,
        tom_date,
        -belop as amount,
        row_number() over (
            partition by person_id, ytelse, fom_date, tom_date, belop
            order by source_line
        ) as match_rank
    from sound_rows
    where belop < 0
),

orphan_reversals as (
    select reversals.source_line
    from reversals
    left join payments
        on reversals.person_id = payments.person_id
        and reversals.ytelse = payments.ytelse
        and reversals.fom_date = payments.fom_date
        and reversals.tom_date = payments.tom_date
        and reversals.amount = payments.amount
        and reversals.match_rank = payments.match_rank
    where payments.source_line is null
),

reasoned as (
    select
        verdicts.*,
        coalesce(
            verdicts.row_reason,
            case when orphan_reversals.source_line is not null then 'orphan_reversal' end
        ) as reason
    from verdicts
    left join orphan_reversals
        on verdicts.source_line = orphan_reversals.source_line
),
{%- else %}

reasoned as (
    select
        verdicts.*,
        verdicts.row_reason as reason
    from verdicts
),
{%- endif %}

final as (
    select
        source_line,
        case
            when raw_line is not null and copy_number > 1 then 'duplicate'
            when reason is not null then 'quarantined'
            else 'loaded'
        end as row_status,
        case when raw_line is not null and copy_number > 1 then null else reason end as reason,
        case when raw_line is not null and copy_number > 1 then null else row_column_name end as column_name,
        -- kept for quarantined rows only: the rest are in the typed columns
        case
            when (raw_line is null or copy_number = 1) and reason is not null then raw_line
        end as raw_line,
        {%- for column in columns %}
        {{ column['name'] }}{{ ',' if not loop.last }}
        {%- endfor %}
    from reasoned
)

select * from final
{% endmacro %}
