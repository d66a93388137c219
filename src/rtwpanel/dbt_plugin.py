"""The dbt-duckdb plugin that makes every dbt command safe for readers.

profiles.yml loads it on the DuckDB target, so it runs inside plain `dbt build`
as much as inside `rtwpanel build`:

- Before anything is built, the dbt variables are checked (an unknown name,
  a wrong type, a value out of range is refused with what is allowed), and
  a command that writes verifies every gzip file of the delivery whole (a
  corrupt one is refused by name: DuckDB's reader does not check the CRC).
- A command that writes (`build`, `run`, `seed`, ...) does not open the
  published warehouse: it writes into a file of its own (publish.py). A full
  `dbt build` starts from an empty file; a partial one (`--select`) or another
  writing command from a copy of the published one. When dbt is done, the
  provenance tables are written into the file, and it is published if no node
  failed, or kept under `rejected/` if one did.
- A command that only reads (`test`, `docs generate`, `show`, `compile`)
  opens the published warehouse read-only, so it works while analysts have
  it open, and cannot change it.

The outcome is written to `<target>/publish.json` for the callers that want
it (`rtwpanel build`), and printed in one line.
"""

from __future__ import annotations

import atexit
import json
import os
import sys
import time
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin

from rtwpanel.dbt_invocation import OUTCOME_FILE

WRITING_COMMANDS = {"build", "run", "seed", "snapshot", "run-operation", "clone", "retry"}
FAILED_STATUSES = {"error", "fail", "runtime error"}


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        self.session = Session.current()

    def update_connection_config(self, creds: Any, config: dict[str, Any]) -> None:
        self.session.redirect(creds, config)

    def configure_connection(self, conn: Any) -> None:
        self.session.connection = conn


class Session:
    """What this dbt process does with the warehouse; one per process."""

    _current: Session | None = None

    def __init__(self) -> None:
        from dbt.flags import get_flags

        from rtwpanel.errors import RtwError
        from rtwpanel.study import load_study
        from rtwpanel.variables import check_variables, in_force

        flags = get_flags()
        self.command = str(getattr(flags, "WHICH", "") or "")
        self.cli_vars: dict[str, object] = dict(getattr(flags, "VARS", None) or {})
        self.partial = any(getattr(flags, name, None) for name in ("SELECT", "EXCLUDE", "SELECTOR"))
        self.target_path = Path(str(getattr(flags, "TARGET_PATH", None) or "target"))
        self.started_at = datetime.now(UTC)
        self.published: Path | None = None
        self.building: Path | None = None
        self.connection: Any = None
        self.hashing: Future | None = None
        self.lock: Any = None
        try:
            check_variables(self.cli_vars)
            self.study = load_study(in_force(self.cli_vars)["study"])
        except RtwError as exc:
            # dbt prints an exception raised here as its own runtime error, the message whole.
            from dbt_common.exceptions import DbtRuntimeError

            raise DbtRuntimeError(str(exc)) from None

    @classmethod
    def current(cls) -> Session:
        if cls._current is None:
            cls._current = cls()
        return cls._current

    @property
    def writes(self) -> bool:
        return self.command in WRITING_COMMANDS

    def redirect(self, creds: Any, config: dict[str, Any]) -> None:
        """Point this process's connection at its own build file, or open read-only."""
        path = str(creds.path)
        if path == ":memory:" or path.startswith("md:"):
            return
        if self.building is not None:  # dbt reopens the connection between nodes
            creds.path = str(self.building)
            return
        published = Path(path).resolve()
        if not self.writes:
            if published.exists():
                config["access_mode"] = "READ_ONLY"
            else:  # nothing published yet: read nothing, and create no empty warehouse
                creds.path = f":memory:{published.stem}"
            return
        from dbt_common.exceptions import DbtRuntimeError

        from rtwpanel.delivery_integrity import corrupt_gzip_files, refusal
        from rtwpanel.errors import RtwError
        from rtwpanel.provenance import hash_in_background
        from rtwpanel.publish import BuildLock, new_build_path, remove_abandoned_builds

        raw_dir = self.raw_dir()
        # before the structural checks: they would read a corrupt file as data
        corrupt = corrupt_gzip_files(raw_dir) if raw_dir.is_dir() else []
        if corrupt:
            raise DbtRuntimeError(refusal(raw_dir, corrupt))
        self.lock = BuildLock(published)
        try:
            self.lock.acquire()
        except RtwError as exc:
            raise DbtRuntimeError(str(exc)) from None
        remove_abandoned_builds(published)
        self.published = published
        full_build = self.command == "build" and not self.partial
        self.building = new_build_path(published, copy_published=not full_build)
        creds.path = str(self.building)
        if raw_dir.is_dir():
            self.hashing = hash_in_background(raw_dir)
        atexit.register(self.finish)

    def raw_dir(self) -> Path:
        from rtwpanel.paths import PROJECT_DIR
        from rtwpanel.variables import in_force

        return (PROJECT_DIR / str(in_force(self.cli_vars)["raw_dir"])).resolve()

    def finish(self) -> None:
        """At the end of dbt: provenance into the build, then publish or reject it."""
        if self.building is None or self.published is None:
            return
        try:
            outcome, where = self._finish()
        except Exception as exc:  # the build is not published; say so and fail the command
            from rtwpanel.gates.warehouse import lock_hint

            print(
                f"rtwpanel: the build could not be published: {exc}{lock_hint(str(exc))}",
                file=sys.stderr,
            )
            sys.stderr.flush()
            os._exit(2)
        finally:
            self.lock.release()
        self._write_outcome(outcome, where)
        print(f"rtwpanel: {outcome}: {where}", flush=True)

    def _finish(self) -> tuple[str, Path]:
        import duckdb

        from rtwpanel.provenance import (
            BuildRecord,
            delivery_fingerprint,
            versions,
            write_provenance,
        )
        from rtwpanel.publish import discard, keep_rejected, publish
        from rtwpanel.variables import in_force

        assert self.building is not None and self.published is not None
        if self.connection is not None:
            self.connection.close()
        failed = self._failed()
        if failed and not self._has_dq_tables():
            discard(self.building)  # refused before anything was built: nothing to inspect
            return "not built", self.published
        outcome = "rejected" if failed else "published"
        if self.partial or self.command != "build":
            outcome = "rejected" if failed else "published (partial build)"
        files = self.hashing.result() if self.hashing is not None else []
        record = BuildRecord(
            build_id=_invocation_id(),
            command=" ".join(["dbt", *sys.argv[1:]]),
            started_at=self.started_at.isoformat(timespec="seconds"),
            finished_at=datetime.now(UTC).isoformat(timespec="seconds"),
            outcome=outcome.split(" ")[0],
            raw_dir=str(self.raw_dir()),
            delivery_sha256=delivery_fingerprint(files),
            study=_relative(self.study.path),
            study_sha256=self.study.sha256,
            dbt_vars=in_force(self.cli_vars),
            cli_vars=self.cli_vars,
            versions=versions(),
        )
        with duckdb.connect(str(self.building)) as connection:
            write_provenance(connection, record, files, previous=self.published)
        if failed:
            return outcome, keep_rejected(self.building, self.published)
        publish(self.building, self.published)
        from rtwpanel.gate_history import export_gate_history

        export_gate_history(self.published)
        return outcome, self.published

    def _failed(self) -> bool:
        results = self.target_path / "run_results.json"
        if not results.exists() or results.stat().st_mtime < self.started_at.timestamp() - 1:
            return True  # dbt stopped before it ran a node (e.g. the delivery was refused)
        nodes = json.loads(results.read_text()).get("results", [])
        return any(str(node.get("status")) in FAILED_STATUSES for node in nodes)

    def _has_dq_tables(self) -> bool:
        import duckdb

        assert self.building is not None
        if not self.building.exists():
            return False
        with duckdb.connect(str(self.building), read_only=True) as connection:
            return bool(
                connection.execute(
                    "select count(*) from duckdb_tables() where schema_name = 'dq'"
                ).fetchone()[0]
            )

    def _write_outcome(self, outcome: str, where: Path) -> None:
        self.target_path.mkdir(parents=True, exist_ok=True)
        (self.target_path / OUTCOME_FILE).write_text(
            json.dumps({"outcome": outcome, "warehouse": str(where), "at": time.time()})
        )


def _invocation_id() -> str:
    from dbt_common.invocation import get_invocation_id

    return get_invocation_id()


def _relative(path: Path) -> str:
    from rtwpanel.paths import PROJECT_DIR

    try:
        return str(path.resolve().relative_to(PROJECT_DIR))
    except ValueError:
        return str(path.resolve())
