"""Tables 5-7: baseline, status at inclusion and at the study's horizons, before/after.

Rows are selected by the study's arm codes and the columns named by its arm
names; the status rows are the published ones and then any outcome of the
study that is not among them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rtwpanel.analysis.clustered_ols import fit_ols
from rtwpanel.analysis.design import EDUCATION_LEVELS, Design
from rtwpanel.analysis.estimate_tables import EstimateRows, record
from rtwpanel.analysis.table import Table, mean_support, share_support
from rtwpanel.analysis.trial import Trial, trial_of

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


def status_rows(trial: Trial) -> tuple[tuple[str, str], ...]:
    """The published status rows, then the study's outcomes not among them."""
    columns = {column for _, column in TABLE_6_ROWS}
    extra = tuple((name, column) for name, column in trial.outcomes() if column not in columns)
    return TABLE_6_ROWS + extra


def table_05(dim: pd.DataFrame, trial: Trial | None = None) -> Table:
    """Baseline characteristics by arm, persons with register data; N per row."""
    trial = trial_of(trial)
    people = dim.loc[dim["has_register_data"].astype(bool)]
    values: dict[str, dict[str, float]] = {}
    support: dict[str, dict[str, float]] = {}
    groups = []
    names = trial.arm_names
    for code, arm in zip(trial.arm_codes, names, strict=True):
        group = people.loc[people["arm"] == code]
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
        values=pd.DataFrame(values)[[names[0], f"{names[0]} N", names[1], f"{names[1]} N"]],
        support=pd.DataFrame(support),
        additive_groups=groups,
        decimals={
            "persons": 0,
            "age": 1,
            "income 2013 (G)": 2,
            "income 2013 (kr)": 0,
            f"{names[0]} N": 0,
            f"{names[1]} N": 0,
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
    rows: pd.DataFrame, statuses: tuple[tuple[str, str], ...] = TABLE_6_ROWS
) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    values: dict[str, float] = {}
    support: dict[str, float] = {}
    counts: dict[str, float] = {}
    for label, column in statuses:
        series = _status_series(rows, column)[column]
        n, k = len(series), float(series.sum())
        values[label] = k / n if n else np.nan
        support[label] = share_support(n, k)
        counts[label] = n
    return values, support, counts


def table_06(fct: pd.DataFrame, trial: Trial | None = None) -> Table:
    """Shares in each status at inclusion (rel_month 0) and at each of the study's
    horizons (IPS: 18 months later).

    No additive group ties the two sick-listed rows: most sick-listed persons have
    no registered job, so the share of all does not reveal the share of those in work.
    """
    trial = trial_of(trial)
    horizons = trial.study.horizons
    when = ("inclusion", *(f"{h} months" for h in horizons))
    statuses = status_rows(trial)
    values: dict[str, dict[str, float]] = {}
    support: dict[str, dict[str, float]] = {}
    for label, rel in zip(when, (0, *horizons), strict=True):
        for code, arm in zip(trial.arm_codes, trial.arm_names, strict=True):
            rows = fct.loc[(fct["rel_month"] == rel) & (fct["arm"] == code)]
            column = f"{arm} {label}"
            v, s, counts = _status_shares(rows, statuses)
            n = float(rows["person_id"].nunique())
            values[column] = {"n persons": n, **v}
            support[column] = {"n persons": n, **s}
            values[f"{column} N"] = {"n persons": n, **counts}
            support[f"{column} N"] = dict.fromkeys(values[f"{column} N"], n)
    later = ", ".join(str(h) for h in horizons)
    return Table(
        key="table_06",
        title=f"Table 6. Status at inclusion and {later} months later, share of persons by arm",
        values=pd.DataFrame(values),
        support=pd.DataFrame(support),
        decimals={"n persons": 0, **{f"{arm} {w} N": 0 for arm in trial.arm_names for w in when}},
        note="N: the persons a share rests on, where it is not every person of the arm "
        "(not observed: social assistance ends December 2015; sick-listed of those in "
        "work: the persons in work).",
    )


def _did_design(fct: pd.DataFrame, outcome: str, trial: Trial | None = None) -> Design:
    from rtwpanel.analysis.trial import CLUSTER

    trial = trial_of(trial)
    data = _status_series(trial.prepare(fct), outcome)
    ips = data[trial.term].to_numpy(dtype=float)
    after = (data["period"] == "after").to_numpy(dtype=float)
    X = np.column_stack([np.ones(len(data)), ips, after, ips * after])
    return Design(
        outcome=outcome,
        y=data[outcome].to_numpy(dtype=float),
        X=X,
        names=("const", trial.term, "after", f"{trial.term}:after"),
        centre=data[CLUSTER].to_numpy(dtype=int),
        person=data["person_id"].astype(str).to_numpy(),
        is_ips=data[trial.term].to_numpy(dtype=int),
    )


def table_07(fct: pd.DataFrame, trial: Trial | None = None) -> Table:
    """Means by arm and period and the difference in differences (person clusters)."""
    trial = trial_of(trial)
    fct = trial.prepare(fct)
    rows = EstimateRows()
    for label, outcome in status_rows(trial):
        observed = _status_series(fct, outcome)
        if observed.empty:
            continue  # a status the warehouse does not observe
        means: dict[str, float] = {}
        floor = np.inf
        for code, arm in zip(trial.arm_codes, trial.arm_names, strict=True):
            for period in ("before", "after"):
                cell = observed.loc[(observed["arm"] == code) & (observed["period"] == period)]
                ever = cell.groupby("person_id")[outcome].max()
                means[f"{arm} {period}"] = cell[outcome].mean()
                floor = min(floor, mean_support(len(ever), float(ever.sum())))
        design = _did_design(fct, outcome, trial)
        estimate = fit_ols(design, cluster="person").estimate(f"{trial.term}:after")
        rows.set(label, means, floor)
        rows.add(label, estimate, prefix="DiD ", with_r2=False, support=floor)
        rows.records.append(record("table_07", "all months", outcome, estimate, "person"))
    return rows.table(
        "table_07",
        "Table 7. Before and after randomisation by arm, difference in differences",
        f"Means over person-months. DiD from y ~ {trial.term} * after, SE clustered by person; "
        "95 % interval from t with persons - 1 df. Sick-listed of those in work: the "
        "months in work.",
    )
