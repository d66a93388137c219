"""A table on its way to publication: values, the persons behind each cell, and
the groups of cells from which one could be worked out from the others.

Only `suppression.publish` turns a `Table` into text, so no table can reach a
file without passing the small-cell check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

Cell = tuple[str, str]  # (row label, column label)


@dataclass
class Table:
    key: str  # file stem, e.g. "table_08"
    title: str
    values: pd.DataFrame  # rows x columns of numbers or text; index = row labels
    support: pd.DataFrame  # same shape: persons each cell rests on (NaN: not person-based)
    additive_groups: list[list[Cell]] = field(default_factory=list)
    decimals: dict[str, int] = field(default_factory=dict)  # by column or row label
    note: str = ""
    # text after a visible cell's number in Markdown and HTML, never in the CSV
    # (significance stars; "not estimable" after an empty cell)
    marks: dict[Cell, str] = field(default_factory=dict)
    # the estimates behind the table, for estimates.csv (see estimates.py)
    estimates: list[dict[str, object]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for frame in (self.values, self.support):
            frame.index = frame.index.astype(str)
            frame.columns = frame.columns.astype(str)
        # every cell must have its support: a missing label would silently
        # switch suppression off for that cell
        if set(self.support.index) != set(self.values.index) or set(self.support.columns) != set(
            self.values.columns
        ):
            raise ValueError(f"{self.key}: support does not match the values' cells")
        self.support = self.support.loc[self.values.index, self.values.columns].astype(float)


def share_support(n: float, k: float) -> float:
    """Persons a share k/n discloses: n, and k and n-k when they are not zero."""
    counts = [n] + [c for c in (k, n - k) if c > 0]
    return float(min(counts))


def mean_support(n: float, k: float) -> float:
    """Persons a mean over person-months rests on: those with the status in some
    month (the mean says little about who never had it), or all when none had."""
    return float(min(n, k)) if k > 0 else float(n)


def format_value(value: object, decimals: int) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(int(value))
    number = float(value)  # type: ignore[arg-type]
    if math.isnan(number):
        return ""
    if isinstance(value, int | np.integer) or decimals == 0:
        return f"{round(number):d}"
    return f"{number:.{decimals}f}"


def to_markdown(frame: pd.DataFrame, index_name: str = "") -> str:
    header = [index_name, *frame.columns]
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(["---"] + ["---:"] * len(frame.columns)) + "|",
    ]
    for label, row in frame.iterrows():
        lines.append("| " + " | ".join([str(label), *map(str, row.tolist())]) + " |")
    return "\n".join(lines) + "\n"
