"""Figure 9 and the event-study figure.

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

ARMS = ("TAU", "IPS")
COLOURS = {"TAU": "#1b6ca8", "IPS": "#c8553d", "difference": "#333333"}
Z95 = 1.959963984540054


@dataclass(frozen=True)
class Figure:
    key: str
    caption: str
    data: Table  # what is drawn, before suppression


def employment_by_rel_month(fct: pd.DataFrame) -> Table:
    """Employment rate by rel_month and arm, with 95 % intervals and the difference."""
    observed = fct.loc[fct["employed"].notna()]
    grouped = observed.groupby(["rel_month", "arm"])["employed"].agg(["size", "sum"])
    rows: dict[int, dict[str, float]] = {}
    support: dict[int, dict[str, float]] = {}
    for rel in sorted(observed["rel_month"].unique()):
        row: dict[str, float] = {}
        sup: dict[str, float] = {}
        for arm in ARMS:
            n, k = grouped.loc[(rel, arm)] if (rel, arm) in grouped.index else (0, 0)
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
        diff = row["IPS rate"] - row["TAU rate"]
        se = np.sqrt(
            row["IPS rate"] * (1 - row["IPS rate"]) / max(row["IPS n"], 1)
            + row["TAU rate"] * (1 - row["TAU rate"]) / max(row["TAU n"], 1)
        )
        row.update({"difference": diff, "diff low": diff - Z95 * se, "diff high": diff + Z95 * se})
        s = min(sup["IPS rate"], sup["TAU rate"])
        sup.update({"difference": s, "diff low": s, "diff high": s})
        rows[int(rel)], support[int(rel)] = row, sup
    values = pd.DataFrame(rows).T
    return Table(
        key="figure_09_data",
        title="Data of Figures 9 and 9b: employment rate by month relative to randomisation",
        values=values,
        support=pd.DataFrame(support).T,
        decimals={"TAU n": 0, "IPS n": 0},
        note="95 % intervals: normal approximation per month; difference IPS - TAU.",
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


def draw_figure_9(table: Table, threshold: int, out: Path) -> list[Path]:
    _setup()
    import matplotlib.pyplot as plt

    frame = visible_frame(table, threshold)
    fig, ax = plt.subplots(figsize=(7, 3.6))
    for arm in ARMS:
        ax.plot(
            frame.index,
            frame[f"{arm} rate"],
            marker="o",
            ms=2.5,
            lw=1.2,
            color=COLOURS[arm],
            label=arm,
        )
    _decorate(ax, "share in work")
    paths = _save(fig, out / "figure_09")
    plt.close(fig)
    return paths


def draw_event_study(table: Table, threshold: int, out: Path) -> list[Path]:
    _setup()
    import matplotlib.pyplot as plt

    frame = visible_frame(table, threshold)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 6), sharex=True)
    for arm in ARMS:
        top.plot(frame.index, frame[f"{arm} rate"], lw=1.2, color=COLOURS[arm], label=arm)
        top.fill_between(
            frame.index,
            frame[f"{arm} low"],
            frame[f"{arm} high"],
            color=COLOURS[arm],
            alpha=0.2,
            lw=0,
        )
    _decorate(top, "share in work (95 % CI)")
    top.set_xlabel("")
    colour = COLOURS["difference"]
    bottom.plot(frame.index, frame["difference"], lw=1.2, color=colour, label="IPS - TAU")
    bottom.fill_between(
        frame.index, frame["diff low"], frame["diff high"], color=colour, alpha=0.2, lw=0
    )
    bottom.axhline(0, color="black", lw=0.6)
    _decorate(bottom, "difference (95 % CI)")
    bottom.set_xlabel("months since randomisation")
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
