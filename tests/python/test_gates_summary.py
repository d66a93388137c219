"""The gate summary printer and `rtwpanel gates` on hand-made summaries (no dbt)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from rtwpanel.cli import main
from rtwpanel.gates.summary import GateRow, collapse_passing, format_gate_summary

COLUMNS = (
    "gate varchar, scope varchar, description varchar, measure varchar, n_flagged bigint, "
    "n_checked bigint, observed_value double, threshold double, severity varchar, "
    "status varchar, gate_order integer"
)


def row(gate: str, scope: str, flagged: int, checked: int, status: str) -> GateRow:
    share = flagged / checked
    return GateRow(gate, scope, "what", "share", flagged, checked, share, 0.1, "error", status)


def write_summary(path: Path, rows: list[tuple]) -> Path:
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema dq")
        connection.execute(f"create table dq.dq_gate_summary ({COLUMNS})")
        connection.executemany(
            "insert into dq.dq_gate_summary values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
        )
    return path


def test_passing_sources_collapse_to_one_line_with_summed_counts() -> None:
    rows = [
        row("quarantine_share", "npr", 1, 50, "pass"),
        row("quarantine_share", "ytelser", 3, 40, "pass"),
    ]
    (collapsed,) = collapse_passing(rows)
    assert (collapsed.n_flagged, collapsed.n_checked) == (4, 90)
    assert collapsed.observed_value == pytest.approx(3 / 40)  # the highest share is shown
    assert collapsed.scope == "all 2 (highest shown)"


def test_a_tripped_source_is_shown_with_every_row_of_its_gate() -> None:
    rows = [
        row("quarantine_share", "npr", 10, 50, "fail"),
        row("quarantine_share", "ytelser", 3, 40, "pass"),
    ]
    text = format_gate_summary(rows)
    lines = text.splitlines()
    assert lines[0].split() == [
        "status",
        "gate",
        "scope",
        "value",
        "threshold",
        "count",
        "severity",
    ]
    assert lines[1].split() == [
        "FAIL",
        "quarantine_share",
        "npr",
        "0.200",
        "0.100",
        "10",
        "of",
        "50",
        "error",
    ]
    assert lines[2].split()[:3] == ["PASS", "quarantine_share", "ytelser"]
    assert lines[-1] == "gates: 1 pass, 0 warn, 1 fail"
    # aligned: every column starts at the same offset on every line
    assert len({line.index("quarantine_share") for line in lines[1:3]}) == 1


def test_gates_command_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    passing = (
        "stipulated_end_share",
        "aa_arbeidsforhold",
        "d",
        "share",
        1,
        10,
        0.1,
        0.15,
        "warn",
        "pass",
        1,
    )
    warning = (
        "sick_leave_mismatch_share",
        "sykmeldinger",
        "d",
        "share",
        3,
        10,
        0.3,
        0.15,
        "warn",
        "warn",
        2,
    )
    failing = ("row_reconciliation", "npr", "d", "count", 2, 10, 2.0, 0.0, "error", "fail", 4)
    warn_only = write_summary(tmp_path / "warn.duckdb", [passing, warning])
    with_fail = write_summary(tmp_path / "fail.duckdb", [passing, warning, failing])

    assert main(["gates", "--db", str(warn_only), "--skip-expectations"]) == 0
    assert "gates: 1 pass, 1 warn, 0 fail" in capsys.readouterr().out
    assert main(["gates", "--db", str(with_fail), "--skip-expectations"]) == 1
    out = capsys.readouterr().out
    assert "FAIL    row_reconciliation" in out
    assert "2 of 10" in out


def test_missing_warehouse_is_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["gates", "--db", str(tmp_path / "nowhere.duckdb")]) == 1
    err = capsys.readouterr().err
    assert "warehouse not found" in err
    assert "rtwpanel build" in err
    assert "Traceback" not in err


def test_warehouse_without_summary_is_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    assert main(["gates", "--db", str(empty)]) == 1
    assert "has no dq.dq_gate_summary" in capsys.readouterr().err
