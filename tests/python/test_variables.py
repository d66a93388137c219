"""The rules of the dbt variables: pinned to dbt_project.yml, and each kind of
bad value refused with what is allowed."""

from __future__ import annotations

import pytest

from rtwpanel.errors import RtwError
from rtwpanel.variables import RULES, check_variables, problems, project_defaults


def test_every_declared_variable_has_a_rule_and_every_rule_a_declaration() -> None:
    assert set(RULES) == set(project_defaults())


def test_the_defaults_pass_their_own_rules() -> None:
    assert problems(project_defaults()) == []


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"use_certificats": False}, "did you mean 'use_certificates'?"),
        ({"colour": 1}, "unknown variable 'colour' (declared: dbt_project.yml vars)"),
        ({"aa_stipulation_lag_months": 2.5}, "must be a whole number from 0 to 24"),
        ({"aa_stipulation_lag_months": True}, "must be a whole number from 0 to 24"),
        ({"aa_stipulation_lag_months": 25}, "must be a whole number from 0 to 24"),
        ({"panel_bucket_persons": 0}, "must be a whole number of at least 1"),
        ({"gate_stipulated_share_warn": -0.1}, "must be a number from 0 to 1"),
        ({"gate_stipulated_share_warn": "0.1"}, "must be a number from 0 to 1"),
        ({"use_certificates": 1}, "must be true or false"),
        ({"gate_quarantine_share_severity": "fail"}, "must be one of warn, error"),
        ({"aa_counted_types": "ordinaert"}, "must be a list of names"),
    ],
)
def test_a_bad_value_is_named_with_what_is_allowed(
    values: dict[str, object], expected: str
) -> None:
    found = problems(values)
    assert len(found) == 1
    assert expected in found[0]


@pytest.mark.parametrize(
    "values",
    [
        {"aa_stipulation_lag_months": 0},
        {"aa_stipulation_lag_months": 24},
        {"gate_stipulated_share_warn": 0},
        {"gate_stipulated_share_warn": 1},
        {"gate_stipulated_share_warn": 0.25},
        {"use_certificates": False},
        {"aa_counted_types": ["ordinaert"]},
        {"raw_dir": "/data/delivery-2026-11"},
    ],
)
def test_values_at_the_edges_of_their_range_pass(values: dict[str, object]) -> None:
    check_variables(values)


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(RtwError) as refused:
        check_variables({"aa_stipulaton_lag_months": 2, "use_certificates": "yes"})
    message = str(refused.value)
    assert message.startswith("dbt variables refused, nothing was built:")
    assert "aa_stipulaton_lag_months" in message and "use_certificates" in message
