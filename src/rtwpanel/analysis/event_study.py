"""Event study of being in work: the difference in differences by month relative to
randomisation, against the year before it.

    employed = a_rel + b IPS + sum_k d_k IPS 1[rel_month = k] + e

with a dummy a_rel for every month relative to randomisation, and d_k for every
month outside the reference window (the 12 months before randomisation). d_k
is the IPS - TAU difference at month k minus the mean difference over the
reference window: leads (k < -12) show whether the arms moved apart before
randomisation, lags the effect month by month. Standard errors are clustered
by person: with one coefficient per month, six centre clusters would leave no
degrees of freedom worth the name.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rtwpanel.analysis.clustered_ols import fit_ols
from rtwpanel.analysis.design import Design
from rtwpanel.analysis.table import Table, share_support

REFERENCE = range(-12, 0)  # rel months pooled as the reference
ARMS = ("TAU", "IPS")


def event_study_design(fct: pd.DataFrame, outcome: str = "employed") -> Design:
    data = fct.loc[fct[outcome].notna()]
    rel = data["rel_month"].astype(int).to_numpy()
    ips = data["is_ips"].to_numpy(dtype=float)
    months = sorted(set(rel.tolist()))
    columns = {"const": np.ones(len(data)), "is_ips": ips}
    columns |= {f"rel_{k}": (rel == k).astype(float) for k in months[1:]}
    columns |= {f"ips_rel_{k}": ips * (rel == k) for k in months if k not in REFERENCE}
    names = tuple(columns)
    return Design(
        outcome=outcome,
        y=data[outcome].to_numpy(dtype=float),
        X=np.column_stack([columns[name] for name in names]),
        names=names,
        centre=data["centre_id"].to_numpy(dtype=int),
        person=data["person_id"].astype(str).to_numpy(),
        is_ips=data["is_ips"].to_numpy(dtype=int),
    )


def employment_event_study(fct: pd.DataFrame) -> Table:
    """d_k with its person-clustered 95 % interval and the persons of each arm at month k."""
    design = event_study_design(fct)
    fit = fit_ols(design, cluster="person")
    observed = fct.loc[fct["employed"].notna()]
    counts = observed.groupby(["rel_month", "arm"])["employed"].agg(["size", "sum"])
    rows: dict[int, dict[str, float]] = {}
    support: dict[int, float] = {}
    for name in design.names:
        if not name.startswith("ips_rel_"):
            continue
        k = int(name.removeprefix("ips_rel_"))
        e = fit.estimate(name)
        row = {"DiD": e.coef, "se": e.se, "ci_low": e.ci_low, "ci_high": e.ci_high, "p": e.pvalue}
        sides = []
        for arm in ARMS:
            n, had = counts.loc[(k, arm)] if (k, arm) in counts.index else (0, 0)
            row[f"{arm} n"] = float(n)
            sides.append(share_support(n, had) if n else 0.0)
        row["clusters"] = float(fit.n_clusters)
        rows[k], support[k] = row, min(sides)
    values = pd.DataFrame(rows).T
    return Table(
        key="figure_09b_data",
        title="Data of Figure 9b: event study of being in work, IPS - TAU by month "
        "relative to randomisation against the 12 months before it",
        values=values,
        support=pd.DataFrame({c: support for c in values.columns}).reindex(values.index),
        decimals={"TAU n": 0, "IPS n": 0, "clusters": 0},
        note="OLS of in work on rel-month dummies, IPS and IPS x rel-month dummies outside "
        "months -12..-1 (the reference); DiD: the IPS x month coefficient. SE clustered by "
        "person, 95 % CI from t with persons - 1 df.",
    )
