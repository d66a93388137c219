"""The demo delivery's truth against the published figures (spec synthetic.md).

With 408 persons (about 204 per arm) sampling error alone moves a share by
sqrt(p(1 - p) / 204), up to 0.035; the tolerance of a share is three such
standard errors plus 0.03 for the model's own distance from the targets (checked
on 30,000 persons in test_synthetic_population.py). Before/after means are
averages over many correlated months of a person, so their standard error is
taken from the spread of the persons' own means.

Where the spec plants no effect, the two arms' published figures differ by
chance, so both arms are compared with their average.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from published_figures import (
    CENTRE_MONTHS,
    PLANTED,
    SICK_OF_THOSE_IN_WORK,
    TABLE_6,
    TABLE_7,
    load_panel,
    sick_leave_at_inclusion,
    target,
)
from rtwpanel.paths import DEMO_DIR


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return load_panel(DEMO_DIR)


@pytest.mark.parametrize("status", sorted(TABLE_6))
@pytest.mark.parametrize("when", [0, 18])
def test_shares_at_inclusion_and_18_months(panel: pd.DataFrame, status: str, when: int) -> None:
    for arm in ("TAU", "IPS"):
        values = panel.loc[(panel["rel_month"] == when) & (panel["arm"] == arm), status]
        goal = target(status, TABLE_6[status][when == 18], arm)
        tolerance = 3 * math.sqrt(goal * (1 - goal) / len(values)) + 0.03
        assert abs(values.mean() - goal) < tolerance, (arm, values.mean(), goal, tolerance)


@pytest.mark.parametrize("status", sorted(TABLE_7))
def test_before_after_means(panel: pd.DataFrame, status: str) -> None:
    published = TABLE_7[status]
    for arm_index, arm in enumerate(("TAU", "IPS")):
        for period_index, period in enumerate(("before", "after")):
            rows = panel[(panel["arm"] == arm) & (panel["period"] == period)]
            if status == "on_social_assistance":
                rows = rows[rows["month"] <= 201512]  # observed to December 2015
            per_person = rows.groupby("person_id")[status].mean()
            if status in PLANTED:
                goal = published[2 * arm_index + period_index]
            else:
                goal = (published[period_index] + published[2 + period_index]) / 2
            tolerance = 3 * per_person.std() / math.sqrt(len(per_person)) + 0.03
            mean = rows[status].mean()
            assert abs(mean - goal) < tolerance, (arm, period, mean, goal, tolerance)


def test_most_sick_listed_have_no_registered_job(panel: pd.DataFrame) -> None:
    of_work, in_work = sick_leave_at_inclusion(panel)
    goal = SICK_OF_THOSE_IN_WORK
    tolerance = 3 * math.sqrt(goal * (1 - goal) / len(of_work)) + 0.03
    assert abs(of_work.mean() - goal) < tolerance, (of_work.mean(), tolerance)
    assert in_work.mean() < 0.5, in_work.mean()


def test_employment_falls_before_and_rises_after_inclusion(panel: pd.DataFrame) -> None:
    by_rel = panel.groupby("rel_month")["employed"].mean()
    assert by_rel.loc[-48:-37].mean() > by_rel.loc[-6:0].mean() + 0.05
    assert by_rel.loc[12:18].mean() > by_rel.loc[-3:0].mean() + 0.05


def test_ips_effects_have_the_planted_direction(panel: pd.DataFrame) -> None:
    """With 408 persons the realised effects vary from seed to seed, so only directions
    are checked here; sizes are checked on 30,000 persons in test_synthetic_population.py."""
    after = panel[panel["period"] == "after"].groupby("arm")
    means = after[["employed", "in_programme", "aap_and_employed"]].mean()
    assert means.loc["IPS", "employed"] > means.loc["TAU", "employed"]
    assert means.loc["IPS", "in_programme"] < means.loc["TAU", "in_programme"] - 0.1
    assert means.loc["IPS", "aap_and_employed"] > means.loc["TAU", "aap_and_employed"]


def test_centre_person_months_after_inclusion(panel: pd.DataFrame) -> None:
    """Centre sizes are set from the published person-months; randomisation dates are
    drawn, so person-months come within 10 %."""
    months = panel[panel["period"] == "after"].groupby("centre_id").size()
    for centre, published in enumerate(CENTRE_MONTHS, start=1):
        assert abs(months.loc[str(centre)] / published - 1) < 0.10, (centre, months)
    assert 9_000 < months.sum() < 11_000  # about 10,000 person-months after


def test_baseline_table_5() -> None:
    people = pd.read_csv(DEMO_DIR / "participants.csv", sep=";", dtype={"diagnosis_group": str})
    people = people[people["death_date"].isna()]
    n = len(people)
    assert n == 408
    age = people["randomised_date"] // 10000 - people["birth_year"]
    assert abs(age.mean() - 34.7) < 3 * age.std() / math.sqrt(n)
    assert abs((people["sex"] == "K").mean() - 0.49) < 3 * math.sqrt(0.25 / n)
    assert abs(people["born_in_norway"].mean() - 0.86) < 3 * math.sqrt(0.86 * 0.14 / n)
    assert (people["arm"] == "IPS").sum() == 228 or (people["arm"] == "IPS").sum() == 229
    interviewed = people["diagnosis_group"].notna()
    assert 0.65 < interviewed.mean() < 0.82  # about 300 of 410
    assert 0.35 < (people.loc[interviewed, "diagnosis_group"] == "severe").mean() < 0.55

    education = pd.read_csv(DEMO_DIR / "utdanning.csv", sep=";", dtype=str, on_bad_lines="skip")
    education = education[education["year"] == "2013"].dropna().drop_duplicates("person_id")
    education = education[education["person_id"].isin(people["person_id"])]
    level = (
        education["nus2000"]
        .str[0]
        .map({"0": "g", "1": "g", "2": "g", "3": "vg", "4": "vf", "5": "vf", "6": "h", "7": "h"})
    )
    shares = level.value_counts(normalize=True)
    for key, goal in {"g": 0.51, "vg": 0.04, "vf": 0.27, "h": 0.19}.items():
        assert abs(shares.get(key, 0) - goal) < 3 * math.sqrt(goal * (1 - goal) / n) + 0.02

    income = pd.read_csv(DEMO_DIR / "inntekt.csv", sep=";", dtype=str, on_bad_lines="skip")
    income = income[(income["year"] == "2013") & income["person_id"].isin(people["person_id"])]
    income = income.dropna().drop_duplicates()  # rows with a field missing, copies
    in_g = income["pensjonsgivende_inntekt"].astype(int) / 84_204
    assert abs(in_g.mean() - 2.0) < 3 * in_g.std() / math.sqrt(n) + 0.1
