"""`python -m rtwpanel.pandas_reference RAW_DIR [--out panel.parquet]`: the panel, its size."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from rtwpanel.pandas_reference.panel import build_panel


def write_parquet(panel: pd.DataFrame, path: Path, rows_per_group: int = 5_000_000) -> None:
    """Write in row groups, so the Arrow copy of a big panel is one group at a time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    schema = pa.Schema.from_pandas(panel.iloc[:0], preserve_index=False)
    with pq.ParquetWriter(path, schema) as writer:
        for start in range(0, len(panel), rows_per_group):
            part = panel.iloc[start : start + rows_per_group]
            writer.write_table(pa.Table.from_pandas(part, schema=schema, preserve_index=False))


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m rtwpanel.pandas_reference", description=__doc__
    )
    parser.add_argument("raw_dir", type=Path, help="the delivery folder")
    parser.add_argument("--out", type=Path, help="write the panel to this Parquet file")
    parser.add_argument("--no-certificates", action="store_true", help="register spells only")
    args = parser.parse_args()
    started = time.monotonic()
    panel = build_panel(args.raw_dir, use_certificates=not args.no_certificates)
    built = time.monotonic() - started
    if args.out:
        write_parquet(panel, args.out)
    print(f"panel_rows={len(panel)} build_seconds={built:.1f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
