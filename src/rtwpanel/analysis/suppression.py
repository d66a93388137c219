"""Small-cell suppression: the one step every published table and figure passes.

Primary: a cell resting on fewer persons than the threshold is hidden.
Secondary: within a group of cells tied by an additive relation (shares that
sum to one, a total and its parts, a share of all and a share of a subgroup),
a single hidden cell could be worked out from the others, so the visible cell
resting on the fewest persons is hidden too, until no group has exactly one
hidden cell.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rtwpanel.analysis.table import Cell, Table, format_value
from rtwpanel.privacy import SMALL_CELL_THRESHOLD

DEFAULT_THRESHOLD = SMALL_CELL_THRESHOLD
HIDDEN = ":"  # Statistics Norway's mark for a confidential figure


def hidden_cells(table: Table, threshold: int = DEFAULT_THRESHOLD) -> set[Cell]:
    support = table.support
    hidden: set[Cell] = {
        (row, col)
        for row in support.index
        for col in support.columns
        if np.isfinite(support.at[row, col]) and support.at[row, col] < threshold
    }
    changed = True
    while changed:
        changed = False
        for group in table.additive_groups:
            inside = [cell for cell in group if cell in hidden]
            visible = [cell for cell in group if cell not in hidden]
            if len(inside) == 1 and visible:
                hidden.add(min(visible, key=lambda cell: _support_key(support, cell)))
                changed = True
    return hidden


def _support_key(support: pd.DataFrame, cell: Cell) -> float:
    value = support.at[cell]
    return float(value) if np.isfinite(value) else float("inf")


@dataclass(frozen=True)
class Published:
    """A table as text, after suppression: `text` for Markdown and HTML (with the
    marks), `numbers` for the CSV (numbers and the hidden mark only)."""

    key: str
    title: str
    text: pd.DataFrame
    n_hidden: int
    note: str
    numbers: pd.DataFrame | None = None


def publish(table: Table, threshold: int = DEFAULT_THRESHOLD) -> Published:
    hidden = hidden_cells(table, threshold)
    numbers = pd.DataFrame(index=table.values.index, columns=table.values.columns, dtype=object)
    for row in table.values.index:
        for col in table.values.columns:
            if (row, col) in hidden:
                numbers.at[row, col] = HIDDEN
            else:
                decimals = table.decimals.get(col, table.decimals.get(row, 3))
                numbers.at[row, col] = format_value(table.values.at[row, col], decimals)
    text = numbers.copy()
    for (row, col), mark in table.marks.items():
        if (row, col) not in hidden and row in text.index and col in text.columns:
            text.at[row, col] = f"{text.at[row, col]}{mark}"
    note = table.note
    if hidden:
        note = (note + " " if note else "") + (
            f"'{HIDDEN}': hidden, rests on fewer than {threshold} persons "
            "or would reveal such a cell."
        )
    return Published(table.key, table.title, text, len(hidden), note, numbers)


def visible_points(support: pd.Series, threshold: int = DEFAULT_THRESHOLD) -> pd.Series:
    """For figures: True where a point may be drawn."""
    return support.astype(float) >= threshold
