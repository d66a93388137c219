"""The gate models on the gate tests' hand-made delivery (deliveries.py), built by dbt.

Defects planted by hand, answers worked out by hand:
- ytelser: line 4 copies line 2 exactly -> 3 raw rows = 2 loaded + 1 duplicate.
- tiltak: line 3 has fom_date 20131332 -> quarantined (bad_date); 1 of 2 rows.
- npr: line 3 belongs to P0000009, not a participant -> unknown_person; 1 of 2.
- sosialhjelp: line 3 has two fields, the header three -> wrong_field_count; 1 of 2.
- aa_arbeidsforhold: A2 (P0000002, start 2012-06-01, no end) is registered in
  201301 and 201302 only, before the last covered month 201306 -> its end is
  stipulated (2012-11-30). Ended relationships: A2, A3, A4 -> share 1/3.
- sykmeldinger: C3 (2013-04-21 to 04-25) chains onto C1-C2 (04-01 to 04-20), so the
  episode ends 04-25 while the register spell S1 ends 04-20: a stop mismatch;
  1 of 1 episodes.
With the default thresholds (stipulated 0.15 warn, mismatch 0.15 warn, quarantine
0.10 fail) the three quarantine rows of tiltak, npr and sosialhjelp fail (0.5
each) and the two share gates warn.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from deliveries import HANDMADE_STUDY, write_delivery
from rtwpanel.dbt_invocation import DbtResult, run_dbt
from rtwpanel.gates.command import add_arguments, run

pytestmark = pytest.mark.slow

DEFECTS = {
    "ytelser": ["P0000001;U1;AAP;20130301;20130314;5000"],
    "tiltak": ["P0000003;T2;ARBFORB;20131332;20130331;FULLF"],
    "npr": ["P0000009;E9;phv_poli;20130105;20130105"],
    "sosialhjelp": ["P0000002;201303"],
    "aa_arbeidsforhold": [
        "P0000002;A2;900000002;201301;20120601;;80;ordinaert",
        "P0000002;A2;900000002;201302;20120601;;80;ordinaert",
    ],
    "sykmeldinger": ["P0000001;C3;20130421;20130425;100;P76;20130420"],
}


def build(raw_dir: Path, database: Path, **dbt_vars: object) -> DbtResult:
    # unit tests pin the SQL rules elsewhere; here the models and the data tests
    return run_dbt(
        ["build", "--exclude-resource-type", "unit_test"],
        database,
        dbt_vars={"raw_dir": str(raw_dir), "study": str(HANDMADE_STUDY), **dbt_vars},
    )


def summary(database: Path) -> dict[tuple[str, str], tuple[str, int, int]]:
    """(gate, scope) -> (status, n_flagged, n_checked)."""
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute(
            "select gate, scope, status, n_flagged, n_checked from dq.dq_gate_summary"
        ).fetchall()
    return {
        (gate, scope): (status, flagged, checked) for gate, scope, status, flagged, checked in rows
    }


def gates_exit_code(database: Path, skip_expectations: bool = True) -> int:
    import argparse

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    argv = ["--db", str(database)] + (["--skip-expectations"] if skip_expectations else [])
    return run(parser.parse_args(argv))


@pytest.fixture(scope="module")
def defective(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DbtResult]:
    folder = tmp_path_factory.mktemp("defective")
    database = folder / "rtw.duckdb"
    result = build(write_delivery(folder / "delivery", DEFECTS), database)
    assert result.outcome["outcome"] == "rejected", "failed gates: the build is not published"
    assert not database.exists()
    assert result.warehouse is not None
    shutil.copy(result.warehouse, database)  # the build kept for inspection
    return database, result


def test_planted_row_defects_are_counted_per_source(defective: tuple[Path, DbtResult]) -> None:
    database, _ = defective
    with duckdb.connect(str(database), read_only=True) as connection:
        sources = {
            row[0]: row[1:]
            for row in connection.execute(
                "select source, raw_rows, loaded_rows, duplicate_rows, quarantined_rows, "
                "unaccounted_rows from dq.dq_gate_sources"
            ).fetchall()
        }
        quarantine = connection.execute(
            "select source, source_line, reason from dq.dq_quarantine order by source"
        ).fetchall()
    assert sources["ytelser"] == (3, 2, 1, 0, 0)
    assert sources["tiltak"] == (2, 1, 0, 1, 0)
    assert sources["npr"] == (2, 1, 0, 1, 0)
    assert sources["sosialhjelp"] == (2, 1, 0, 1, 0)
    assert sources["aa_arbeidsforhold"] == (12, 12, 0, 0, 0)
    assert quarantine == [
        ("npr", 3, "unknown_person"),
        ("sosialhjelp", 3, "wrong_field_count"),
        ("tiltak", 3, "bad_date"),
    ]


def test_defects_past_thresholds_warn_and_fail(defective: tuple[Path, DbtResult]) -> None:
    database, result = defective
    gates = summary(database)
    assert gates[("stipulated_end_share", "aa_arbeidsforhold")] == ("warn", 1, 3)
    assert gates[("sick_leave_mismatch_share", "sykmeldinger")] == ("warn", 1, 1)
    for source in ("tiltak", "npr", "sosialhjelp"):
        assert gates[("quarantine_share", source)] == ("fail", 1, 2)
    assert gates[("quarantine_share", "ytelser")] == ("pass", 0, 3)
    assert {gates[key][0] for key in gates if key[0] == "row_reconciliation"} == {"pass"}
    # the critical gates hold: 3 persons x 6 months, 22 status columns (the status
    # manifest's, the label sick_listed_source not counted)
    assert gates[("panel_completeness", "marts.fct_person_month")] == ("pass", 0, 3)
    assert gates[("null_outside_coverage", "marts.fct_person_month")] == ("pass", 0, 18 * 22)
    assert gates[("identity_numbers", "every table of the build")][:2] == ("pass", 0)
    # plain dbt build tells the data engineer: the fail stops it, the warning is shown
    assert not result.ok
    assert any("gate_summary_has_no_failed_gate" in failure for failure in result.failures)
    assert any("gate_summary_has_no_warning_gate" in warning for warning in result.warnings)
    assert gates_exit_code(database) == 1


def test_warnings_alone_let_the_build_and_the_gates_pass(
    defective: tuple[Path, DbtResult], tmp_path: Path
) -> None:
    """The defective warehouse with the quarantine threshold raised to 0.6: the
    summary is rebuilt, only the two share gates warn, dbt succeeds."""
    database = tmp_path / "rtw.duckdb"
    shutil.copy(defective[0], database)
    result = run_dbt(
        ["build", "--select", "dq_gate_summary"],
        database,
        dbt_vars={
            "raw_dir": str(defective[0].parent / "delivery"),
            "study": str(HANDMADE_STUDY),
            "gate_quarantine_share_fail": 0.6,
        },
    )
    assert result.ok, result.failures
    assert any("gate_summary_has_no_warning_gate" in warning for warning in result.warnings)
    gates = summary(database)
    assert gates[("quarantine_share", "npr")] == ("pass", 1, 2)
    assert sorted(key for key, value in gates.items() if value[0] != "pass") == [
        ("sick_leave_mismatch_share", "sykmeldinger"),
        ("stipulated_end_share", "aa_arbeidsforhold"),
    ]
    assert gates_exit_code(database) == 0


def test_doctored_panel_trips_the_critical_gates(
    defective: tuple[Path, DbtResult], tmp_path: Path
) -> None:
    """A copy of the warehouse (its critical gates pass: the planted defects are all
    row-level or share gates) with the panel broken by hand, gates rebuilt:
    one person-month removed (P0000003, March), a value outside coverage (social
    assistance in June, which sosialhjelp does not cover), a NULL inside coverage
    (in_programme of P0000002 in January) and an identity number in dim_participant."""
    database = tmp_path / "rtw.duckdb"
    shutil.copy(defective[0], database)
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            "delete from marts.fct_person_month "
            "where person_id = 'P0000003' and month = date '2013-03-01'"
        )
        connection.execute(
            "update marts.fct_person_month set on_social_assistance = 0 "
            "where person_id = 'P0000001' and month = date '2013-06-01'"
        )
        connection.execute(
            "update marts.fct_person_month set in_programme = null "
            "where person_id = 'P0000002' and month = date '2013-01-01'"
        )
        connection.execute(
            "update marts.dim_participant set diagnosis_group = '01017012345' "
            "where person_id = 'P0000001'"
        )
    raw_dir = defective[0].parent / "delivery"
    result = run_dbt(
        [
            "build",
            "--select",
            "dq_gate_panel_gaps",
            "dq_gate_coverage_nulls",
            "dq_gate_identity_numbers",
            "dq_gate_summary",
        ],
        database,
        dbt_vars={"raw_dir": str(raw_dir), "study": str(HANDMADE_STUDY)},
    )
    assert not result.ok
    assert result.outcome["outcome"] == "rejected"
    assert result.warehouse is not None
    database = result.warehouse
    failing = " ".join(result.failures)
    for test in (
        "gate_panel_complete",
        "gate_null_exactly_outside_coverage",
        "gate_no_identity_numbers",
        "gate_summary_has_no_failed_gate",
    ):
        assert test in failing
    gates = summary(database)
    assert gates[("panel_completeness", "marts.fct_person_month")] == ("fail", 1, 3)
    # 17 person-months left x 22 columns checked; 2 planted
    assert gates[("null_outside_coverage", "marts.fct_person_month")] == ("fail", 2, 17 * 22)
    assert gates[("identity_numbers", "every table of the build")][:2] == ("fail", 1)
    with duckdb.connect(str(database), read_only=True) as connection:
        gaps = connection.execute(
            "select person_id, problem, n_rows from dq.dq_gate_panel_gaps"
        ).fetchall()
        nulls = connection.execute(
            "select column_name, n_null_inside, n_value_outside from dq.dq_gate_coverage_nulls "
            "where n_null_inside + n_value_outside > 0 order by column_name"
        ).fetchall()
    assert gaps == [("P0000003", "missing_months", 5)]
    assert nulls == [("in_programme", 1, 0), ("on_social_assistance", 0, 1)]
    assert gates_exit_code(database) == 1
