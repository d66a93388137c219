"""The gate history as a CSV file beside the warehouse, for spreadsheets.

The history itself lives in the published warehouse (`meta.gate_history`,
written by the build in the same file that is published, see provenance.py):
one row per gate per published build. After each publish it is exported to
`gate_history.csv`, whole, so the file can always be made again from the
warehouse.
"""

from __future__ import annotations

import csv
from pathlib import Path

from rtwpanel.provenance import GATE_HISTORY_COLUMNS

HISTORY_COLUMNS = ["built_at", "build_id", "raw_dir", "delivery_sha256", *GATE_HISTORY_COLUMNS]


def history_path(database: Path) -> Path:
    return database.parent / "gate_history.csv"


def export_gate_history(database: Path) -> Path:
    """Write meta.gate_history of the published warehouse to gate_history.csv."""
    import duckdb

    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute(
            "select strftime(finished_at, '%Y-%m-%dT%H:%M:%S+00:00'), build_id, raw_dir, "
            f"delivery_sha256, {', '.join(GATE_HISTORY_COLUMNS)} from meta.gate_history"
        ).fetchall()
    path = history_path(database)
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HISTORY_COLUMNS)
        writer.writerows(rows)
    partial.replace(path)
    return path
