"""`rtwpanel build`: dbt build on a delivery into a fresh file, then publish it.

Readers open the published warehouse read-only. A build never writes into the
published file: it builds a new file beside it and, only when the build and its
gates passed, renames it into place (an atomic step on one file system). A
failed or killed build leaves the previous warehouse untouched.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from rtwpanel.dbt_invocation import DbtResult, require_success, run_dbt
from rtwpanel.errors import RtwError
from rtwpanel.gate_history import append_gate_history
from rtwpanel.paths import DEMO_DIR, warehouse_path


@dataclass
class BuildResult:
    """A finished build: the warehouse file and what dbt reported."""

    database: Path
    raw_dir: Path
    dbt: DbtResult


def build_warehouse(
    raw_dir: Path | str,
    database: Path | str,
    dbt_vars: Mapping[str, object] | None = None,
    on_line: Callable[[str], None] | None = None,
) -> BuildResult:
    """Run `dbt build` on the delivery in `raw_dir`, writing into `database`.

    Raises RtwError naming dbt's failing nodes when the build fails.
    """
    raw_dir = Path(raw_dir).resolve()
    if not raw_dir.is_dir():
        raise RtwError(f"delivery folder not found: {raw_dir}")
    database = Path(database).resolve()
    variables = {**(dbt_vars or {}), "raw_dir": str(raw_dir)}
    result = run_dbt(["build"], database, dbt_vars=variables, on_line=on_line)
    require_success(result, f"dbt build on {raw_dir}")
    return BuildResult(database=database, raw_dir=raw_dir, dbt=result)


def fresh_build_path(published: Path) -> Path:
    stamp = time.strftime("%Y%m%dT%H%M%S")
    return published.parent / f".{published.stem}.building-{stamp}-{os.getpid()}.duckdb"


def remove_abandoned_builds(published: Path) -> None:
    """Delete the files of builds whose process is gone (killed mid-way)."""
    for leftover in published.parent.glob(f".{published.stem}.building-*"):
        match = re.search(r"-(\d+)\.(duckdb|target)", leftover.name)
        if match and not _process_alive(int(match[1])):
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def publish(built: Path, published: Path) -> None:
    """Move a finished warehouse file into place, atomically."""
    wal = built.with_name(built.name + ".wal")
    if wal.exists():
        raise RtwError(f"{built} still has a write-ahead log; the build did not close cleanly")
    os.replace(built, published)


def build_and_publish(
    raw_dir: Path | str,
    published: Path | None = None,
    dbt_vars: Mapping[str, object] | None = None,
    on_line: Callable[[str], None] | None = None,
) -> BuildResult:
    """Build into a fresh file; publish it over `published` only if the build passed.

    Readers of `published` keep reading the previous build until the rename.
    The gate summary of every published build is appended to the gate history.
    """
    published = (published or warehouse_path()).resolve()
    published.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned_builds(published)
    building = fresh_build_path(published)
    try:
        try:
            result = build_warehouse(raw_dir, building, dbt_vars=dbt_vars, on_line=on_line)
        except RtwError as exc:
            summary = unpublished_gate_summary(building)
            if summary:
                raise RtwError(
                    f"{exc}\n\ngates of the build that was not published:\n{summary}"
                ) from exc
            raise
        publish(building, published)
        append_gate_history(published, result.raw_dir)
    finally:
        for leftover in (building, building.with_name(building.name + ".wal")):
            leftover.unlink(missing_ok=True)
        _keep_last_target(building, published)
    result.database = published
    return result


def unpublished_gate_summary(building: Path) -> str | None:
    """The gate table of a failed build, when the build got as far as writing it."""
    import duckdb

    from rtwpanel.gates.summary import format_gate_summary, read_gate_summary

    if not building.exists():
        return None
    try:
        with duckdb.connect(str(building), read_only=True) as connection:
            return format_gate_summary(read_gate_summary(connection))
    except duckdb.Error:
        return None  # the build stopped before dq.dq_gate_summary existed


def _keep_last_target(building: Path, published: Path) -> None:
    """Keep dbt's artefacts (run_results, logs) of the latest build as warehouse/target."""
    target = building.with_suffix(".target")
    if not target.exists():
        return
    last = published.parent / "target"
    shutil.rmtree(last, ignore_errors=True)
    os.replace(target, last)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--raw-dir", type=Path, default=DEMO_DIR, help="the delivery folder (default: the demo)"
    )
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help="warehouse file (default: $RTW_DUCKDB_PATH or warehouse/rtw.duckdb)",
    )
    parser.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a dbt variable (repeatable), e.g. --var aa_stipulation_lag_months=2",
    )


def parse_vars(pairs: list[str]) -> dict[str, object]:
    import yaml

    variables: dict[str, object] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise RtwError(f"--var expects NAME=VALUE, got {pair!r}")
        variables[name.strip()] = yaml.safe_load(value)
    return variables


def run(args: argparse.Namespace) -> int:
    from rtwpanel.progress import DbtProgress

    with DbtProgress("dbt build") as progress:
        result = build_and_publish(
            args.raw_dir, args.db, dbt_vars=parse_vars(args.var), on_line=progress.line
        )
    progress.summary(result.dbt)
    print(f"warehouse: {result.database}")
    return 0
