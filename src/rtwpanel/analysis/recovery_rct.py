"""Recovery for a trial of any study: the difference in the primary outcome at each
horizon beside the effect the generator planted, and the shares beside the
published ones.

A synthetic delivery of a study other than IPS carries in `truth/effects.json`

    "planted_rct": {"outcome": ..., "horizons": [12, 18],
                    "effect": {"12": x, ...},
                    "subgroups": {"<subgroup>": {"12": z}},
                    "realised": {"all": {"12": {"treated": s1, "control": s0,
                                                "difference": d, "persons": n}},
                                 "<subgroup>": {...}}}

The estimate at horizon h is the share treated minus the share control among
the persons observed at rel_month = h (one row per person): OLS of the outcome
on the treated arm, standard error robust by person (CRV1 with one cluster per
person, the HC1 variance of a difference in means; t with persons - 1 df).
Assignment was by person, not by cluster, so the difference in shares needs no
cluster correction, and with few clusters a cluster-robust SE would be the weak
one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from rtwpanel.analysis.clustered_ols import Estimate, fit_ols
from rtwpanel.analysis.design import Design
from rtwpanel.analysis.table import Table, share_support
from rtwpanel.analysis.trial import CLUSTER, Trial

ALL = "all"


def read_planted_rct(delivery: Path) -> dict | None:
    """The `planted_rct` block of the delivery's truth/effects.json, if any."""
    path = Path(delivery) / "truth" / "effects.json"
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    block = document.get("planted_rct") if isinstance(document, dict) else None
    return block if isinstance(block, dict) else None


@dataclass(frozen=True)
class Shares:
    """The outcome at one horizon in one sample: shares by arm and their difference."""

    treated: float
    control: float
    n_treated: int
    n_control: int
    support: float
    estimate: Estimate


def shares_at(
    fct: pd.DataFrame, outcome: str, horizon: int, trial: Trial, persons: set[str] | None = None
) -> Shares:
    """Shares by arm among the persons observed at rel_month = horizon, and the
    difference with its person-robust interval."""
    rows = fct.loc[(fct["rel_month"] == horizon) & fct[outcome].notna()]
    if persons is not None:
        rows = rows.loc[rows["person_id"].astype(str).isin(persons)]
    rows = trial.prepare(rows.drop_duplicates("person_id"))
    treated = rows[trial.term].to_numpy(dtype=float)
    y = rows[outcome].to_numpy(dtype=float)
    design = Design(
        outcome=outcome,
        y=y,
        X=np.column_stack([np.ones(len(rows)), treated]),
        names=("const", trial.term),
        centre=rows[CLUSTER].fillna(0).to_numpy(dtype=int),
        person=rows["person_id"].astype(str).to_numpy(),
        is_ips=treated.astype(int),
    )
    n1, n0 = int(treated.sum()), int(len(treated) - treated.sum())
    k1, k0 = float(y[treated == 1].sum()), float(y[treated == 0].sum())
    support = min(share_support(n1, k1), share_support(n0, k0))
    estimable = n1 > 1 and n0 > 1
    if estimable:
        estimate = fit_ols(design, cluster="person").estimate(trial.term)
    else:
        nan = float("nan")
        estimate = Estimate(
            trial.term, nan, nan, nan, nan, nan, len(y), nan, 0, n0, n1, support, False
        )
    return Shares(
        treated=k1 / n1 if n1 else np.nan,
        control=k0 / n0 if n0 else np.nan,
        n_treated=n1,
        n_control=n0,
        support=support,
        estimate=estimate,
    )


def _samples(trial: Trial, dim: pd.DataFrame, names: list[str]) -> dict[str, set[str] | None]:
    groups = {g.name: g for g in trial.study.subgroups}
    samples: dict[str, set[str] | None] = {}
    for name in names:
        if name == ALL:
            samples[name] = None
        elif name in groups:
            samples[name] = trial.in_subgroup(dim, groups[name])
    return samples


def _number(node: object, *keys: str) -> float:
    for key in keys:
        if not isinstance(node, dict) or key not in node:
            return float("nan")
        node = node[key]
    return float(node) if isinstance(node, int | float) and not isinstance(node, bool) else np.nan


def recovery_rct_table(fct: pd.DataFrame, dim: pd.DataFrame, planted: dict, trial: Trial) -> Table:
    """One row per sample (all, each planted subgroup) and horizon."""
    outcome = str(planted.get("outcome") or trial.primary)
    horizons = [int(h) for h in planted.get("horizons") or trial.study.horizons]
    realised = planted.get("realised") or {}
    subgroups = planted.get("subgroups") or {}
    names = [ALL, *[n for n in [*subgroups, *realised] if n != ALL]]
    values: dict[str, dict[str, float]] = {}
    support: dict[str, float] = {}
    for name, persons in _samples(trial, dim, list(dict.fromkeys(names))).items():
        for h in horizons:
            effect = (
                _number(planted, "effect", str(h))
                if name == ALL
                else _number(subgroups, name, str(h))
            )
            target = _number(realised, name, str(h), "difference")
            if np.isnan(effect) and np.isnan(target):
                continue
            s = shares_at(fct, outcome, h, trial, persons)
            e = s.estimate
            label = f"{name} / h = {h}"
            values[label] = {
                "planted effect": effect,
                "realised difference (planted)": target,
                "estimate": e.coef,
                "se": e.se,
                "ci low": e.ci_low,
                "ci high": e.ci_high,
                "estimate - realised": e.coef - target,
                "realised in 95 % CI": float(e.ci_low <= target <= e.ci_high)
                if e.estimable and np.isfinite(target)
                else np.nan,
                "planted in 95 % CI": float(e.ci_low <= effect <= e.ci_high)
                if e.estimable and np.isfinite(effect)
                else np.nan,
                "persons": float(s.n_treated + s.n_control),
            }
            support[label] = s.support
    frame = pd.DataFrame(values).T
    return Table(
        key="table_recovery",
        title=f"Recovery: {trial.difference} difference in {trial.study.outcome_name(outcome)} "
        "at each horizon beside the planted effect",
        values=frame,
        support=pd.DataFrame({c: support for c in frame.columns}).reindex(frame.index),
        decimals={"realised in 95 % CI": 0, "planted in 95 % CI": 0, "persons": 0},
        note="Estimate: share treated minus share control among the persons observed at "
        "rel_month = h, OLS of the outcome on the arm with SE robust by person (CRV1, one "
        "cluster per person; t with persons - 1 df): persons were randomised one by one, "
        f"so {trial.cluster_word}s need no cluster correction here. Planted effect: the "
        "generator's effect on the probability; realised difference: the planted "
        "difference as realised in the generated persons (truth/effects.json).",
    )


def published_keys(trial: Trial) -> dict[str, tuple[str, str | None, int]]:
    """Each `published` entry of the study as (outcome, subgroup or None, horizon):
    `<outcome column>_<h>` or `<subgroup name>_<h>` (the primary outcome)."""
    columns = {o.column for o in trial.study.outcomes}
    groups = {g.name for g in trial.study.subgroups}
    keys: dict[str, tuple[str, str | None, int]] = {}
    for key in trial.study.published:
        stem, _, horizon = key.rpartition("_")
        if not horizon.isdigit():
            continue
        if stem in columns:
            keys[key] = (stem, None, int(horizon))
        elif stem in groups:
            keys[key] = (trial.primary, stem, int(horizon))
    return keys


def published_table(fct: pd.DataFrame, dim: pd.DataFrame, trial: Trial) -> Table:
    """Shares by arm of the primary outcome at each horizon, for all and each subgroup,
    beside the study's published figures where it has them."""
    published = published_keys(trial)
    wanted: dict[tuple[str, str | None, int], str] = {v: k for k, v in published.items()}
    cells: list[tuple[str, str | None, int]] = []
    for group in [None, *(g.name for g in trial.study.subgroups)]:
        cells += [(trial.primary, group, h) for h in trial.study.horizons]
    cells += [c for c in published.values() if c not in cells]
    groups = {g.name: g for g in trial.study.subgroups}
    control, treated = trial.arm_names
    values: dict[str, dict[str, float]] = {}
    support: dict[str, float] = {}
    for outcome, group, h in cells:
        persons = None if group is None else trial.in_subgroup(dim, groups[group])
        s = shares_at(fct, outcome, h, trial, persons)
        label = f"{trial.study.outcome_name(outcome)}, {group or ALL}, h = {h}"
        ref = trial.study.published.get(wanted.get((outcome, group, h), ""), {})
        values[label] = {
            f"{treated} share": s.treated,
            f"{control} share": s.control,
            "difference": s.treated - s.control,
            f"{treated} persons": float(s.n_treated),
            f"{control} persons": float(s.n_control),
            f"published {treated}": ref.get("treated", np.nan),
            f"published {control}": ref.get("control", np.nan),
            "published difference": ref.get("treated", np.nan) - ref.get("control", np.nan),
        }
        support[label] = s.support
    frame = pd.DataFrame(values).T
    person_based = {c: support for c in frame.columns if not c.startswith("published")}
    nothing = {
        c: dict.fromkeys(support, np.nan) for c in frame.columns if c.startswith("published")
    }
    return Table(
        key="table_published",
        title=f"Shares by arm at each horizon beside the published results ({trial.study.name})",
        values=frame,
        support=pd.DataFrame({**person_based, **nothing}).reindex(frame.index),
        decimals={f"{treated} persons": 0, f"{control} persons": 0},
        note="Persons observed at rel_month = h (months after the month of randomisation), "
        "each once. Published: the study file's `published` figures; empty where it has none.",
    )
