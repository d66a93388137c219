"""Keep every published build's gate summary, so quality can be compared
between deliveries.

The history is a CSV file beside the warehouse (`gate_history.csv`), one row
per gate per build, appended after each successful publish.
"""

from __future__ import annotations

import csv
import hashlib
from datetime import UTC, datetime
from pathlib import Path

HISTORY_COLUMNS = [
    "built_at",
    "raw_dir",
    "delivery_sha256",
    "gate",
    "scope",
    "status",
    "severity",
    "observed_value",
    "threshold",
    "n_flagged",
    "n_checked",
]


def history_path(database: Path) -> Path:
    return database.parent / "gate_history.csv"


def delivery_fingerprint(raw_dir: Path) -> str:
    """A hash of the delivery's raw files (names and contents; truth/ excluded)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in raw_dir.iterdir() if p.is_file()):
        digest.update(path.name.encode())
        with path.open("rb") as handle:
            digest.update(hashlib.file_digest(handle, "sha256").digest())
    return digest.hexdigest()


def append_gate_history(database: Path, raw_dir: Path) -> Path:
    import duckdb

    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute(
            "select gate, scope, status, severity, observed_value, threshold, "
            "n_flagged, n_checked from dq.dq_gate_summary order by gate_order, gate, scope"
        ).fetchall()
    path = history_path(database)
    is_new = not path.exists()
    built_at = datetime.now(UTC).isoformat(timespec="seconds")
    fingerprint = delivery_fingerprint(raw_dir)
    with path.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        if is_new:
            writer.writerow(HISTORY_COLUMNS)
        for row in rows:
            writer.writerow([built_at, str(raw_dir), fingerprint, *row])
    return path
