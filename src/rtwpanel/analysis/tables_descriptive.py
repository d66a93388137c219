"""Tables 5-7: baseline, status at inclusion and 18 months later, before/after."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rtwpanel.analysis.clustered_ols import fit_ols
from rtwpanel.analysis.design import EDUCATION_LEVELS, Design
from rtwpanel.analysis.estimate_tables import EstimateRows, record
from rtwpanel.analysis.table import Table, mean_support, share_support

ARMS = ("TAU", "IPS")
WHEN = ("inclusion", "18 months")

TABLE_6_ROWS: tuple[tuple[str, str], ...] = (
    ("in work", "employed"),
    ("sick-listed (of all)", "sick_listed"),
    ("sick-listed (of those in work)", "sick_listed_of_employed"),
    ("disability benefit", "on_disability"),
    ("AAP", "on_aap"),
    ("AAP and work", "aap_and_employed"),
    ("unemployment benefit", "on_unemployment_benefit"),
    ("social assistance", "on_social_assistance"),
    ("programme", "in_programme"),
    ("education (October)", "in_education_oct"),
    ("education course", "in_education_course"),
)

TABLE_7_OUTCOMES = TABLE_6_ROWS  # all 11 published rows


def table_05(dim: pd.DataFrame) -> Table:
    """Baseline characteristics by arm, persons with register data; N per row."""
    people = dim.loc[dim["has_register_data"].astype(bool)]
    values: dict[str, dict[str, float]] = {}
    support: dict[str, dict[str, float]] = {}
    groups = []
    for arm in ARMS:
        group = people.loc[people["arm"] == arm]
        n = len(group)
        known = group.loc[group["education_level"].isin(EDUCATION_LEVELS)]
        n_known = len(known)
        income = group["income_2013_nok"].dropna()
        col_v: dict[str, float] = {"persons": n, "age": group["age_at_randomisation"].mean()}
        col_s: dict[str, float] = {"persons": n, "age": n}
        n_v: dict[str, float] = {"persons": n, "age": group["age_at_randomisation"].notna().sum()}
        k = group["female"].sum()
        col_v["female"], col_s["female"] = k / n if n else np.nan, share_support(n, k)
        n_v["female"] = group["female"].notna().sum()
        for level in EDUCATION_LEVELS:
            k = float((known["education_level"] == level).sum())
            col_v[level] = k / n_known if n_known else np.nan
            col_s[level] = share_support(n_known, k)
            n_v[level] = n_known
        col_v["income 2013 (G)"] = group["income_2013_g"].mean()
        col_v["income 2013 (kr)"] = income.mean()
        col_s["income 2013 (G)"] = col_s["income 2013 (kr)"] = len(income)
        n_v["income 2013 (G)"] = n_v["income 2013 (kr)"] = len(income)
        values[arm], support[arm] = col_v, col_s
        values[f"{arm} N"] = n_v
        support[f"{arm} N"] = dict.fromkeys(n_v, float(n))
        # with the persons, the known-level N tells how many have no known level
        for level in EDUCATION_LEVELS:
            support[f"{arm} N"][level] = share_support(n, n_known)
        groups.append([(level, arm) for level in EDUCATION_LEVELS])
    return Table(
        key="table_05",
        title="Table 5. Baseline characteristics by arm (persons with register data)",
        values=pd.DataFrame(values)[[ARMS[0], f"{ARMS[0]} N", ARMS[1], f"{ARMS[1]} N"]],
        support=pd.DataFrame(support),
        additive_groups=groups,
        decimals={
            "persons": 0,
            "age": 1,
            "income 2013 (G)": 2,
            "income 2013 (kr)": 0,
            "TAU N": 0,
            "IPS N": 0,
        },
        note="Education: level at randomisation, as shares of the persons with a known "
        "level (their number in the N column). N: persons each row rests on.",
    )


def _status_series(rows: pd.DataFrame, column: str) -> pd.DataFrame:
    """The observed person-months of one Table 6/7 row (sick-listed of those in work:
    the months in work)."""
    if column == "sick_listed_of_employed":
        observed = rows.loc[(rows["employed"] == 1) & rows["sick_listed"].notna()]
        return observed.assign(**{column: observed["sick_listed"]})
    return rows.loc[rows[column].notna()]


def _status_shares(
    rows: pd.DataFrame,
) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    values: dict[str, float] = {}
    support: dict[str, float] = {}
    counts: dict[str, float] = {}
    for label, column in TABLE_6_ROWS:
        series = _status_series(rows, column)[column]
        n, k = len(series), float(series.sum())
        values[label] = k / n if n else np.nan
        support[label] = share_support(n, k)
        counts[label] = n
    return values, support, counts


def table_06(fct: pd.DataFrame) -> Table:
    """Shares in each status at inclusion (rel_month 0) and 18 months later.

    No additive group ties the two sick-listed rows: most sick-listed persons have
    no registered job, so the share of all does not reveal the share of those in work.
    """
    values: dict[str, dict[str, float]] = {}
    support: dict[str, dict[str, float]] = {}
    for when, rel in zip(WHEN, (0, 18), strict=True):
        for arm in ARMS:
            rows = fct.loc[(fct["rel_month"] == rel) & (fct["arm"] == arm)]
            column = f"{arm} {when}"
            v, s, counts = _status_shares(rows)
            n = float(rows["person_id"].nunique())
            values[column] = {"n persons": n, **v}
            support[column] = {"n persons": n, **s}
            values[f"{column} N"] = {"n persons": n, **counts}
            support[f"{column} N"] = dict.fromkeys(values[f"{column} N"], n)
    return Table(
        key="table_06",
        title="Table 6. Status at inclusion and 18 months later, share of persons by arm",
        values=pd.DataFrame(values),
        support=pd.DataFrame(support),
        decimals={"n persons": 0, **{f"{arm} {w} N": 0 for arm in ARMS for w in WHEN}},
        note="N: the persons a share rests on, where it is not every person of the arm "
        "(not observed: social assistance ends December 2015; sick-listed of those in "
        "work: the persons in work).",
    )


def _did_design(fct: pd.DataFrame, outcome: str) -> Design:
    data = _status_series(fct, outcome)
    ips = data["is_ips"].to_numpy(dtype=float)
    after = (data["period"] == "after").to_numpy(dtype=float)
    X = np.column_stack([np.ones(len(data)), ips, after, ips * after])
    return Design(
        outcome=outcome,
        y=data[outcome].to_numpy(dtype=float),
        X=X,
        names=("const", "is_ips", "after", "is_ips:after"),
        centre=data["centre_id"].to_numpy(dtype=int),
        person=data["person_id"].astype(str).to_numpy(),
        is_ips=data["is_ips"].to_numpy(dtype=int),
    )


def table_07(fct: pd.DataFrame) -> Table:
    """Means by arm and period and the difference in differences (person clusters)."""
    rows = EstimateRows()
    for label, outcome in TABLE_7_OUTCOMES:
        observed = _status_series(fct, outcome)
        means: dict[str, float] = {}
        floor = np.inf
        for arm in ARMS:
            for period in ("before", "after"):
                cell = observed.loc[(observed["arm"] == arm) & (observed["period"] == period)]
                ever = cell.groupby("person_id")[outcome].max()
                means[f"{arm} {period}"] = cell[outcome].mean()
                floor = min(floor, mean_support(len(ever), float(ever.sum())))
        estimate = fit_ols(_did_design(fct, outcome), cluster="person").estimate("is_ips:after")
        rows.set(label, means, floor)
        rows.add(label, estimate, prefix="DiD ", with_r2=False, support=floor)
        rows.records.append(record("table_07", "all months", outcome, estimate, "person"))
    return rows.table(
        "table_07",
        "Table 7. Before and after randomisation by arm, difference in differences",
        "Means over person-months. DiD from y ~ is_ips * after, SE clustered by person; "
        "95 % interval from t with persons - 1 df. Sick-listed of those in work: the "
        "months in work.",
    )
