"""Read one raw delivery file into text columns, the way the delivery contract defines rows.

Fields are split as CSV quotes them (a field in double quotes may hold `;` and a doubled
quote). A row whose field count differs from the header's, or whose quoting is broken, is
set aside; everything else comes back
as text ("" for an empty field), chunk by chunk, with a hash of the whole line so that the
caller can drop exact copies of earlier rows. Each source then applies its own parsing rules.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

# A separator that never occurs in a delivery: each physical line is read as one field.
_LINE_SEP = "\x1f"
# One field, as macro csv_fields reads it: quoted (quotes doubled inside), unquoted, or empty.
_FIELD = r'"(?:[^"]|"")*"|[^;"][^;]*|'
_QUOTED_LINE = re.compile(rf"(?:{_FIELD})(?:;(?:{_FIELD}))*")
_QUOTED_FIELD = re.compile(rf";({_FIELD})")
# Lines per chunk: bounds the memory of the text stage on a big delivery.
CHUNK_LINES = 4_000_000


def find_file(raw_dir: Path, name: str) -> Path:
    """`<name>.csv` or `<name>.csv.gz` in the delivery."""
    for candidate in (raw_dir / f"{name}.csv", raw_dir / f"{name}.csv.gz"):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"{name}.csv is missing from {raw_dir}")


def read_header(path: Path) -> list[str]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as handle:
        first = handle.readline().decode("utf-8-sig").rstrip("\r\n")
    if not first:
        raise ValueError(f"{path.name} is empty")
    return [
        name[1:-1].replace('""', '"') if len(name) > 1 and name[0] == name[-1] == '"' else name
        for name in first.split(";")
    ]


def split_quoted(line: str) -> list[str] | None:
    """The fields of a line that holds a quote; None when its quoting is broken."""
    if not _QUOTED_LINE.fullmatch(line):
        return None
    return [
        field[1:-1].replace('""', '"') if field.startswith('"') else field
        for field in _QUOTED_FIELD.findall(";" + line)
    ]


def _quoted_rows(lines: pd.Series, header: list[str]) -> pd.DataFrame:
    """The lines that hold a quote, split field by field; rows of another width dropped."""
    split = lines.map(split_quoted)
    split = split[split.map(lambda fields: fields is not None and len(fields) == len(header))]
    return pd.DataFrame(split.tolist(), index=split.index, columns=header, dtype="str")


def read_chunks(
    raw_dir: Path, name: str, columns: list[str]
) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
    """Chunks of rows with the header's field count, as text in the named columns, each
    with the 64-bit hash of every row's whole line (equal lines, equal hashes)."""
    path = find_file(raw_dir, name)
    header = read_header(path)
    missing = [c for c in columns if c not in header]
    if missing:
        raise ValueError(f"{name}.csv lacks column(s) {', '.join(missing)}")
    reader = pd.read_csv(
        path,
        sep=_LINE_SEP,
        header=None,
        names=["line"],
        dtype="str",
        quoting=csv.QUOTE_NONE,
        na_filter=False,
        skip_blank_lines=True,
        skiprows=1,
        encoding="utf-8",
        compression="infer",
        chunksize=CHUNK_LINES,
    )
    for chunk in reader:
        lines = chunk["line"]
        quoted = lines.str.contains('"', regex=False)
        plain = lines[~quoted]
        plain = plain[plain.str.count(";") == len(header) - 1]
        parts = []
        if not plain.empty:
            plain_rows = pd.read_csv(
                io.StringIO("\n".join(plain.tolist())),
                sep=";",
                header=None,
                names=header,
                usecols=columns,
                dtype="str",
                quoting=csv.QUOTE_NONE,
                na_filter=False,
                skip_blank_lines=False,
            )
            plain_rows.index = plain.index
            parts.append(plain_rows)
        if quoted.any():
            parts.append(_quoted_rows(lines[quoted], header))
        if not parts:
            continue
        rows = pd.concat(parts).sort_index() if len(parts) > 1 else parts[0]
        hashes = pd.util.hash_pandas_object(lines.loc[rows.index], index=False).to_numpy()
        yield rows[columns], hashes
