"""Clustered standard errors against the CRV1 formula computed by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from rtwpanel.analysis.clustered_ols import fit_ols, stars
from rtwpanel.analysis.design import Design, dummies, lpm_design
from rtwpanel.analysis.estimate_tables import NOT_ESTIMABLE, EstimateRows
from rtwpanel.analysis.suppression import publish


def small_design() -> Design:
    rng = np.random.default_rng(7)
    n = 40
    centre = np.repeat([1, 2, 3, 4, 5], 8)
    is_ips = np.tile([0, 1], 20)
    age = rng.integers(20, 60, n).astype(float)
    y = (rng.random(n) < 0.3 + 0.2 * is_ips).astype(float)
    X = np.column_stack([np.ones(n), is_ips, age])
    return Design(
        outcome="y",
        y=y,
        X=X,
        names=("const", "is_ips", "age"),
        centre=centre,
        person=np.array([f"p{i % 20}" for i in range(n)]),
        is_ips=is_ips,
    )


def test_centre_clustered_matches_hand_computation() -> None:
    d = small_design()
    X, y = d.X, d.y
    n, k = X.shape
    bread = np.linalg.inv(X.T @ X)
    beta = bread @ X.T @ y
    u = y - X @ beta
    meat = np.zeros((k, k))
    for g in np.unique(d.centre):
        score = X[d.centre == g].T @ u[d.centre == g]
        meat += np.outer(score, score)
    g_count = 5
    factor = g_count / (g_count - 1) * (n - 1) / (n - k)
    vcov = factor * bread @ meat @ bread
    se = np.sqrt(np.diag(vcov))
    pvalue = 2 * stats.t.sf(np.abs(beta / se), df=g_count - 1)

    fit = fit_ols(d, cluster="centre")
    np.testing.assert_allclose(fit.params, beta, rtol=1e-10)
    np.testing.assert_allclose(fit.bse, se, rtol=1e-10)
    np.testing.assert_allclose(fit.pvalues, pvalue, rtol=1e-8)
    assert fit.n_clusters == 5
    half_width = stats.t.ppf(0.975, df=4) * se[1]
    assert fit.conf_int[1] == pytest.approx([beta[1] - half_width, beta[1] + half_width])


def test_person_clusters_use_persons() -> None:
    fit = fit_ols(small_design(), cluster="person")
    assert fit.n_clusters == 20
    estimate = fit.estimate("is_ips")
    assert (estimate.persons_tau, estimate.persons_ips) == (10, 10)


def test_stars() -> None:
    assert [stars(p) for p in (0.2, 0.09, 0.04, 0.009, float("nan"))] == [
        "",
        "*",
        "**",
        "***",
        "",
    ]


def test_dummies_drop_lowest_level() -> None:

    frame = dummies(pd.Series([2014, 2015, 2014, 2016]), "year")
    assert list(frame.columns) == ["year_2015", "year_2016"]
    assert frame["year_2016"].tolist() == [0, 0, 0, 1]


def test_lpm_design_drops_null_outcome_rows() -> None:

    frame = pd.DataFrame(
        {
            "person_id": ["a", "a", "b", "b"],
            "is_ips": [1, 1, 0, 0],
            "centre_id": [1, 1, 2, 2],
            "age_at_randomisation": [30, 30, 40, 40],
            "female": [1, 1, 0, 0],
            "year": [2014, 2015, 2014, 2015],
            "calendar_month": [1, 1, 1, 1],
            "employed": [1.0, None, 0.0, 1.0],
        }
    )
    d = lpm_design(frame, "employed")
    assert d.nobs == 3
    # calendar month is constant, so it has no dummy; centre 2 has one.
    assert "month_1" not in d.names
    assert "centre_2" in d.names


def test_support_counts_arms_and_persons_with_the_outcome() -> None:
    # TAU: a (in work once), b; IPS: c, d, e (never in work)
    d = Design(
        outcome="employed",
        y=np.array([0, 1, 0, 0, 0, 0, 0, 0, 0, 0], dtype=float),
        X=np.ones((10, 1)),
        names=("const",),
        centre=np.ones(10, dtype=int),
        person=np.array(["a", "a", "b", "b", "c", "c", "d", "d", "e", "e"]),
        is_ips=np.array([0, 0, 0, 0, 1, 1, 1, 1, 1, 1]),
    )
    assert d.persons_by_arm() == (2, 3)
    assert d.support() == 1  # the one TAU person in work


def test_a_constant_outcome_is_not_estimable() -> None:
    # BUP contacts are zero in every month: OLS would report 0.000 (0.000)
    frame = pd.DataFrame(
        {
            "person_id": [f"p{i}" for i in range(12)],
            "is_ips": [1, 0] * 6,
            "centre_id": [1, 1, 2, 2, 3, 3] * 2,
            "age_at_randomisation": [30.0, 40, 35, 28, 50, 44] * 2,
            "female": [1.0, 0, 0, 1, 1, 0] * 2,
            "year": [2014] * 6 + [2015] * 6,
            "calendar_month": [1, 2, 3] * 4,
            "npr_bup": [0.0] * 12,
        }
    )
    e = fit_ols(lpm_design(frame, "npr_bup")).estimate("is_ips")
    assert not e.estimable
    assert np.isnan(e.coef) and np.isnan(e.se) and np.isnan(e.pvalue)
    rows = EstimateRows()
    rows.add("bup", e)
    published = publish(rows.table("t", "t", ""), threshold=1)
    assert published.text.at["bup", "coef"] == NOT_ESTIMABLE
    assert published.numbers.at["bup", "coef"] == ""
    assert published.text.at["bup", "N"] == "12"
