"""Event study of the primary outcome (IPS: being in work): the difference in
differences by month relative to randomisation, against the year before it.

    y = a_rel + b T + sum_k d_k T 1[rel_month = k] + e

with T the treated arm, a dummy a_rel for every month relative to randomisation,
and d_k for every month outside the reference window (the 12 months before
randomisation). d_k is the treated - control difference at month k minus the
mean difference over the
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
from rtwpanel.analysis.trial import CLUSTER, Trial, trial_of

REFERENCE = range(-12, 0)  # rel months pooled as the reference


def event_study_design(
    fct: pd.DataFrame, outcome: str | None = None, trial: Trial | None = None
) -> Design:
    trial = trial_of(trial)
    outcome = outcome or trial.primary
    data = trial.prepare(fct.loc[fct[outcome].notna()])
    rel = data["rel_month"].astype(int).to_numpy()
    ips = data[trial.term].to_numpy(dtype=float)
    months = sorted(set(rel.tolist()))
    columns = {"const": np.ones(len(data)), trial.term: ips}
    columns |= {f"rel_{k}": (rel == k).astype(float) for k in months[1:]}
    columns |= {f"{trial.short}_rel_{k}": ips * (rel == k) for k in months if k not in REFERENCE}
    names = tuple(columns)
    return Design(
        outcome=outcome,
        y=data[outcome].to_numpy(dtype=float),
        X=np.column_stack([columns[name] for name in names]),
        names=names,
        centre=data[CLUSTER].to_numpy(dtype=int),
        person=data["person_id"].astype(str).to_numpy(),
        is_ips=data[trial.term].to_numpy(dtype=int),
    )


def employment_event_study(fct: pd.DataFrame, trial: Trial | None = None) -> Table:
    """d_k with its person-clustered 95 % interval and the persons of each arm at month k
    (the primary outcome; IPS: in work)."""
    trial = trial_of(trial)
    outcome = trial.primary
    design = event_study_design(fct, outcome, trial)
    fit = fit_ols(design, cluster="person")
    observed = fct.loc[fct[outcome].notna()]
    counts = observed.groupby(["rel_month", "arm"])[outcome].agg(["size", "sum"])
    rows: dict[int, dict[str, float]] = {}
    support: dict[int, float] = {}
    lag = f"{trial.short}_rel_"
    for name in design.names:
        if not name.startswith(lag):
            continue
        k = int(name.removeprefix(lag))
        e = fit.estimate(name)
        row = {"DiD": e.coef, "se": e.se, "ci_low": e.ci_low, "ci_high": e.ci_high, "p": e.pvalue}
        sides = []
        for code, arm in zip(trial.arm_codes, trial.arm_names, strict=True):
            n, had = counts.loc[(k, code)] if (k, code) in counts.index else (0, 0)
            row[f"{arm} n"] = float(n)
            sides.append(share_support(n, had) if n else 0.0)
        row["clusters"] = float(fit.n_clusters)
        rows[k], support[k] = row, min(sides)
    values = pd.DataFrame(rows).T
    name, what = trial.treated.name, trial.primary_name
    being = f"being {what}" if what.startswith("in ") else what
    control, treated = trial.arm_names
    return Table(
        key="figure_09b_data",
        title=f"Data of Figure 9b: event study of {being}, {trial.difference} by month "
        "relative to randomisation against the 12 months before it",
        values=values,
        support=pd.DataFrame({c: support for c in values.columns}).reindex(values.index),
        decimals={f"{control} n": 0, f"{treated} n": 0, "clusters": 0},
        note=f"OLS of {what} on rel-month dummies, {name} and {name} x rel-month dummies "
        f"outside months -12..-1 (the reference); DiD: the {name} x month coefficient. SE "
        "clustered by person, 95 % CI from t with persons - 1 df.",
    )
