"""The expectation suites take a study's plausible ranges of the shares by arm."""

from __future__ import annotations

from rtwpanel.gates.checkpoint import for_study, load_suite_specs
from rtwpanel.study import load_study


def ranges(specs: list[dict], column: str) -> list[tuple[object, object, bool]]:
    """(min, max, conditional) of every range check of a status_by_arm column."""
    (suite,) = [spec for spec in specs if spec["name"] == "status_by_arm"]
    return [
        (e["kwargs"].get("min_value"), e["kwargs"].get("max_value"), "row_condition" in e["kwargs"])
        for e in suite["expectations"]
        if e["type"] == "expect_column_values_to_be_between" and e["kwargs"]["column"] == column
    ]


def test_a_study_replaces_the_range_of_its_shares_and_keeps_the_bounds() -> None:
    specs = load_suite_specs()
    study = load_study("jobbmestring")
    low, high = study.plausible_shares["employed"]
    adapted = for_study(specs, study)
    assert ranges(adapted, "share_employed") == [(0, 1, False), (low, high, True)]
    # a status the study does not declare keeps the suite's range
    assert ranges(adapted, "share_on_disability") == ranges(specs, "share_on_disability")
    # the suites as loaded are not changed
    assert ranges(specs, "share_employed") != ranges(adapted, "share_employed")


def names(specs: list[dict]) -> set[str]:
    return {spec["name"] for spec in specs}


def test_a_study_without_ranges_keeps_the_suites_but_the_roll_outs() -> None:
    specs = load_suite_specs()
    adapted = for_study(specs, load_study("ips"))
    assert adapted == [spec for spec in specs if spec["name"] != "region_month"]
    assert names(specs) - names(adapted) == {"region_month"}


def test_a_roll_out_keeps_its_region_suite_and_drops_randomisation() -> None:
    specs = load_suite_specs()
    adapted = for_study(specs, load_study("ipsnor"))
    assert names(specs) - names(adapted) == {"status_by_arm", "rel_month_distribution"}
    (participants,) = [spec for spec in adapted if spec["name"] == "participants"]
    columns = {e["kwargs"].get("column") for e in participants["expectations"]}
    assert not columns & {"randomised_date", "arm", "is_treated", "age_at_randomisation"}
