{#-
    The delivery contract (spec raw-sources.md) as data: every raw file, its
    columns in contract order, how each column is parsed and which checks a row
    of the file must pass. The structural pre-checks (on-run-start) and the
    staging models read this one description, so they cannot disagree.

    Column kinds:
      id      required text (a key): empty -> missing_value
      text    optional text
      code    required code from a reference seed: empty -> missing_value,
              not in the seed -> unknown_code
      code_opt  optional code (empty is allowed, anything else must be in the seed)
      date / date_opt    YYYYMMDD -> DATE (bad_date)
      month   YYYYMM -> DATE, first day of the month (bad_month)
      year    YYYY -> integer (bad_number)
      int / int_opt      integer (bad_number)
      num     number with an optional decimal point -> double (bad_number)
      flag    '0' or '1' -> integer 0/1 (anything else: unknown_code)
    A code column names its seed (macro raw_code_column gives the seed column
    holding the codes), or holds its `codes` (the arms and clusters of the
    study, macro study). spans: [start, end] pairs checked for end_before_start
    (an empty end is an open span). check_person: person_id must be a sound
    participant. needs_coverage: coverage.csv must have a row for the file.
    optional: the delivery may leave the file out; it is then read as its
    header alone (no rows), and needs no coverage row. Checked like any other
    file when it is delivered.
    match_reversals: negative belop must cancel a payment (orphan_reversal).

    Plausibility (a value that parses but cannot be true: implausible_value,
    macro plausibility_checks):
      window [years_before, years_after]  a date, month or year within the
              delivery's coverage (coverage.csv's first to last month)
              widened by that many years; an index date (randomised_date)
              within the coverage itself
      range [low, high]  a number within low..high (none: open), e.g.
              percentages 0-100, amounts that cannot be negative [0, none]
      between [first_day, last_day]  a date within these days: the index
              date within the study's inclusion window (macro study_inclusion)
-#}
{% macro raw_files() %}
    {%- set person = {'name': 'person_id', 'kind': 'id'} -%}
    {#- a study that randomised nobody (design cohort) has no arms, clusters or
        randomisation dates: those columns must then be empty -#}
    {%- set is_trial = rtwpanel.study_is_trial() -%}
    {#- residence is a register of its own, required only where the design rests
        on where persons live (design rollout) -#}
    {%- set needs_residence = rtwpanel.study_design() == 'rollout' -%}
    {%- set files = {
        'participants': {
            'columns': [
                person,
                {'name': 'centre_id', 'kind': 'code' if is_trial else 'code_opt', 'codes': rtwpanel.study_cluster_codes()},
                {'name': 'arm', 'kind': 'code' if is_trial else 'code_opt', 'codes': rtwpanel.study_arm_codes()},
                {'name': 'randomised_date', 'kind': 'date' if is_trial else 'date_opt', 'window': [0, 0],
                    'between': rtwpanel.study_inclusion() if is_trial else []},
                {'name': 'sex', 'kind': 'code', 'seed': 'ref_sexes'},
                {'name': 'birth_year', 'kind': 'year', 'window': [110, 0]},
                {'name': 'born_in_norway', 'kind': 'flag'},
                {'name': 'diagnosis_group', 'kind': 'code_opt', 'seed': 'ref_diagnosis_groups'},
                {'name': 'death_date', 'kind': 'date_opt', 'window': [10, 1]},
            ],
            'spans': [],
            'check_person': false,
            'needs_coverage': false,
        },
        'aa_arbeidsforhold': {
            'columns': [
                person,
                {'name': 'arbeidsforhold_id', 'kind': 'id'},
                {'name': 'orgnr', 'kind': 'id'},
                {'name': 'reg_month', 'kind': 'month', 'window': [1, 1]},
                {'name': 'start_date', 'kind': 'date', 'window': [60, 1]},
                {'name': 'end_date', 'kind': 'date_opt', 'window': [60, 10]},
                {'name': 'stillingsprosent', 'kind': 'num', 'range': [0, 100]},
                {'name': 'arbeidsforhold_type', 'kind': 'code', 'seed': 'ref_employment_types'},
            ],
            'spans': [['start_date', 'end_date']],
            'check_person': true,
            'needs_coverage': true,
        },
        'ytelser': {
            'columns': [
                person,
                {'name': 'utbetaling_id', 'kind': 'id'},
                {'name': 'ytelse', 'kind': 'code', 'seed': 'ref_benefit_codes'},
                {'name': 'fom_date', 'kind': 'date', 'window': [1, 1]},
                {'name': 'tom_date', 'kind': 'date', 'window': [1, 1]},
                {'name': 'belop', 'kind': 'int'},
            ],
            'spans': [['fom_date', 'tom_date']],
            'check_person': true,
            'needs_coverage': true,
            'match_reversals': true,
        },
        'sykepenger': {
            'columns': [
                person,
                {'name': 'sykefravaer_id', 'kind': 'id'},
                {'name': 'fom_date', 'kind': 'date', 'window': [1, 1]},
                {'name': 'tom_date', 'kind': 'date', 'window': [1, 1]},
                {'name': 'grad', 'kind': 'int', 'range': [1, 100]},
                {'name': 'diagnose', 'kind': 'text'},
            ],
            'spans': [['fom_date', 'tom_date']],
            'check_person': true,
            'needs_coverage': true,
        },
        'sykmeldinger': {
            'columns': [
                person,
                {'name': 'sykmelding_id', 'kind': 'id'},
                {'name': 'fom_date', 'kind': 'date', 'window': [1, 1]},
                {'name': 'tom_date', 'kind': 'date', 'window': [1, 1]},
                {'name': 'grad', 'kind': 'int', 'range': [1, 100]},
                {'name': 'diagnose', 'kind': 'text'},
                {'name': 'utstedt_date', 'kind': 'date_opt', 'window': [1, 1]},
            ],
            'spans': [['fom_date', 'tom_date']],
            'check_person': true,
            'needs_coverage': true,
        },
        'sosialhjelp': {
            'columns': [
                person,
                {'name': 'month', 'kind': 'month', 'window': [1, 1]},
                {'name': 'belop', 'kind': 'int', 'range': [0, none]},
            ],
            'spans': [],
            'check_person': true,
            'needs_coverage': true,
        },
        'tiltak': {
            'columns': [
                person,
                {'name': 'deltakelse_id', 'kind': 'id'},
                {'name': 'tiltakskode', 'kind': 'code', 'seed': 'ref_programme_codes'},
                {'name': 'fom_date', 'kind': 'date', 'window': [10, 1]},
                {'name': 'tom_date', 'kind': 'date_opt', 'window': [10, 5]},
                {'name': 'deltakerstatus', 'kind': 'code', 'seed': 'ref_participation_statuses'},
            ],
            'spans': [['fom_date', 'tom_date']],
            'check_person': true,
            'needs_coverage': true,
        },
        'utdanning': {
            'columns': [
                person,
                {'name': 'year', 'kind': 'year', 'window': [1, 1]},
                {'name': 'nus2000', 'kind': 'text'},
                {'name': 'i_utdanning', 'kind': 'flag'},
            ],
            'spans': [],
            'check_person': true,
            'needs_coverage': true,
        },
        'utdanning_forlop': {
            'columns': [
                person,
                {'name': 'fom_date', 'kind': 'date', 'window': [60, 1]},
                {'name': 'tom_date', 'kind': 'date_opt', 'window': [60, 10]},
                {'name': 'nus2000', 'kind': 'text'},
            ],
            'spans': [['fom_date', 'tom_date']],
            'check_person': true,
            'needs_coverage': true,
        },
        'inntekt': {
            'columns': [
                person,
                {'name': 'year', 'kind': 'year', 'window': [1, 1]},
                {'name': 'pensjonsgivende_inntekt', 'kind': 'int', 'range': [0, none]},
            ],
            'spans': [],
            'check_person': true,
            'needs_coverage': true,
        },
        'npr': {
            'columns': [
                person,
                {'name': 'episode_id', 'kind': 'id'},
                {'name': 'kontakttype', 'kind': 'code', 'seed': 'ref_npr_contact_types'},
                {'name': 'inn_date', 'kind': 'date', 'window': [1, 1]},
                {'name': 'ut_date', 'kind': 'date', 'window': [1, 1]},
            ],
            'spans': [['inn_date', 'ut_date']],
            'check_person': true,
            'needs_coverage': true,
        },
        'bosted': {
            'columns': [
                person,
                {'name': 'region', 'kind': 'code', 'seed': 'ref_regions'},
                {'name': 'fom_date', 'kind': 'date', 'window': [110, 1]},
                {'name': 'tom_date', 'kind': 'date_opt', 'window': [110, 10]},
            ],
            'spans': [['fom_date', 'tom_date']],
            'check_person': true,
            'needs_coverage': true,
            'optional': not needs_residence,
        },
        'coverage': {
            'columns': [
                {'name': 'source', 'kind': 'code', 'seed': 'ref_sources'},
                {'name': 'first_month', 'kind': 'month'},
                {'name': 'last_month', 'kind': 'month'},
            ],
            'spans': [['first_month', 'last_month']],
            'check_person': false,
            'needs_coverage': false,
        },
    } -%}
    {{ return(files) }}
{% endmacro %}


{#- The seed column holding the codes of a code list: the seed's first column. -#}
{% macro raw_code_column(seed_name) %}
    {%- set code_columns = {
        'ref_sexes': 'sex',
        'ref_diagnosis_groups': 'diagnosis_group',
        'ref_employment_types': 'arbeidsforhold_type',
        'ref_benefit_codes': 'ytelse',
        'ref_programme_codes': 'tiltakskode',
        'ref_participation_statuses': 'deltakerstatus',
        'ref_npr_contact_types': 'kontakttype',
        'ref_regions': 'region',
        'ref_sources': 'source',
    } -%}
    {{ return(code_columns[seed_name]) }}
{% endmacro %}
