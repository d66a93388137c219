"""The Great Expectations suites: kept as JSON, loaded from it, refused when unsound."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from rtwpanel.errors import RtwError
from rtwpanel.gates.checkpoint import EXPECTATIONS_DIR, load_suite_specs, run_checkpoint
from rtwpanel.gates.frames import FRAMES


def test_every_committed_suite_names_a_frame_and_a_severity_per_expectation() -> None:
    specs = load_suite_specs(EXPECTATIONS_DIR)
    assert sorted(spec["name"] for spec in specs) == sorted(FRAMES)
    severities = {e["meta"]["severity"] for spec in specs for e in spec["expectations"]}
    assert severities == {"critical", "warning"}


def write_suite(folder: Path, expectations: list[dict], name: str = "participants") -> Path:
    folder.mkdir(exist_ok=True)
    suite = {"name": name, "expectations": expectations}
    (folder / f"{name}.json").write_text(json.dumps(suite), encoding="utf-8")
    return folder


def in_set(severity: str | None, values: list[int]) -> dict:
    meta = {"severity": severity} if severity else {}
    return {
        "type": "expect_column_values_to_be_in_set",
        "kwargs": {"column": "female", "value_set": values},
        "meta": meta,
    }


def test_an_expectation_without_severity_is_refused(tmp_path: Path) -> None:
    folder = write_suite(tmp_path / "suites", [in_set(None, [0, 1])])
    with pytest.raises(RtwError, match=r"needs meta.severity"):
        load_suite_specs(folder)


def test_a_suite_for_an_unknown_frame_is_refused(tmp_path: Path) -> None:
    folder = write_suite(tmp_path / "suites", [in_set("critical", [0, 1])], name="nothing")
    with pytest.raises(RtwError, match="name must be the file name"):
        load_suite_specs(folder)


@pytest.fixture
def participants_only(tmp_path: Path) -> Path:
    """A warehouse holding just marts.dim_participant: three persons, female 0, 1, 1."""
    database = tmp_path / "rtw.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute("create schema marts")
        connection.execute(
            "create table marts.dim_participant as select * from (values "
            "('P1', 0), ('P2', 1), ('P3', 1)) as t(person_id, female)"
        )
    return database


def test_checkpoint_reports_critical_and_warning_failures_apart(
    participants_only: Path, tmp_path: Path
) -> None:
    folder = write_suite(
        tmp_path / "suites",
        [in_set("critical", [0, 1]), in_set("warning", [1]), in_set("critical", [0])],
    )
    outcome = run_checkpoint(participants_only, suites_dir=folder)
    assert [o.success for o in outcome.outcomes] == [True, False, False]
    # counts only: the offending values are never shown (they may be person data)
    assert [o.detail for o in outcome.warnings] == ["1 of 3 unexpected"]
    assert [o.detail for o in outcome.critical_failures] == ["2 of 3 unexpected"]


def test_an_expectation_gx_cannot_read_is_refused_not_dropped(
    participants_only: Path, tmp_path: Path
) -> None:
    unknown = {
        "type": "expect_column_to_be_wonderful",
        "kwargs": {},
        "meta": {"severity": "critical"},
    }
    folder = write_suite(tmp_path / "suites", [in_set("critical", [0, 1]), unknown])
    with pytest.raises(RtwError, match="not valid"):
        run_checkpoint(participants_only, suites_dir=folder)
