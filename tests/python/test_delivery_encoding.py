"""A delivery as other tools write CSV: UTF-8 with a byte-order mark and CRLF line ends
(spreadsheet tools on Windows), and every field in double quotes (CSV writers that quote
all fields, a quote inside doubled).

Every file of the hand-made tiny delivery (its gzip file too) is rewritten so; the
staging models, the verdicts, the quarantine and the row counts must be those of
the plain files, row for row: the mark is not part of the first column's name,
no field keeps a carriage return, and no value keeps its quotes.
"""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from dbt_runs import STAGING_NODES, TINY_DIR, plain_dbt

pytestmark = pytest.mark.slow

BOM = b"\xef\xbb\xbf"


def windows_bytes(data: bytes) -> bytes:
    return BOM + data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def quoted_bytes(data: bytes) -> bytes:
    """Every field of every line in double quotes, a quote inside doubled; a blank line
    stays blank, a CRLF line end stays outside the quotes."""

    def quoted(line: bytes) -> bytes:
        end = b"\r" if line.endswith(b"\r") else b""
        fields = line.removesuffix(b"\r").split(b";")
        return b";".join(b'"' + field.replace(b'"', b'""') + b'"' for field in fields) + end

    return b"\n".join(quoted(line) if line else line for line in data.split(b"\n"))


def rewritten_build(work: Path, rewrite: Callable[[bytes], bytes]) -> Path:
    """The tiny delivery with every file rewritten, staging and dq built from it."""
    delivery = work / "delivery"
    shutil.copytree(TINY_DIR, delivery)
    for path in delivery.iterdir():
        if path.name.endswith(".csv.gz"):
            path.write_bytes(gzip.compress(rewrite(gzip.decompress(path.read_bytes()))))
        elif path.name.endswith(".csv"):
            path.write_bytes(rewrite(path.read_bytes()))
    args = ["build", "--select", *STAGING_NODES, "--indirect-selection", "cautious"]
    result = plain_dbt(args, delivery, work)
    assert result.returncode == 0, result.stdout[-4000:]
    return work / "rtw.duckdb"


@pytest.fixture(scope="module")
def windows_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("bom_crlf")
    warehouse = rewritten_build(work, windows_bytes)
    assert (work / "delivery" / "participants.csv").read_bytes().startswith(BOM + b"person_id;")
    return warehouse


@pytest.fixture(scope="module")
def quoted_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("quoted")
    warehouse = rewritten_build(work, quoted_bytes)
    first = (work / "delivery" / "sykepenger.csv").read_bytes().split(b"\n")[1]
    assert first.startswith(b'"P') and first.count(b'";"') == 5
    return warehouse


def assert_same_rows(plain: Path, other: Path) -> duckdb.DuckDBPyConnection:
    """Every staging and dq relation of the two warehouses row-identical (except all both
    ways); the connection, with them attached as plain and other, for further checks."""
    connection = duckdb.connect()
    connection.execute(f"attach '{plain}' as plain (read_only)")
    connection.execute(f"attach '{other}' as other (read_only)")
    tables = connection.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = 'plain'"
        " and schema_name in ('staging', 'dq') order by all"
    ).fetchall()
    views = connection.execute(
        "select schema_name, view_name from duckdb_views() where database_name = 'plain'"
        " and schema_name = 'staging' order by all"
    ).fetchall()
    compared = 0
    for schema, name in [*tables, *views]:
        relation = f"{schema}.{name}"
        rows = connection.execute(f"select count(*) from plain.{relation}").fetchall()[0][0]
        for left, right in (("plain", "other"), ("other", "plain")):
            differ = connection.execute(
                f"select count(*) from (select * from {left}.{relation}"
                f" except all select * from {right}.{relation})"
            ).fetchall()[0][0]
            assert differ == 0, (relation, left, right)
        compared += rows
    names = {name for _, name in [*tables, *views]}
    assert {"dq_quarantine", "dq_source_rows", "stg_participants", "stg_ytelser"} <= names
    assert compared > 100
    return connection


def test_a_bom_and_crlf_change_no_row(windows_build: Path, tiny_staging_build: Path) -> None:
    with assert_same_rows(tiny_staging_build, windows_build) as connection:
        # the carriage return is in no loaded field
        cr = connection.execute(
            "select count(*) from other.staging.stg_sykepenger"
            " where contains(diagnose, chr(13)) or contains(sykefravaer_id, chr(13))"
        ).fetchall()[0][0]
        assert cr == 0


def test_quoting_every_field_changes_no_row(quoted_build: Path, tiny_staging_build: Path) -> None:
    with assert_same_rows(tiny_staging_build, quoted_build) as connection:
        # the rows are there, and no value kept its quotes
        loaded, quoted = connection.execute(
            "select count(*), count(case when contains(person_id || sykefravaer_id"
            " || coalesce(diagnose, ''), '\"') then 1 end) from other.staging.stg_sykepenger"
        ).fetchall()[0]
        assert loaded > 0
        assert quoted == 0
