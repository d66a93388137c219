"""Run dbt as a child process against a chosen delivery and warehouse file.

A child process (not dbt's in-process runner) keeps every build independent:
dbt holds global state, and a build may be killed without taking the caller
down with it.
"""

from __future__ import annotations

import contextlib
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

OUTCOME_FILE = "publish.json"  # written by the dbt plugin into the target folder

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
    # What the dbt plugin did with the build: outcome (published, rejected, not
    # built) and the file it left (the published warehouse or the kept rejected one).
    outcome: dict[str, str] = field(default_factory=dict)

    @property
    def warehouse(self) -> Path | None:
        where = self.outcome.get("warehouse")
        return Path(where) if where else None

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
    wall_started = time.time()
    tail: list[str] = []
    with subprocess.Popen(
        command,
        cwd=PROJECT_DIR,
        env=dbt_environment(database, target_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=_die_with_parent,
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
    _read_outcome(target_dir / OUTCOME_FILE, result, since=wall_started)
    return result


def _read_outcome(path: Path, result: DbtResult, since: float) -> None:
    if not path.exists():
        return
    outcome = json.loads(path.read_text())
    if float(outcome.get("at", 0)) >= since:  # this invocation's, not an earlier one's
        result.outcome = {key: str(value) for key, value in outcome.items()}


def _die_with_parent() -> None:
    """In the dbt child: ask Linux to end it when its parent dies, however the parent dies."""
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


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


PLUGIN_PREFIX = "rtwpanel: "  # the plugin's own outcome line, not dbt's message
ANSI = re.compile(r"\x1b\[[0-9;]*m")
DBT_TIMESTAMP = re.compile(r"^\d\d:\d\d:\d\d(\.\d+)?\s{1,2}")
# Shaped like a national identity number (11 digits, or 6 + 5 with a space):
# masked in anything printed, whatever printed it.
IDENTITY_SHAPE = re.compile(r"(?<!\d)\d{6}\s?\d{5}(?!\d)")
RESOURCE_HINTS = (
    (
        ("out of memory", "outofmemory", "could not allocate"),
        "DuckDB ran out of memory: lower RTW_DUCKDB_MEMORY_LIMIT (now "
        "{memory}) so that it spills sooner, or give the machine more memory",
    ),
    (
        ("no space left on device", "disk is full", "could not write file"),
        "the disk is full: DuckDB spills to RTW_DUCKDB_TEMP_DIR (default <warehouse>.tmp); "
        "point it at a disk with room, and keep room for the new warehouse beside the old",
    ),
)


def clean_line(line: str) -> str:
    return DBT_TIMESTAMP.sub("", ANSI.sub("", line)).rstrip()


def mask_identity_numbers(text: str) -> str:
    return IDENTITY_SHAPE.sub("<identity-number-shaped value>", text)


def dbt_error_lines(result: DbtResult) -> list[str]:
    """dbt's own account of what went wrong, as it printed it."""
    lines = [clean_line(line) for line in result.log_tail]
    for index, line in enumerate(lines):
        if line.strip() == "Encountered an error:":
            return [
                text
                for text in lines[index + 1 :]
                if text.strip() and not text.startswith(PLUGIN_PREFIX)
            ]
    errors = [
        text
        for text in lines
        if text.lstrip().startswith(("Failure in ", "Runtime Error in ", "Compilation Error in "))
        or "Database Error in " in text
    ]
    if result.failures:
        return errors + result.failures if errors else result.failures
    return errors or [text for text in lines if text.strip()][-15:]


def failure_message(result: DbtResult, what: str, outcome: Mapping[str, str]) -> str:
    """One readable error: dbt's message, where a failed build was kept and why it failed."""
    parts = [f"{what} failed:", *(f"  {line}" for line in dbt_error_lines(result))]
    text = "\n".join(parts).lower()
    for needles, hint in RESOURCE_HINTS:
        if any(needle in text for needle in needles):
            memory = os.environ.get("RTW_DUCKDB_MEMORY_LIMIT", "11GB")
            parts.append(hint.format(memory=memory))
    if outcome.get("outcome") == "rejected":
        from rtwpanel.gates.rejection import explain_rejected

        kept = Path(outcome["warehouse"])
        parts += ["", f"the build was not published; it is kept for inspection: {kept}"]
        parts.append(f"  (query it with: duckdb -readonly {kept})")
        explained = explain_rejected(kept)
        if explained:
            parts += ["", explained]
    elif outcome.get("outcome") == "not built":
        parts.append("nothing was built; the published warehouse is unchanged")
    return mask_identity_numbers("\n".join(parts))


def require_success(result: DbtResult, what: str) -> None:
    """Raise one readable error naming what failed, with dbt's own message."""
    if not result.ok:
        raise RtwError(failure_message(result, what, {}))
