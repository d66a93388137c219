{#-
    The study the warehouse is built for: the file studies/<var study>.yml (or
    var study as a path to a .yml file), read through the engine like the
    delivery and parsed here, so that plain `dbt build` and every engine see the
    same file as the Python side (rtwpanel.study checks it before a build).
    While dbt parses the project nothing is read: the lists are empty.
-#}
{% macro study() %}
    {%- if not execute -%}
        {{- return({}) -}}
    {%- endif -%}
    {%- set text = rtwpanel.read_text_file(rtwpanel.study_file()) -%}
    {%- set parsed = fromyaml(text) -%}
    {%- if parsed is not mapping -%}
        {{- exceptions.raise_compiler_error("study file " ~ rtwpanel.study_file() ~ " is not a YAML mapping") -}}
    {%- endif -%}
    {{- return(parsed) -}}
{% endmacro %}


{#- The study file's path: var study as a name in studies/, or a path as given. -#}
{% macro study_file() %}
    {%- set name = var('study') | string | trim -%}
    {%- if name.endswith('.yml') or name.endswith('.yaml') or '/' in name -%}
        {{- return(name) -}}
    {%- endif -%}
    {{- return('studies/' ~ name ~ '.yml') -}}
{% endmacro %}


{#- The codes of participants.csv's arm the study declares: treated, then control. -#}
{% macro study_arm_codes() %}
    {%- set arms = rtwpanel.study().get('arms', {}) -%}
    {{- return([arms.get('treated', {}).get('code'), arms.get('control', {}).get('code')] | reject('none') | map('string') | list) -}}
{% endmacro %}


{#- The code of the treated arm ('' while parsing). -#}
{% macro study_treated_code() %}
    {{- return((rtwpanel.study_arm_codes() or [''])[0]) -}}
{% endmacro %}


{#- The cluster codes (centres, regions) participants.csv's centre_id may hold. -#}
{% macro study_cluster_codes() %}
    {{- return(rtwpanel.study().get('cluster', {}).get('codes', []) | map('string') | list) -}}
{% endmacro %}


{#- The study's inclusion window as [first day, last day] (ISO dates); [] while parsing. -#}
{% macro study_inclusion() %}
    {%- set inclusion = rtwpanel.study().get('inclusion', {}) -%}
    {%- if not inclusion -%}
        {{- return([]) -}}
    {%- endif -%}
    {{- return([inclusion['from'] | string, inclusion['to'] | string]) -}}
{% endmacro %}


{#- The study's design: rct (the default while parsing), cohort or rollout. -#}
{% macro study_design() %}
    {{- return(rtwpanel.study().get('design', 'rct') | string) -}}
{% endmacro %}


{#- Whether the study randomised its persons (design rct, the default while parsing). -#}
{% macro study_is_trial() %}
    {{- return(rtwpanel.study_design() == 'rct') -}}
{% endmacro %}


{#-
    A cohort study's rules on the episodes (design cohort): {first_day, last_day,
    chapter, ages, in_work_at_start}; {} for a study of another design, and while
    parsing. Values are checked before they reach SQL (rtwpanel.study).
-#}
{% macro study_cohort() %}
    {%- set study = rtwpanel.study() -%}
    {%- if study.get('design') != 'cohort' -%}
        {{- return({}) -}}
    {%- endif -%}
    {%- set cohort = study['cohort'] -%}
    {%- set inclusion = rtwpanel.study_inclusion() -%}
    {{- return({
        'first_day': inclusion[0],
        'last_day': inclusion[1],
        'chapter': cohort['chapter'] | string,
        'ages': [cohort['ages'][0] | int, cohort['ages'][1] | int],
        'in_work_at_start': cohort.get('in_work_at_start', true),
    }) -}}
{% endmacro %}


{#-
    A roll-out study's regions and target population (design rollout):
    {regions: [{code, start}], ages, baseline_first_day, baseline_last_day,
    npr_contact, sick_leave_chapter}, start the first day of the region's
    first month ('' for never); {} for a study of another design, and while
    parsing. Values are checked before they reach SQL (rtwpanel.study).
-#}
{% macro study_rollout() %}
    {%- set study = rtwpanel.study() -%}
    {%- if study.get('design') != 'rollout' -%}
        {{- return({}) -}}
    {%- endif -%}
    {%- set rollout = study['rollout'] -%}
    {%- set target = rollout['target'] -%}
    {%- set regions = [] -%}
    {%- for region in rollout['regions'] -%}
        {%- set start = region['start'] | string -%}
        {%- do regions.append({
            'code': region['code'] | string,
            'start': '' if start == 'never' else start[:7] ~ '-01',
        }) -%}
    {%- endfor -%}
    {{- return({
        'regions': regions,
        'ages': [target['ages'][0] | int, target['ages'][1] | int],
        'baseline_first_day': target['baseline']['from'] | string,
        'baseline_last_day': target['baseline']['to'] | string,
        'npr_contact': target.get('npr_contact', false) == true,
        'sick_leave_chapter': (target.get('sick_leave_chapter') or '') | string,
    }) -}}
{% endmacro %}
