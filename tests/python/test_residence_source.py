"""bosted.csv, residence: an optional file of the delivery contract, required by a
roll-out study, checked and quarantined like every other file.

The hand-made tiny delivery has no bosted.csv; a copy of it gets one with sound
spells and one planted fault per row, whose verdicts are worked out by hand.
"""

from __future__ import annotations

import duckdb
import pytest

from dbt_runs import STAGING_NODES, TINY_DIR
from dbt_runs import plain_dbt as run_dbt

HEADER = "person_id;region;fom_date;tom_date"
LINES = [
    "P0000001;19;20050101;20140630",  # 2: sound
    "P0000001;18;20140701;",  # 3: sound, open
    "P0000002;03;19900101;",  # 4: sound
    "P0000002;03;19900101;",  # 5: an exact copy of line 4
    "P0000003;13;20000101;",  # 6: 13 is no county (ref_regions)
    "P0000003;12;20100101;20091231",  # 7: ends before it starts
    "P9999999;12;20100101;",  # 8: nobody in participants.csv
    "P0000003;12;2010-01-01;",  # 9: not YYYYMMDD
    "P0000003;;20100101;",  # 10: no region
]
EXPECTED = {
    (6, "unknown_code", "region"),
    (7, "end_before_start", "tom_date"),
    (8, "unknown_person", "person_id"),
    (9, "bad_date", "fom_date"),
    (10, "missing_value", "region"),
}


@pytest.fixture(scope="module")
def residence_build(tmp_path_factory: pytest.TempPathFactory):
    import shutil

    work = tmp_path_factory.mktemp("residence")
    delivery = work / "delivery"
    shutil.copytree(TINY_DIR, delivery)
    (delivery / "bosted.csv").write_text("\n".join([HEADER, *LINES]) + "\n", encoding="utf-8")
    with (delivery / "coverage.csv").open("a", encoding="utf-8") as handle:
        handle.write("bosted;201001;201604\n")
    nodes = [*STAGING_NODES, "int_residence_spells"]
    result = run_dbt(
        ["build", "--select", *nodes, "--indirect-selection", "cautious"], delivery, work
    )
    assert result.returncode == 0, result.stdout[-4000:]
    with duckdb.connect(str(work / "rtw.duckdb"), read_only=True) as con:
        yield con


def test_every_row_of_bosted_is_loaded_or_set_aside_with_its_reason(residence_build) -> None:
    con = residence_build
    quarantined = con.execute(
        "select source_line, reason, column_name from dq.dq_quarantine where source = 'bosted'"
    ).fetchall()
    assert set(quarantined) == EXPECTED and len(quarantined) == len(EXPECTED)
    counts = con.execute(
        "select raw_rows, loaded_rows, duplicate_rows, quarantined_rows from dq.dq_source_rows"
        " where source = 'bosted'"
    ).fetchone()
    assert counts == (9, 3, 1, 5)
    loaded = con.execute(
        "select source_line, person_id, region, fom_date::varchar, tom_date::varchar"
        " from staging.stg_bosted order by source_line"
    ).fetchall()
    assert loaded == [
        (2, "P0000001", "19", "2005-01-01", "2014-06-30"),
        (3, "P0000001", "18", "2014-07-01", None),
        (4, "P0000002", "03", "1990-01-01", None),
    ]


def test_the_quarantine_never_holds_the_whole_line(residence_build) -> None:
    lines = residence_build.execute(
        "select count(raw_line) from dq.dq_quarantine where source = 'bosted'"
    ).fetchone()
    assert lines == (0,)


def test_a_delivery_without_bosted_reads_it_as_no_rows(tiny_staging_build) -> None:
    with duckdb.connect(str(tiny_staging_build), read_only=True) as con:
        counts = con.execute(
            "select raw_rows, loaded_rows, duplicate_rows, quarantined_rows"
            " from dq.dq_source_rows where source = 'bosted'"
        ).fetchone()
        columns = [
            row[0]
            for row in con.execute(
                "select column_name from information_schema.columns"
                " where table_schema = 'staging' and table_name = 'stg_bosted'"
                " order by ordinal_position"
            ).fetchall()
        ]
    assert counts == (0, 0, 0, 0)
    assert columns == ["source_line", "person_id", "region", "fom_date", "tom_date"]


def test_a_rollout_study_refuses_a_delivery_without_bosted(tmp_path) -> None:
    result = run_dbt(
        ["build", "--select", "path:models/staging"], TINY_DIR, tmp_path, {"study": "ipsnor"}
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "refused, nothing was built" in output, output[-3000:]
    assert "bosted.csv: missing required file" in output, output[-3000:]
