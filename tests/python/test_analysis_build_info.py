"""The report's header reads what built the warehouse from dbt's run results."""

from __future__ import annotations

import json
import os
from pathlib import Path

from rtwpanel.analysis.build_info import find_build_info


def write_results(folder: Path, raw_dir: str, when: float) -> None:
    folder.mkdir(parents=True)
    path = folder / "run_results.json"
    path.write_text(
        json.dumps(
            {
                "metadata": {"generated_at": "2026-01-01T10:00:00Z"},
                "elapsed_time": 42.5,
                "args": {"vars": {"raw_dir": raw_dir, "aa_stipulation_lag_months": 2}},
            }
        )
    )
    os.utime(path, (when, when))


def test_reads_the_published_builds_results(tmp_path: Path) -> None:
    database = tmp_path / "rtw.duckdb"
    database.write_bytes(b"")
    now = database.stat().st_mtime
    write_results(tmp_path / "..rtw.building-1-1.target", "/deliveries/old", now - 100)
    write_results(tmp_path / "..rtw.building-2-2.target", "/deliveries/new", now - 1)
    write_results(tmp_path / "..rtw.building-3-3.target", "/deliveries/later", now + 600)
    info = find_build_info(database)
    assert info is not None
    assert info.raw_dir == Path("/deliveries/new")
    assert info.dbt_vars["aa_stipulation_lag_months"] == 2
    assert info.seconds == 42.5


def test_no_results_no_info(tmp_path: Path) -> None:
    database = tmp_path / "rtw.duckdb"
    database.write_bytes(b"")
    assert find_build_info(database) is None
