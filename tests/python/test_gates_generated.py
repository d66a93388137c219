"""The gates on generated deliveries: a clean one (defects off) and one with the
default defects, checked against the generator's truth manifest kind by kind.

Both are the builds the test run shares: `clean_build`, and for the default
defects `demo_build` (the committed demo is what the generator writes by
default, byte for byte: test_synthetic_demo)."""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from rtwpanel.cli import main
from rtwpanel.gates.checkpoint import kept_results, run_checkpoint
from rtwpanel.paths import DEMO_DIR

pytestmark = pytest.mark.slow

DEFECTIVE = DEMO_DIR  # the generator's default delivery

ROW_KINDS = (
    "wrong_field_count",
    "bad_date",
    "bad_month",
    "end_before_start",
    "unknown_person",
    "unknown_code",
    "orphan_reversal",
)


@pytest.fixture(scope="module")
def clean(clean_build: Path) -> Path:
    return clean_build


@pytest.fixture(scope="module")
def defective(demo_build: Path) -> Path:
    """The build of DEFECTIVE, the delivery with the generator's default defects."""
    return demo_build


def query(database: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).df()


def manifest(delivery: Path) -> pd.DataFrame:
    return pd.read_csv(delivery / "truth" / "defects.csv", sep=";", dtype=str).fillna("")


@functools.cache
def exact_copies(delivery: Path, source: str) -> frozenset[str]:
    """Lines (numbers, header = 1) that repeat an earlier line of the file exactly.

    The contract calls such a row a duplicate whatever made it, so a planted defect
    row that happens to equal an earlier one is removed as a duplicate."""
    seen: set[str] = set()
    copies: set[str] = set()
    lines = (delivery / f"{source}.csv").read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines[1:], start=2):
        if line in seen:
            copies.add(str(number))
        seen.add(line)
    return frozenset(copies)


def test_clean_delivery_passes_every_gate_and_expectation(
    clean: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gates = query(clean, "select gate, scope, status, n_flagged, n_checked from dq.dq_gate_summary")
    assert set(gates.status) == {"pass"}
    assert gates.n_flagged.sum() == 0
    by_gate = gates.set_index(["gate", "scope"])
    # 410 randomised, two died early: 408 persons x 76 months (2010-01..2016-04) x 22
    # status columns (the status manifest's, its one label not counted)
    assert by_gate.loc[("panel_completeness", "marts.fct_person_month"), "n_checked"] == 408
    assert by_gate.loc[("null_outside_coverage", "marts.fct_person_month"), "n_checked"] == (
        408 * 76 * 22
    )
    assert main(["gates", "--db", str(clean)]) == 0
    out = capsys.readouterr().out
    assert f"gates: {len(gates)} pass, 0 warn, 0 fail" in out
    assert " 0 warn, 0 fail (of " in out
    kept = kept_results(clean)
    assert kept is not None, "the results are kept for this build, for the report"
    assert len(kept) > 0 and all(outcome.success for outcome in kept)
    assert all(outcome.if_it_fails for outcome in kept), "every suite says what a failure means"


def test_quarantine_finds_exactly_the_planted_rows_kind_by_kind(defective: Path) -> None:
    planted = manifest(DEFECTIVE)
    delivery = DEFECTIVE
    quarantined = query(
        defective,
        "select source, cast(source_line as varchar) as line, reason from dq.dq_quarantine",
    )
    for kind in ROW_KINDS:
        expected = {
            (row.source, row.line)
            for row in planted[planted.kind == kind].itertuples()
            if row.line not in exact_copies(delivery, row.source)
        }
        found = set(map(tuple, quarantined[quarantined.reason == kind][["source", "line"]].values))
        assert found == expected, kind
    # nothing quarantined that was not planted
    assert len(quarantined) == sum(
        1
        for row in planted[planted.kind.isin(ROW_KINDS)].itertuples()
        if row.line not in exact_copies(delivery, row.source)
    )


def test_duplicates_are_counted_and_are_exactly_the_repeated_lines(defective: Path) -> None:
    planted = manifest(DEFECTIVE)
    delivery = DEFECTIVE
    sources = query(defective, "select source, raw_rows, duplicate_rows from dq.dq_gate_sources")
    for source, raw_rows, duplicates in sources.itertuples(index=False):
        if source in ("participants", "coverage"):
            continue
        if source == "bosted":  # optional, and not in a trial's delivery
            assert (raw_rows, duplicates) == (0, 0)
            continue
        lines = set(planted[(planted.source == source) & (planted.kind == "duplicate_row")].line)
        expected = lines | exact_copies(delivery, source)
        found = query(
            defective,
            f"select cast(source_line as varchar) as line from staging.base_{source}__verdicts "
            "where row_status = 'duplicate'",
        )
        assert set(found.line) == expected, source
        assert duplicates == len(expected), source


def test_entity_defects_are_found_by_the_gate_models(defective: Path) -> None:
    planted = manifest(DEFECTIVE)

    def keys(kind: str) -> set[str]:
        return set(planted[planted.kind == kind].key)

    stipulated = query(defective, "select arbeidsforhold_id from dq.dq_stipulated_end_dates")
    anomalies = query(defective, "select * from dq.dq_gate_employment_anomalies")
    mismatches = query(defective, "select sykefravaer_ids from dq.dq_sick_leave_mismatches")
    assert set(stipulated.arbeidsforhold_id) == keys("aa_missing_end")
    after_end = anomalies[anomalies.registered_after_end == 1]
    assert set(after_end.arbeidsforhold_id) == keys("aa_registered_after_end")
    changed = anomalies[anomalies.start_changed == 1]
    assert set(changed.arbeidsforhold_id) == keys("aa_start_changed")
    spells = {spell for ids in mismatches.sykefravaer_ids for spell in ids.split(",")}
    assert spells == keys("sick_leave_mismatch")
    gates = query(defective, "select gate, n_flagged from dq.dq_gate_summary").set_index("gate")
    assert gates.loc["stipulated_end_share", "n_flagged"] == len(keys("aa_missing_end"))
    assert gates.loc["sick_leave_mismatch_share", "n_flagged"] == len(mismatches)


def test_checkpoint_fails_on_a_doctored_mart(clean: Path, tmp_path: Path) -> None:
    """A copy of the clean warehouse where the IPS arm's employment rate at 12
    months is 0.95 and one person-month has employed = 2."""
    database = tmp_path / "rtw.duckdb"
    shutil.copy(clean, database)
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            "update marts.mart_status_by_arm set share_employed = 0.95 "
            "where arm = 'IPS' and rel_month = 12"
        )
        connection.execute(
            "update marts.fct_person_month set employed = 2 "
            "where person_id = (select min(person_id) from marts.fct_person_month) "
            "and month = date '2012-01-01'"
        )
    outcome = run_checkpoint(database)
    failed = {(item.suite, item.column) for item in outcome.critical_failures}
    assert failed == {("status_by_arm", "share_employed"), ("panel_flag_values", "employed")}
    assert main(["gates", "--db", str(database)]) == 1
