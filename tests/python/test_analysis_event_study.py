"""The event study against a panel whose month-by-month differences are known."""

from __future__ import annotations

import pandas as pd
import pytest

from rtwpanel.analysis.event_study import employment_event_study

MONTHS = range(-13, 3)  # one lead before the reference window, months -12..-1, then 0..2


def _panel(ips_employed: dict[int, tuple[int, int]]) -> pd.DataFrame:
    """Two TAU persons never in work; two IPS persons in work as given per month."""
    rows = []
    for rel in MONTHS:
        for person, arm in (("t1", "TAU"), ("t2", "TAU"), ("i1", "IPS"), ("i2", "IPS")):
            employed = ips_employed[rel][int(person[1]) - 1] if arm == "IPS" else 0
            rows.append(
                {
                    "person_id": person,
                    "arm": arm,
                    "is_ips": float(arm == "IPS"),
                    "centre_id": 1.0,
                    "rel_month": rel,
                    "employed": float(employed),
                }
            )
    return pd.DataFrame(rows)


def test_difference_in_differences_by_month_against_the_year_before() -> None:
    # reference months: the IPS - TAU difference is 0.5 in half of them and 0 in the
    # others, so 0.25 on average; month 1: both IPS persons in work (difference 1)
    work = {rel: (1, 0) if rel % 2 == 0 else (0, 0) for rel in MONTHS}
    work[1] = (1, 1)
    work[-13] = (0, 0)
    work[0] = (1, 0)
    work[2] = (0, 0)
    table = employment_event_study(_panel(work))
    did = table.values["DiD"].astype(float)
    assert sorted(did.index, key=int) == ["-13", "0", "1", "2"]  # no reference month
    assert did["1"] == pytest.approx(1.0 - 0.25)
    assert did["0"] == pytest.approx(0.5 - 0.25)
    assert did["-13"] == pytest.approx(0.0 - 0.25)
    assert did["2"] == pytest.approx(-0.25)
    assert (table.values["TAU n"] == 2).all() and (table.values["IPS n"] == 2).all()
    assert (table.values["ci_low"] <= did).all() and (did <= table.values["ci_high"]).all()
    # a coefficient rests on two persons per arm
    assert (table.support["DiD"] <= 2).all()
