"""The same delivery built on DuckDB and on Spark gives the same marts, row for row.

`dbt build` runs on one delivery (the demo unless RTW_SPARK_DELIVERY names
another) on the default DuckDB target (for the demo: the build the test run
shares, `demo_build`) and on the `spark` target (dbt-spark's session method,
local PySpark). Every model of the `marts` and `dq` schemas is then compared
(engine_comparison): the same tables, the same columns in the same order, the
same rows in any order, NULL equal to NULL, floating-point numbers within 1e-9.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from engine_comparison import (
    BUCKET_INSERTED,
    COMPARED_SCHEMAS,
    Table,
    assert_built_in_buckets,
    assert_every_model_equal,
    assert_same_models,
    differences,
    read_duckdb,
)
from rtwpanel.dbt_invocation import DbtResult, run_dbt
from rtwpanel.paths import DEMO_DIR, PROJECT_DIR

pytestmark = [pytest.mark.spark, pytest.mark.spark_build, pytest.mark.slow]

SPARK_BUCKET_PERSONS = 100


@dataclass
class Builds:
    delivery: Path
    duckdb_file: Path
    spark_dir: Path
    spark_result: DbtResult
    spark_buckets_inserted: list[tuple[int, int]]


def delivery_dir() -> Path:
    configured = os.environ.get("RTW_SPARK_DELIVERY")
    path = Path(configured) if configured else DEMO_DIR
    return path if path.is_absolute() else PROJECT_DIR / path


def failure_text(result: DbtResult) -> str:
    return "\n".join(result.failures or result.log_tail[-60:])


@pytest.fixture(scope="module")
def builds(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Builds]:
    delivery = delivery_dir()
    assert delivery.is_dir(), f"no delivery at {delivery}"
    work = tmp_path_factory.mktemp("engines")
    spark_dir = work / "spark"
    dbt_vars = {"raw_dir": str(delivery)}

    if delivery.resolve() == DEMO_DIR.resolve():
        duckdb_file = request.getfixturevalue("demo_build")
    else:
        duckdb_file = work / "duckdb" / "rtw.duckdb"
        duckdb_result = run_dbt(["build"], duckdb_file, dbt_vars=dbt_vars)
        assert duckdb_result.ok, failure_text(duckdb_result)

    buckets_inserted: list[tuple[int, int]] = []
    saved = os.environ.get("RTW_SPARK_DIR")
    os.environ["RTW_SPARK_DIR"] = str(spark_dir)
    try:
        # the DuckDB path only places dbt's target folder; the spark target ignores it.
        # Spark builds the panel in buckets of 100 persons (a select, then one insert
        # per bucket), DuckDB in one: the comparison covers the bucketed build too.
        spark_result = run_dbt(
            ["build", "--target", "spark"],
            spark_dir / "dbt.duckdb",
            dbt_vars={**dbt_vars, "panel_bucket_persons": SPARK_BUCKET_PERSONS},
            on_line=lambda line: buckets_inserted.extend(
                (int(m.group(1)), int(m.group(2))) for m in BUCKET_INSERTED.finditer(line)
            ),
        )
    finally:
        if saved is None:
            os.environ.pop("RTW_SPARK_DIR", None)
        else:
            os.environ["RTW_SPARK_DIR"] = saved
    assert spark_result.ok, failure_text(spark_result)
    yield Builds(delivery, duckdb_file, spark_dir, spark_result, buckets_inserted)


def test_both_engines_build_the_same_models(builds: Builds) -> None:
    assert_same_models(builds.duckdb_file, builds.spark_dir)


def test_spark_built_the_panel_in_buckets(builds: Builds) -> None:
    assert_built_in_buckets(builds.spark_buckets_inserted)


@pytest.mark.parametrize("schema", COMPARED_SCHEMAS)
def test_every_model_equal_row_for_row(builds: Builds, schema: str) -> None:
    assert_every_model_equal(builds.duckdb_file, builds.spark_dir, schema)


def test_the_marts_are_not_trivially_equal(builds: Builds) -> None:
    # the comparison means something only if the marts hold data
    panel = read_duckdb(builds.duckdb_file, "marts", "fct_person_month")
    participants = read_duckdb(builds.duckdb_file, "marts", "dim_participant")
    assert len(panel.rows) > 100
    assert len(participants.rows) > 2


def test_the_comparison_catches_a_difference() -> None:
    expected = Table(["a", "b", "c"], [(1, 0.5, "x"), (2, None, "y")])
    assert differences("t", expected, Table(["a", "b", "c"], [(2, None, "y"), (1, 0.5, "x")])) == []
    within = Table(["a", "b", "c"], [(1, 0.5 + 1e-12, "x"), (2, None, "y")])
    assert differences("t", expected, within) == []
    for changed in (
        Table(["a", "b", "c"], [(1, 0.5 + 1e-6, "x"), (2, None, "y")]),
        Table(["a", "b", "c"], [(1, 0.5, "x"), (2, 0.0, "y")]),
        Table(["a", "b", "c"], [(1, 0.5, "x"), (2, None, "z")]),
        Table(["a", "b", "c"], [(True, 0.5, "x"), (2, None, "y")]),
        Table(["a", "c", "b"], [(1, "x", 0.5), (2, "y", None)]),
        Table(["a", "b", "c"], [(1, 0.5, "x")]),
    ):
        assert differences("t", expected, changed), changed
