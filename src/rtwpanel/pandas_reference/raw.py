"""Read one raw delivery file into text columns, the way the delivery contract defines rows.

A row whose field count differs from the header's is set aside; everything else comes back
as text ("" for an empty field), chunk by chunk, with a hash of the whole line so that the
caller can drop exact copies of earlier rows. Each source then applies its own parsing rules.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

# A separator that never occurs in a delivery: each physical line is read as one field.
_LINE_SEP = "\x1f"
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
    return first.split(";")


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
        lines = lines[lines.str.count(";") == len(header) - 1]
        if lines.empty:
            continue
        hashes = pd.util.hash_pandas_object(lines, index=False).to_numpy()
        rows = pd.read_csv(
            io.StringIO("\n".join(lines.tolist())),
            sep=";",
            header=None,
            names=header,
            usecols=columns,
            dtype="str",
            quoting=csv.QUOTE_NONE,
            na_filter=False,
            skip_blank_lines=False,
        )
        yield rows[columns], hashes
