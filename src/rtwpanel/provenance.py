"""What a warehouse was built from, written into the warehouse itself.

Every dbt build on the DuckDB target writes three tables into its own file
before it is published or rejected:

- ``meta.build_info``: one row: the build (dbt's invocation id, command, start
  and end, outcome), the delivery folder, the dbt variables in force, and the
  versions of rtwpanel (with its git commit), dbt, the adapter, DuckDB, Python;
- ``meta.delivery_files``: every file of the delivery with its size and SHA-256;
- ``meta.gate_history``: the gate summary of every published build, carried
  over from the previously published warehouse, with this build's rows added.

The report header, ``rtwpanel gates`` and the gate history read these tables,
so a warehouse file says what it is wherever it is copied.
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from rtwpanel.paths import PROJECT_DIR

if TYPE_CHECKING:
    import duckdb

TRUTH_FOLDER = "truth"  # the generator's answers, not part of a delivery

BUILD_INFO_COLUMNS = {
    "build_id": "varchar",
    "command": "varchar",
    "started_at": "timestamp",
    "finished_at": "timestamp",
    "outcome": "varchar",
    "raw_dir": "varchar",
    "delivery_sha256": "varchar",
    "study": "varchar",
    "study_sha256": "varchar",
    "dbt_vars": "varchar",
    "cli_vars": "varchar",
    "rtwpanel_version": "varchar",
    "git_commit": "varchar",
    "dbt_version": "varchar",
    "adapter_version": "varchar",
    "duckdb_version": "varchar",
    "python_version": "varchar",
}


@dataclass(frozen=True)
class DeliveryFile:
    name: str
    bytes: int
    sha256: str


def delivery_files(raw_dir: Path) -> list[DeliveryFile]:
    """Every file of the delivery (the generator's truth/ left out), hashed."""
    paths = sorted(
        path
        for path in raw_dir.rglob("*")
        if path.is_file() and path.relative_to(raw_dir).parts[0] != TRUTH_FOLDER
    )
    files = []
    for path in paths:
        with path.open("rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        files.append(DeliveryFile(str(path.relative_to(raw_dir)), path.stat().st_size, digest))
    return files


def delivery_fingerprint(files: list[DeliveryFile]) -> str:
    """One hash of the whole delivery: its files' names and contents."""
    digest = hashlib.sha256()
    for item in files:
        digest.update(item.name.encode())
        digest.update(bytes.fromhex(item.sha256))
    return digest.hexdigest()


def hash_in_background(raw_dir: Path) -> Future[list[DeliveryFile]]:
    """Hash the delivery while dbt builds: at millions of persons it is minutes of reading."""
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rtw-delivery-hash")
    future = executor.submit(delivery_files, raw_dir)
    executor.shutdown(wait=False)
    return future


def versions() -> dict[str, str]:
    import duckdb

    def installed(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    return {
        "rtwpanel_version": installed("rtwpanel"),
        "git_commit": git_commit(),
        "dbt_version": installed("dbt-core"),
        "adapter_version": f"dbt-duckdb {installed('dbt-duckdb')}",
        "duckdb_version": duckdb.__version__,
        "python_version": platform.python_version(),
    }


def git_commit() -> str:
    """The project's commit, with `+changes` when the work tree differs; '' outside git."""
    try:
        commit = _git("rev-parse", "HEAD")
        dirty = _git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return ""
    return f"{commit}+changes" if dirty else commit


def _git(*args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=10, check=True
    )
    return done.stdout.strip()


@dataclass(frozen=True)
class BuildRecord:
    """The row of meta.build_info, as written and as read back."""

    build_id: str
    command: str
    started_at: str
    finished_at: str
    outcome: str
    raw_dir: str
    delivery_sha256: str
    study: str = ""  # the study file the build read, relative to the project
    study_sha256: str = ""
    dbt_vars: dict[str, object] = field(default_factory=dict)
    cli_vars: dict[str, object] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)

    @property
    def seconds(self) -> float | None:
        from datetime import datetime

        try:
            start = datetime.fromisoformat(self.started_at)
            end = datetime.fromisoformat(self.finished_at)
        except ValueError:
            return None
        return (end - start).total_seconds()


def write_provenance(
    connection: duckdb.DuckDBPyConnection,
    record: BuildRecord,
    files: list[DeliveryFile],
    previous: Path | None,
) -> None:
    """Write meta.build_info, meta.delivery_files and meta.gate_history into a build."""
    connection.execute("create schema if not exists meta")
    columns = ", ".join(f"{name} {kind}" for name, kind in BUILD_INFO_COLUMNS.items())
    connection.execute(f"create or replace table meta.build_info ({columns})")
    values = {
        "build_id": record.build_id,
        "command": record.command,
        "started_at": record.started_at,
        "finished_at": record.finished_at,
        "outcome": record.outcome,
        "raw_dir": record.raw_dir,
        "delivery_sha256": record.delivery_sha256,
        "study": record.study,
        "study_sha256": record.study_sha256,
        "dbt_vars": json.dumps(record.dbt_vars, sort_keys=True, default=str),
        "cli_vars": json.dumps(record.cli_vars, sort_keys=True, default=str),
        **record.versions,
    }
    connection.execute(
        f"insert into meta.build_info values ({', '.join('?' for _ in BUILD_INFO_COLUMNS)})",
        [values.get(name, "") for name in BUILD_INFO_COLUMNS],
    )
    connection.execute(
        "create or replace table meta.delivery_files "
        "(file_name varchar, bytes bigint, sha256 varchar)"
    )
    if files:
        connection.executemany(
            "insert into meta.delivery_files values (?, ?, ?)",
            [(item.name, item.bytes, item.sha256) for item in files],
        )
    _write_gate_history(connection, record, previous)


GATE_HISTORY_COLUMNS = (
    "gate",
    "scope",
    "status",
    "severity",
    "observed_value",
    "threshold",
    "n_flagged",
    "n_checked",
)


def _write_gate_history(
    connection: duckdb.DuckDBPyConnection, record: BuildRecord, previous: Path | None
) -> None:
    """The published builds' gate rows: the previous warehouse's, then this build's."""
    gate_columns = ", ".join(GATE_HISTORY_COLUMNS)
    connection.execute(
        "create or replace table meta.gate_history (build_id varchar, finished_at timestamp, "
        "raw_dir varchar, delivery_sha256 varchar, gate varchar, scope varchar, "
        "status varchar, severity varchar, observed_value double, threshold double, "
        "n_flagged bigint, n_checked bigint)"
    )
    if previous is not None and previous.exists():
        connection.execute(f"attach '{_sql_string(previous)}' as previous_build (read_only)")
        try:
            has_history = connection.execute(
                "select count(*) from duckdb_tables() where database_name = 'previous_build' "
                "and schema_name = 'meta' and table_name = 'gate_history'"
            ).fetchone()[0]
            if has_history:
                connection.execute(
                    "insert into meta.gate_history select * from previous_build.meta.gate_history"
                )
        finally:
            connection.execute("detach previous_build")
    if record.outcome != "published":
        return
    has_summary = connection.execute(
        "select count(*) from duckdb_tables() where schema_name = 'dq' "
        "and table_name = 'dq_gate_summary'"
    ).fetchone()[0]
    if has_summary:
        connection.execute(
            f"insert into meta.gate_history select ?, ?, ?, ?, {gate_columns} "
            "from dq.dq_gate_summary order by gate_order, gate, scope",
            [record.build_id, record.finished_at, record.raw_dir, record.delivery_sha256],
        )


def _sql_string(path: Path) -> str:
    return str(path).replace("'", "''")


def read_build_record(connection: duckdb.DuckDBPyConnection) -> BuildRecord | None:
    """meta.build_info of an open warehouse; None for a warehouse built without it."""
    present = connection.execute(
        "select count(*) from duckdb_tables() where schema_name = 'meta' "
        "and table_name = 'build_info'"
    ).fetchone()[0]
    if not present:
        return None
    # a warehouse built by an older version lacks the later columns: read what is there
    present_columns = [
        name
        for (name,) in connection.execute(
            "select column_name from duckdb_columns() where schema_name = 'meta' "
            "and table_name = 'build_info'"
        ).fetchall()
        if name in BUILD_INFO_COLUMNS
    ]
    row = connection.execute(
        f"select {', '.join(present_columns)} from meta.build_info limit 1"
    ).fetchone()
    if row is None:
        return None
    values: Mapping[str, object] = {
        **dict.fromkeys(BUILD_INFO_COLUMNS, ""),
        **dict(zip(present_columns, row, strict=True)),
    }
    version_keys = (
        "rtwpanel_version",
        "git_commit",
        "dbt_version",
        "adapter_version",
        "duckdb_version",
        "python_version",
    )
    return BuildRecord(
        build_id=str(values["build_id"]),
        command=str(values["command"]),
        started_at=str(values["started_at"]),
        finished_at=str(values["finished_at"]),
        outcome=str(values["outcome"]),
        raw_dir=str(values["raw_dir"]),
        delivery_sha256=str(values["delivery_sha256"]),
        study=str(values["study"] or ""),
        study_sha256=str(values["study_sha256"] or ""),
        dbt_vars=json.loads(str(values["dbt_vars"] or "{}")),
        cli_vars=json.loads(str(values["cli_vars"] or "{}")),
        versions={key: str(values[key] or "") for key in version_keys},
    )
