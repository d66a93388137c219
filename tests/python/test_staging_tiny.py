"""Staging on the hand-made delivery tests/fixtures/deliveries/tiny.

Every defect in the delivery was planted by hand and its verdict worked out by
hand (listed below, file by file, with the physical line: header = line 1).
`ytelser` is delivered gzip-compressed, `sykmeldinger` with CRLF line ends,
`participants`' P0000005/P0000006 are quarantined (so their rows elsewhere are
unknown persons), and `aa_arbeidsforhold` has its columns in another order
plus an extra column.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

# (source, line, reason, column) of every quarantined row, by hand.
EXPECTED_QUARANTINE = {
    ("participants", 6, "unknown_code", "arm"),  # arm XYZ
    ("participants", 7, "bad_date", "randomised_date"),  # 2014-05-01
    ("aa_arbeidsforhold", 5, "bad_month", "reg_month"),  # 201313
    ("aa_arbeidsforhold", 6, "end_before_start", "end_date"),
    ("aa_arbeidsforhold", 7, "unknown_person", "person_id"),  # P0000009
    ("aa_arbeidsforhold", 8, "unknown_code", "arbeidsforhold_type"),  # deltid
    ("aa_arbeidsforhold", 9, "wrong_field_count", None),  # 8 fields, header has 9
    ("aa_arbeidsforhold", 10, "bad_number", "stillingsprosent"),  # abc
    ("aa_arbeidsforhold", 11, "bad_date", "start_date"),  # 0
    ("aa_arbeidsforhold", 12, "missing_value", "arbeidsforhold_id"),
    # 20131332, unknown person and unknown code too: bad_date takes precedence
    ("aa_arbeidsforhold", 14, "bad_date", "start_date"),
    ("ytelser", 4, "orphan_reversal", None),  # other dates than U1
    ("ytelser", 9, "orphan_reversal", None),  # third reversal of two payments
    ("ytelser", 10, "unknown_code", "ytelse"),  # BARNETRYGD
    ("ytelser", 11, "end_before_start", "tom_date"),
    ("ytelser", 12, "bad_number", "belop"),  # 5x00
    ("ytelser", 15, "unknown_person", "person_id"),  # P0000005, quarantined participant
    ("ytelser", 16, "orphan_reversal", None),  # the 7000 payment is DAGPENGER, not AAP
    ("sykepenger", 3, "bad_date", "fom_date"),  # 30 February
    ("sykepenger", 4, "wrong_field_count", None),
    ("sykepenger", 5, "missing_value", "grad"),
    ("sykmeldinger", 4, "end_before_start", "tom_date"),
    ("sosialhjelp", 4, "bad_month", "month"),  # 201400
    ("sosialhjelp", 5, "bad_month", "month"),  # 2014-01
    ("sosialhjelp", 6, "implausible_value", "belop"),  # -500: social assistance is never negative
    ("sosialhjelp", 7, "wrong_field_count", None),  # a blank line
    ("tiltak", 3, "unknown_code", "tiltakskode"),  # AMO
    ("tiltak", 4, "unknown_code", "deltakerstatus"),  # PAUSE
    ("utdanning", 3, "bad_number", "year"),  # 13
    ("utdanning", 4, "unknown_code", "i_utdanning"),  # 2
    ("inntekt", 4, "bad_number", "pensjonsgivende_inntekt"),  # 1.5e5
    ("npr", 4, "unknown_code", "kontakttype"),  # somatikk
    ("npr", 5, "end_before_start", "ut_date"),
}

# source: (raw, loaded, duplicates, quarantined), counted by hand.
EXPECTED_COUNTS = {
    "participants": (7, 4, 1, 2),
    "aa_arbeidsforhold": (13, 3, 1, 9),
    "ytelser": (16, 8, 1, 7),
    "sykepenger": (4, 1, 0, 3),
    "sykmeldinger": (3, 2, 0, 1),
    "sosialhjelp": (7, 3, 0, 4),
    "tiltak": (4, 2, 0, 2),
    "utdanning": (4, 2, 0, 2),
    "utdanning_forlop": (2, 2, 0, 0),
    "inntekt": (3, 2, 0, 1),
    "npr": (4, 2, 0, 2),
    "bosted": (0, 0, 0, 0),  # optional: not delivered
    "coverage": (10, 10, 0, 0),
}


@pytest.fixture(scope="module")
def tiny_warehouse(tiny_staging_build: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(tiny_staging_build), read_only=True)
    yield con
    con.close()


def test_every_quarantined_row_has_its_hand_worked_reason(
    tiny_warehouse: duckdb.DuckDBPyConnection,
) -> None:
    rows = tiny_warehouse.execute(
        "select source, source_line, reason, column_name from dq.dq_quarantine"
    ).fetchall()
    assert set(rows) == EXPECTED_QUARANTINE
    assert len(rows) == len(EXPECTED_QUARANTINE)


def test_counts_reconcile_with_hand_counts(tiny_warehouse: duckdb.DuckDBPyConnection) -> None:
    rows = tiny_warehouse.execute(
        "select source, raw_rows, loaded_rows, duplicate_rows, quarantined_rows"
        " from dq.dq_source_rows"
    ).fetchall()
    assert {row[0]: tuple(row[1:]) for row in rows} == EXPECTED_COUNTS


def test_raw_rows_are_the_physical_data_lines_of_each_file(
    tiny_warehouse: duckdb.DuckDBPyConnection, tiny_delivery: Path
) -> None:
    import gzip

    counted = dict(
        tiny_warehouse.execute("select source, raw_rows from dq.dq_source_rows").fetchall()
    )
    for path in tiny_delivery.iterdir():
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rb") as handle:
            lines = handle.read().splitlines()
        assert counted[path.name.split(".")[0]] == len(lines) - 1, path.name


def test_quarantine_keeps_the_offending_field_not_the_raw_line(
    tiny_warehouse: duckdb.DuckDBPyConnection,
) -> None:
    kept = tiny_warehouse.execute(
        "select column_name, offending_value, raw_line from dq.dq_quarantine"
        " where source = 'ytelser' and source_line = 12"
    ).fetchone()
    assert kept == ("belop", "5x00", None)  # the whole line only with var quarantine_raw_lines


def test_gzip_file_is_read_with_exact_lines(tiny_warehouse: duckdb.DuckDBPyConnection) -> None:
    # ytelser.csv.gz: U1 on line 2, U4..U7 on lines 5-8, U12 on 13 (its copy on 14 removed)
    rows = tiny_warehouse.execute(
        "select source_line, utbetaling_id, belop from staging.stg_ytelser order by source_line"
    ).fetchall()
    assert rows == [
        (2, "U1", 8000),
        (3, "U2", -8000),
        (5, "U4", 15000),
        (6, "U5", 15000),
        (7, "U6", -15000),
        (8, "U7", -15000),
        (13, "U12", 5000),
        (17, "U15", 7000),
    ]


def test_staging_types_follow_the_contract(tiny_warehouse: duckdb.DuckDBPyConnection) -> None:
    types = dict(
        tiny_warehouse.execute(
            "select column_name, data_type from information_schema.columns"
            " where table_schema = 'staging' and table_name = 'stg_aa_arbeidsforhold'"
        ).fetchall()
    )
    assert types == {
        "source_line": "BIGINT",
        "person_id": "VARCHAR",
        "arbeidsforhold_id": "VARCHAR",
        "orgnr": "VARCHAR",
        "arbeidsforhold_type": "VARCHAR",
        "reg_month": "DATE",
        "start_date": "DATE",
        "end_date": "DATE",
        "stillingsprosent": "DOUBLE",
    }
    # columns in another order than the contract, an extra column ignored
    row = tiny_warehouse.execute(
        "select person_id, reg_month, start_date, end_date, stillingsprosent, arbeidsforhold_type"
        " from staging.stg_aa_arbeidsforhold where source_line = 13"
    ).fetchone()
    assert row is not None
    assert [str(value) for value in row] == [
        "P0000004",
        "2014-02-01",
        "2013-01-01",
        "2014-01-15",
        "40.5",
        "forenklet",
    ]


def test_participants_are_typed(tiny_warehouse: duckdb.DuckDBPyConnection) -> None:
    rows = tiny_warehouse.execute(
        "select person_id, centre_id, born_in_norway, diagnosis_group, death_date"
        " from staging.stg_participants order by person_id"
    ).fetchall()
    assert [(r[0], r[1], r[2], r[3], str(r[4])) for r in rows] == [
        # centre_id is the study's cluster code, text
        ("P0000001", "1", 1, "severe", "None"),
        ("P0000002", "2", 0, None, "None"),
        ("P0000003", "3", 1, "moderate", "None"),
        ("P0000004", "1", 1, "moderate", "2014-06-01"),
    ]


def test_crlf_file_loses_no_characters(tiny_warehouse: duckdb.DuckDBPyConnection) -> None:
    rows = tiny_warehouse.execute(
        "select sykmelding_id, utstedt_date from staging.stg_sykmeldinger order by source_line"
    ).fetchall()
    assert [(r[0], str(r[1])) for r in rows] == [("M1", "2014-03-01"), ("M2", "2014-03-17")]
