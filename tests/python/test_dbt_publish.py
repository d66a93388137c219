"""Plain `dbt build`, the data engineer's command, is safe for readers.

While an analyst holds the published warehouse open, `dbt build` builds into a
file of its own and publishes it atomically, and `make docs` reads the
published warehouse read-only. Each reader query sees the old build or the new
one whole (its build id and its marts together), never a mix.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from rtwpanel.paths import DEMO_DIR, PROJECT_DIR

pytestmark = pytest.mark.slow

STATE = (
    "select (select build_id from meta.build_info), "
    "(select sum(employed) from marts.fct_person_month), "
    "(select count(*) from marts.fct_person_month)"
)


def engineer(command: list[str], warehouse: Path, **extra_env: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "RTW_DUCKDB_PATH": str(warehouse),
        "DBT_TARGET_PATH": str(warehouse.parent / "target"),
        "DBT_LOG_PATH": str(warehouse.parent / "logs"),
        **extra_env,
    }
    return subprocess.run(
        command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=900
    )


def dbt(*args: str) -> list[str]:
    return [str(Path(sys.executable).parent / "dbt"), *args]


READER = """
import json, sys, time
import duckdb

path, mode, query = sys.argv[1], sys.argv[2], sys.argv[3]
held = duckdb.connect(path, read_only=True) if mode == "hold" else None
print("ready", flush=True)
while sys.stdin.readline().strip() == "read":
    try:
        if held is not None:
            row = held.execute(query).fetchone()
        else:
            with duckdb.connect(path, read_only=True) as fresh:
                row = fresh.execute(query).fetchone()
        print(json.dumps(list(row)), flush=True)
    except Exception as exc:
        print(json.dumps({"error": repr(exc)}), flush=True)
"""


class Reader:
    """An analyst in another process: one holds a connection open, one reopens for
    every query (DuckDB shares one open database per process, so readers of a
    file must be separate processes to see what a new process would see)."""

    def __init__(self, warehouse: Path) -> None:
        self.warehouse = warehouse
        self.seen: set[tuple] = set()
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._processes = [
            subprocess.Popen(
                [sys.executable, "-c", READER, str(warehouse), mode, STATE],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for mode in ("hold", "reopen")
        ]
        for process in self._processes:
            assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        self._thread = threading.Thread(target=self._read, daemon=True)

    def __enter__(self) -> Reader:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=60)
        for process in self._processes:
            assert process.stdin is not None
            process.stdin.write("stop\n")
            process.stdin.close()
            process.wait(timeout=30)

    def _read(self) -> None:
        import json

        while not self._stop.is_set():
            for process in self._processes:
                assert process.stdin is not None and process.stdout is not None
                process.stdin.write("read\n")
                process.stdin.flush()
                answer = json.loads(process.stdout.readline())
                if isinstance(answer, dict):
                    self.errors.append(answer["error"])
                else:
                    self.seen.add(tuple(answer))
            time.sleep(0.05)


def state(warehouse: Path) -> tuple:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(STATE).fetchone()


@pytest.fixture(scope="module")
def warehouse(demo_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo, built by plain `dbt build` (the build the test run shares), published
    here as a copy: the warehouse this module's data engineer rebuilds."""
    warehouse = tmp_path_factory.mktemp("publish") / "warehouse" / "rtw.duckdb"
    warehouse.parent.mkdir()
    shutil.copyfile(demo_build, warehouse)
    return warehouse


def test_dbt_build_and_docs_while_a_reader_holds_the_warehouse(warehouse: Path) -> None:
    old = state(warehouse)

    with Reader(warehouse) as reader:
        again = engineer(
            dbt("build", "--vars", f"{{raw_dir: '{DEMO_DIR}', aa_stipulation_lag_months: 0}}"),
            warehouse,
        )
        assert again.returncode == 0, again.stdout[-3000:]
        assert f"rtwpanel: published: {warehouse}" in again.stdout
        new = state(warehouse)
        docs = engineer(["make", "--no-print-directory", "docs"], warehouse)
        assert docs.returncode == 0, docs.stdout[-3000:] + docs.stderr[-3000:]
        time.sleep(0.5)

    assert reader.errors == []
    assert new[0] != old[0], "a new build was published"
    assert new[1] != old[1], "no stipulation lag changes who is in work"
    assert reader.seen <= {old, new}, "a reader saw a mix of two builds"
    assert old in reader.seen, "the held connection reads the build it opened"
    assert new in reader.seen, "a new connection reads the new build"
    assert (warehouse.parent / "target" / "static_index.html").exists()
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        variables = connection.execute("select cli_vars from meta.build_info").fetchone()
    assert variables is not None and '"aa_stipulation_lag_months": 0' in variables[0]


def test_read_only_commands_and_older_clients(warehouse: Path) -> None:
    before = warehouse.read_bytes()
    tested = engineer(dbt("test", "--select", "tag:critical"), warehouse)
    assert tested.returncode == 0, tested.stdout[-3000:]
    assert warehouse.read_bytes() == before, "dbt test opens the published warehouse read-only"

    # The DuckDB 1.x command-line client (an analyst's older tool) reads the marts.
    client = Path(sys.executable).parent / "duckdb"
    version = subprocess.run([str(client), "--version"], capture_output=True, text=True)
    assert version.stdout.startswith("v1."), version.stdout
    query = "select count(*), sum(employed) from marts.fct_person_month"
    answer = subprocess.run(
        [str(client), "-readonly", "-csv", "-noheader", str(warehouse), "-c", query],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert answer.returncode == 0, answer.stderr
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        expected = connection.execute(query).fetchone()
    assert answer.stdout.strip() == f"{expected[0]},{expected[1]}"
