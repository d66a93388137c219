"""Design matrices for the linear probability models (Tables 8-15).

Dummies are built by hand, not by a formula parser, so the base level of each
factor is explicit (the lowest level present in the sample) and the column
order is stable from run to run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from rtwpanel.analysis.trial import Trial

EDUCATION_LEVELS = ("grunnskole", "vgs_grunn", "vgs_fullfort", "hoyere")
PHASE = "allocation_phase"  # added to the panel by data.with_allocation_phase


@dataclass(frozen=True)
class Design:
    """One regression: outcome, regressors and the ids needed for inference.

    `centre` holds each row's cluster (the study's cluster codes factorised) and
    `is_ips` each row's 0/1 treated arm, whatever the study calls them.
    """

    outcome: str
    y: np.ndarray
    X: np.ndarray
    names: tuple[str, ...]
    centre: np.ndarray
    person: np.ndarray
    is_ips: np.ndarray
    phase: np.ndarray | None = None  # allocation phase of each row's person, when known

    @property
    def nobs(self) -> int:
        return len(self.y)

    def column(self, name: str) -> int:
        return self.names.index(name)

    def persons_by_arm(self) -> tuple[int, int]:
        """Distinct persons in the sample: (control, treated)."""
        frame = pd.DataFrame({"person": self.person, "ips": self.is_ips})
        persons = frame.drop_duplicates("person")
        n_ips = int(persons["ips"].sum())
        return len(persons) - n_ips, n_ips

    def support(self) -> int:
        """Persons an arm comparison rests on: the persons of each arm, and of each
        arm those with a non-zero outcome in some month (when there are any)."""
        frame = pd.DataFrame({"person": self.person, "ips": self.is_ips, "y": self.y != 0})
        per_person = frame.groupby("person").agg(ips=("ips", "max"), y=("y", "max"))
        counts = []
        for _, arm in per_person.groupby("ips"):
            counts.append(len(arm))
            if arm["y"].any():
                counts.append(int(arm["y"].sum()))
        return min(counts) if len(counts) >= 2 else 0


def dummies(
    values: pd.Series,
    prefix: str,
    base: object | None = None,
    names: dict[int, str] | None = None,
) -> pd.DataFrame:
    """0/1 columns for each level present except the base (default: the lowest);
    `names` gives a level's name in the column label (default: the level)."""
    levels = sorted(values.dropna().unique().tolist())
    if base is None and levels:
        base = levels[0]
    label = names or {}
    columns = {
        f"{prefix}_{label.get(level, level)}": (values == level).astype(float).to_numpy()
        for level in levels
        if level != base
    }
    return pd.DataFrame(columns, index=values.index)


def lpm_design(
    frame: pd.DataFrame,
    outcome: str,
    treatment: Sequence[str] | None = None,
    extra: pd.DataFrame | None = None,
    centre_dummies: bool = True,
    education: bool = False,
    phase_dummies: bool = False,
    trial: Trial | None = None,
) -> Design:
    """Outcome on treatment terms, age, female, year, calendar-month and cluster dummies
    (and allocation-phase dummies when asked).

    The treatment term is the study's (`is_ips` for IPS) unless `treatment` names
    others; cluster dummies are named by the study's cluster codes (`centre_2`).
    Rows where the outcome (or a regressor) is NULL drop out, so N differs by
    outcome, as in the reference tables.
    """
    from rtwpanel.analysis.trial import CLUSTER, trial_of

    trial = trial_of(trial)
    frame = trial.prepare(frame)
    if treatment is None:
        treatment = (trial.term,)
    needed = [outcome, "age_at_randomisation", "female", "year", "calendar_month"]
    keep = frame[needed].notna().all(axis=1)
    if education:
        keep &= frame["education_level"].isin(EDUCATION_LEVELS)
    data = frame.loc[keep]
    parts: list[pd.DataFrame] = [pd.DataFrame({"const": 1.0}, index=data.index)]
    if extra is not None:
        parts.append(extra.loc[data.index])
    parts.append(data[list(treatment)].astype(float))
    parts.append(data[["age_at_randomisation", "female"]].astype(float))
    parts.append(dummies(data["year"].astype(int), "year"))
    parts.append(dummies(data["calendar_month"].astype(int), "month"))
    if centre_dummies:
        names = trial.cluster_names(data)
        parts.append(dummies(data[CLUSTER].astype(int), trial.cluster_prefix, names=names))
    if education:
        parts.append(dummies(data["education_level"], "edu", base="grunnskole"))
    phase = data[PHASE].astype(int).to_numpy() if PHASE in data.columns else None
    if phase_dummies:
        parts.append(dummies(data[PHASE].astype(int), "phase"))
    X = pd.concat(parts, axis=1)
    X = X.loc[:, _informative(X)]
    return Design(
        outcome=outcome,
        y=data[outcome].astype(float).to_numpy(),
        X=X.to_numpy(dtype=float),
        names=tuple(X.columns),
        centre=data[CLUSTER].astype(int).to_numpy(),
        person=data["person_id"].astype(str).to_numpy(),
        is_ips=data[trial.term].astype(int).to_numpy(),
        phase=phase,
    )


def _informative(X: pd.DataFrame) -> list[str]:
    """Drop dummy columns that are constant in the sample (a level absent from it)."""
    keep = []
    for name in X.columns:
        column = X[name].to_numpy()
        if name == "const" or column.min() != column.max():
            keep.append(name)
    return keep
