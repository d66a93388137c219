"""`rtwpanel build` as a data engineer types it: what it prints when it refuses a
delivery or a variable, and what it leaves behind when a build fails.

Each case runs the installed command in a child process, into a warehouse of
its own, and reads what the user reads (stderr and the exit code).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from dbt_runs import rtwpanel
from rtwpanel.paths import DEMO_DIR, PROJECT_DIR

pytestmark = pytest.mark.slow

IDENTITY_NUMBER = "01017012345"


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def refused(tmp_path: Path, delivery: Path, *extra: str) -> str:
    warehouse = tmp_path / "warehouse" / "rtw.duckdb"
    result = rtwpanel("build", "--raw-dir", str(delivery), *extra, warehouse=warehouse)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "rtwpanel build: error:" in result.stderr
    assert "has no dq.dq_gate_summary" not in result.stderr, "the secondary message hid dbt's"
    assert not warehouse.exists(), "a refused delivery publishes nothing"
    return result.stderr


def no_header(delivery: Path) -> None:
    (delivery / "utdanning.csv").write_bytes(b"")


def header_only(delivery: Path) -> None:
    path = delivery / "inntekt.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")


def column_twice(delivery: Path) -> None:
    path = delivery / "tiltak.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(f"{line};{line.split(';')[0]}" for line in lines) + "\n")
    header = path.read_text(encoding="utf-8").splitlines()[0]
    assert header.split(";").count("person_id") == 2


def coverage_row_missing(delivery: Path) -> None:
    replace_in(delivery / "coverage.csv", "sykmeldinger;201001;201604\n", "")


def not_utf8(delivery: Path) -> None:
    with (delivery / "sykepenger.csv").open("ab") as handle:
        handle.write(b"P0000001;S\xe6\xf8\xe5;20140401;20140430;100;P76\n")


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (no_header, "utdanning.csv: the file is empty (no header, no rows)"),
        (header_only, "inntekt.csv: the file is empty (a header but no data rows)"),
        (column_twice, "tiltak.csv: column 'person_id' appears more than once in the header"),
        (coverage_row_missing, "coverage.csv: no row for source 'sykmeldinger' (column 'source')"),
        (not_utf8, "sykepenger.csv: unreadable, line 6 cannot be read"),
    ],
    ids=["no-header", "header-only", "column-twice", "coverage-row-missing", "not-utf8"],
)
def test_each_other_structural_refusal_is_dbts_message(
    tmp_path: Path, tiny_copy: Path, damage: Callable[[Path], None], expected: str
) -> None:
    delivery = tiny_copy
    damage(delivery)
    assert expected in refused(tmp_path, delivery)


def test_a_missing_file_is_named(tmp_path: Path, tiny_copy: Path) -> None:
    delivery = tiny_copy
    (delivery / "npr.csv").unlink()
    message = refused(tmp_path, delivery)
    assert "npr.csv: missing required file (neither npr.csv nor npr.csv.gz" in message
    assert "nothing was built" in message


def test_a_missing_column_is_named(tmp_path: Path, tiny_copy: Path) -> None:
    delivery = tiny_copy
    replace_in(delivery / "tiltak.csv", "deltakelse_id;", "deltakelse;")
    message = refused(tmp_path, delivery)
    assert "tiltak.csv: missing required column 'deltakelse_id'" in message


def test_an_identity_number_is_named_by_place_never_by_value(
    tmp_path: Path, tiny_copy: Path
) -> None:
    delivery = tiny_copy
    replace_in(delivery / "aa_arbeidsforhold.csv", "A7;P0000003;", f"A7;{IDENTITY_NUMBER};")
    message = refused(tmp_path, delivery)
    assert "aa_arbeidsforhold.csv: line 10, column 'person_id' holds a value shaped like" in message
    assert IDENTITY_NUMBER not in message


@pytest.mark.parametrize(
    ("pair", "expected"),
    [
        (
            "aa_stipulaton_lag_months=2",
            "unknown variable 'aa_stipulaton_lag_months'; "
            "did you mean 'aa_stipulation_lag_months'?",
        ),
        ("aa_stipulation_lag_months=two", "'aa_stipulation_lag_months' must be a whole number"),
        ("aa_stipulation_lag_months=-1", "must be a whole number from 0 to 24"),
        ("gate_quarantine_share_fail=1.5", "'gate_quarantine_share_fail' must be a number from 0"),
        ("gate_quarantine_share_severity=stop", "must be one of warn, error"),
    ],
)
def test_a_bad_variable_is_refused_before_anything_is_built(
    tmp_path: Path, tiny_delivery: Path, pair: str, expected: str
) -> None:
    message = refused(tmp_path, tiny_delivery, "--var", pair)
    assert "dbt variables refused, nothing was built" in message
    assert expected in message


def test_plain_dbt_build_refuses_a_misspelt_variable_too(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "RTW_DUCKDB_PATH": str(tmp_path / "rtw.duckdb"),
        "DBT_TARGET_PATH": str(tmp_path / "target"),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
    }
    result = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "build", "--vars", "{use_certificats: false}"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "did you mean 'use_certificates'?" in result.stdout + result.stderr
    assert not (tmp_path / "rtw.duckdb").exists()


def test_a_failed_gate_keeps_the_build_and_leaves_the_published_one(
    demo_warehouse: Path,
) -> None:
    """Over a published demo build (a copy of the shared one), a build whose gate fails."""
    warehouse = demo_warehouse
    before = warehouse.read_bytes()

    failed = rtwpanel(
        "build",
        "--raw-dir",
        str(DEMO_DIR),
        "--var",
        "gate_quarantine_share_fail=0.02",
        warehouse=warehouse,
    )
    assert failed.returncode == 1
    message = failed.stderr
    assert "Failure in test gate_summary_has_no_failed_gate" in message, "dbt's own words"
    kept = sorted((warehouse.parent / "rejected").glob("*.duckdb"))
    assert len(kept) == 1
    assert f"it is kept for inspection: {kept[0]}" in message
    # plain words: which gate, on which source, against which threshold
    assert "failed gate quarantine_share (ytelser)" in message
    assert "above the threshold 0.02" in message
    assert "most frequent quarantine reasons" in message
    assert warehouse.read_bytes() == before, "the published warehouse is unchanged"

    with duckdb.connect(str(kept[0]), read_only=True) as connection:
        failing = connection.execute(
            "select scope from dq.dq_gate_summary where status = 'fail' order by scope"
        ).fetchall()
        quarantined = connection.execute("select count(*) from dq.dq_quarantine").fetchone()
        outcome = connection.execute("select outcome from meta.build_info").fetchone()
    assert ("ytelser",) in failing
    assert quarantined is not None and quarantined[0] > 0
    assert outcome == ("rejected",)
