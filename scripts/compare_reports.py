"""Compare every CSV of two report folders cell by cell.

    python scripts/compare_reports.py BEFORE AFTER

Prints each file as equal or its differing rows; exits 1 when a file differs or is
in one folder only.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def compare(before: Path, after: Path) -> int:
    different = 0
    names = sorted({p.name for p in before.glob("*.csv")} | {p.name for p in after.glob("*.csv")})
    for name in names:
        if not (before / name).exists() or not (after / name).exists():
            print(f"{name}: only in {'after' if (after / name).exists() else 'before'}")
            different += 1
            continue
        old, new = read(before / name), read(after / name)
        if list(old.columns) != list(new.columns) or old.shape != new.shape:
            print(f"{name}: columns or shape differ: {list(old.columns)} {old.shape}")
            print(f"{' ' * len(name)}  against {list(new.columns)} {new.shape}")
            different += 1
            continue
        cells = old != new
        if cells.any().any():
            different += 1
            rows = cells.any(axis=1)
            print(f"{name}: {int(cells.sum().sum())} cells differ")
            print(pd.concat([old[rows].head(5), new[rows].head(5)], keys=["before", "after"]))
        else:
            print(f"{name}: equal ({len(old)} rows)")
    print(f"{len(names)} files, {different} different")
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(compare(Path(sys.argv[1]), Path(sys.argv[2])))
