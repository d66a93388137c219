"""Estimators for a staggered regional roll-out on the region x month frame.

The input is `marts.mart_region_month`: one row per region and month with the
share of the target population in each status (`share_S`), the persons it is a
mean over (`n_S`) and the region's first month of the programme (`start_month`,
NULL: never). Everything here works on that aggregate; nothing is expanded to
persons.

**Two-way fixed effects** (`twfe`): y_rt = a_r + l_t + b D_rt, D_rt = 1 from the
region's start on, weighted least squares with weights n_rt, region and month
dummies (regions x months is a few thousand rows). Standard errors are clustered
by region (CRV1, t with G-1 degrees of freedom). The wild cluster bootstrap is
the restricted one (WCR) with Webb six-point weights, one per region: p-value
under H0: b = 0, and a 95 % interval by inverting that test (the set of b0 whose
WCR p-value is at least 0.05). Each draw's CRV1 t statistic is computed in closed
form from G x G matrices (as `wild_bootstrap.py`), so an inversion costs little.

**Callaway and Sant'Anna** (`group_time_att`): groups g are start months.

    ATT(g,t) = (Ybar_{g,t} - Ybar_{g,b}) - (Ybar_{C,t} - Ybar_{C,b})

Ybar the person-weighted mean (weights n_rt) over the regions of the group or of
the control set in that month. Base period: b = g-1 for t >= g (the month before
the start); for t < g the *varying* base b = t-1 (csdid's and R did's default),
so a pre-period ATT(g,t) is a one-month change, not the change since a common
reference month. Control set C: the never-treated regions, or (not_yet_treated)
those and every region whose start is after max(t, b) = t, other than g itself.
A region starting in the panel's first month or earlier has no pre-period and is
left out; one starting after the panel's last month counts as never treated.

Aggregations weight each ATT(g,t) by the group's size: the persons of its regions
(mean per month of n). `overall_att` is csdid's "simple" (every post cell
t >= g, weight size_g); `event_study` theta(e) averages the cells with t - g = e;
`group_att` averages each group's post cells equally and then the groups by size.

**Inference: a multiplier (wild) bootstrap over regions.** Every estimate is a
smooth function of region-level sums, so its deviation from the truth is, to
first order, sum_r psi_r, psi_r a region's influence (for a person-weighted mean
over a set S: n_rt (y_rt - Ybar_S,t) / N_S,t; for a size-weighted aggregate also
the term from the estimated weights). A draw is theta* - theta = sum_r v_r psi_r
with one Webb six-point weight v_r per region (all 6^R vectors when R <= 6), the
same draws for every estimate, so the draws keep their joint distribution. Each
set's deviations are scaled by sqrt(m / (m - 1)), m its regions (the CR1-type
correction of a mean over m clusters; a set of one region has no within-set
variation to contribute). SE: the draws' interquartile range / 1.349 (as csdid);
pointwise 95 % interval theta +/- 1.96 SE; p: the share of draws with
|theta* - theta| >= |theta|; the uniform (sup-t) band over the event window uses
the 95 % quantile of max_e |theta*_e - theta_e| / SE_e.

**Pre-trends** (`pretrend_test`): the Wald statistic theta_pre' V^+ theta_pre with
V the bootstrap covariance of the pre-period theta(e), chi2 on rank(V) degrees of
freedom. With few regions V rests on G region deviations, and the chi2 reference
rejects far too often; the small-sample version F = W (G - q) / (q (G - 1)) on
(q, G - q) degrees of freedom (Hotelling's T^2) is also given, and is undefined
when there are at least as many pre-periods as regions. Both invert a covariance
whose treated part rests on the few treated regions (a group of two gives one
direction), and over-reject badly on a design like IPSNOR's.

**Placebo tests** (`placebo_tests`): randomisation inference over the regions. The
start months are dealt to the regions at random, everything is estimated again, and
the studentised overall ATT and average pre-period theta(e) are compared with their
placebo distributions; the statistics share the bootstrap's weakness with their
placebo copies, so the test holds its size where the bootstrap's does not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from rtwpanel.analysis.wild_bootstrap import webb_weights

SEED = 20160401
DRAWS = 999
ENUMERATE_UP_TO = 50_000
CONTROL_GROUPS = ("never_treated", "not_yet_treated")
Z95 = 1.959963984540054
IQR_NORMAL = stats.norm.ppf(0.75) - stats.norm.ppf(0.25)
NEVER = 10**6  # start index of a region never treated within the panel


# --- the frame --------------------------------------------------------------------


def _month_index(values: Iterable[object], first: dt.date) -> np.ndarray:
    """Months since `first` (NaN where missing)."""
    out = []
    for value in values:
        if value is None or (isinstance(value, float) and np.isnan(value)) or pd.isna(value):
            out.append(np.nan)
            continue
        stamp = pd.Timestamp(value)
        out.append((stamp.year - first.year) * 12 + stamp.month - first.month)
    return np.asarray(out, dtype=float)


@dataclass(frozen=True)
class Panel:
    """One outcome as region x month matrices (n = 0 where nobody is observed)."""

    outcome: str
    regions: tuple[str, ...]
    months: tuple[dt.date, ...]
    y: np.ndarray  # R x T shares (0 where n = 0)
    n: np.ndarray  # R x T persons observed
    start: np.ndarray  # R: start month index; NEVER: not within the panel
    start_date: tuple[dt.date | None, ...]

    def month(self, index: int) -> dt.date:
        first = self.months[0]
        year, month = divmod(first.month - 1 + index, 12)
        return dt.date(first.year + year, month + 1, 1)


def panel(frame: pd.DataFrame, outcome: str) -> Panel:
    """The frame's `share_<outcome>` and `n_<outcome>` as region x month matrices."""
    share, count = f"share_{outcome}", f"n_{outcome}"
    missing = [c for c in ("region", "month", "start_month", share, count) if c not in frame]
    if missing:
        raise ValueError(f"the region x month frame lacks {', '.join(missing)}")
    data = frame[["region", "month", "start_month", share, count]].copy()
    data["region"] = data["region"].astype(str)
    stamps = pd.to_datetime(data["month"])
    first = dt.date(stamps.min().year, stamps.min().month, 1)
    last = stamps.max()
    n_months = (last.year - first.year) * 12 + last.month - first.month + 1
    regions = tuple(sorted(data["region"].unique()))
    row = {code: i for i, code in enumerate(regions)}
    r = data["region"].map(row).to_numpy()
    t = _month_index(data["month"], first).astype(int)
    n = np.zeros((len(regions), n_months))
    y = np.zeros((len(regions), n_months))
    counts = pd.to_numeric(data[count], errors="coerce").fillna(0).to_numpy(float)
    shares = pd.to_numeric(data[share], errors="coerce").to_numpy(float)
    ok = (counts > 0) & np.isfinite(shares)
    np.add.at(n, (r[ok], t[ok]), counts[ok])
    np.add.at(y, (r[ok], t[ok]), counts[ok] * shares[ok])
    y = np.divide(y, n, out=np.zeros_like(y), where=n > 0)
    starts = data.groupby("region")["start_month"].agg(lambda s: s.dropna().min())
    start = _month_index([starts.get(code) for code in regions], first)
    start = np.where(np.isnan(start) | (start >= n_months), NEVER, start).astype(int)
    start_date = tuple(
        None if pd.isna(starts.get(code)) else pd.Timestamp(starts.get(code)).date()
        for code in regions
    )
    months = tuple(
        dt.date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1)
        for i in range(n_months)
    )
    return Panel(outcome, regions, months, y, n, start, start_date)


def _draws(n_regions: int, draws: int, seed: int) -> tuple[np.ndarray, bool]:
    enumerated = 6**n_regions <= ENUMERATE_UP_TO
    return webb_weights(n_regions, ENUMERATE_UP_TO, draws, seed), enumerated


# --- two-way fixed effects ----------------------------------------------------------


@dataclass(frozen=True)
class TwfeResult:
    outcome: str
    estimate: float
    se: float  # CRV1, clustered by region
    ci_low: float  # t with G-1 degrees of freedom
    ci_high: float
    pvalue: float
    wild_pvalue: float  # WCR, Webb weights, H0: b = 0
    wild_ci_low: float  # inverting the WCR test
    wild_ci_high: float
    n_regions: int
    n_rows: int
    n_draws: int
    enumerated: bool
    support: float  # the fewer of the mean monthly persons in treated and in other regions

    @property
    def estimable(self) -> bool:
        return bool(np.isfinite(self.estimate))


class _Wcr:
    """Restricted wild cluster bootstrap t statistics for H0: beta_j = b0, in closed
    form (see wild_bootstrap.py), with everything linear in b0 precomputed."""

    def __init__(self, X: np.ndarray, y: np.ndarray, j: int, groups: np.ndarray, w: np.ndarray):
        n, k = X.shape
        g = int(groups.max()) + 1
        self.factor = g / (g - 1) * (n - 1) / (n - k)
        A = np.linalg.pinv(X.T @ X)
        beta = A @ X.T @ y
        scores = _cluster_sums(X * (y - X @ beta)[:, None], groups, g)
        self.beta = float(beta[j])
        self.se = float(np.sqrt(self.factor * np.sum((scores @ A[:, j]) ** 2)))
        keep = [i for i in range(k) if i != j]
        Xr = X[:, keep]
        Ar = np.linalg.pinv(Xr.T @ Xr)
        resid = lambda v: v - Xr @ (Ar @ (Xr.T @ v))  # noqa: E731
        # u_r(b0) = M_r (y - b0 x_j) = u0 - b0 u1
        S0 = _cluster_sums(X * resid(y)[:, None], groups, g)
        u1 = resid(X[:, j])
        self.identified = bool(u1 @ u1 > 1e-10 * max(X[:, j] @ X[:, j], 1e-300))
        S1 = _cluster_sums(X * u1[:, None], groups, g)
        Q = np.vstack([X[groups == h].T @ (X[groups == h] @ A[:, j]) for h in range(g)])
        self.parts = []
        for S in (S0, S1):
            a = S @ A[:, j]
            M = Q @ A @ S.T  # M_hg = q_h' A s_g
            self.parts.append((a, np.diag(a) - M))
        self.w = w

    def pvalue(self, b0: float) -> float:
        (a0, T0), (a1, T1) = self.parts
        a, T = a0 - b0 * a1, T0 - b0 * T1
        numerator = self.w @ a
        score = self.w @ T.T
        with np.errstate(divide="ignore", invalid="ignore"):
            t_star = numerator / np.sqrt(self.factor * np.sum(score**2, axis=1))
        t_hat = (self.beta - b0) / self.se
        return float(np.mean(np.abs(t_star) >= abs(t_hat) - 1e-12))

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        alpha = 1 - level
        bounds = []
        for sign in (-1.0, 1.0):
            inside, outside = self.beta, None
            for c in np.arange(0.5, 40.5, 0.5):
                b0 = self.beta + sign * c * self.se
                if self.pvalue(b0) < alpha:
                    outside = b0
                    break
                inside = b0
            if outside is None:
                bounds.append(sign * np.inf)
                continue
            for _ in range(40):
                middle = (inside + outside) / 2
                if self.pvalue(middle) < alpha:
                    outside = middle
                else:
                    inside = middle
            bounds.append((inside + outside) / 2)
        return bounds[0], bounds[1]


def _cluster_sums(values: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    out = np.zeros((n_groups, values.shape[1]))
    np.add.at(out, groups, values)
    return out


def twfe(
    frame: pd.DataFrame | Panel, outcome: str, draws: int = DRAWS, seed: int = SEED
) -> TwfeResult:
    """The TWFE difference in differences of `share_<outcome>`, weighted by n."""
    p = frame if isinstance(frame, Panel) else panel(frame, outcome)
    r_idx, t_idx = np.nonzero(p.n > 0)
    weight = p.n[r_idx, t_idx]
    y = p.y[r_idx, t_idx]
    d = (t_idx >= p.start[r_idx]).astype(float)
    used_regions = np.unique(r_idx)
    used_months = np.unique(t_idx)
    region_of = {r: i for i, r in enumerate(used_regions)}
    month_of = {t: i for i, t in enumerate(used_months)}
    groups = np.array([region_of[r] for r in r_idx])
    months = np.array([month_of[t] for t in t_idx])
    G = len(used_regions)
    X = np.zeros((len(y), 1 + G + len(used_months) - 1))
    X[:, 0] = d
    X[np.arange(len(y)), 1 + groups] = 1.0
    later = months > 0
    X[np.flatnonzero(later), G + months[later]] = 1.0
    root = np.sqrt(weight)
    Xw, yw = X * root[:, None], y * root
    treated_rows = p.start[r_idx] < NEVER
    support = float(
        min(
            _mean_persons(p, np.unique(r_idx[treated_rows])),
            _mean_persons(p, np.unique(r_idx[~treated_rows])) if (~treated_rows).any() else np.inf,
        )
    )
    w, enumerated = _draws(G, draws, seed)
    nan = float("nan")
    if G < 2:
        return TwfeResult(outcome, nan, nan, nan, nan, nan, nan, nan, nan, G, len(y), len(w),
                          enumerated, support)  # fmt: skip
    wcr = _Wcr(Xw, yw, 0, groups, w)
    if not wcr.identified:  # D does not vary within region and month
        return TwfeResult(outcome, nan, nan, nan, nan, nan, nan, nan, nan, G, len(y), len(w),
                          enumerated, support)  # fmt: skip
    tcrit = stats.t.ppf(0.975, G - 1)
    p_cr1 = float(2 * stats.t.sf(abs(wcr.beta / wcr.se), G - 1))
    low, high = wcr.interval()
    return TwfeResult(
        outcome=outcome,
        estimate=wcr.beta,
        se=wcr.se,
        ci_low=wcr.beta - tcrit * wcr.se,
        ci_high=wcr.beta + tcrit * wcr.se,
        pvalue=p_cr1,
        wild_pvalue=wcr.pvalue(0.0),
        wild_ci_low=float(low),
        wild_ci_high=float(high),
        n_regions=G,
        n_rows=len(y),
        n_draws=len(w),
        enumerated=enumerated,
        support=support,
    )


def _mean_persons(p: Panel, regions: np.ndarray) -> float:
    """Persons per month of these regions, averaged over the months with anyone."""
    if len(regions) == 0:
        return float("nan")
    total = p.n[regions].sum(axis=0)
    return float(total[total > 0].mean()) if (total > 0).any() else 0.0


# --- Callaway and Sant'Anna -------------------------------------------------------


@dataclass
class GroupTimeATT:
    """ATT(g,t) for every group and month with a base month and a control set.

    `cells`: one row per (g, t): group (start date), month, base (month), g, t, e,
    post, att, treated_persons (fewer of the group's persons at t and b),
    control_persons (same for the control set), control_regions, se, ci_low,
    ci_high, p. `psi`: regions x cells influence; `draws`: the Webb weights
    (draws x regions) shared by every aggregation."""

    outcome: str
    control_group: str
    panel: Panel
    cells: pd.DataFrame
    psi: np.ndarray
    draws: np.ndarray
    enumerated: bool
    seed: int
    group_sizes: dict[int, float]  # g -> persons per month of its regions
    group_regions: dict[int, tuple[str, ...]]
    left_out: tuple[str, ...] = ()  # regions treated from the panel's first month

    @property
    def n_regions(self) -> int:
        return len(self.panel.regions) - len(self.left_out)


def _set_factor(m: int) -> float:
    return float(np.sqrt(m / (m - 1))) if m > 1 else 1.0


def _mean_influence(p: Panel, members: np.ndarray, t: int) -> tuple[float, float, np.ndarray]:
    """The person-weighted mean of the regions `members` (bool, R) in month t, its
    persons, and each region's influence n_rt (y_rt - mean) / N_t."""
    n = p.n[:, t] * members
    total = float(n.sum())
    if total <= 0:
        return float("nan"), 0.0, np.zeros(len(members))
    mean = float(n @ p.y[:, t] / total)
    return mean, total, n * (p.y[:, t] - mean) / total


def group_time_att(
    frame: pd.DataFrame | Panel,
    outcome: str,
    control_group: str = "never_treated",
    draws: int = DRAWS,
    seed: int = SEED,
) -> GroupTimeATT:
    """Callaway-Sant'Anna ATT(g,t) of `share_<outcome>` without covariates."""
    if control_group not in CONTROL_GROUPS:
        raise ValueError(f"control_group must be one of {', '.join(CONTROL_GROUPS)}")
    p = frame if isinstance(frame, Panel) else panel(frame, outcome)
    R, T = p.n.shape
    usable = p.start >= 1  # a start in the first month (or before) has no pre-period
    left_out = tuple(code for code, ok in zip(p.regions, usable, strict=True) if not ok)
    never = p.start == NEVER
    groups = sorted(int(g) for g in np.unique(p.start[usable & ~never]))
    rows: list[dict[str, object]] = []
    psis: list[np.ndarray] = []
    for g in groups:
        treated = p.start == g
        m_treated = int(treated.sum())
        for t in range(1, T):
            b = g - 1 if t >= g else t - 1
            if control_group == "never_treated":
                control = never.copy()
            else:
                control = usable & (never | (p.start > max(t, b))) & ~treated
            mg_t, ng_t, ig_t = _mean_influence(p, treated, t)
            mg_b, ng_b, ig_b = _mean_influence(p, treated, b)
            mc_t, nc_t, ic_t = _mean_influence(p, control, t)
            mc_b, nc_b, ic_b = _mean_influence(p, control, b)
            att = (mg_t - mg_b) - (mc_t - mc_b)
            if not np.isfinite(att):
                continue
            m_control = int(control.sum())
            psi = _set_factor(m_treated) * (ig_t - ig_b) - _set_factor(m_control) * (ic_t - ic_b)
            rows.append(
                {
                    "group": p.month(g),
                    "month": p.month(t),
                    "base": p.month(b),
                    "g": g,
                    "t": t,
                    "e": t - g,
                    "post": t >= g,
                    "att": att,
                    "treated_persons": min(ng_t, ng_b),
                    "control_persons": min(nc_t, nc_b),
                    "control_regions": m_control,
                }
            )
            psis.append(psi)
    cells = pd.DataFrame(
        rows,
        columns=[
            "group",
            "month",
            "base",
            "g",
            "t",
            "e",
            "post",
            "att",
            "treated_persons",
            "control_persons",
            "control_regions",
        ],
    )
    psi = np.column_stack(psis) if psis else np.zeros((R, 0))
    w, enumerated = _draws(R, draws, seed)
    se, p_value = _bootstrap(cells["att"].to_numpy(float), psi, w)
    cells["se"] = se
    cells["ci_low"] = cells["att"] - Z95 * se
    cells["ci_high"] = cells["att"] + Z95 * se
    cells["p"] = p_value
    cells["support"] = cells[["treated_persons", "control_persons"]].min(axis=1)
    sizes = {g: float(p.n[p.start == g].sum(axis=0).mean()) for g in groups}
    members = {g: tuple(np.asarray(p.regions)[p.start == g]) for g in groups}
    return GroupTimeATT(
        outcome, control_group, p, cells, psi, w, enumerated, seed, sizes, members, left_out
    )


def _bootstrap(theta: np.ndarray, psi: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """SE (IQR / 1.349) and p (share of |theta* - theta| >= |theta|) per estimate."""
    if psi.shape[1] == 0:
        return np.zeros(0), np.zeros(0)
    deviations = w @ psi
    q75, q25 = np.percentile(deviations, [75, 25], axis=0)
    se = (q75 - q25) / IQR_NORMAL
    pvalue = np.mean(np.abs(deviations) >= np.abs(theta)[None, :] - 1e-15, axis=0)
    missing = ~np.isfinite(theta)
    se[missing], pvalue[missing] = np.nan, np.nan
    return se, pvalue


# --- aggregations -----------------------------------------------------------------


@dataclass
class Aggregate:
    """Size-weighted averages of ATT(g,t): one row per label (e, a group, or "overall").

    table columns: estimate, se, ci_low, ci_high, p, cells, groups, support; an
    event study adds uniform_low, uniform_high (sup-t band over the window)."""

    kind: str  # simple, event, group
    outcome: str
    control_group: str
    table: pd.DataFrame
    psi: np.ndarray  # regions x rows
    draws: np.ndarray
    n_regions: int
    uniform_crit: float = float("nan")
    window: tuple[int, int] | None = None
    extra: dict[str, object] = field(default_factory=dict)

    def row(self, label: object) -> pd.Series:
        return self.table.loc[label]

    @property
    def estimate(self) -> float:
        return float(self.table["estimate"].iloc[0])

    @property
    def se(self) -> float:
        return float(self.table["se"].iloc[0])


def _aggregate(gt: GroupTimeATT, selection: np.ndarray, by_group_mean: bool = False):
    """theta, psi (regions), support, groups for the selected cells, size-weighted.

    by_group_mean: first each group's equal-weight mean of its cells, then the
    groups by size (the group aggregation's overall)."""
    cells = gt.cells.loc[selection]
    if cells.empty:
        return float("nan"), np.zeros(gt.psi.shape[0]), float("nan"), 0, 0
    psi_cells = gt.psi[:, np.flatnonzero(selection)]
    att = cells["att"].to_numpy(float)
    g = cells["g"].to_numpy(int)
    size = np.array([gt.group_sizes[k] for k in g])
    n_bar = gt.panel.n.mean(axis=1)  # persons per month of each region
    if by_group_mean:
        count = pd.Series(1, index=g).groupby(level=0).transform("size").to_numpy(float)
        weight = size / count
    else:
        weight = size
    total = weight.sum()
    share = weight / total
    theta = float(share @ att)
    psi = psi_cells @ share
    # the estimated weights: perturbing region r's persons moves its group's size
    start = gt.panel.start
    for k in np.unique(g):
        inside = g == k
        moved = float(np.sum(weight[inside] / gt.group_sizes[k] * (att[inside] - theta)))
        psi = psi + np.where(start == k, n_bar, 0.0) * moved / total
    treated = cells.groupby("g")["treated_persons"].min().sum()
    support = float(min(treated, cells["control_persons"].min()))
    return theta, psi, support, len(cells), int(cells["g"].nunique())


def _frame(
    labels: list[object],
    thetas: list[float],
    psis: list[np.ndarray],
    supports,
    n_cells,
    n_groups,
    w: np.ndarray,
) -> tuple[pd.DataFrame, np.ndarray]:
    theta = np.asarray(thetas, dtype=float)
    psi = np.column_stack(psis) if psis else np.zeros((w.shape[1], 0))
    se, p = _bootstrap(theta, psi, w)
    table = pd.DataFrame(
        {
            "estimate": theta,
            "se": se,
            "ci_low": theta - Z95 * se,
            "ci_high": theta + Z95 * se,
            "p": p,
            "cells": n_cells,
            "groups": n_groups,
            "support": supports,
        },
        index=pd.Index(labels),
    )
    return table, psi


def overall_att(gt: GroupTimeATT) -> Aggregate:
    """csdid's "simple": every post cell (t >= g), weighted by its group's size."""
    theta, psi, support, n_cells, n_groups = _aggregate(gt, gt.cells["post"].to_numpy(bool))
    table, psi_m = _frame(["overall"], [theta], [psi], [support], [n_cells], [n_groups], gt.draws)
    return Aggregate("simple", gt.outcome, gt.control_group, table, psi_m, gt.draws, gt.n_regions)


def event_study(gt: GroupTimeATT, window: tuple[int, int] = (-24, 24)) -> Aggregate:
    """theta(e), e = t - g within the window, each the size-weighted mean of the
    cells with that e; pointwise intervals and a uniform (sup-t) band."""
    lo, hi = window
    e = gt.cells["e"].to_numpy(int)
    labels, thetas, psis, supports, counts, groups = [], [], [], [], [], []
    for k in range(lo, hi + 1):
        selection = e == k
        if not selection.any():
            continue
        theta, psi, support, n_cells, n_groups = _aggregate(gt, selection)
        labels.append(k)
        thetas.append(theta)
        psis.append(psi)
        supports.append(support)
        counts.append(n_cells)
        groups.append(n_groups)
    table, psi_m = _frame(labels, thetas, psis, supports, counts, groups, gt.draws)
    crit = _sup_t(table, psi_m, gt.draws)
    table["uniform_low"] = table["estimate"] - crit * table["se"]
    table["uniform_high"] = table["estimate"] + crit * table["se"]
    table.index.name = "e"
    return Aggregate(
        "event",
        gt.outcome,
        gt.control_group,
        table,
        psi_m,
        gt.draws,
        gt.n_regions,
        uniform_crit=crit,
        window=window,
    )


def _sup_t(table: pd.DataFrame, psi: np.ndarray, w: np.ndarray, level: float = 0.95) -> float:
    se = table["se"].to_numpy(float)
    ok = np.isfinite(se) & (se > 1e-14)
    if not ok.any():
        return float("nan")
    deviations = (w @ psi[:, ok]) / se[ok]
    return float(np.quantile(np.max(np.abs(deviations), axis=1), level))


def group_att(gt: GroupTimeATT) -> Aggregate:
    """theta(g): each group's mean of its post cells; "overall": the groups by size."""
    post = gt.cells["post"].to_numpy(bool)
    g = gt.cells["g"].to_numpy(int)
    labels, thetas, psis, supports, counts, groups = [], [], [], [], [], []
    for k in sorted(set(g[post])):
        theta, psi, support, n_cells, n_groups = _aggregate(gt, post & (g == k))
        labels.append(gt.panel.month(k))
        thetas.append(theta)
        psis.append(psi)
        supports.append(support)
        counts.append(n_cells)
        groups.append(n_groups)
    theta, psi, support, n_cells, n_groups = _aggregate(gt, post, by_group_mean=True)
    labels.append("overall")
    thetas.append(theta)
    psis.append(psi)
    supports.append(support)
    counts.append(n_cells)
    groups.append(n_groups)
    table, psi_m = _frame(labels, thetas, psis, supports, counts, groups, gt.draws)
    table.index.name = "group"
    return Aggregate("group", gt.outcome, gt.control_group, table, psi_m, gt.draws, gt.n_regions)


# --- pre-trends ----------------------------------------------------------------------


@dataclass(frozen=True)
class PretrendTest:
    chi2: float
    df: int  # rank of the bootstrap covariance of the pre-period theta(e)
    p: float  # chi2 reference
    f_stat: float  # Hotelling: chi2 (G - q) / (q (G - 1))
    f_df: tuple[int, int]  # (q, G - q)
    p_f: float  # NaN when q >= G
    periods: tuple[int, ...]  # the e tested
    n_regions: int

    def text(self) -> str:
        if not self.periods:
            return "Pre-trend test: no pre-period in the window."
        small = (
            f"F({self.f_df[0]}, {self.f_df[1]}) = {self.f_stat:.2f}, p = {self.p_f:.3f}"
            if np.isfinite(self.p_f)
            else f"the small-sample F is undefined with {len(self.periods)} pre-periods and "
            f"{self.n_regions} regions (narrow the window)"
        )
        return (
            f"Joint pre-trend test (theta(e) = 0 for e = {self.periods[0]}..{self.periods[-1]}): "
            f"chi2({self.df}) = {self.chi2:.2f}, p = {self.p:.3f}; {small}; with few treated "
            "regions both reject too often (Methods)."
        )


def pretrend_test(event: Aggregate) -> PretrendTest:
    """Joint Wald test that every pre-period theta(e) (e < 0) in the window is 0."""
    table = event.table
    pre = np.flatnonzero((table.index.to_numpy(int) < 0) & np.isfinite(table["estimate"]))
    periods = tuple(int(e) for e in table.index.to_numpy(int)[pre])
    nan = float("nan")
    G = event.n_regions
    if len(pre) == 0:
        return PretrendTest(nan, 0, nan, nan, (0, 0), nan, (), G)
    theta = table["estimate"].to_numpy(float)[pre]
    deviations = event.draws @ event.psi[:, pre]
    cov = np.atleast_2d(np.cov(deviations, rowvar=False))
    rank = int(np.linalg.matrix_rank(cov))
    chi2 = float(theta @ np.linalg.pinv(cov) @ theta)
    p = float(stats.chi2.sf(chi2, rank)) if rank else nan
    q = len(pre)
    if q < G:
        f_stat = chi2 * (G - q) / (q * (G - 1))
        p_f = float(stats.f.sf(f_stat, q, G - q))
    else:
        f_stat, p_f = nan, nan
    return PretrendTest(chi2, rank, p, float(f_stat), (q, max(G - q, 0)), p_f, periods, G)


# --- placebo in space: randomisation inference over the regions ------------------------


@dataclass(frozen=True)
class PlaceboTest:
    """One statistic against its placebo distribution: the regions' start months dealt
    to the regions at random (the same multiset of starts), `permutations` times.

    t: the estimate over its analytic multiplier SE (sqrt(sum_r psi_r^2)); p = (1 +
    #{|t*| >= |t|}) / (1 + permutations). Studentised, so a region's size (the
    noise of its shares) matters less than it would to the raw estimate."""

    label: str
    estimate: float
    t: float
    p: float
    permutations: int


@dataclass(frozen=True)
class PlaceboTests:
    att: PlaceboTest  # the overall ATT
    pretrend: PlaceboTest  # the average pre-period theta(e), e in the window's e < 0

    def text(self) -> str:
        pre, att = self.pretrend, self.att
        return (
            f"Placebo tests ({att.permutations} random assignments of the start months to "
            f"the regions): the average pre-period theta(e) {pre.estimate:.4f}, p = "
            f"{pre.p:.3f}; the overall ATT {att.estimate:.4f}, p = {att.p:.3f}."
        )


def _studentised(theta: float, psi: np.ndarray) -> float:
    se = float(np.sqrt(psi @ psi))
    return theta / se if np.isfinite(theta) and se > 0 else float("nan")


def _placebo_statistics(
    p: Panel, control_group: str, window: tuple[int, int]
) -> tuple[float, float, float, float]:
    """(overall ATT, its t, average pre-period theta, its t) of one assignment."""
    gt = group_time_att(p, p.outcome, control_group, draws=2, seed=SEED)  # no bootstrap needed
    overall = overall_att(gt)
    att = float(overall.table["estimate"].iloc[0])
    t_att = _studentised(att, overall.psi[:, 0])
    if window[0] >= 0:
        return att, t_att, float("nan"), float("nan")
    event = event_study(gt, (window[0], -1))  # the pre-periods alone: cheaper
    e = event.table.index.to_numpy(int)
    estimates = event.table["estimate"].to_numpy(float)
    pre = np.flatnonzero((e < 0) & np.isfinite(estimates))
    if len(pre) == 0:
        return att, t_att, float("nan"), float("nan")
    mean_pre = float(estimates[pre].mean())
    return att, t_att, mean_pre, _studentised(mean_pre, event.psi[:, pre].mean(axis=1))


def placebo_tests(
    p: Panel,
    control_group: str,
    window: tuple[int, int],
    permutations: int,
    seed: int = SEED,
) -> PlaceboTests | None:
    """The overall ATT and the average pre-trend against their placebo distributions.

    With few treated regions the bootstrap's covariance of many pre-period theta(e)
    rests on too little, and joint Wald tests reject far too often; a placebo test
    compares the statistic with the same statistic for random assignments of the
    starts, which share that weakness, and holds its size."""
    if permutations <= 0:
        return None
    att, t_att, pre, t_pre = _placebo_statistics(p, control_group, window)
    rng = np.random.default_rng(seed)

    def dealt(order: np.ndarray) -> Panel:
        """The panel with the regions' starts (index and date alike) dealt in `order`."""
        dates = tuple(p.start_date[i] for i in order)
        return Panel(p.outcome, p.regions, p.months, p.y, p.n, p.start[order], dates)

    orders = (rng.permutation(len(p.start)) for _ in range(permutations))
    placebo = np.array(
        [_placebo_statistics(dealt(order), control_group, window) for order in orders]
    )

    def test(label: str, estimate: float, t: float, draws: np.ndarray) -> PlaceboTest:
        ok = np.isfinite(draws)
        if not np.isfinite(t) or not ok.any():
            return PlaceboTest(label, estimate, t, float("nan"), permutations)
        extreme = int(np.sum(np.abs(draws[ok]) >= abs(t) - 1e-12))
        return PlaceboTest(label, estimate, t, (1 + extreme) / (1 + int(ok.sum())), permutations)

    return PlaceboTests(
        att=test("overall ATT", att, t_att, placebo[:, 1]),
        pretrend=test("average pre-period theta(e)", pre, t_pre, placebo[:, 3]),
    )


# --- everything for one outcome -----------------------------------------------------------


@dataclass
class RolloutEstimates:
    outcome: str
    twfe: TwfeResult
    group_time: GroupTimeATT
    overall: Aggregate
    event: Aggregate
    groups: Aggregate
    pretrend: PretrendTest
    placebo: PlaceboTests | None = None  # with permutations > 0


def estimate(
    frame: pd.DataFrame,
    outcome: str,
    control_group: str = "never_treated",
    window: tuple[int, int] = (-24, 24),
    draws: int = DRAWS,
    seed: int = SEED,
    permutations: int = 0,
) -> RolloutEstimates:
    """TWFE, ATT(g,t) and its aggregations and the pre-trend test for one outcome;
    with `permutations`, the placebo tests of the ATT and the pre-trend."""
    p = panel(frame, outcome)
    gt = group_time_att(p, outcome, control_group, draws=draws, seed=seed)
    event = event_study(gt, window)
    return RolloutEstimates(
        outcome=outcome,
        twfe=twfe(p, outcome, draws=draws, seed=seed),
        group_time=gt,
        overall=overall_att(gt),
        event=event,
        groups=group_att(gt),
        pretrend=pretrend_test(event),
        placebo=placebo_tests(p, control_group, window, permutations, seed),
    )
