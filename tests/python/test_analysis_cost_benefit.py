"""Cost-benefit against the published reference evaluation (Tables 21-23)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from rtwpanel.analysis.cost_benefit import (
    CostSide,
    Parameters,
    critical_wage,
    present_value,
    table_23,
)
from rtwpanel.analysis.cost_benefit_tables import programme_months_present_value, table_21

PUBLISHED_X_TWO_YEARS = 395_106


def test_cost_side_total_is_published_total() -> None:
    assert CostSide().total_nok == 55_450


def test_two_year_critical_wage_is_published() -> None:
    x = critical_wage(55_450, Parameters(), years=2)
    assert x == pytest.approx(PUBLISHED_X_TWO_YEARS, abs=5)


def test_table_22_components_at_published_wage() -> None:
    pv = present_value(PUBLISHED_X_TWO_YEARS, Parameters(), years=2)
    assert pv.production == pytest.approx(974_943, abs=3)
    assert pv.leisure == pytest.approx(-514_770, abs=3)
    assert pv.tax_cost == pytest.approx(123_508, abs=3)


def test_net_present_value_is_zero_at_critical_wage() -> None:
    p = Parameters()
    for years in (2, 3, 4, 5):
        x = critical_wage(55_450, p, years)
        assert present_value(x, p, years).total * p.employment_effect == pytest.approx(55_450)


def test_one_year_hand_worked() -> None:
    # One year, no discounting: 0.095 * (0.68 X + 0.2 * 0.66 * 205,900) = 55,450.
    x = critical_wage(55_450, Parameters(), years=1)
    assert x == pytest.approx((55_450 / 0.095 - 0.2 * 0.66 * 205_900) / 0.68)


def test_longer_effect_needs_a_smaller_wage() -> None:
    wages = table_23(55_450, Parameters(), [2, 3, 4, 5])["critical_wage"].tolist()
    assert wages == sorted(wages, reverse=True)


def test_command_prints_csv() -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "rtwpanel.cli",
            "cost-benefit",
            "--effect",
            "0.095",
            "--cost",
            "55450",
            "--years",
            "2",
            "3",
            "4",
            "5",
            "--csv",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    assert out[0] == "years,critical_wage"
    assert [line.split(",")[0] for line in out[1:]] == ["2", "3", "4", "5"]
    assert abs(float(out[1].split(",")[1]) - PUBLISHED_X_TWO_YEARS) <= 5


def _programme_months(spells: dict[str, tuple[str, int, set[int]]]) -> pd.DataFrame:
    """After months of hand-made persons: arm, months observed, months in a programme."""
    rows = [
        {
            "person_id": person,
            "arm": arm,
            "rel_month": rel,
            "in_programme": float(rel in programme),
        }
        for person, (arm, observed, programme) in spells.items()
        for rel in range(1, observed + 1)
    ]
    return pd.DataFrame(rows)


def test_programme_cost_is_the_two_year_present_value() -> None:
    after = _programme_months(
        {
            "A": ("TAU", 26, {*range(1, 7), *range(13, 17), 25, 26}),  # 6 + 4 months
            "B": ("TAU", 24, set(range(1, 13))),  # 12 + 0
            "C": ("IPS", 24, {1, 2, 3, 13, 14}),  # 3 + 2
            "D": ("IPS", 18, {13}),  # 0 + 1, observed to month 18
        }
    )
    # a month with no programme information counts for nobody
    after.loc[(after["person_id"] == "B") & (after["rel_month"] == 20), "in_programme"] = np.nan
    # year 1: IPS (3 + 0) / 2 - TAU (6 + 12) / 2 = -7.5; year 2: (2 + 1) / 2 - (4 + 0) / 2
    # = -0.5, discounted once at 4 %; months 25-26 lie beyond the two years
    months, persons = programme_months_present_value(after, rate=0.04)
    assert months == pytest.approx(-7.5 - 0.5 / 1.04)
    assert persons == 2
    table, _ = table_21(after, cost_per_programme_month=1_000.0)
    assert table.values.at["programme costs", "from the marts"] == pytest.approx(
        1_000.0 * (-7.5 - 0.5 / 1.04)
    )
