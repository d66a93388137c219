"""Open the published warehouse read-only, with one clear error when it is not there."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rtwpanel.errors import RtwError

if TYPE_CHECKING:
    import duckdb


def connect_read_only(database: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to `database`; RtwError when it is missing or unreadable."""
    import duckdb

    if not database.exists():
        raise RtwError(f"warehouse not found: {database} (run `rtwpanel build` first)")
    try:
        return duckdb.connect(str(database), read_only=True)
    except duckdb.Error as exc:
        raise RtwError(
            f"cannot open the warehouse {database} read-only: {exc}{lock_hint(str(exc))}"
        ) from exc


def lock_hint(message: str) -> str:
    """What to do when DuckDB says another process holds the file for writing."""
    if "lock" not in message.lower():
        return ""
    return (
        "\nAnother process holds the warehouse open for writing (DuckDB names its PID "
        "above). Readers must open it read-only (`duckdb -readonly`, "
        "`duckdb.connect(..., read_only=True)`); close that process, then try again."
    )


def require_relation(connection: duckdb.DuckDBPyConnection, schema: str, name: str) -> None:
    """RtwError naming the relation when the warehouse lacks it (an older or failed build)."""
    found = connection.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchone()
    if not found or found[0] == 0:
        raise RtwError(f"the warehouse has no {schema}.{name}; rebuild it with `rtwpanel build`")
