"""Read one raw delivery file into text columns, the way the delivery contract defines rows.

A row whose field count differs from the header's is set aside, and an exact copy of an
earlier row is dropped; everything else comes back as text ("" for an empty field), so
that each source can apply its own parsing rules.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

# A separator that never occurs in a delivery: each physical line is read as one field.
_LINE_SEP = "\x1f"


def find_file(raw_dir: Path, name: str) -> Path:
    """`<name>.csv` or `<name>.csv.gz` in the delivery."""
    for candidate in (raw_dir / f"{name}.csv", raw_dir / f"{name}.csv.gz"):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"{name}.csv is missing from {raw_dir}")


def _read_lines(path: Path) -> pd.Series:
    lines = pd.read_csv(
        path,
        sep=_LINE_SEP,
        header=None,
        names=["line"],
        dtype="str",
        quoting=csv.QUOTE_NONE,
        na_filter=False,
        skip_blank_lines=True,
        encoding="utf-8-sig",
        compression="infer",
    )["line"]
    return lines


def read_rows(raw_dir: Path, name: str, columns: list[str]) -> pd.DataFrame:
    """The sound-shaped, de-duplicated rows of a file, as text, with the named columns."""
    lines = _read_lines(find_file(raw_dir, name))
    if lines.empty:
        raise ValueError(f"{name}.csv is empty")
    header = lines.iloc[0].split(";")
    missing = [c for c in columns if c not in header]
    if missing:
        raise ValueError(f"{name}.csv lacks column(s) {', '.join(missing)}")
    body = lines.iloc[1:]
    body = body[~body.duplicated()]
    body = body[body.str.count(";") == len(header) - 1]
    if body.empty:
        return pd.DataFrame({c: pd.Series([], dtype="str") for c in columns})
    rows = pd.read_csv(
        io.StringIO("\n".join(body.tolist())),
        sep=";",
        header=None,
        names=header,
        usecols=columns,
        dtype="str",
        quoting=csv.QUOTE_NONE,
        na_filter=False,
    )
    return rows[columns]
