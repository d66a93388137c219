"""A source's sound rows of one chunk as text columns, and helpers to build them."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa


@dataclass
class EntityDefect:
    """A planted entity-level defect (written the faulty way, no extra row)."""

    kind: str
    key: pa.Array  # the entity keys
    detail: pa.Array


@dataclass
class Table:
    """Sound rows of one source for one chunk of persons, in file order (by person,
    then the source's key); the fields are the text of each column."""

    source: str
    fields: dict[str, pa.Array]
    person: np.ndarray
    key_column: str | None = None  # entity key named in the defect manifest
    date_column: str | None = None  # target of bad_date
    month_column: str | None = None  # target of bad_month
    code_column: str | None = None  # target of unknown_code
    span: tuple[str, str] | None = None  # (start, end) columns: target of end_before_start
    span_start: np.ndarray | None = None  # start day numbers of the span
    amount: np.ndarray | None = None  # payment amounts (orphan reversals)
    copyable: np.ndarray | None = None  # rows that defect rows may copy (default: all)
    entity_defects: list[EntityDefect] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.person)


def runs(state: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Maximal runs of True in each row: (row, first month, last month), row-major."""
    n, months = state.shape
    padded = np.zeros((n, months + 2), dtype=np.int8)
    padded[:, 1:-1] = state
    step = np.diff(padded, axis=1)
    row, first = np.nonzero(step == 1)
    _, after = np.nonzero(step == -1)
    return row, first, after - 1


def expand(lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For items with ``lengths``: (item index, position within item) of every element."""
    lengths = np.asarray(lengths, dtype=np.int64)
    item = np.repeat(np.arange(len(lengths)), lengths)
    starts = np.cumsum(lengths) - lengths
    return item, np.arange(len(item)) - starts[item]


def rank_within(group: np.ndarray) -> np.ndarray:
    """0-based position of each element within its run of equal ``group`` values
    (``group`` must be sorted)."""
    group = np.asarray(group)
    if len(group) == 0:
        return np.zeros(0, dtype=np.int64)
    new = np.ones(len(group), dtype=bool)
    new[1:] = group[1:] != group[:-1]
    first = np.flatnonzero(new)
    return np.arange(len(group)) - np.repeat(first, np.diff(np.append(first, len(group))))


def stochastic_round(x: float, rng: np.random.Generator) -> int:
    base = int(np.floor(x))
    return base + int(rng.random() < x - base)
