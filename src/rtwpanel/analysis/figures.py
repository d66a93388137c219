"""Figure 9 (share in the primary outcome by arm; IPS: in work) and Figure 9b
(the event study).

The points come from a `Table` that passes the same suppression as every
table: a hidden point is neither drawn nor printed (its row in the figure's
data table shows the hidden mark).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from rtwpanel.analysis.suppression import hidden_cells
from rtwpanel.analysis.table import Table, share_support
from rtwpanel.analysis.trial import Trial, trial_of

COLOURS = ("#1b6ca8", "#c8553d")  # control, treated
DIFFERENCE_COLOUR = "#333333"
Z95 = 1.959963984540054
FEW = 50  # persons in the smaller arm below which a month is shaded as resting on few


@dataclass(frozen=True)
class Figure:
    key: str
    caption: str
    data: Table  # what is drawn, before suppression


def employment_by_rel_month(fct: pd.DataFrame, trial: Trial | None = None) -> Table:
    """The primary outcome's rate (IPS: employment) by rel_month and arm, with 95 %
    intervals and the difference."""
    trial = trial_of(trial)
    outcome = trial.primary
    control, treated = trial.arm_names
    observed = fct.loc[fct[outcome].notna()]
    grouped = observed.groupby(["rel_month", "arm"])[outcome].agg(["size", "sum"])
    rows: dict[int, dict[str, float]] = {}
    support: dict[int, dict[str, float]] = {}
    for rel in sorted(observed["rel_month"].unique()):
        row: dict[str, float] = {}
        sup: dict[str, float] = {}
        for code, arm in zip(trial.arm_codes, trial.arm_names, strict=True):
            n, k = grouped.loc[(rel, code)] if (rel, code) in grouped.index else (0, 0)
            rate = k / n if n else np.nan
            half = Z95 * np.sqrt(rate * (1 - rate) / n) if n else np.nan
            row.update(
                {
                    f"{arm} rate": rate,
                    f"{arm} low": rate - half,
                    f"{arm} high": rate + half,
                    f"{arm} n": n,
                }
            )
            s = share_support(n, k) if n else 0.0
            sup.update({f"{arm} rate": s, f"{arm} low": s, f"{arm} high": s, f"{arm} n": s})
        t, c = f"{treated} rate", f"{control} rate"
        diff = row[t] - row[c]
        se = np.sqrt(
            row[t] * (1 - row[t]) / max(row[f"{treated} n"], 1)
            + row[c] * (1 - row[c]) / max(row[f"{control} n"], 1)
        )
        row.update({"difference": diff, "diff low": diff - Z95 * se, "diff high": diff + Z95 * se})
        s = min(sup[t], sup[c])
        sup.update({"difference": s, "diff low": s, "diff high": s})
        rows[int(rel)], support[int(rel)] = row, sup
    values = pd.DataFrame(rows).T
    what = "employment" if outcome == "employed" else trial.primary_name
    return Table(
        key="figure_09_data",
        title=f"Data of Figure 9: {what} rate by month relative to randomisation",
        values=values,
        support=pd.DataFrame(support).T,
        decimals={f"{control} n": 0, f"{treated} n": 0},
        note="95 % intervals: normal approximation per month; difference: the raw "
        f"{trial.difference} difference with its pointwise interval (Figure 9b adjusts for "
        "the year before).",
    )


def visible_frame(table: Table, threshold: int) -> pd.DataFrame:
    """The values with every hidden cell set to NaN: what a figure may draw."""
    frame = table.values.astype(float).copy()
    for row, col in hidden_cells(table, threshold):
        frame.at[row, col] = np.nan
    frame.index = frame.index.astype(int)
    return frame


def _setup() -> None:
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams.update({"svg.hashsalt": "rtwpanel", "svg.fonttype": "none", "font.size": 9})


def draw_figure_9(
    table: Table, threshold: int, out: Path, trial: Trial | None = None
) -> list[Path]:
    """The share in the primary outcome by arm; months whose smaller arm has few
    persons are shaded."""
    _setup()
    import matplotlib.pyplot as plt

    trial = trial_of(trial)
    frame = visible_frame(table, threshold)
    fig, ax = plt.subplots(figsize=(7, 3.6))
    for arm, colour in zip(trial.arm_names, COLOURS, strict=True):
        ax.plot(
            frame.index,
            frame[f"{arm} rate"],
            marker="o",
            ms=2.5,
            lw=1.2,
            color=colour,
            label=arm,
        )
    _shade_few(ax, table.values[[f"{arm} n" for arm in trial.arm_names]].astype(float).min(axis=1))
    name = trial.primary_name
    _decorate(ax, f"share {name}" if name.startswith("in ") else f"share, {name}")
    paths = _save(fig, out / "figure_09")
    plt.close(fig)
    return paths


def _shade_few(ax: object, persons: pd.Series) -> None:
    """Grey bands over the months whose smaller arm has fewer than FEW persons."""
    few = persons.index.astype(int)[persons.to_numpy() < FEW]
    for i, month in enumerate(few):
        ax.axvspan(  # type: ignore[attr-defined]
            month - 0.5,
            month + 0.5,
            color="#888888",
            alpha=0.15,
            lw=0,
            label=f"an arm has < {FEW} persons" if i == 0 else None,
        )


def draw_event_study(
    table: Table, threshold: int, out: Path, trial: Trial | None = None
) -> list[Path]:
    """The event-study coefficients by month with their 95 % intervals."""
    _setup()
    import matplotlib.pyplot as plt

    trial = trial_of(trial)
    frame = visible_frame(table, threshold)
    # the reference months have no coefficient: a gap in the line, not a bridge
    frame = frame.reindex(range(frame.index.min(), frame.index.max() + 1))
    fig, ax = plt.subplots(figsize=(7, 3.6))
    colour = DIFFERENCE_COLOUR
    ax.axvspan(-12.5, -0.5, color="#1b6ca8", alpha=0.08, lw=0, label="reference: months -12..-1")
    ax.plot(
        frame.index, frame["DiD"], marker="o", ms=2.5, lw=1.0, color=colour, label=trial.difference
    )
    ax.fill_between(frame.index, frame["ci_low"], frame["ci_high"], color=colour, alpha=0.2, lw=0)
    ax.axhline(0, color="black", lw=0.6)
    _shade_few(ax, table.values[[f"{arm} n" for arm in trial.arm_names]].astype(float).min(axis=1))
    _decorate(ax, "difference in differences (95 % CI)")
    paths = _save(fig, out / "figure_09b_event_study")
    plt.close(fig)
    return paths


def _decorate(ax: object, ylabel: str) -> None:
    ax.axvline(0, color="grey", lw=0.6, ls="--")  # type: ignore[attr-defined]
    ax.set_ylabel(ylabel)  # type: ignore[attr-defined]
    ax.set_xlabel("months since randomisation")  # type: ignore[attr-defined]
    ax.legend(frameon=False)  # type: ignore[attr-defined]
    ax.grid(alpha=0.3, lw=0.5)  # type: ignore[attr-defined]


def _save(fig: object, stem: Path) -> list[Path]:
    png, svg = stem.with_suffix(".png"), stem.with_suffix(".svg")
    fig.savefig(png, dpi=150, metadata={"Software": None})  # type: ignore[attr-defined]
    fig.savefig(svg, metadata={"Date": None, "Creator": None})  # type: ignore[attr-defined]
    return [png, svg]
