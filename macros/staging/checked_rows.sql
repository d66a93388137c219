{#-
    The body of a base_<file>__verdicts model: every data line of one raw file,
    split into its fields by the header, typed, and given one verdict:
      row_status  'loaded' (sound), 'duplicate' (an exact copy of an earlier
                  line; the first copy keeps its own verdict) or 'quarantined'
      reason      the quarantine reason (precedence: macro quarantine_reasons)
      column_name the column at fault (NULL for wrong_field_count,
                  unknown_person and orphan_reversal on the whole row)
      offending_value  that column's field as delivered (NULL for a missing
                  value, an unknown person, a NUL byte, a whole-row reason)
      raw_line    the whole line of a quarantined row, only with var
                  quarantine_raw_lines (personal data; NULL otherwise)
    stg_<file>, dq_quarantine and dq_source_rows all read these verdicts.
    A file with match_reversals gets its orphan_reversal verdicts in a second
    step, over this model's table (macro reversal_verdicts).

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
        {%- set path = rtwpanel.raw_file_path(name, [], not spec.get('optional', false)) -%}
        {%- set header = rtwpanel.raw_header(path) if path is not none else none -%}
        {%- if path is none and spec.get('optional', false) -%}
            {#- an optional file left out: its header alone, no rows -#}
            {%- set header = columns | map(attribute='name') | join(';') -%}
        {%- endif -%}
        {%- if header is none -%}
            {{- exceptions.raise_compiler_error(name ~ ".csv: missing or empty file in '" ~ rtwpanel.raw_dir() ~ "'") -}}
        {%- endif -%}
        {%- set header_columns = rtwpanel.header_names(header) -%}
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

    {#- The one file the structural checks resolved (name.csv or name.csv.gz,
        never a stray name.csv.bak beside it); the source stays the node's
        lineage, and a unit test's mocked source is read as it is given. -#}
    {%- if execute and not (raw_relation.identifier or '').startswith('__dbt__cte__') -%}
        {%- if path is none -%}
            {%- set raw_relation = '(select ' ~ rtwpanel.sql_string(header) ~ ' as raw_line)' -%}
        {%- else -%}
            {%- set raw_relation = rtwpanel.raw_read(path, none, true) -%}
        {%- endif -%}
    {%- endif -%}

    {#- The checks, in precedence order: (condition, reason, column or none). -#}
    {%- set checks = [] -%}
    {%- do checks.append(['field_count <> ' ~ header_width[-1], 'wrong_field_count', none]) -%}
    {%- for column in columns -%}
        {%- do checks.append([dbt.position('chr(0)', column['name'] ~ '__raw') ~ ' > 0', 'nul_byte', column['name']]) -%}
    {%- endfor -%}
    {%- do checks.append([dbt.position('chr(0)', 'raw_line') ~ ' > 0', 'nul_byte', none]) -%}
    {%- for column in columns if column['kind'] in ('id', 'code', 'date', 'month', 'year', 'int', 'num', 'flag') -%}
        {%- do checks.append([column['name'] ~ '__raw is null', 'missing_value', column['name']]) -%}
    {%- endfor -%}
    {%- for kind, reason in [(['date', 'date_opt'], 'bad_date'), (['month'], 'bad_month'), (['year', 'int', 'int_opt', 'num'], 'bad_number')] -%}
        {%- for column in columns if column['kind'] in kind -%}
            {%- do checks.append([column['name'] ~ '__raw is not null and ' ~ column['name'] ~ ' is null', reason, column['name']]) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- do checks.extend(rtwpanel.plausibility_checks(columns)) -%}
    {%- for span in spec['spans'] -%}
        {%- do checks.append([span[1] ~ ' < ' ~ span[0], 'end_before_start', span[1]]) -%}
    {%- endfor -%}
    {%- for column in columns if column['kind'] in ('code', 'code_opt', 'flag') -%}
        {%- do checks.append([column['name'] ~ '__raw is not null and ' ~ column['name'] ~ '__known = 0', 'unknown_code', column['name']]) -%}
    {%- endfor -%}
    {%- if participants is not none -%}
        {%- do checks.append(['person_known = 0', 'unknown_person', 'person_id']) -%}
    {%- endif -%}

{#- The file is read three times rather than held in memory once: a read is
    cheap, and a CTE read twice would be materialised whole (every line, as
    text) before anything else could run. #}
with

hashed_lines as (
    {{ rtwpanel.raw_line_values(raw_relation) }}
),

repeated_hashes as (
    -- the hashes of more than one line: the only lines that can repeat. The
    -- header is hashed too (this read has no line numbers); a data line equal to
    -- it is then only compared in full below, among the data lines.
    select {{ rtwpanel.line_hash('raw_line') }} as line_hash
    from hashed_lines
    where raw_line is not null
    group by {{ rtwpanel.line_hash('raw_line') }}
    having count(*) > 1
),

candidate_lines as (
    {{ rtwpanel.raw_lines(raw_relation) }}
),

repeated_lines as (
    -- an exact duplicate repeats the whole line; the first copy is kept
    select
        candidate_lines.source_line,
        row_number() over (
            partition by candidate_lines.raw_line
            order by candidate_lines.source_line
        ) as copy_number
    from candidate_lines
    inner join repeated_hashes
        on {{ rtwpanel.line_hash('candidate_lines.raw_line') }} = repeated_hashes.line_hash
    where candidate_lines.source_line > 1
),

source_lines as (
    {{ rtwpanel.raw_lines(raw_relation) }}
),

data_lines as (
    select
        source_lines.source_line,
        source_lines.raw_line,
        {{ rtwpanel.csv_fields('source_lines.raw_line') }} as field_values,
        coalesce(repeated_lines.copy_number, 1) as copy_number
    from source_lines
    left join repeated_lines
        on source_lines.source_line = repeated_lines.source_line
    where source_lines.source_line > 1
),

fields as (
    select
        source_line,
        raw_line,
        -- a blank line, or one whose quoting is broken, has no fields
        {{ rtwpanel.csv_field_count('field_values') }} as field_count,
        copy_number,
        {%- for column in columns %}
        nullif({{ rtwpanel.csv_field('field_values', positions[column['name']]) }}, '') as {{ column['name'] }}__raw{{ ',' if not loop.last }}
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
        {{ rtwpanel.parse_integer(raw, 'integer' if column['name'] in ('birth_year', 'grad') else 'bigint') }} as {{ column['name'] }}
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
        {%- if column['codes'] is defined %}
        {%- set literals = [] %}
        {%- for value in column['codes'] %}{% do literals.append(rtwpanel.sql_text(value)) %}{% endfor %}
        case
            when typed.{{ column['name'] }} in ({{ literals | join(', ') or "''" }})
                then 1
            else 0
        end as {{ column['name'] }}__known,
        {%- else %}
        case when ref_{{ column['name'] }}.code is null then 0 else 1 end as {{ column['name'] }}__known,
        {%- endif %}
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
    {%- for column in columns if column['kind'] in ('code', 'code_opt') and column['codes'] is not defined %}
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
        end as reason,
        case
            {%- for check in checks %}
            when {{ check[0] }} then {{ "'" ~ check[2] ~ "'" if check[2] is not none else 'null' }}
            {%- endfor %}
        end as row_column_name,
        -- the offending field as delivered, to find and fix the row; not the id
        -- of a person outside the cohort, nor a field holding a NUL byte
        case
            {%- for check in checks %}
            when {{ check[0] }} then {{ check[2] ~ '__raw' if check[2] is not none and check[1] not in ('unknown_person', 'nul_byte') else 'null' }}
            {%- endfor %}
        end as row_offending_value
    from looked_up
),

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
        case when raw_line is not null and copy_number > 1 then null else row_offending_value end as offending_value,
        {%- if var('quarantine_raw_lines', false) %}
        -- kept for quarantined rows only: the rest are in the typed columns
        -- (and for sound reversals, which reversal_verdicts may quarantine)
        case
            when (raw_line is null or copy_number = 1) and reason is not null then raw_line
            {%- if spec.get('match_reversals', false) %}
            when copy_number = 1 and belop < 0 then raw_line
            {%- endif %}
        end as raw_line,
        {%- else %}
        -- whole raw lines are kept only with var quarantine_raw_lines (personal data)
        cast(null as {{ dbt.type_string() }}) as raw_line,
        {%- endif %}
        {%- for column in columns %}
        {{ column['name'] }}{{ ',' if not loop.last }}
        {%- endfor %}
    from verdicts
)

select * from final
{% endmacro %}
