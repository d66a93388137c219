"""The report header reads what built the warehouse from the warehouse itself."""

from __future__ import annotations

from pathlib import Path

import duckdb

from rtwpanel.analysis.build_info import describe_build, find_build_info
from rtwpanel.provenance import (
    BuildRecord,
    delivery_files,
    delivery_fingerprint,
    write_provenance,
)


def record(raw_dir: Path, fingerprint: str) -> BuildRecord:
    return BuildRecord(
        build_id="b-1",
        command="dbt build",
        started_at="2026-01-01T10:00:00+00:00",
        finished_at="2026-01-01T10:00:42+00:00",
        outcome="published",
        raw_dir=str(raw_dir),
        delivery_sha256=fingerprint,
        dbt_vars={"raw_dir": str(raw_dir), "aa_stipulation_lag_months": 2},
        cli_vars={"raw_dir": str(raw_dir), "aa_stipulation_lag_months": 2},
        versions={
            "rtwpanel_version": "0.1.0",
            "git_commit": "abcdef1234567890",
            "dbt_version": "1.11.16",
            "adapter_version": "dbt-duckdb 1.11.1",
            "duckdb_version": "2.0.0",
            "python_version": "3.11.7",
        },
    )


def test_round_trip_through_the_warehouse(tmp_path: Path) -> None:
    delivery = tmp_path / "delivery"
    (delivery / "truth").mkdir(parents=True)
    (delivery / "npr.csv").write_text("person_id;x\n1;2\n")
    (delivery / "truth" / "effects.json").write_text("{}")
    files = delivery_files(delivery)
    assert [item.name for item in files] == ["npr.csv"], "the generator's truth is not delivery"
    assert files[0].bytes == 16
    # worked out with: printf 'person_id;x\n1;2\n' | sha256sum
    assert files[0].sha256 == "cc42f3ffe72213950291ed8f569341d554d473183dea5617629246fc06a7c068"
    database = tmp_path / "rtw.duckdb"
    with duckdb.connect(str(database)) as connection:
        write_provenance(connection, record(delivery, delivery_fingerprint(files)), files, None)

    info = find_build_info(database)
    assert info is not None
    assert Path(info.raw_dir) == delivery
    assert info.dbt_vars["aa_stipulation_lag_months"] == 2
    assert info.seconds == 42
    header = describe_build(info)
    assert header["delivery"].startswith(f"{delivery} (sha256 ")
    assert (
        header["dbt variables"] == "defaults of dbt_project.yml, with aa_stipulation_lag_months=2"
    )
    assert "git abcdef123456" in header["build"] and "DuckDB 2.0.0" in header["build"]


def test_fingerprint_changes_with_a_file(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("x\n1\n")
    before = delivery_fingerprint(delivery_files(tmp_path))
    (tmp_path / "a.csv").write_text("x\n2\n")
    assert delivery_fingerprint(delivery_files(tmp_path)) != before


def test_a_warehouse_without_provenance_says_so(tmp_path: Path) -> None:
    database = tmp_path / "rtw.duckdb"
    duckdb.connect(str(database)).close()
    assert find_build_info(database) is None
    assert describe_build(None)["delivery"].startswith("unknown: the warehouse holds no")
