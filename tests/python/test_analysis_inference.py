"""Wild cluster bootstrap and randomisation inference."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest

from rtwpanel.analysis.clustered_ols import fit_ols
from rtwpanel.analysis.design import Design, lpm_design
from rtwpanel.analysis.randomisation_inference import randomisation_pvalue
from rtwpanel.analysis.simulated_marts import TrialSpec, simulate_trial
from rtwpanel.analysis.wild_bootstrap import WEBB, wild_cluster_pvalue


def clustered_design(n_clusters: int, effect: float, seed: int = 3) -> Design:
    rng = np.random.default_rng(seed)
    per = 30
    n = n_clusters * per
    centre = np.repeat(np.arange(1, n_clusters + 1), per)
    person = np.array([f"p{i // 3}" for i in range(n)])
    is_ips = np.repeat(rng.integers(0, 2, n // 3), 3)
    x = rng.normal(size=n)
    y = 0.2 + effect * is_ips + 0.3 * x + rng.normal(0, 0.5, n_clusters)[centre - 1]
    y = y + rng.normal(size=n)
    X = np.column_stack([np.ones(n), is_ips, x])
    return Design("y", y, X, ("const", "is_ips", "x"), centre, person, is_ips)


def brute_force_wild(design: Design) -> float:
    """Refit every bootstrap sample: the definition, slowly."""
    X, y = design.X, design.y
    n, k = X.shape
    groups = design.centre - 1
    n_groups = groups.max() + 1
    factor = n_groups / (n_groups - 1) * (n - 1) / (n - k)

    def t_stat(yy: np.ndarray) -> float:
        beta = np.linalg.solve(X.T @ X, X.T @ yy)
        u = yy - X @ beta
        bread = np.linalg.inv(X.T @ X)
        meat = sum(
            np.outer(X[groups == g].T @ u[groups == g], X[groups == g].T @ u[groups == g])
            for g in range(n_groups)
        )
        return beta[1] / np.sqrt(factor * (bread @ meat @ bread)[1, 1])

    t_hat = t_stat(y)
    Xr = X[:, [0, 2]]
    beta_r = np.linalg.lstsq(Xr, y, rcond=None)[0]
    u_r = y - Xr @ beta_r
    hits = 0
    total = 0
    for combo in itertools.product(range(6), repeat=n_groups):
        w = WEBB[np.array(combo)][groups]
        hits += abs(t_stat(Xr @ beta_r + w * u_r)) >= abs(t_hat) - 1e-12
        total += 1
    return hits / total


def test_wild_bootstrap_equals_refitting_every_sample() -> None:
    design = clustered_design(n_clusters=4, effect=0.3)
    fast = wild_cluster_pvalue(design, cluster="centre")
    assert fast.enumerated and fast.n_draws == 6**4
    assert fast.pvalue == pytest.approx(brute_force_wild(design), abs=1e-12)
    t_crv1 = fit_ols(design).estimate("is_ips")
    assert fast.t_stat == pytest.approx(t_crv1.coef / t_crv1.se)


def test_wild_bootstrap_on_six_centres_enumerates_every_weight_vector() -> None:
    fct, _ = simulate_trial(TrialSpec(n_persons=410, seed=5))
    design = lpm_design(fct.loc[fct["period"] == "after"], "employed")
    result = wild_cluster_pvalue(design)
    assert result.n_draws == 46_656  # 6 ** 6 Webb vectors
    assert 0 <= result.pvalue <= 1


def test_randomisation_coefficient_is_the_ols_coefficient() -> None:
    design = clustered_design(n_clusters=6, effect=0.0)
    result = randomisation_pvalue(design, permutations=199, seed=1)
    assert result.coef == pytest.approx(fit_ols(design).params[1])
    again = randomisation_pvalue(design, permutations=199, seed=1)
    assert again.pvalue == result.pvalue


def test_randomisation_rejects_a_large_effect() -> None:
    design = clustered_design(n_clusters=6, effect=2.0)
    result = randomisation_pvalue(design, permutations=199, seed=1)
    assert result.pvalue == pytest.approx(1 / 200)


def tiny_phased_design() -> Design:
    """Five persons, two months each. Phase 0: A, E on IPS and B on TAU (2:1);
    phase 1: C on IPS, D on TAU (1:1). Person means A 4, B 0, E 2, C 3, D 1."""
    person = np.repeat(np.array(["A", "B", "E", "C", "D"]), 2)
    y = np.array([5, 3, 0, 0, 2, 2, 3, 3, 1, 1], dtype=float)
    is_ips = np.repeat(np.array([1, 0, 1, 1, 0]), 2)
    phase = np.repeat(np.array([0, 0, 0, 1, 1]), 2)
    X = np.column_stack([np.ones(10), is_ips])
    centre = np.repeat(np.array([1, 2, 1, 2, 1]), 2)
    return Design("y", y, X, ("const", "is_ips"), centre, person, is_ips, phase)


def test_phase_respecting_randomisation_is_exact_by_enumeration() -> None:
    # b = (IPS sum)/3 - (10 - IPS sum)/2. The phases allow 3 x 2 assignments with
    # IPS sums 9, 7, 7, 5, 5, 3, i.e. b = 2.5, 0.83, 0.83, -0.83, -0.83, -2.5: two
    # of six reach the observed |2.5|. Ignoring the phases, 10 ways to choose
    # 3 of 5 persons; only sums 9 and 3 reach it: p = 2/10.
    design = tiny_phased_design()
    result = randomisation_pvalue(design)
    assert result.enumerated and result.n_permutations == 6 and result.n_strata == 2
    assert result.coef == pytest.approx(2.5)
    assert result.pvalue == pytest.approx(1 / 3)
    assert result.mc_se == 0.0
    assert randomisation_pvalue(replace(design, phase=None)).pvalue == pytest.approx(2 / 10)


def test_random_draws_agree_with_the_enumeration_within_their_standard_error() -> None:
    result = randomisation_pvalue(
        tiny_phased_design(), permutations=4_000, enumerate_up_to=0, seed=5
    )
    assert not result.enumerated
    assert result.mc_se == pytest.approx(np.sqrt(result.pvalue * (1 - result.pvalue) / 4_000))
    assert abs(result.pvalue - 1 / 3) < 4 * result.mc_se


def test_default_permutations_keep_the_monte_carlo_error_below_0_005() -> None:
    design = clustered_design(n_clusters=6, effect=0.0)
    result = randomisation_pvalue(design)
    assert result.n_permutations >= 10_000 and result.mc_se < 0.005
