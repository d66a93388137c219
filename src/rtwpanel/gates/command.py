"""`rtwpanel gates`: print the quality-gate summary, then run the GX checkpoint.

Exits 1 when a fail-level gate tripped or a critical expectation failed, else 0.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rtwpanel.options import add_db


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_db(parser)
    parser.add_argument(
        "--skip-expectations",
        action="store_true",
        help="print the dbt gate summary only, without the Great Expectations checkpoint",
    )


def check(database: Path, expectations: bool = True) -> int:
    """Print the gate summary (and run the expectations); 1 when anything critical failed."""
    from rtwpanel.gates.checkpoint import format_outcomes, results_path_for, run_checkpoint
    from rtwpanel.gates.summary import failed_gates, format_gate_summary, read_gate_summary
    from rtwpanel.gates.warehouse import connect_read_only
    from rtwpanel.provenance import read_build_record

    database = database.resolve()
    with connect_read_only(database) as connection:
        rows = read_gate_summary(connection)
        record = read_build_record(connection)
    if record is not None:
        print(
            f"build {record.build_id} of {record.raw_dir} "
            f"(sha256 {record.delivery_sha256[:16]}…), finished {record.finished_at} UTC"
        )
    print(format_gate_summary(rows))
    failed = bool(failed_gates(rows))
    if expectations:
        outcome = run_checkpoint(database, results_path=results_path_for(database))
        print(format_outcomes(outcome))
        failed = failed or bool(outcome.critical_failures)
    return 1 if failed else 0


def run(args: argparse.Namespace) -> int:
    from rtwpanel.paths import warehouse_path

    return check(args.db or warehouse_path(), expectations=not args.skip_expectations)
