"""A hostile delivery built whole: every fault that is set aside row by row, planted at once.

The clean hand-made delivery of test_gates_delivery (three persons, January-June
2013; coverage 2012-2013, so a plausible date lies in 2011 to June 2014) is
written into a folder whose name holds a quote and brackets, `o'brien [1]`, and
these faults are planted, each worked out by hand:

- stray files beside the real ones: ytelser.csv.bak (one more AAP payment for
  P0000003) and participants.csv.new (a new person P0000099, with an identity
  number): named in a warning, never read;
- implausible values: a payment ending 9999-12-31 and one starting 1899-12-31
  (P0000001, AAP), a new participant P0000007 randomised 9999-12-31, position
  percentages 250 and -5 (P0000002), social assistance of -3000 (P0000002,
  March), pensionable income of -5000 (P0000002, 2012): each quarantined as
  implausible_value with its column and offending field, counted by the gate;
- a NUL byte in free text (sykepenger diagnose): quarantined as nul_byte;
- SQL in an id: a programme participation of P0000003 whose deltakelse_id is
  `T5' or '1'='1`, in the months of its T1: loaded as it is, nothing else;
- a conflicting registration: A1 registered twice in June 2013, start
  2012-06-01 at 50 % and start 2012-07-01 at 80 %: the later start is taken,
  and the gate counts the relationship.

The marts of the persons whose rows are set aside are those of the clean
delivery: P0000001 on AAP in March 2013 only, P0000002 with no job and social
assistance in February only, three persons in the cohort.
"""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import pytest

from deliveries import HANDMADE_STUDY, write_delivery
from rtwpanel.dbt_invocation import require_success, run_dbt

pytestmark = pytest.mark.slow

IDENTITY_NUMBER = "01017012345"
QUOTED_ID = "T5' or '1'='1"  # SQL in an id is a value, never code

PLANTED = {
    "ytelser": [
        "P0000001;U8;AAP;20130301;99991231;5000",
        "P0000001;U9;AAP;18991231;20130314;5000",
    ],
    "participants": ["P0000007;1;IPS;99991231;K;1980;1;;"],
    "aa_arbeidsforhold": [
        "P0000002;A8;900000008;201303;20130101;;250;ordinaert",
        "P0000002;A9;900000009;201303;20130101;;-5;ordinaert",
        "P0000001;A1;900000001;201306;20120701;;80;ordinaert",
    ],
    "sosialhjelp": ["P0000002;201303;-3000"],
    "inntekt": ["P0000002;2012;-5000"],
    "sykepenger": ["P0000002;S2;20130501;20130510;100;P7\x006"],
    "tiltak": [f"P0000003;{QUOTED_ID};ARBFORB;20130101;20130331;FULLF"],
}

# (source, line, reason, column, offending field): the clean files' lengths + 1 header
EXPECTED_QUARANTINE = {
    ("ytelser", 4, "implausible_value", "tom_date", "99991231"),
    ("ytelser", 5, "implausible_value", "fom_date", "18991231"),
    ("participants", 5, "implausible_value", "randomised_date", "99991231"),
    ("aa_arbeidsforhold", 12, "implausible_value", "stillingsprosent", "250"),
    ("aa_arbeidsforhold", 13, "implausible_value", "stillingsprosent", "-5"),
    ("sosialhjelp", 3, "implausible_value", "belop", "-3000"),
    ("inntekt", 5, "implausible_value", "pensjonsgivende_inntekt", "-5000"),
    ("sykepenger", 3, "nul_byte", "diagnose", None),
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[duckdb.DuckDBPyConnection, str]:
    root = tmp_path_factory.mktemp("hostile")
    delivery = write_delivery(root / "o'brien [1]", PLANTED)
    shutil.copy(delivery / "ytelser.csv", delivery / "ytelser.csv.bak")
    with (delivery / "ytelser.csv.bak").open("a", encoding="utf-8") as handle:
        handle.write("P0000003;U99;AAP;20130301;20130314;5000\n")
    participants = (delivery / "participants.csv").read_text(encoding="utf-8")
    (delivery / "participants.csv.new").write_text(
        participants
        + f"P0000099;1;IPS;20130215;K;1980;1;;\n{IDENTITY_NUMBER};1;TAU;20130215;M;1980;1;;\n",
        encoding="utf-8",
    )
    lines: list[str] = []
    database = root / "warehouse" / "rtw.duckdb"
    result = run_dbt(
        # every model and gate; the unit tests do not depend on the delivery
        ["build", "--exclude", "test_type:unit"],
        database,
        # the planted rows are a large share of this small delivery
        dbt_vars={
            "raw_dir": str(delivery),
            "study": str(HANDMADE_STUDY),
            "gate_quarantine_share_severity": "warn",
        },
        on_line=lines.append,
    )
    require_success(result, "dbt build of the hostile delivery")
    con = duckdb.connect(str(database), read_only=True)
    yield con, "\n".join(lines)
    con.close()


def test_a_folder_named_with_a_quote_and_brackets_builds(hostile) -> None:
    con, _ = hostile
    assert con.execute("select count(*) from marts.dim_participant").fetchone() == (3,)


def test_stray_files_are_named_and_never_read(hostile) -> None:
    con, output = hostile
    assert "ytelser.csv.bak is not a file of the delivery contract and is not read" in output
    assert "participants.csv.new is not a file of the delivery contract and is not read" in output
    raw_rows = dict(con.execute("select source, raw_rows from dq.dq_source_rows").fetchall())
    assert raw_rows["ytelser"] == 2 + 2  # the clean payments and the two planted ones
    assert raw_rows["participants"] == 3 + 1
    persons = {
        row[0] for row in con.execute("select person_id from marts.dim_participant").fetchall()
    }
    assert persons == {"P0000001", "P0000002", "P0000003"}
    aap_p3 = con.execute(
        "select count(*) from marts.fct_person_month where person_id = 'P0000003' and on_aap = 1"
    ).fetchone()
    assert aap_p3 == (0,)


def test_identity_number_in_a_stray_file_reaches_no_table(hostile) -> None:
    con, output = hostile
    assert IDENTITY_NUMBER not in output
    flagged = con.execute(
        "select sum(n_identity_shaped) from dq.dq_gate_identity_numbers"
    ).fetchone()
    assert flagged == (0,)


def test_identity_gate_scans_staging_intermediate_and_the_quarantine(hostile) -> None:
    con, _ = hostile
    scanned = {
        row[0]
        for row in con.execute(
            "select distinct relation_name from dq.dq_gate_identity_numbers"
        ).fetchall()
    }
    assert {"staging.base_participants__verdicts", "staging.stg_ytelser__line_checks"} <= scanned
    assert {
        "intermediate.int_employment_relationships",
        "dq.dq_quarantine",
        "marts.fct_person_month",
    } <= scanned
    columns = {
        row[0]
        for row in con.execute(
            "select column_name from dq.dq_gate_identity_numbers"
            " where relation_name = 'dq.dq_quarantine'"
        ).fetchall()
    }
    assert {"offending_value", "raw_line"} <= columns


def test_each_planted_row_is_quarantined_with_its_reason(hostile) -> None:
    con, _ = hostile
    rows = set(
        con.execute(
            "select source, source_line, reason, column_name, offending_value from dq.dq_quarantine"
        ).fetchall()
    )
    assert rows == EXPECTED_QUARANTINE


def test_the_quarantine_keeps_no_raw_line_by_default(hostile) -> None:
    con, _ = hostile
    assert con.execute("select count(raw_line) from dq.dq_quarantine").fetchone() == (0,)


def test_counts_reconcile_and_the_implausible_gate_counts_them(hostile) -> None:
    con, _ = hostile
    assert con.execute("select sum(abs(unaccounted_rows)) from dq.dq_gate_sources").fetchone() == (
        0,
    )
    gates = {
        row[0]: row[1:]
        for row in con.execute(
            "select scope, n_flagged, status from dq.dq_gate_summary"
            " where gate = 'implausible_share'"
        ).fetchall()
    }
    assert gates["ytelser"] == (2, "warn")
    assert gates["aa_arbeidsforhold"] == (2, "warn")
    assert gates["participants"] == (1, "warn")
    assert gates["npr"] == (0, "pass")
    nul = con.execute("select sum(quarantined_nul_byte) from dq.dq_source_rows").fetchone()
    assert nul == (1,)


def test_marts_are_those_of_the_clean_delivery_where_rows_are_set_aside(hostile) -> None:
    con, _ = hostile
    aap_p1 = con.execute(
        "select month from marts.fct_person_month"
        " where person_id = 'P0000001' and on_aap = 1 order by 1"
    ).fetchall()
    assert aap_p1 == [(dt.date(2013, 3, 1),)]
    p2 = con.execute(
        "select month, employed, on_social_assistance from marts.fct_person_month"
        " where person_id = 'P0000002' order by month"
    ).fetchall()
    assert [row[1] for row in p2] == [0] * 6
    assert [row[0].month for row in p2 if row[2] == 1] == [2]
    rel_months = con.execute(
        "select min(rel_month), max(rel_month) from marts.mart_status_by_arm"
    ).fetchone()
    assert rel_months[0] > -12 and rel_months[1] < 12


def test_conflicting_registrations_are_picked_by_rule_and_counted(hostile) -> None:
    con, _ = hostile
    a1 = con.execute(
        "select start_date, stillingsprosent from intermediate.int_employment_relationships"
        " where arbeidsforhold_id = 'A1'"
    ).fetchone()
    assert a1 == (dt.date(2012, 7, 1), 80)
    gate = con.execute(
        "select n_flagged, status from dq.dq_gate_summary"
        " where gate = 'aa_conflicting_registrations_share'"
    ).fetchone()
    assert gate == (1, "warn")


def test_sql_in_an_id_is_stored_as_a_value(hostile) -> None:
    con, _ = hostile
    ids = con.execute(
        "select deltakelse_id from staging.stg_tiltak order by source_line"
    ).fetchall()
    assert ids == [("T1",), (QUOTED_ID,)]
    in_programme = con.execute(
        "select sum(in_programme) from marts.fct_person_month where person_id = 'P0000003'"
    ).fetchone()
    assert in_programme == (3,)  # January to March, as with T1 alone
