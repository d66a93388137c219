{#-
    The status manifest: every status column of marts.fct_person_month, in mart
    column order. The panel, the month spine's coverage flags, the marts' status
    loops and the coverage-NULL gate all read this one list.

      column          the mart column
      source          the person-month model it comes from,
                      int_<source>_by_person_month (none: derived from the
                      statuses before it, see `value`)
      coverage        the coverage.csv sources that must cover the month for the
                      status to be observed (the NULL rule of panel.md)
      kind            flag (0/1), count, percent, days or label (text, NULL also
                      where the person has no record, so the coverage-NULL gate
                      does not check it)
      value           how an observed person-month gets it, as SQL over
                      `<source>.<column>` (default: the source model's column of
                      the same name, 0 without a record)
      carried_forward the last delivered value is carried past the source's last
                      month, so only months before the source starts are
                      unobserved; `observed` says how the panel reads that from
                      the month spine

    Adding a status: one entry here, its column in the source model and in
    _marts__models.yml, and in src/rtwpanel/marts_schema.py.
-#}
{% macro panel_statuses(use_certificates=var('use_certificates')) %}
    {%- set sick_leave_coverage = ['sykepenger', 'sykmeldinger'] if use_certificates else ['sykepenger'] -%}
    {{ return([
        {'column': 'employed', 'source': 'employment', 'coverage': ['aa_arbeidsforhold'], 'kind': 'flag',
            'value': 'case when employment.n_jobs > 0 then 1 else 0 end'},
        {'column': 'n_jobs', 'source': 'employment', 'coverage': ['aa_arbeidsforhold'], 'kind': 'count'},
        {'column': 'max_stillingsprosent', 'source': 'employment', 'coverage': ['aa_arbeidsforhold'],
            'kind': 'percent'},
        {'column': 'n_jobs_stipulated', 'source': 'employment', 'coverage': ['aa_arbeidsforhold'],
            'kind': 'count'},
        {'column': 'sick_listed', 'source': 'sick_leave', 'coverage': sick_leave_coverage, 'kind': 'flag'},
        {'column': 'sick_listed_source', 'source': 'sick_leave', 'coverage': sick_leave_coverage,
            'kind': 'label', 'value': 'sick_leave.sick_listed_source'},
        {'column': 'sick_leave_grade', 'source': 'sick_leave', 'coverage': sick_leave_coverage, 'kind': 'percent'},
        {'column': 'sick_leave_days', 'source': 'sick_leave', 'coverage': sick_leave_coverage, 'kind': 'days'},
        {'column': 'sick_leave_full_days', 'source': 'sick_leave', 'coverage': sick_leave_coverage,
            'kind': 'days'},
        {'column': 'on_aap', 'source': 'benefits', 'coverage': ['ytelser'], 'kind': 'flag'},
        {'column': 'on_disability', 'source': 'benefits', 'coverage': ['ytelser'], 'kind': 'flag'},
        {'column': 'on_unemployment_benefit', 'source': 'benefits', 'coverage': ['ytelser'], 'kind': 'flag'},
        {'column': 'on_social_assistance', 'source': 'social_assistance', 'coverage': ['sosialhjelp'],
            'kind': 'flag'},
        {'column': 'in_programme', 'source': 'programmes', 'coverage': ['tiltak'], 'kind': 'flag'},
        {'column': 'in_education_oct', 'source': 'education', 'coverage': ['utdanning'], 'kind': 'flag',
            'carried_forward': true, 'observed': 'grid.education_oct_year is not null'},
        {'column': 'in_education_course', 'source': 'education', 'coverage': ['utdanning_forlop'],
            'kind': 'flag'},
        {'column': 'npr_avtalespesialist', 'source': 'npr', 'coverage': ['npr'], 'kind': 'count'},
        {'column': 'npr_bup', 'source': 'npr', 'coverage': ['npr'], 'kind': 'count'},
        {'column': 'npr_phv_poli', 'source': 'npr', 'coverage': ['npr'], 'kind': 'count'},
        {'column': 'npr_phv_dag', 'source': 'npr', 'coverage': ['npr'], 'kind': 'count'},
        {'column': 'npr_phv_dogn_days', 'source': 'npr', 'coverage': ['npr'], 'kind': 'days'},
        {'column': 'aap_and_employed', 'source': none, 'coverage': ['aa_arbeidsforhold', 'ytelser'],
            'kind': 'flag', 'value': 'statuses.on_aap * statuses.employed'},
        {'column': 'work_participation', 'source': none, 'coverage': ['aa_arbeidsforhold'] + sick_leave_coverage,
            'kind': 'flag', 'value': rtwpanel.work_participation('statuses')},
    ]) }}
{% endmacro %}


{#-
    Work participation: wholly or partly in work, i.e. in work and not at grade
    100 on every day of the month; NULL where either is unobserved. `row` names
    the relation holding employed, sick_leave_full_days and month.
-#}
{% macro work_participation(row) -%}
    case
        when {{ row }}.employed is null or {{ row }}.sick_leave_full_days is null then null
        when
            {{ row }}.employed = 1
            and {{ row }}.sick_leave_full_days
            < {{ days_between(row ~ '.month', month_end(row ~ '.month')) }} + 1
            then 1
        else 0
    end
{%- endmacro %}


{#- The 0/1 statuses, in mart column order: the marts' means and shares. -#}
{% macro panel_binary_statuses() -%}
    {{ return(panel_statuses() | selectattr('kind', 'equalto', 'flag') | map(attribute='column') | list) }}
{%- endmacro %}


{#- The person-month models the statuses come from, each once, in mart column order. -#}
{% macro panel_status_sources() -%}
    {%- set sources = [] -%}
    {%- for status in panel_statuses() if status.source and status.source not in sources -%}
        {%- do sources.append(status.source) -%}
    {%- endfor -%}
    {{ return(sources) }}
{%- endmacro %}


{#-
    The coverage.csv sources some status may need, each once: the month spine's
    covered_* flags. With certificates whatever var use_certificates says, so
    that the spine's columns do not change with it.
-#}
{% macro panel_coverage_sources() -%}
    {%- set sources = [] -%}
    {%- for status in panel_statuses(use_certificates=true) -%}
        {%- for source in status.coverage if source not in sources -%}
            {%- do sources.append(source) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(sources) }}
{%- endmacro %}


{#- An observed person-month's value of a status from its source model: SQL. -#}
{% macro panel_status_value(status) -%}
    {{ status.value or 'coalesce(' ~ status.source ~ '.' ~ status.column ~ ', 0)' }}
{%- endmacro %}


{#- Whether the month spine's row (alias `grid`) observes the status: SQL. -#}
{% macro panel_status_observed(status) -%}
    {%- if status.observed -%}
        {{ status.observed }}
    {%- else -%}
        {%- for source in status.coverage -%}
            grid.covered_{{ source }} = 1{{ ' and ' if not loop.last }}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
