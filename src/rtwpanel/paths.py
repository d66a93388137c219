"""Where things are: the dbt project, the demo delivery, the warehouse file."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
DEMO_DIR = PROJECT_DIR / "data" / "demo"
DEFAULT_WAREHOUSE = Path("warehouse") / "rtw.duckdb"


def warehouse_path() -> Path:
    """The DuckDB file: RTW_DUCKDB_PATH, else warehouse/rtw.duckdb under the project."""
    configured = os.environ.get("RTW_DUCKDB_PATH")
    if configured:
        return Path(configured)
    return PROJECT_DIR / DEFAULT_WAREHOUSE
