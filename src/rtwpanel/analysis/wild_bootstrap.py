"""Wild cluster bootstrap (WCR: restricted, Webb six-point weights).

Under H0: beta_j = 0 the restricted fit gives beta_r and residuals u_r. A
bootstrap sample is y* = X beta_r + w_g u_r (one weight per cluster). Its
coefficient and CRV1 standard error need no new regression: with
A = (X'X)^-1, s_g = X_g' u_r,g and a_g = (A s_g)_j,

    beta*_j    = sum_g w_g a_g
    score*_h   = e_j' A X_h' u*_h = sum_g w_g (delta_hg a_g - M_hg),
    M_hg       = e_j' A (X_h' X_h) A s_g,
    V*_jj      = c sum_h score*_h^2

so each draw costs O(G^2). With G clusters Webb weights give 6^G vectors;
when that is at most `enumerate_up_to` every one is used (exact, no seed):
6^6 = 46,656 for six centres.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from rtwpanel.analysis.clustered_ols import cluster_codes
from rtwpanel.analysis.design import Design

WEBB = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)], dtype=float)


@dataclass(frozen=True)
class WildResult:
    t_stat: float
    pvalue: float
    n_draws: int
    enumerated: bool


def webb_weights(n_clusters: int, enumerate_up_to: int, draws: int, seed: int) -> np.ndarray:
    if 6**n_clusters <= enumerate_up_to:
        grid = itertools.product(range(6), repeat=n_clusters)
        return WEBB[np.array(list(grid), dtype=np.int8)]
    rng = np.random.default_rng(seed)
    return WEBB[rng.integers(0, 6, size=(draws, n_clusters))]


def wild_cluster_pvalue(
    design: Design,
    term: str = "is_ips",
    cluster: str = "centre",
    enumerate_up_to: int = 50_000,
    draws: int = 9_999,
    seed: int = 20131001,
    null: float = 0.0,
) -> WildResult:
    """Symmetric WCR p-value for H0: coefficient of `term` = `null`."""
    X = design.X
    n, k = X.shape
    j = design.column(term)
    y = design.y - null * X[:, j]  # testing beta_j = null on y is testing 0 on this
    groups = cluster_codes(design, cluster)
    n_groups = int(groups.max()) + 1
    factor = n_groups / (n_groups - 1) * (n - 1) / (n - k)
    A = np.linalg.inv(X.T @ X)

    # the unrestricted t statistic (CRV1)
    beta = A @ X.T @ y
    scores = _cluster_sums(X * (y - X @ beta)[:, None], groups, n_groups)  # G x K
    t_hat = beta[j] / np.sqrt(factor * np.sum((scores @ A[:, j]) ** 2))

    # the restricted fit: drop column j
    keep = [i for i in range(k) if i != j]
    Xr = X[:, keep]
    beta_r, *_ = np.linalg.lstsq(Xr, y, rcond=None)
    u_r = y - Xr @ beta_r
    s = _cluster_sums(X * u_r[:, None], groups, n_groups)  # G x K: s_g
    a = s @ A[:, j]  # a_g = (A s_g)_j
    A_s = s @ A  # rows: (A s_g)'
    M = np.empty((n_groups, n_groups))
    for h in range(n_groups):
        Xh = X[groups == h]
        M[h] = A_s @ (Xh.T @ (Xh @ A[:, j]))  # M_hg = e_j' A X_h'X_h A s_g
    transform = np.diag(a) - M  # score*_h = sum_g w_g transform[h, g]

    weights = webb_weights(n_groups, enumerate_up_to, draws, seed)
    numerator = weights @ a
    score_star = weights @ transform.T
    t_star = numerator / np.sqrt(factor * np.sum(score_star**2, axis=1))
    pvalue = float(np.mean(np.abs(t_star) >= abs(t_hat) - 1e-12))
    return WildResult(
        t_stat=float(t_hat),
        pvalue=pvalue,
        n_draws=len(weights),
        enumerated=6**n_groups <= enumerate_up_to,
    )


def _cluster_sums(values: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    return np.column_stack(
        [
            np.bincount(groups, weights=values[:, c], minlength=n_groups)
            for c in range(values.shape[1])
        ]
    )
