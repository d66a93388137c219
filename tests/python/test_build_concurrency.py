"""Builds and operators at once: one build at a time per warehouse, and no dbt
left running when `rtwpanel build` is killed."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import psutil
import pytest

from rtwpanel.paths import DEMO_DIR, PROJECT_DIR
from rtwpanel.publish import building_dir

pytestmark = pytest.mark.slow


def start_build(warehouse: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "rtwpanel"), "build", "--raw-dir", str(DEMO_DIR)],
        cwd=PROJECT_DIR,
        env={**os.environ, "RTW_DUCKDB_PATH": str(warehouse)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_building(warehouse: Path, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 300
    while not list(building_dir(warehouse).glob(f"*/{warehouse.name}")):
        assert process.poll() is None, "the build ended before it started writing"
        assert time.monotonic() < deadline, "the build never started writing"
        time.sleep(0.1)


def test_a_second_build_refuses_naming_the_running_one(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse" / "rtw.duckdb"
    first = start_build(warehouse)
    wait_for_building(warehouse, first)
    second = start_build(warehouse)
    _, second_err = second.communicate(timeout=600)
    first_out, first_err = first.communicate(timeout=900)

    assert first.returncode == 0, first_err[-3000:]
    assert second.returncode == 1
    holder = re.search(
        rf"another build of {re.escape(str(warehouse.parent))} is running "
        r"\(pid (\d+), dbt build, started ",
        second_err,
    )
    assert holder, second_err[-3000:]
    assert "wait for it to finish" in second_err
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        outcome = connection.execute("select outcome from meta.build_info").fetchone()
    assert outcome == ("published",), "the published warehouse is the build that says so"
    assert f"warehouse: {warehouse}" in first_out


def test_killing_the_command_ends_its_dbt(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse" / "rtw.duckdb"
    build = start_build(warehouse)
    wait_for_building(warehouse, build)
    children = psutil.Process(build.pid).children(recursive=True)
    assert any("dbt" in " ".join(child.cmdline()) for child in children)
    os.kill(build.pid, signal.SIGKILL)  # the command alone, not its process group
    build.wait()
    _, alive = psutil.wait_procs(children, timeout=60)
    assert alive == [], "dbt outlived the command that started it"
    assert not warehouse.exists(), "a killed build publishes nothing"
