"""Run dbt as a child process against a chosen delivery and warehouse file.

A child process (not dbt's in-process runner) keeps every build independent:
dbt holds global state, and a build may be killed without taking the caller
down with it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rtwpanel.errors import RtwError
from rtwpanel.paths import PROJECT_DIR

PROGRESS_LINE = re.compile(r"\b(\d+) of (\d+) (OK|PASS|WARN|ERROR|FAIL|SKIP)\b")


@dataclass
class DbtResult:
    """What one dbt invocation did: node statuses, failures, warnings, time."""

    returncode: int
    seconds: float
    statuses: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    log_tail: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def dbt_executable() -> str:
    beside_python = Path(sys.executable).parent / "dbt"
    return str(beside_python) if beside_python.exists() else "dbt"


def dbt_environment(database: Path, target_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "RTW_DUCKDB_PATH": str(database),
            "DBT_PROFILES_DIR": str(PROJECT_DIR),
            "DBT_TARGET_PATH": str(target_dir),
            "DBT_LOG_PATH": str(target_dir / "logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
    )
    return env


def run_dbt(
    args: Sequence[str],
    database: Path,
    dbt_vars: Mapping[str, object] | None = None,
    target_dir: Path | None = None,
    on_line: Callable[[str], None] | None = None,
) -> DbtResult:
    """Run `dbt <args>` with the project at PROJECT_DIR, writing into `database`."""
    database = Path(database).resolve()
    database.parent.mkdir(parents=True, exist_ok=True)
    target_dir = (target_dir or database.with_suffix(".target")).resolve()
    command = [dbt_executable(), *args]
    if dbt_vars:
        command += ["--vars", json.dumps(dict(dbt_vars), sort_keys=True)]
    started = time.monotonic()
    tail: list[str] = []
    with subprocess.Popen(
        command,
        cwd=PROJECT_DIR,
        env=dbt_environment(database, target_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            line = line.rstrip("\n")
            tail = [*tail[-199:], line]
            if on_line:
                on_line(line)
        returncode = process.wait()
    result = DbtResult(returncode, time.monotonic() - started, log_tail=tail)
    _read_run_results(target_dir / "run_results.json", result)
    return result


def _read_run_results(path: Path, result: DbtResult) -> None:
    if not path.exists():
        return
    results = json.loads(path.read_text()).get("results", [])
    for node in results:
        status = str(node.get("status"))
        result.statuses[status] += 1
        name = node.get("unique_id", "?")
        message = node.get("message") or ""
        if status in {"error", "fail", "runtime error"}:
            result.failures.append(f"{name}: {message}".strip())
        elif status == "warn":
            result.warnings.append(f"{name}: {message}".strip())


def require_success(result: DbtResult, what: str) -> None:
    """Raise one readable error naming what failed and dbt's own message."""
    if result.ok:
        return
    details = (
        result.failures
        or [line for line in result.log_tail if "error" in line.lower() or "Error" in line][-15:]
    )
    if not details:
        details = result.log_tail[-15:]
    raise RtwError(f"{what} failed:\n  " + "\n  ".join(details))
