"""Time to event for the cohort of sick-leave episodes: Kaplan-Meier, Aalen-Johansen
cumulative incidence, the design matrix of the predictors, the cause-specific Cox
model with person-clustered standard errors, and a proportional-hazards check.

Pure functions on numpy and pandas. Every outcome of an episode happens at its
end, so an episode's time is its duration in days; censored episodes and, for a
cause-specific hazard, the competing outcomes leave the risk set at their time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from rtwpanel.errors import RtwError
from rtwpanel.study import Predictor

Z95 = 1.959963984540054
CENSORED = (0, "", None)  # cause labels that mean "censored" in cumulative_incidence


def _risk_table(time: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct times, the index of each observation's time, and the numbers at risk."""
    times, inverse = np.unique(time, return_inverse=True)
    leaving = np.bincount(inverse, minlength=len(times))
    at_risk = len(time) - np.concatenate([[0], np.cumsum(leaving)[:-1]])
    return times, inverse, at_risk


def kaplan_meier(time: Sequence[float] | np.ndarray, event: Sequence | np.ndarray) -> pd.DataFrame:
    """The Kaplan-Meier estimate at every distinct event or censoring time.

    Columns: at_risk (still under observation just before the time), events,
    censored, survival, ci_low, ci_high. The variance is Greenwood's; the 95 %
    interval is built on log(-log S) and transformed back, so it stays in [0, 1]
    (where S is 1 or 0 the interval is that value).
    """
    t = np.asarray(time, dtype=float)
    d = np.asarray(event, dtype=float)
    if t.shape != d.shape:
        raise ValueError("time and event differ in length")
    times, inverse, at_risk = _risk_table(t)
    events = np.bincount(inverse, weights=d, minlength=len(times))
    censored = np.bincount(inverse, minlength=len(times)) - events
    with np.errstate(divide="ignore", invalid="ignore"):
        survival = np.cumprod(1.0 - events / at_risk)
        terms = np.where(at_risk > events, events / (at_risk * (at_risk - events)), 0.0)
        greenwood = np.cumsum(terms)  # var(S) / S^2
        log_s = np.log(survival)
        half = Z95 * np.sqrt(greenwood) / np.abs(log_s)
        low = survival ** np.exp(half)
        high = survival ** np.exp(-half)
    inside = (survival > 0) & (survival < 1)
    low = np.where(inside, low, survival)
    high = np.where(inside, high, survival)
    return pd.DataFrame(
        {
            "at_risk": at_risk.astype(int),
            "events": events.astype(int),
            "censored": censored.astype(int),
            "survival": survival,
            "ci_low": low,
            "ci_high": high,
        },
        index=pd.Index(times, name="time"),
    )


def _is_censored(labels: pd.Series) -> np.ndarray:
    return (labels.isna() | labels.isin([c for c in CENSORED if c is not None])).to_numpy()


def cumulative_incidence(
    time: Sequence[float] | np.ndarray, cause: Sequence | np.ndarray, causes: Sequence
) -> pd.DataFrame:
    """Aalen-Johansen cumulative incidence of each competing cause.

    `cause` labels each observation by the event that ended it; 0, '' or a
    missing value mean censored. `causes` are the causes to report (any other
    label is an event too: it ends the time at risk and lowers the overall
    survival, but has no column of its own). With S the Kaplan-Meier probability
    of no event of any kind, F_k(t) = sum over event times u <= t of
    S(u-) d_k(u) / n(u).

    Columns: at_risk, censored, survival (no event of any kind yet), and for each
    cause `events_<cause>` and `cif_<cause>`.
    """
    t = np.asarray(time, dtype=float)
    labels = pd.Series(np.asarray(cause, dtype=object), dtype=object)
    if t.shape != labels.shape:
        raise ValueError("time and cause differ in length")
    censored_rows = _is_censored(labels)
    times, inverse, at_risk = _risk_table(t)
    any_event = np.bincount(inverse, weights=(~censored_rows).astype(float), minlength=len(times))
    censored = np.bincount(inverse, minlength=len(times)) - any_event
    survival = np.cumprod(1.0 - any_event / at_risk)
    before = np.concatenate([[1.0], survival[:-1]])
    frame: dict[str, np.ndarray] = {
        "at_risk": at_risk.astype(int),
        "censored": censored.astype(int),
        "survival": survival,
    }
    for c in causes:
        hits = (labels == c).to_numpy() & ~censored_rows
        events = np.bincount(inverse, weights=hits.astype(float), minlength=len(times))
        frame[f"events_{c}"] = events.astype(int)
        frame[f"cif_{c}"] = np.cumsum(before * events / at_risk)
    return pd.DataFrame(frame, index=pd.Index(times, name="time"))


def value_at(curve: pd.DataFrame, column: str, day: float, start: float) -> float:
    """A step function's value at `day` (its value at the last time <= day)."""
    upto = curve.loc[curve.index <= day, column]
    return float(upto.iloc[-1]) if len(upto) else float(start)


def term_name(predictor: Predictor, level: str | None = None) -> str:
    return predictor.column if level is None else f"{predictor.column}={level}"


def design_matrix(
    frame: pd.DataFrame, predictors: Sequence[Predictor]
) -> tuple[pd.DataFrame, np.ndarray]:
    """The predictors as model terms, and the mask of the rows kept.

    numeric: value / per (term: the column); flag: 1 where value > 0 else 0 (a
    count such as npr_contacts_1y becomes "any"); category: one 0/1 dummy per
    level other than the reference (term: "column=level"), levels sorted. A row
    with any predictor missing is dropped: `len(frame) - mask.sum()` rows. The
    matrix is rows kept x terms, nothing larger.
    """
    missing = np.zeros(len(frame), dtype=bool)
    for p in predictors:
        if p.column not in frame.columns:
            raise RtwError(f"predictor {p.column}: no such column in the cohort's episodes")
        missing |= frame[p.column].isna().to_numpy()
    mask = ~missing
    kept = frame.loc[mask]
    columns: dict[str, np.ndarray] = {}
    for p in predictors:
        values = kept[p.column]
        if p.kind == "numeric":
            columns[term_name(p)] = values.to_numpy(dtype=float) / p.per
        elif p.kind == "flag":
            columns[term_name(p)] = (values.to_numpy(dtype=float) > 0).astype(float)
        elif p.kind == "category":
            text = values.astype(str).to_numpy()
            levels = sorted(set(text))
            if p.reference not in levels and len(kept):
                raise RtwError(
                    f"predictor {p.column}: the reference level {p.reference!r} has no "
                    f"episode (levels found: {', '.join(levels)})"
                )
            for level in levels:
                if level != p.reference:
                    columns[term_name(p, level)] = (text == level).astype(float)
        else:
            raise RtwError(f"predictor {p.column}: unknown kind {p.kind!r}")
    X = pd.DataFrame(columns, index=kept.index)
    return X, mask


def term_labels(predictors: Sequence[Predictor], terms: Sequence[str]) -> dict[str, str]:
    """Readable labels: the predictor's name, and ": level" for a category's dummy."""
    labels = {}
    for term in terms:
        column, _, level = term.partition("=")
        p = next((q for q in predictors if q.column == column), None)
        name = p.name if p is not None else column
        labels[term] = f"{name}: {level}" if level else name
    return labels


@dataclass
class CoxFit:
    """A cause-specific Cox model: log hazard ratios with person-clustered SEs."""

    event: str
    terms: tuple[str, ...]
    log_hr: np.ndarray
    se: np.ndarray  # robust (sandwich), clustered by person
    se_naive: np.ndarray  # from the inverse information
    pvalue: np.ndarray  # Wald, normal, robust SE
    n_episodes: int
    n_persons: int
    n_events: int
    n_dropped: int  # rows with a missing predictor
    support: dict[str, float]  # persons each term rests on
    labels: dict[str, str]
    dropped_terms: tuple[str, ...] = ()  # constant in the sample: not estimable
    result: object = field(default=None, repr=False)  # statsmodels PHRegResults

    @property
    def hr(self) -> np.ndarray:
        return np.exp(self.log_hr)

    @property
    def ci_low(self) -> np.ndarray:
        return np.exp(self.log_hr - Z95 * self.se)

    @property
    def ci_high(self) -> np.ndarray:
        return np.exp(self.log_hr + Z95 * self.se)

    def index(self, term: str) -> int:
        return self.terms.index(term)

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "log_hr": self.log_hr,
                "se": self.se,
                "se_naive": self.se_naive,
                "hr": self.hr,
                "ci_low": self.ci_low,
                "ci_high": self.ci_high,
                "p": self.pvalue,
                "support": [self.support[t] for t in self.terms],
            },
            index=pd.Index(self.terms, name="term"),
        )


def _term_support(X: pd.DataFrame, persons: np.ndarray, predictors: Sequence[Predictor]) -> dict:
    """numeric: the persons; flag or dummy: the fewer of persons with and without it."""
    kinds = {p.column: p.kind for p in predictors}
    n = float(len(pd.unique(persons)))
    support = {}
    for term in X.columns:
        if kinds.get(term.partition("=")[0]) == "numeric":
            support[term] = n
            continue
        on = X[term].to_numpy() > 0
        with_it = float(len(pd.unique(persons[on])))
        without = float(len(pd.unique(persons[~on])))
        support[term] = min(with_it, without)
    return support


def fit_cox(
    frame: pd.DataFrame,
    predictors: Sequence[Predictor],
    event: str = "return_to_work",
    cluster: str = "person_id",
    time: str = "duration_days",
    outcome: str = "outcome",
) -> CoxFit:
    """Cause-specific Cox model of `event` (statsmodels PHReg, Efron ties).

    The event is outcome == event; every other outcome is censored at its time.
    The covariance is the sandwich of PHReg.fit(groups=...), clustered by
    `cluster` (episodes of one person are not independent); p-values and 95 %
    intervals are Wald with a normal reference. A term constant in the sample
    (say a level no kept episode has) cannot be estimated and is left out
    (`dropped_terms`).
    """
    from statsmodels.duration.hazard_regression import PHReg

    X, mask = design_matrix(frame, predictors)
    kept = frame.loc[mask]
    if kept.empty:
        raise RtwError("the Cox model has no episode with every predictor known")
    constant = tuple(c for c in X.columns if np.ptp(X[c].to_numpy()) == 0)
    X = X.drop(columns=list(constant))
    durations = kept[time].to_numpy(dtype=float)
    status = (kept[outcome].astype(str) == event).to_numpy(dtype=float)
    persons = kept[cluster].astype(str).to_numpy()
    groups = pd.factorize(persons, sort=True)[0]
    if status.sum() == 0:
        raise RtwError(f"the Cox model has no {event} event")
    model = PHReg(durations, X.to_numpy(dtype=float), status=status, ties="efron")
    result = model.fit(groups=groups)
    params = np.asarray(result.params, dtype=float)
    robust = np.asarray(result.cov_params(), dtype=float)
    naive = np.linalg.inv(-model.hessian(params))
    se = np.sqrt(np.diag(robust))
    pvalue = 2 * stats.norm.sf(np.abs(params / se))
    terms = tuple(X.columns)
    return CoxFit(
        event=event,
        terms=terms,
        log_hr=params,
        se=se,
        se_naive=np.sqrt(np.diag(naive)),
        pvalue=pvalue,
        n_episodes=len(kept),
        n_persons=int(groups.max()) + 1,
        n_events=int(status.sum()),
        n_dropped=int((~mask).sum()),
        support=_term_support(X, persons, predictors),
        labels=term_labels(predictors, terms),
        dropped_terms=constant,
        result=result,
    )


TRANSFORMS = ("rank", "log", "identity")


def proportional_hazards_test(fit: CoxFit, transform: str = "rank") -> pd.DataFrame:
    """Grambsch-Therneau check of proportional hazards from Schoenfeld residuals.

    For each event k with Schoenfeld residuals r_k (statsmodels
    PHRegResults.schoenfeld_residuals) the scaled residual is
    s_k = beta + d V r_k, with d the number of events and V the model-based
    (inverse-information) covariance; under proportional hazards s_k has no
    trend in time. g_k is the transformed event time: `rank` (default) the rank
    of the event time among the event times (ties averaged), `log` its log,
    `identity` the time itself. With u = sum_k (g_k - mean g) r_k, the score
    statistics are, per term, chi2_j = d (V u)_j^2 / (V_jj sum (g_k - mean g)^2)
    on 1 df and, globally, chi2 = d u'V u / sum (g_k - mean g)^2 on p df (the
    approximation of Grambsch and Therneau 1994, as in R's cox.zph before
    survival 3.0). rho is the correlation of the scaled residuals with g.

    Rows: the terms and "global"; columns rho, chi2, df, p, transform.
    """
    if transform not in TRANSFORMS:
        raise ValueError(f"transform must be one of {', '.join(TRANSFORMS)}")
    result = fit.result
    model = result.model  # type: ignore[attr-defined]
    params = np.asarray(result.params, dtype=float)  # type: ignore[attr-defined]
    residuals = np.asarray(result.schoenfeld_residuals, dtype=float)  # type: ignore[attr-defined]
    times = np.asarray(model.endog, dtype=float)
    status = np.asarray(model.status, dtype=bool)
    rows = status & np.all(np.isfinite(residuals), axis=1)
    r = residuals[rows]
    t = times[rows]
    g = {"rank": stats.rankdata(t), "log": np.log(np.maximum(t, 1e-12)), "identity": t}[transform]
    gc = g - g.mean()
    d = float(len(t))
    V = np.linalg.inv(-model.hessian(params))
    u = r.T @ gc
    ss = float(gc @ gc)
    Vu = V @ u
    chi2_terms = d * Vu**2 / (np.diag(V) * ss)
    chi2_global = float(d * u @ Vu / ss)
    scaled = params + d * r @ V  # V is symmetric
    rho = [
        float(np.corrcoef(scaled[:, j], g)[0, 1]) if np.ptp(scaled[:, j]) > 0 else np.nan
        for j in range(len(params))
    ]
    p = len(params)
    frame = pd.DataFrame(
        {
            "rho": [*rho, np.nan],
            "chi2": [*chi2_terms, chi2_global],
            "df": [1.0] * p + [float(p)],
            "p": [*stats.chi2.sf(chi2_terms, 1), stats.chi2.sf(chi2_global, p)],
        },
        index=pd.Index([*fit.terms, "global"], name="term"),
    )
    frame["transform"] = transform
    return frame
