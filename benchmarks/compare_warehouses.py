"""Are two warehouses row-identical? Every table of the given schemas, `except all` both ways.

    python benchmarks/compare_warehouses.py before.duckdb after.duckdb
    python benchmarks/compare_warehouses.py before.duckdb after.duckdb --schemas marts dq staging

For each table in either warehouse: the rows only in the first and the rows only in the
second (counted with duplicates), and any column whose name, position or type differs.
Columns are matched by name, so a table whose columns moved is still compared by value; a
changed type is reported and the values are compared as text. Exit 0 when every table has
the same rows, 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb


def table_columns(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str):
    """The table's columns and types, in column order."""
    return con.execute(
        "select column_name, data_type from information_schema.columns"
        " where table_catalog = ? and table_schema = ? and table_name = ?"
        " order by ordinal_position",
        [catalog, schema, table],
    ).fetchall()


def schema_tables(con: duckdb.DuckDBPyConnection, catalog: str, schema: str) -> set[str]:
    rows = con.execute(
        "select table_name from information_schema.tables"
        " where table_catalog = ? and table_schema = ?",
        [catalog, schema],
    ).fetchall()
    return {name for (name,) in rows}


def compare_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    """What differs between before.schema.table and after.schema.table; empty when nothing."""
    before = table_columns(con, "before", schema, table)
    after = table_columns(con, "after", schema, table)
    problems = []
    if [name for name, _ in before] != [name for name, _ in after]:
        problems.append(f"columns differ: {[n for n, _ in before]} vs {[n for n, _ in after]}")
    after_types = dict(after)
    shared = [name for name, _ in before if name in after_types]
    retyped = {name for name, kind in before if name in after_types and after_types[name] != kind}
    for name in sorted(retyped):
        problems.append(f"type of {name}: {dict(before)[name]} -> {after_types[name]}")

    def select(catalog: str) -> str:
        # Retyped columns are compared by their text: the values must still agree.
        items = ", ".join(
            f'cast("{name}" as varchar)' if name in retyped else f'"{name}"' for name in shared
        )
        return f'select {items} from {catalog}."{schema}"."{table}"'

    for first, second in (("before", "after"), ("after", "before")):
        (n_rows,) = con.execute(
            f"select count(*) from ({select(first)} except all {select(second)})"
        ).fetchone()
        if n_rows:
            problems.append(f"{n_rows} rows only in {first}")
    return problems


def compare(before: Path, after: Path, schemas: list[str]) -> int:
    con = duckdb.connect()
    con.execute(f"attach '{before}' as before (read_only)")
    con.execute(f"attach '{after}' as after (read_only)")
    n_different = 0
    for schema in schemas:
        tables_before = schema_tables(con, "before", schema)
        tables_after = schema_tables(con, "after", schema)
        for table in sorted(tables_before | tables_after):
            if table not in tables_after or table not in tables_before:
                where = "before" if table in tables_before else "after"
                print(f"{schema}.{table}: only in {where}")
                n_different += 1
                continue
            problems = compare_table(con, schema, table)
            (n_rows,) = con.execute(f'select count(*) from before."{schema}"."{table}"').fetchone()
            verdict = "; ".join(problems) if problems else "identical"
            print(f"{schema}.{table} ({n_rows:,} rows): {verdict}")
            n_different += any("rows only" in problem for problem in problems)
    print("row-identical" if n_different == 0 else f"{n_different} tables differ")
    return 0 if n_different == 0 else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--schemas", nargs="+", default=["marts", "dq"])
    args = parser.parse_args()
    return compare(args.before, args.after, args.schemas)


if __name__ == "__main__":
    sys.exit(main())
