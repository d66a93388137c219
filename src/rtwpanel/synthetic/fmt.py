"""Columns as text, vectorised with pyarrow compute (no Python loop per row)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rtwpanel.synthetic import calendar as cal

# Text of frequent values, looked up instead of formatted row by row.
SMALL = 10_000
_SMALL_TEXT = pa.array(np.arange(SMALL)).cast(pa.string())
FIRST_DAY = cal.day("1990-01-01")
LAST_DAY = cal.day("2020-12-31")
_DAY_TEXT = pa.array(cal.yyyymmdd(np.arange(FIRST_DAY, LAST_DAY + 1))).cast(pa.string())
_MONTH_TEXT = pa.array(cal.yyyymm(np.arange(cal.N_MONTHS + 1))).cast(pa.string())


def _lookup(table: pa.Array, index: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    return table.take(pa.array(index, mask=missing))


def ints(values: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    """Integers as text; ``missing`` rows are empty."""
    values = np.asarray(values, dtype=np.int64)
    if len(values) and values.min() >= 0 and values.max() < SMALL:
        return _lookup(_SMALL_TEXT, values, missing)
    return pa.array(values, mask=missing).cast(pa.string())


def dates(days: np.ndarray) -> pa.Array:
    """Day numbers as YYYYMMDD; negative day numbers are missing (empty)."""
    days = np.asarray(days, dtype=np.int64)
    missing = days < 0
    inside = (days >= FIRST_DAY) & (days <= LAST_DAY)
    if (inside | missing).all():
        return _lookup(_DAY_TEXT, np.where(missing, 0, days - FIRST_DAY), missing)
    text = cal.yyyymmdd(np.where(missing, 0, days))
    return pa.array(text, mask=missing).cast(pa.string())


def months(t: np.ndarray) -> pa.Array:
    return _lookup(_MONTH_TEXT, np.asarray(t, dtype=np.int64))


def labels(codes: np.ndarray, names: tuple[str, ...] | list[str]) -> pa.Array:
    """Codes (indices) as their names."""
    return pa.array(list(names), type=pa.string()).take(pa.array(np.asarray(codes, dtype=np.int64)))


def person_ids(person: np.ndarray, width: int) -> pa.Array:
    """Person numbers (0-based index) as ``P`` + zero-padded number (1-based)."""
    digits = pc.utf8_lpad(ints(np.asarray(person) + 1), width=width, padding="0")
    return pc.binary_join_element_wise("P", digits, "")


def keyed_ids(
    prefix: str, person: np.ndarray, serial: np.ndarray, width: int, serial_width: int
) -> pa.Array:
    """Entity keys ``<prefix><person number>-<serial>``, stable and unique."""
    digits = pc.utf8_lpad(ints(np.asarray(person) + 1), width=width, padding="0")
    tail = pc.utf8_lpad(ints(np.asarray(serial) + 1), width=serial_width, padding="0")
    return pc.binary_join_element_wise(prefix, digits, "-", tail, "")


def percent(tenths: np.ndarray) -> pa.Array:
    """Tenths of a per cent as a number: 1000 -> 100, 375 -> 37.5."""
    return _lookup(_PERCENT_TEXT, np.asarray(tenths, dtype=np.int64))


def _percent_text() -> pa.Array:
    tenths = np.arange(1001)
    return pa.array([f"{t // 10}" if t % 10 == 0 else f"{t // 10}.{t % 10}" for t in tenths])


_PERCENT_TEXT = _percent_text()


def join_lines(fields: list[pa.Array]) -> pa.Array:
    """Fields joined by ';' into lines ending in a newline (missing -> empty)."""
    line = pc.binary_join_element_wise(*fields, ";", null_handling="replace", null_replacement="")
    return pc.binary_join_element_wise(line, "", "\n")


def line_bytes(lines: pa.Array) -> memoryview:
    """The bytes of a string array's values, back to back (the file content)."""
    lines = lines.cast(pa.large_string()) if lines.type != pa.large_string() else lines
    if isinstance(lines, pa.ChunkedArray):
        lines = lines.combine_chunks()
    _, offsets_buf, data = lines.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=np.int64)[
        lines.offset : lines.offset + len(lines) + 1
    ]
    if len(lines) == 0 or data is None:
        return memoryview(b"")
    return memoryview(data)[int(offsets[0]) : int(offsets[-1])]
