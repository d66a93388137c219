"""`python -m pandas_reference RAW_DIR [--out panel.parquet]`: build the panel, report its size."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from pandas_reference.panel import build_panel


def main() -> int:
    parser = argparse.ArgumentParser(prog="pandas_reference", description=__doc__)
    parser.add_argument("raw_dir", type=Path, help="the delivery folder")
    parser.add_argument("--out", type=Path, help="write the panel to this Parquet file")
    parser.add_argument("--no-certificates", action="store_true", help="register spells only")
    args = parser.parse_args()
    started = time.monotonic()
    panel = build_panel(args.raw_dir, use_certificates=not args.no_certificates)
    built = time.monotonic() - started
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        panel.to_parquet(args.out, index=False)
    print(f"panel_rows={len(panel)} build_seconds={built:.1f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
