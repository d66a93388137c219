"""`rtwpanel gates`: print the quality-gate summary, then run the GX checkpoint.

Exits 1 when a fail-level gate tripped or a critical expectation failed, else 0.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help="warehouse file (default: $RTW_DUCKDB_PATH or warehouse/rtw.duckdb)",
    )
    parser.add_argument(
        "--skip-expectations",
        action="store_true",
        help="print the dbt gate summary only, without the Great Expectations checkpoint",
    )


def run(args: argparse.Namespace) -> int:
    from rtwpanel.gates.checkpoint import format_outcomes, run_checkpoint
    from rtwpanel.gates.summary import failed_gates, format_gate_summary, read_gate_summary
    from rtwpanel.gates.warehouse import connect_read_only
    from rtwpanel.paths import warehouse_path

    database: Path = (args.db or warehouse_path()).resolve()
    with connect_read_only(database) as connection:
        rows = read_gate_summary(connection)
    print(format_gate_summary(rows))
    failed = bool(failed_gates(rows))
    if not args.skip_expectations:
        outcome = run_checkpoint(database, docs_dir=database.parent / "data_docs")
        print(format_outcomes(outcome))
        failed = failed or bool(outcome.critical_failures)
    return 1 if failed else 0
