"""Tables 5-7: baseline, status at inclusion and 18 months later, before/after."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rtwpanel.analysis.clustered_ols import fit_ols
from rtwpanel.analysis.design import EDUCATION_LEVELS, Design
from rtwpanel.analysis.table import Table, mean_support, share_support

ARMS = ("TAU", "IPS")

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

TABLE_7_OUTCOMES: tuple[tuple[str, str], ...] = (
    ("in work", "employed"),
    ("AAP", "on_aap"),
    ("disability benefit", "on_disability"),
    ("programme", "in_programme"),
    ("social assistance", "on_social_assistance"),
    ("AAP and work", "aap_and_employed"),
)


def table_05(dim: pd.DataFrame) -> Table:
    """Baseline characteristics by arm, persons with register data."""
    people = dim.loc[dim["has_register_data"].astype(bool)]
    values: dict[str, dict[str, float]] = {}
    support: dict[str, dict[str, float]] = {}
    groups = []
    for arm in ARMS:
        group = people.loc[people["arm"] == arm]
        n = len(group)
        col_v: dict[str, float] = {"n": n, "age": group["age_at_randomisation"].mean()}
        col_s: dict[str, float] = {"n": n, "age": n}
        k = group["female"].sum()
        col_v["female"], col_s["female"] = k / n if n else np.nan, share_support(n, k)
        for level in EDUCATION_LEVELS:
            k = float((group["education_level"] == level).sum())
            col_v[level] = k / n if n else np.nan
            col_s[level] = share_support(n, k)
        income = group["income_2013_nok"].dropna()
        col_v["income 2013 (G)"] = group["income_2013_g"].mean()
        col_v["income 2013 (kr)"] = income.mean()
        col_s["income 2013 (G)"] = col_s["income 2013 (kr)"] = len(income)
        values[arm], support[arm] = col_v, col_s
        groups.append([(level, arm) for level in EDUCATION_LEVELS])
    return Table(
        key="table_05",
        title="Table 5. Baseline characteristics by arm (persons with register data)",
        values=pd.DataFrame(values),
        support=pd.DataFrame(support),
        additive_groups=groups,
        decimals={"n": 0, "age": 1, "income 2013 (G)": 2, "income 2013 (kr)": 0},
        note="Education: level at randomisation; shares of all persons (missing not shown).",
    )


def _status_shares(rows: pd.DataFrame) -> tuple[dict[str, float], dict[str, float]]:
    values: dict[str, float] = {}
    support: dict[str, float] = {}
    for label, column in TABLE_6_ROWS:
        if column == "sick_listed_of_employed":
            observed = rows.loc[(rows["employed"] == 1) & rows["sick_listed"].notna()]
            series = observed["sick_listed"]
        else:
            series = rows[column].dropna()
        n, k = len(series), float(series.sum())
        values[label] = k / n if n else np.nan
        support[label] = share_support(n, k)
    return values, support


def table_06(fct: pd.DataFrame) -> Table:
    """Shares in each status at inclusion (rel_month 0) and 18 months later."""
    values: dict[str, dict[str, float]] = {}
    support: dict[str, dict[str, float]] = {}
    groups = []
    for when, rel in (("inclusion", 0), ("18 months", 18)):
        for arm in ARMS:
            rows = fct.loc[(fct["rel_month"] == rel) & (fct["arm"] == arm)]
            column = f"{arm} {when}"
            v, s = _status_shares(rows)
            n = float(rows["person_id"].nunique())
            values[column] = {"n persons": n, **v}
            support[column] = {"n persons": n, **s}
            # sick-listed of all = of those in work x share in work
            groups.append([(TABLE_6_ROWS[1][0], column), (TABLE_6_ROWS[2][0], column)])
    return Table(
        key="table_06",
        title="Table 6. Status at inclusion and 18 months later, share of persons by arm",
        values=pd.DataFrame(values),
        support=pd.DataFrame(support),
        additive_groups=groups,
        decimals={"n persons": 0},
    )


def _did_design(fct: pd.DataFrame, outcome: str) -> Design:
    data = fct.loc[fct[outcome].notna()]
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
    values: dict[str, dict[str, float]] = {}
    support: dict[str, dict[str, float]] = {}
    for label, outcome in TABLE_7_OUTCOMES:
        row_v: dict[str, float] = {}
        row_s: dict[str, float] = {}
        for arm in ARMS:
            for period in ("before", "after"):
                cell = fct.loc[(fct["arm"] == arm) & (fct["period"] == period)]
                cell = cell.loc[cell[outcome].notna()]
                ever = cell.groupby("person_id")[outcome].max()
                row_v[f"{arm} {period}"] = cell[outcome].mean()
                row_s[f"{arm} {period}"] = mean_support(len(ever), float(ever.sum()))
        estimate = fit_ols(_did_design(fct, outcome), cluster="person").estimate("is_ips:after")
        row_v.update({"DiD": estimate.coef, "SE": estimate.se, "p": estimate.pvalue})
        floor = min(row_s.values())
        row_s.update({"DiD": floor, "SE": floor, "p": floor})
        values[label], support[label] = row_v, row_s
    return Table(
        key="table_07",
        title="Table 7. Before and after randomisation by arm, difference in differences",
        values=pd.DataFrame(values).T,
        support=pd.DataFrame(support).T,
        note="Means over person-months. DiD from y ~ is_ips * after, SE clustered by person.",
    )
