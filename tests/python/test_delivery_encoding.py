"""A delivery as spreadsheet tools on Windows write CSV: UTF-8 with a byte-order mark
and CRLF line ends.

Every file of the hand-made tiny delivery (its gzip file too) is rewritten so; the
staging models, the verdicts, the quarantine and the row counts must be those of
the plain files, row for row: the mark is not part of the first column's name,
and no field keeps a carriage return.
"""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import duckdb
import pytest

from dbt_runs import STAGING_NODES, TINY_DIR, plain_dbt

pytestmark = pytest.mark.slow

BOM = b"\xef\xbb\xbf"


def windows_bytes(data: bytes) -> bytes:
    return BOM + data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


@pytest.fixture(scope="module")
def windows_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("bom_crlf")
    delivery = work / "delivery"
    shutil.copytree(TINY_DIR, delivery)
    for path in delivery.iterdir():
        if path.name.endswith(".csv.gz"):
            path.write_bytes(gzip.compress(windows_bytes(gzip.decompress(path.read_bytes()))))
        elif path.name.endswith(".csv"):
            path.write_bytes(windows_bytes(path.read_bytes()))
    assert (delivery / "participants.csv").read_bytes().startswith(BOM + b"person_id;")
    args = ["build", "--select", *STAGING_NODES, "--indirect-selection", "cautious"]
    result = plain_dbt(args, delivery, work)
    assert result.returncode == 0, result.stdout[-4000:]
    return work / "rtw.duckdb"


def test_a_bom_and_crlf_change_no_row(windows_build: Path, tiny_staging_build: Path) -> None:
    with duckdb.connect() as connection:
        connection.execute(f"attach '{tiny_staging_build}' as plain (read_only)")
        connection.execute(f"attach '{windows_build}' as windows (read_only)")
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
            for left, right in (("plain", "windows"), ("windows", "plain")):
                differ = connection.execute(
                    f"select count(*) from (select * from {left}.{relation}"
                    f" except all select * from {right}.{relation})"
                ).fetchall()[0][0]
                assert differ == 0, (relation, left, right)
            compared += rows
        names = {name for _, name in [*tables, *views]}
        assert {"dq_quarantine", "dq_source_rows", "stg_participants", "stg_ytelser"} <= names
        assert compared > 100
        # the carriage return is in no loaded field
        cr = connection.execute(
            "select count(*) from windows.staging.stg_sykepenger"
            " where contains(diagnose, chr(13)) or contains(sykefravaer_id, chr(13))"
        ).fetchall()[0][0]
        assert cr == 0
