"""A published table as the tests read it: its CSV, one dict per row, keyed by the row label."""

from __future__ import annotations

import csv
from pathlib import Path


def table(path: Path) -> dict[str, dict[str, str]]:
    """The rows of a published `table_*.csv` by their label (column `row`)."""
    with open(path, newline="", encoding="utf-8") as handle:
        return {row["row"]: row for row in csv.DictReader(handle)}
