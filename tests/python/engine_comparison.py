"""Two engines' builds compared model by model: the DuckDB warehouse file against
Spark's tables (Parquet files under `<spark_dir>/tables/<schema>.db/`, read with
DuckDB so that no second Spark session is needed). The same tables, the same
columns in the same order, the same rows in any order, NULL equal to NULL,
floating-point numbers within 1e-9.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

TOLERANCE = 1e-9
COMPARED_SCHEMAS = ("marts", "dq")
BUCKET_INSERTED = re.compile(r"person bucket (\d+) of (\d+) inserted")
CONTRACT_MARTS = {"dim_participant", "fct_person_month", "mart_status_by_arm", "mart_before_after"}

# Quality models known to differ between the engines, and why. Each must still
# differ: once fixed, the test fails until the entry is removed.
KNOWN_DIFFERENCES: dict[str, str] = {}


@dataclass
class Table:
    columns: list[str]
    rows: list[tuple]


def duckdb_tables(database: Path, schema: str) -> list[str]:
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            "select table_name from information_schema.tables"
            " where table_schema = ? and table_type = 'BASE TABLE' order by 1",
            [schema],
        ).fetchall()
    return [row[0] for row in rows]


def spark_tables(spark_dir: Path, schema: str) -> list[str]:
    folder = spark_dir / "tables" / f"{schema}.db"
    if not folder.is_dir():
        return []
    return sorted(path.name for path in folder.iterdir() if path.is_dir())


def read_duckdb(database: Path, schema: str, table: str) -> Table:
    with duckdb.connect(str(database), read_only=True) as con:
        result = con.execute(f'select * from "{schema}"."{table}"')
        columns = [column[0] for column in result.description]
        return Table(columns, result.fetchall())


def read_spark(spark_dir: Path, schema: str, table: str) -> Table:
    files = sorted((spark_dir / "tables" / f"{schema}.db" / table).glob("*.parquet"))
    assert files, f"Spark wrote no Parquet file for {schema}.{table}"
    with duckdb.connect() as con:
        result = con.execute("select * from read_parquet(?)", [[str(path) for path in files]])
        columns = [column[0] for column in result.description]
        return Table(columns, result.fetchall())


def normalise(value: object) -> tuple:
    """A value tagged with its kind: numbers compare across int/float, nothing else does."""
    if value is None:
        return (0, None)
    if isinstance(value, bool):
        return (1, value)
    if isinstance(value, int | float | Decimal):
        return (2, float(value))
    if isinstance(value, dt.datetime):
        return (3, value.replace(tzinfo=None))
    if isinstance(value, dt.date):
        return (4, value)
    return (5, str(value))


def sort_key(row: tuple) -> tuple:
    # rounded for sorting only, so that a last-digit difference cannot reorder rows
    return tuple(
        (kind, round(value, 6)) if kind == 2 else (kind, value)
        for kind, value in (normalise(v) for v in row)
    )


def same_value(left: object, right: object) -> bool:
    left_kind, left_value = normalise(left)
    right_kind, right_value = normalise(right)
    if left_kind != right_kind:
        return False
    if left_kind == 2:
        return math.isclose(left_value, right_value, rel_tol=TOLERANCE, abs_tol=TOLERANCE)
    return left_value == right_value


def differences(name: str, expected: Table, got: Table, limit: int = 5) -> list[str]:
    """What differs between the DuckDB table (expected) and the Spark one (got)."""
    if expected.columns != got.columns:
        return [f"{name}: columns differ\n  duckdb: {expected.columns}\n  spark:  {got.columns}"]
    if len(expected.rows) != len(got.rows):
        return [f"{name}: {len(expected.rows)} rows on DuckDB, {len(got.rows)} on Spark"]
    found = []
    pairs = zip(sorted(expected.rows, key=sort_key), sorted(got.rows, key=sort_key), strict=True)
    for left, right in pairs:
        unequal = [
            f"{column}: {a!r} vs {b!r}"
            for column, a, b in zip(expected.columns, left, right, strict=True)
            if not same_value(a, b)
        ]
        if unequal:
            found.append(f"{name}: row {left[:3]}... differs: " + "; ".join(unequal))
            if len(found) >= limit:
                break
    return found


def assert_same_models(duckdb_file: Path, spark_dir: Path) -> None:
    for schema in COMPARED_SCHEMAS:
        on_duckdb = duckdb_tables(duckdb_file, schema)
        assert on_duckdb, f"no tables in schema {schema} on DuckDB"
        assert spark_tables(spark_dir, schema) == on_duckdb, schema
    assert set(duckdb_tables(duckdb_file, "marts")) >= CONTRACT_MARTS


def assert_built_in_buckets(pairs: list[tuple[int, int]]) -> None:
    """Every bucket after the first inserted once, in order: (bucket, buckets) pairs."""
    assert pairs, "the Spark build inserted no person bucket"
    buckets = pairs[0][1]
    assert buckets >= 2
    assert pairs == [(k, buckets) for k in range(2, buckets + 1)]


def assert_every_model_equal(duckdb_file: Path, spark_dir: Path, schema: str) -> None:
    problems: list[str] = []
    compared = 0
    for table in duckdb_tables(duckdb_file, schema):
        name = f"{schema}.{table}"
        expected = read_duckdb(duckdb_file, schema, table)
        got = read_spark(spark_dir, schema, table)
        found = differences(name, expected, got)
        if name in KNOWN_DIFFERENCES:
            if not found:
                problems.append(f"{name} is now equal: remove it from KNOWN_DIFFERENCES")
            continue
        problems += found
        compared += 1
    assert compared > 0
    assert not problems, "\n".join(problems)
