{#-
    The status columns of marts.fct_person_month and the sources whose coverage
    makes them observed (the NULL rule of panel.md). A column that depends on
    several sources is observed where all of them cover the month.
    `carried_forward` means the last delivered value is carried past the source's
    last month (in_education_oct), so only months before the source starts are
    unobserved. sick_listed_source and max_stillingsprosent follow their
    source's coverage as well.
-#}
{% macro gate_status_columns() %}
    {%- set sick_leave_sources = ['sykepenger', 'sykmeldinger'] if var('use_certificates') else ['sykepenger'] -%}
    {{ return([
        {'column': 'employed', 'sources': ['aa_arbeidsforhold']},
        {'column': 'n_jobs', 'sources': ['aa_arbeidsforhold']},
        {'column': 'max_stillingsprosent', 'sources': ['aa_arbeidsforhold']},
        {'column': 'n_jobs_stipulated', 'sources': ['aa_arbeidsforhold']},
        {'column': 'sick_listed', 'sources': sick_leave_sources},
        {'column': 'on_aap', 'sources': ['ytelser']},
        {'column': 'on_disability', 'sources': ['ytelser']},
        {'column': 'on_unemployment_benefit', 'sources': ['ytelser']},
        {'column': 'on_social_assistance', 'sources': ['sosialhjelp']},
        {'column': 'in_programme', 'sources': ['tiltak']},
        {'column': 'in_education_oct', 'sources': ['utdanning'], 'carried_forward': true},
        {'column': 'in_education_course', 'sources': ['utdanning_forlop']},
        {'column': 'npr_avtalespesialist', 'sources': ['npr']},
        {'column': 'npr_bup', 'sources': ['npr']},
        {'column': 'npr_phv_poli', 'sources': ['npr']},
        {'column': 'npr_phv_dag', 'sources': ['npr']},
        {'column': 'npr_phv_dogn_days', 'sources': ['npr']},
        {'column': 'aap_and_employed', 'sources': ['aa_arbeidsforhold', 'ytelser']},
    ]) }}
{% endmacro %}
