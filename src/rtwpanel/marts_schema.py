"""The columns of the marts, as the contracts name them (docs/contracts.md).

Python's copy of dbt's lists: tests/python/test_marts_schema.py pins it to the status
manifest (macro panel_statuses) and to the columns documented in _marts__models.yml.
"""

from __future__ import annotations

# The 0/1 statuses of marts.fct_person_month (NULL where the source does not cover the month).
BINARY_STATUSES = (
    "employed",
    "sick_listed",
    "on_aap",
    "on_disability",
    "on_unemployment_benefit",
    "on_social_assistance",
    "in_programme",
    "in_education_oct",
    "in_education_course",
    "aap_and_employed",
    "work_participation",
)

# Specialist health-care use per month: contact counts and inpatient days.
NPR_MEASURES = (
    "npr_avtalespesialist",
    "npr_bup",
    "npr_phv_poli",
    "npr_phv_dag",
    "npr_phv_dogn_days",
)

# The participant's attributes repeated on every row of marts.fct_person_month.
PARTICIPANT_ATTRIBUTES = (
    "arm",
    "is_treated",
    "cluster_id",
    "is_ips",
    "centre_id",
    "female",
    "age_at_randomisation",
    "diagnosis_group",
    "education_level",
)

# Every column of marts.fct_person_month, in the contract's order.
FCT_PERSON_MONTH_COLUMNS = (
    "person_id",
    "month",
    "year",
    "calendar_month",
    "rel_month",
    "period",
    *PARTICIPANT_ATTRIBUTES,
    "region",
    "treated_since",
    "employed",
    "n_jobs",
    "max_stillingsprosent",
    "n_jobs_stipulated",
    "sick_listed",
    "sick_listed_source",
    "sick_leave_grade",
    "sick_leave_days",
    "sick_leave_full_days",
    "on_aap",
    "on_disability",
    "on_unemployment_benefit",
    "on_social_assistance",
    "in_programme",
    "in_education_oct",
    "in_education_course",
    *NPR_MEASURES,
    "aap_and_employed",
    "work_participation",
)

# The text columns of marts.fct_person_month; every other column is numeric.
FCT_PERSON_MONTH_TEXT_COLUMNS = (
    "person_id",
    "month",
    "period",
    "arm",
    "cluster_id",
    "diagnosis_group",
    "education_level",
    "region",
    "sick_listed_source",
)

# Every column of marts.dim_participant, in the contract's order: the variables a
# study's subgroup rules may name.
DIM_PARTICIPANT_COLUMNS = (
    "person_id",
    "arm",
    "is_treated",
    "cluster_id",
    "is_ips",
    "centre_id",
    "sex",
    "female",
    "birth_year",
    "age_at_randomisation",
    "born_in_norway",
    "diagnosis_group",
    "education_level",
    "income_2013_nok",
    "income_2013_g",
    "months_out_of_work",
    "randomised_date",
    "has_register_data",
    "excluded_reason",
)

# Every column of marts.fct_sick_leave_episodes (and of marts.mart_cohort_episodes,
# its cohort), in the contract's order: the variables a cohort study's predictors
# may name.
EPISODE_COLUMNS = (
    "episode_id",
    "person_id",
    "first_day",
    "last_day",
    "duration_days",
    "source",
    "diagnosis",
    "diagnosis_chapter",
    "diagnosis_group",
    "grade_at_start",
    "highest_grade",
    "is_graded",
    "outcome",
    "outcome_month",
    "censoring_reason",
    "age",
    "female",
    "born_in_norway",
    "education_level",
    "employed_at_start",
    "stillingsprosent",
    "income_g_year_before",
    "sick_leave_days_3y",
    "npr_contacts_1y",
    "aap_year_before",
)

# The outcomes of an episode (marts.fct_sick_leave_episodes.outcome).
EPISODE_OUTCOMES = ("return_to_work", "aap", "disability", "censored")
