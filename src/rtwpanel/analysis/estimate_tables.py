"""Estimate tables: one row per estimate, the coefficient layout, and estimates.csv.

Every estimate table shows the coefficient, its standard error, the 95 %
confidence interval, the p-value, N, the persons and the clusters behind it.
Cells hold numbers; the significance stars are marks (Markdown and HTML
only), and an estimate that cannot be made (an outcome constant in its
sample) is an empty cell marked "not estimable", never 0.000 (0.000).

Each estimate is also kept as a tidy record (table, sample, outcome, term,
clustering, estimate, se, ci, p per method, N, persons, clusters) for
`estimates.csv`, which passes the same suppression as the tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from rtwpanel.analysis.clustered_ols import Estimate, OlsFit, stars
from rtwpanel.analysis.table import Cell, Table

NOT_ESTIMABLE = "not estimable"
COUNT_DECIMALS = {"N": 0, "persons": 0, "clusters": 0, "persons at h": 0}
RECORD_COLUMNS = (
    "table", "sample", "outcome", "term", "clustering", "estimate", "se", "ci_low",
    "ci_high", "p", "p_wild_bootstrap", "p_randomisation", "p_randomisation_mcse", "N",
    "persons", "clusters",
)  # fmt: skip
TEXT_COLUMNS = RECORD_COLUMNS[:5]


def record(
    table: str, sample: str, outcome: str, e: Estimate, clustering: str, **p: float
) -> dict[str, object]:
    """One estimate as a row of estimates.csv (`p` adds p_wild_bootstrap etc.)."""
    nan = float("nan")
    row: dict[str, object] = {
        "table": table,
        "sample": sample,
        "outcome": outcome,
        "term": e.term,
        "clustering": clustering,
        "estimate": e.coef,
        "se": e.se,
        "ci_low": e.ci_low,
        "ci_high": e.ci_high,
        "p": e.pvalue,
        "p_wild_bootstrap": nan,
        "p_randomisation": nan,
        "p_randomisation_mcse": nan,
        "N": e.nobs,
        "persons": e.persons,
        "clusters": e.n_clusters,
        "support": e.support,
    }
    row.update(p)
    return row


class EstimateRows:
    """Rows of a table with one estimate per row (columns prefixed for a second one)."""

    def __init__(self) -> None:
        self.values: dict[str, dict[str, object]] = {}
        self.support: dict[str, dict[str, float]] = {}
        self.marks: dict[Cell, str] = {}
        self.records: list[dict[str, object]] = []

    def add(
        self,
        label: str,
        e: Estimate,
        prefix: str = "",
        with_r2: bool = True,
        support: float | None = None,
        counts: bool = True,
    ) -> None:
        cells: dict[str, object] = {
            "coef": e.coef,
            "se": e.se,
            "ci low": e.ci_low,
            "ci high": e.ci_high,
            "p": e.pvalue,
        }
        if counts:
            cells.update({"N": e.nobs, "persons": e.persons, "clusters": e.n_clusters})
            if with_r2:
                cells["R2"] = e.rsquared
        self.set(label, {f"{prefix}{k}": v for k, v in cells.items()}, support or e.support)
        coef = f"{prefix}coef"
        if not e.estimable:
            self.marks[(label, coef)] = NOT_ESTIMABLE
        elif stars(e.pvalue):
            self.marks[(label, coef)] = stars(e.pvalue)

    def set(self, label: str, cells: Mapping[str, object], support: float) -> None:
        self.values.setdefault(label, {}).update(cells)
        self.support.setdefault(label, {}).update(dict.fromkeys(cells, float(support)))

    def lower_support(self, label: str, support: float) -> None:
        row = self.support[label]
        for column in row:
            row[column] = min(row[column], support)

    def table(self, key: str, title: str, note: str, decimals: dict[str, int] | None = None):
        values = pd.DataFrame(self.values).T
        support = pd.DataFrame(self.support).T.reindex(index=values.index, columns=values.columns)
        counts = {c: 0 for c in values.columns if c.split(" ")[-1] in ("N", "persons", "clusters")}
        return Table(
            key=key,
            title=title,
            values=values,
            support=support,
            decimals={**COUNT_DECIMALS, **counts, **(decimals or {})},
            note=note,
            marks=dict(self.marks),
            estimates=list(self.records),
        )


def shown_terms(
    names: Iterable[str], first: Iterable[str], cluster_prefix: str = "centre_"
) -> list[str]:
    """The coefficient rows as published: the effect terms first, then age, female,
    year, education, cluster (IPS: centre) and phase dummies, the constant last
    (calendar months are in every model but not shown)."""
    names = list(names)
    order = [*first, "age_at_randomisation", "female"]
    for prefix in ("year_", "edu_", cluster_prefix, "phase_"):
        order += [n for n in names if n.startswith(prefix)]
    order.append("const")
    return [n for n in dict.fromkeys(order) if n in names]


def coefficient_table(
    key: str,
    title: str,
    fits: Mapping[str, OlsFit],
    first: Iterable[str],
    note: str,
    supports: Mapping[str, float] | None = None,
    cluster_prefix: str = "centre_",
) -> Table:
    """Terms as rows, one coefficient and one SE column per model, then N, R2, clusters."""
    first = list(first)
    terms: list[str] = []
    for fit in fits.values():
        shown = shown_terms(fit.design.names, first, cluster_prefix)
        terms += [t for t in shown if t not in terms]
    terms = shown_terms(terms, first, cluster_prefix)
    values: dict[str, dict[str, float]] = {}
    support: dict[str, dict[str, float]] = {}
    marks: dict[Cell, str] = {}
    for label, fit in fits.items():
        s = float(supports[label]) if supports else float(fit.design.support())
        coef: dict[str, float] = {}
        se: dict[str, float] = {}
        for term in terms:
            e = fit.estimate(term)
            coef[term], se[term] = e.coef, e.se
            if not e.estimable:
                marks[(term, label)] = "" if term not in fit.design.names else NOT_ESTIMABLE
            elif stars(e.pvalue):
                marks[(term, label)] = stars(e.pvalue)
        nobs = fit.design.nobs
        coef.update({"N": nobs, "R2": fit.rsquared, "clusters": fit.n_clusters})
        se.update({"N": np.nan, "R2": np.nan, "clusters": np.nan})
        values[label], values[f"{label} se"] = coef, se
        support[label] = support[f"{label} se"] = dict.fromkeys(coef, s)
    frame = pd.DataFrame(values)
    return Table(
        key=key,
        title=title,
        values=frame,
        support=pd.DataFrame(support).reindex(index=frame.index, columns=frame.columns),
        decimals={"N": 0, "clusters": 0},
        note=note + " Standard errors in the 'se' columns. Calendar-month dummies are in "
        "every model but not shown.",
        marks={cell: mark for cell, mark in marks.items() if mark},
    )


def estimates_table(tables: Iterable[Table]) -> Table:
    """estimates.csv: every table's estimate records, one row each."""
    records = [r for table in tables for r in table.estimates]
    frame = pd.DataFrame(records, columns=[*RECORD_COLUMNS, "support"])
    frame.index = [f"{i + 1}" for i in range(len(frame))]
    values = frame[list(RECORD_COLUMNS)]
    support = pd.DataFrame(
        {c: np.nan if c in TEXT_COLUMNS else frame["support"] for c in RECORD_COLUMNS},
        index=frame.index,
    )
    return Table(
        key="estimates",
        title="Every estimate of the report, one row each",
        values=values,
        support=support.astype(float),
        decimals={"N": 0, "persons": 0, "clusters": 0, **{c: 6 for c in RECORD_COLUMNS[5:13]}},
    )
