"""OLS with cluster-robust standard errors as Stata's `cluster` option computes them.

V = c (X'X)^-1 (sum_g X_g' u_g u_g' X_g) (X'X)^-1,  c = G/(G-1) (N-1)/(N-K)

and p-values from Student's t with G-1 degrees of freedom (CRV1). statsmodels
gives exactly this with `use_correction=True, df_correction=True, use_t=True`;
a test pins it to the formula computed by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rtwpanel.analysis.design import Design


@dataclass(frozen=True)
class Estimate:
    """One coefficient with its inference and the persons behind it."""

    term: str
    coef: float
    se: float
    pvalue: float
    ci_low: float
    ci_high: float
    nobs: int
    rsquared: float
    n_clusters: int
    persons_tau: int
    persons_ips: int
    support: int  # persons the coefficient rests on (see Design.support)
    estimable: bool = True  # False: the outcome is constant in the sample, or the term absent

    @property
    def persons(self) -> int:
        return self.persons_tau + self.persons_ips


@dataclass(frozen=True)
class OlsFit:
    design: Design
    cluster: str
    params: np.ndarray
    bse: np.ndarray
    pvalues: np.ndarray
    conf_int: np.ndarray
    rsquared: float
    n_clusters: int

    @property
    def estimable(self) -> bool:
        """An outcome constant in its sample (no variation to explain) estimates nothing:
        its coefficients and standard errors would all be zero."""
        return bool(self.design.nobs) and float(np.ptp(self.design.y)) > 0

    def estimate(self, term: str) -> Estimate:
        tau, ips = self.design.persons_by_arm()
        if term not in self.design.names or not self.estimable:
            nan = float("nan")
            return Estimate(
                term, nan, nan, nan, nan, nan, self.design.nobs, nan, self.n_clusters, tau, ips,
                self.design.support(), estimable=False,
            )  # fmt: skip
        j = self.design.column(term)
        return Estimate(
            term=term,
            coef=float(self.params[j]),
            se=float(self.bse[j]),
            pvalue=float(self.pvalues[j]),
            ci_low=float(self.conf_int[j, 0]),
            ci_high=float(self.conf_int[j, 1]),
            nobs=self.design.nobs,
            rsquared=self.rsquared,
            n_clusters=self.n_clusters,
            persons_tau=tau,
            persons_ips=ips,
            support=self.design.support(),
        )


def cluster_codes(design: Design, cluster: str) -> np.ndarray:
    ids = {"centre": design.centre, "person": design.person}[cluster]
    return pd.factorize(ids, sort=True)[0]


def fit_ols(design: Design, cluster: str = "centre") -> OlsFit:
    """OLS with CRV1 standard errors clustered by `centre` or `person`."""
    import statsmodels.api as sm

    groups = cluster_codes(design, cluster)
    n_clusters = int(groups.max()) + 1 if len(groups) else 0
    model = sm.OLS(design.y, design.X)
    with np.errstate(invalid="ignore", divide="ignore"):  # a constant outcome has no R2
        result = model.fit(
            cov_type="cluster",
            cov_kwds={"groups": groups, "use_correction": True, "df_correction": True},
            use_t=True,
        )
        rsquared = float(result.rsquared)
    return OlsFit(
        design=design,
        cluster=cluster,
        params=np.asarray(result.params),
        bse=np.asarray(result.bse),
        pvalues=np.asarray(result.pvalues),
        conf_int=np.asarray(result.conf_int(alpha=0.05)),
        rsquared=rsquared,
        n_clusters=n_clusters,
    )


def stars(pvalue: float) -> str:
    """* p<0.1, ** p<0.05, *** p<0.01."""
    if not np.isfinite(pvalue):
        return ""
    if pvalue < 0.01:
        return "***"
    if pvalue < 0.05:
        return "**"
    if pvalue < 0.1:
        return "*"
    return ""
