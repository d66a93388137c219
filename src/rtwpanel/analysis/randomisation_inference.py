"""Randomisation inference for the treated arm's coefficient, permuting as the trial
randomised.

The study file's `allocation` gives the phases and their ratios (IPS: 2:1 and then
1:1, independently of centre). A re-randomisation therefore permutes the arm
labels among the persons of each allocation phase, keeping each phase's counts
(and within cluster as well when `by_centre` says the study stratified by
cluster, `cluster.stratum`); every month of a person follows the person's label,
and the same regression is refitted.

By Frisch-Waugh-Lovell the coefficient is d'My / d'Md with M the annihilator of
the other regressors Z. The label d = P a is constant within person (P maps
rows to persons), so with r = P'My, n = months per person and H'H = P'Z (Z'Z)^+ Z'P,

    b(a) = a'r / (n'a^2 - |H'a|^2),

one product with a persons x K matrix per draw, not a new fit.

When every assignment with the phases' counts can be listed (at most
`enumerate_up_to`) the p-value is exact: the share of assignments, the observed
one included, whose |b| reaches the observed |b|. Otherwise it is
(1 + #{|b*| >= |b|}) / (1 + B) over B random draws, with Monte Carlo standard
error sqrt(p (1 - p) / B).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rtwpanel.analysis.design import Design

# with B = 19,999 draws the Monte Carlo SE of any p-value is below 0.0036
DEFAULT_PERMUTATIONS = 19_999
DEFAULT_ENUMERATE_UP_TO = 100_000


@dataclass(frozen=True)
class RandomisationResult:
    coef: float
    pvalue: float
    mc_se: float  # 0 when enumerated
    n_permutations: int  # assignments used (all of them when enumerated)
    enumerated: bool
    n_strata: int
    seed: int


def randomisation_pvalue(
    design: Design,
    term: str = "is_ips",
    permutations: int = DEFAULT_PERMUTATIONS,
    seed: int = 20131001,
    by_centre: bool = False,
    enumerate_up_to: int = DEFAULT_ENUMERATE_UP_TO,
    null: float = 0.0,
    batch: int = 2_000,
) -> RandomisationResult:
    """Two-sided p-value of H0: the effect of `term` is `null` for every person."""
    j = design.column(term)
    X = design.X
    y = design.y - null * X[:, j]  # the sharp null: outcomes had the other arm been drawn
    Z = np.delete(X, j, axis=1)
    codes, persons = pd.factorize(design.person, sort=True)
    n_persons = len(persons)

    def person_sums(values: np.ndarray) -> np.ndarray:
        return np.stack(
            [
                np.bincount(codes, weights=values[:, c], minlength=n_persons)
                for c in range(values.shape[1])
            ],
            axis=1,
        )

    gram = Z.T @ Z
    eigval, eigvec = np.linalg.eigh(gram)
    keep = eigval > eigval.max() * 1e-12
    root = eigvec[:, keep] / np.sqrt(eigval[keep])  # root root' = (Z'Z)^+
    resid_y = y - Z @ (root @ (root.T @ (Z.T @ y)))
    r = np.bincount(codes, weights=resid_y, minlength=n_persons)
    H = person_sums(Z) @ root  # persons x rank
    months = np.bincount(codes, minlength=n_persons).astype(float)

    def coefficients(a: np.ndarray) -> np.ndarray:
        return (r @ a) / (months @ a**2 - np.sum((H.T @ a) ** 2, axis=0))

    first_row = np.unique(codes, return_index=True)[1]
    labels = X[first_row, j]
    groups = _strata(design, first_row, by_centre)
    observed = float(coefficients(labels[:, None])[0])
    bar = abs(observed) * (1 - 1e-9) - 1e-12  # ties with the observed value count

    total = math.prod(math.comb(len(m), int(labels[m].sum())) for m in groups)
    if total <= enumerate_up_to:
        assignments = _every_assignment(labels, groups)
        stats = coefficients(assignments)
        pvalue = float(np.mean(np.abs(stats) >= bar))
        return RandomisationResult(observed, pvalue, 0.0, total, True, len(groups), seed)

    rng = np.random.default_rng(seed)
    exceed = done = 0
    while done < permutations:
        size = min(batch, permutations - done)
        draws = np.repeat(labels[:, None], size, axis=1)
        for members in groups:
            order = np.argsort(rng.random((len(members), size)), axis=0)
            draws[members] = labels[members][order]
        exceed += int(np.sum(np.abs(coefficients(draws)) >= bar))
        done += size
    pvalue = (1 + exceed) / (1 + permutations)
    mc_se = math.sqrt(pvalue * (1 - pvalue) / permutations)
    return RandomisationResult(observed, pvalue, mc_se, permutations, False, len(groups), seed)


def _strata(design: Design, first_row: np.ndarray, by_centre: bool) -> list[np.ndarray]:
    """Persons (as positions in the person order) of each allocation stratum."""
    phase = design.phase[first_row] if design.phase is not None else np.zeros(len(first_row))
    key = pd.Series(phase.astype(int).astype(str))
    if by_centre:
        key = key + "/" + pd.Series(design.centre[first_row].astype(str))
    return [np.flatnonzero(key.to_numpy() == k) for k in sorted(key.unique())]


def _every_assignment(labels: np.ndarray, groups: list[np.ndarray]) -> np.ndarray:
    """persons x assignments: every way to give each stratum its number of treated labels."""
    per_stratum = [
        list(itertools.combinations(members.tolist(), int(labels[members].sum())))
        for members in groups
    ]
    columns = []
    for choice in itertools.product(*per_stratum):
        a = np.zeros(len(labels))
        for chosen in choice:
            a[list(chosen)] = 1.0
        columns.append(a)
    return np.stack(columns, axis=1)
