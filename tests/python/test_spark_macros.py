"""The engine-specific macros give the same, hand-worked answers on DuckDB and on Spark.

On Spark in local mode (the `spark` target) and, with RTW_SPARK_CLUSTER_MACROS=1
(`make test-spark-cluster`), on a cluster of two one-core workers through the Thrift
server (`spark_thrift`, started for this module), where a file read in many splits is
read by executors in two JVMs.

A scratch dbt project (named rtwpanel, so dispatch finds the project's own
`duckdb__`/`spark__` implementations) links to the project's macros and runs
one operation per engine that evaluates every case and prints the results as
JSON. Expected values are worked out by hand from the inputs below.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from rtwpanel.paths import PROJECT_DIR
from thrift_cluster import Cluster, running_cluster

pytestmark = pytest.mark.spark

# The cluster (a file read in many splits by executors in two JVMs) costs minutes:
# `make test-spark-cluster` runs it; `make test` keeps to DuckDB and local Spark.
ON_CLUSTER = os.environ.get("RTW_SPARK_CLUSTER_MACROS") == "1"
ENGINES = ["duckdb", "spark", *(["spark_thrift"] if ON_CLUSTER else [])]


def csv_case(line: str | None, position: int | None = None) -> str:
    """The Jinja of one field (or, without a position, the field count) of a CSV line;
    the line an SQL string literal, in a Jinja string (json.dumps escapes its quotes)."""
    if line is None:
        fields = "rtwpanel.csv_fields('cast(null as ' ~ dbt.type_string() ~ ')')"
    else:
        fields = "rtwpanel.csv_fields(" + json.dumps("'" + line.replace("'", "''") + "'") + ")"
    if position is None:
        return f"rtwpanel.csv_field_count({fields})"
    return f"rtwpanel.csv_field({fields}, {position})"


# name -> an SQL expression (Jinja) evaluated in a select without a from clause.
SCALAR_CASES: dict[str, str] = {
    "csv_plain_count": csv_case("a;b;;c"),
    "csv_plain_empty_field": csv_case("a;b;;c", 3),
    "csv_quoted_delimiter": csv_case('a;"x;y";c', 2),
    "csv_quoted_count": csv_case('a;"x;y";c'),
    "csv_doubled_quote": csv_case('a;"say ""hi""";c', 2),
    "csv_quote_in_text": csv_case('ab"c;d', 1),
    "csv_not_closed": csv_case('a;"open;c'),
    "csv_text_after_quote": csv_case('a;"x"y;c'),
    "csv_beyond_the_end": csv_case("a;b", 5),
    "csv_blank_line": csv_case(None),
    "full_match_yes": "rtwpanel.full_match(\"'20140228'\", '[0-9]{8}')",
    "full_match_prefix": "rtwpanel.full_match(\"'x20140228'\", '[0-9]{8}')",
    "full_match_short": "rtwpanel.full_match(\"'2014022'\", '[0-9]{8}')",
    "full_match_null": "rtwpanel.full_match('cast(null as ' ~ dbt.type_string() ~ ')', '[0-9]{8}')",
    "date_valid": "rtwpanel.parse_date(\"'20140228'\")",
    "date_leap_day": "rtwpanel.parse_date(\"'20000229'\")",
    "date_no_leap_day": "rtwpanel.parse_date(\"'19000229'\")",
    "date_feb_30": "rtwpanel.parse_date(\"'20140230'\")",
    "date_month_13": "rtwpanel.parse_date(\"'20131332'\")",
    "date_iso": "rtwpanel.parse_date(\"'2013-05-01'\")",
    "date_zero": "rtwpanel.parse_date(\"'0'\")",
    "month_valid": "rtwpanel.parse_month(\"'201402'\")",
    "month_13": "rtwpanel.parse_month(\"'201313'\")",
    "identity_embedded": "rtwpanel.is_identity_number_text(\"'id 12345678901.'\")",
    "identity_12_digits": "rtwpanel.is_identity_number_text(\"'123456789012'\")",
    "identity_10_digits": "rtwpanel.is_identity_number_text(\"'1234567890'\")",
    "line_hash_same_text": (
        "rtwpanel.line_hash(\"'P1;U1;AAP'\") ~ ' = ' ~ rtwpanel.line_hash(\"'P1;U1;AAP'\")"
    ),
    "line_hash_other_text": (
        "rtwpanel.line_hash(\"'P1;U1;AAP'\") ~ ' = ' ~ rtwpanel.line_hash(\"'P1;U2;AAP'\")"
    ),
    "month_start": "rtwpanel.month_start(\"cast('2013-11-20' as date)\")",
    "month_end_leap": "rtwpanel.month_end(\"cast('2016-02-10' as date)\")",
    "add_months_back": "rtwpanel.add_months(\"cast('2012-01-01' as date)\", -3)",
    "add_days_over_year": "rtwpanel.add_days(\"cast('2013-12-31' as date)\", 1)",
    "days_between": (
        "rtwpanel.days_between(\"cast('2014-02-27' as date)\", \"cast('2014-03-01' as date)\")"
    ),
    "calendar_months": (
        "rtwpanel.calendar_months_between("
        "\"cast('2013-11-20' as date)\", \"cast('2014-01-01' as date)\")"
    ),
}

SCALAR_EXPECTED: dict[str, str | None] = {
    "csv_plain_count": "4",
    "csv_plain_empty_field": "",
    "csv_quoted_delimiter": "x;y",
    "csv_quoted_count": "3",
    "csv_doubled_quote": 'say "hi"',
    "csv_quote_in_text": 'ab"c',
    "csv_not_closed": "0",
    "csv_text_after_quote": "0",
    "csv_beyond_the_end": None,
    "csv_blank_line": "0",
    "full_match_yes": "true",
    "full_match_prefix": "false",
    "full_match_short": "false",
    "full_match_null": None,
    "date_valid": "2014-02-28",
    "date_leap_day": "2000-02-29",
    "date_no_leap_day": None,
    "date_feb_30": None,
    "date_month_13": None,
    "date_iso": None,
    "date_zero": None,
    "month_valid": "2014-02-01",
    "month_13": None,
    "identity_embedded": "true",
    "identity_12_digits": "false",
    "identity_10_digits": "false",
    "line_hash_same_text": "true",
    "line_hash_other_text": "false",
    "month_start": "2013-11-01",
    "month_end_leap": "2016-02-29",
    "add_months_back": "2011-10-01",
    "add_days_over_year": "2014-01-01",
    "days_between": "2",
    "calendar_months": "2",
}

# A file as a register delivers it: header, a blank line, Norwegian letters; also with
# Windows line ends (one kind per file: the engines split mixed line ends differently).
SMALL_FILE = "person_id;note\nP1;a\n\nP2;b\nP3;blå ærlig øl\n"
SMALL_FILE_CRLF = SMALL_FILE.replace("\n", "\r\n")
SMALL_LINES = [[1, "person_id;note"], [2, "P1;a"], [3, None], [4, "P2;b"], [5, "P3;blå ærlig øl"]]

# Long enough that Spark, with 256-byte splits, reads it in many pieces.
N_SPLIT_LINES = 400

# Two values shaped like a national identity number, on lines 3 and 5 (header = 1),
# and on line 7 bytes that are not UTF-8.
SCAN_FILE = (
    b"person_id;note\nP1;ok\nP2;nr 01017012345\nP3;12345\n01017012345;x\nP5;123456789012\n"
    b"P6;\xff\xfe\n"
)


PROBE_MACRO = """
{% macro probe(files) %}
    {%- set results = {} -%}
    {%- set scalar_sql -%}
        select
        __SCALARS__
    {%- endset -%}
    {%- set table = run_query(scalar_sql) -%}
    {%- for name in table.column_names -%}
        {%- set value = table.rows[0][name] -%}
        {%- do results.update({name: (value | string | lower) if value is not none else none}) -%}
    {%- endfor -%}

    {%- set listagg_sql -%}
        select
            g,
            {{ dbt.listagg('v', "','", 'order by k1, k2') }} as ordered,
            {{ dbt.listagg('v', "'|'", 'order by k2, k1', 2) }} as first_two
        from (__LISTAGG_VALUES__) as cases
        group by g
        order by g
    {%- endset -%}
    {%- do results.update({'listagg': run_query(listagg_sql).rows | map('list') | list}) -%}

    {%- for name in ['small.csv', 'small.csv.gz', 'crlf.csv'] -%}
        {%- set lines_sql -%}
            select source_line, raw_line
            from ({{ rtwpanel.raw_lines(rtwpanel.raw_read(files ~ '/' ~ name)) }}) as lines
            order by source_line
        {%- endset -%}
        {%- do results.update({'lines ' ~ name: run_query(lines_sql).rows | map('list') | list}) -%}
        {%- set values_sql -%}
            select raw_line
            from ({{ rtwpanel.raw_line_values(rtwpanel.raw_read(files ~ '/' ~ name)) }}) as lines
        {%- endset -%}
        {%- set values = run_query(values_sql).rows | map('list') | list -%}
        {%- do results.update({'values ' ~ name: values}) -%}
    {%- endfor -%}

    {%- if target.type == 'spark' -%}
        {#- tiny splits, so that one file is read as many blocks by both cores -#}
        {%- do run_query('set spark.sql.files.maxPartitionBytes=256') -%}
        {%- do run_query('set spark.sql.files.openCostInBytes=1') -%}
    {%- endif -%}
    {%- set split_sql -%}
        select
            count(*) as n_lines,
            count(distinct source_line) as n_numbers,
            min(source_line) as first_line,
            max(source_line) as last_line,
            sum(case
                when raw_line = concat(cast(source_line as {{ dbt.type_string() }}), ';line')
                    then 1 else 0
            end) as n_in_place
        from ({{ rtwpanel.raw_lines(rtwpanel.raw_read(files ~ '/split.csv')) }}) as lines
    {%- endset -%}
    {%- do results.update({'split': run_query(split_sql).rows[0] | list}) -%}

    {%- set scan = rtwpanel.raw_scan(files ~ '/scan.csv', ['person_id', 'note']) -%}
    {%- do results.update({'scan': scan}) -%}

    {%- set globbed = {} -%}
    {%- for pattern in ['small.csv', 'small.csv.gz', 'missing.csv', 'small.csv*', 'scan.csv'] -%}
        {%- set names = [] -%}
        {%- for path in rtwpanel.raw_glob(files ~ '/' ~ pattern) -%}
            {%- do names.append(path.split('/')[-1]) -%}
        {%- endfor -%}
        {%- do globbed.update({pattern: names}) -%}
    {%- endfor -%}
    {%- do results.update({'glob': globbed}) -%}

    {%- set present = {} -%}
    {%- for name in ['small', 'scan', 'missing'] -%}
        {%- set names = [] -%}
        {%- for path in rtwpanel.raw_files_present(files, name) -%}
            {%- do names.append(path.split('/')[-1]) -%}
        {%- endfor -%}
        {%- do present.update({name: names}) -%}
    {%- endfor -%}
    {%- do results.update({'present': present}) -%}

    {%- set database = target.database if target.database is defined else none -%}
    {%- set probe_view = api.Relation.create(
        database=database, schema=target.schema, identifier='rtw_probe_types') -%}
    {%- do run_query(
        'create or replace view ' ~ probe_view ~ ' as select'
        ~ " cast('a' as " ~ dbt.type_string() ~ ") as a_text,"
        ~ ' cast(1 as ' ~ dbt.type_int() ~ ') as an_int,'
        ~ ' cast(1 as ' ~ dbt.type_bigint() ~ ') as a_bigint,'
        ~ ' cast(1.5 as double) as a_double,'
        ~ " cast('2014-01-01' as date) as a_date,"
        ~ ' true as a_boolean') -%}
    {%- set kinds = {} -%}
    {%- for column in adapter.get_columns_in_relation(probe_view) -%}
        {%- do kinds.update({column.name: [
            rtwpanel.is_text_column(column), rtwpanel.is_integer_column(column)]}) -%}
    {%- endfor -%}
    {%- do results.update({'column kinds': kinds}) -%}

    {%- do print('PROBE ' ~ tojson(results)) -%}
{% endmacro %}
"""

LISTAGG_VALUES = (
    "select * from (values (1, 'b', 2, 1), (1, 'a', 1, 9), (1, 'd', 2, 2), (2, 'z', 1, 1),"
    " (1, 'c', 1, 8)) as t(g, v, k1, k2)"
)


def probe_macro() -> str:
    """The operation: evaluates every case and prints one JSON line."""
    scalar_selects = ",\n        ".join(
        f"cast({{{{ {expression} }}}} as {{{{ dbt.type_string() }}}}) as {name}"
        for name, expression in SCALAR_CASES.items()
    )
    return PROBE_MACRO.replace("__SCALARS__", scalar_selects).replace(
        "__LISTAGG_VALUES__", LISTAGG_VALUES
    )


def write_files(files: Path) -> None:
    files.mkdir()
    (files / "small.csv").write_text(SMALL_FILE, encoding="utf-8")
    (files / "crlf.csv").write_bytes(SMALL_FILE_CRLF.encode("utf-8"))
    with gzip.open(files / "small.csv.gz", "wt", encoding="utf-8", newline="") as handle:
        handle.write(SMALL_FILE)
    # line n holds "n;line" (the header is line 1 too: "1;line")
    split_text = "".join(f"{n};line\n" for n in range(1, N_SPLIT_LINES + 1))
    (files / "split.csv").write_text(split_text, encoding="utf-8")
    (files / "scan.csv").write_bytes(SCAN_FILE)
    # a sub-folder is not part of the delivery's top level
    (files / "truth").mkdir()
    (files / "truth" / "small.csv").write_text(SMALL_FILE, encoding="utf-8")


def write_project(root: Path) -> None:
    root.mkdir()
    (root / "dbt_project.yml").write_text(
        "name: rtwpanel\nversion: '0.1.0'\nconfig-version: 2\nprofile: rtwpanel\n"
        'macro-paths: ["macros", "probe_macros"]\nmodel-paths: ["models"]\n'
        "flags:\n  send_anonymous_usage_stats: false\n  partial_parse: false\n"
    )
    (root / "macros").symlink_to(PROJECT_DIR / "macros", target_is_directory=True)
    (root / "models").mkdir()
    (root / "probe_macros").mkdir()
    (root / "probe_macros" / "probe.sql").write_text(probe_macro())


def run_probe(engine: str, work: Path) -> dict[str, object]:
    files = work / "files"
    project = work / "project"
    write_files(files)
    write_project(project)
    env = dict(os.environ)
    env.update(
        {
            "DBT_PROFILES_DIR": str(PROJECT_DIR),
            "DBT_TARGET_PATH": str(work / "target"),
            "DBT_LOG_PATH": str(work / "logs"),
            "RTW_DUCKDB_PATH": str(work / "probe.duckdb"),
            "RTW_SPARK_DIR": str(work / "spark"),
        }
    )
    dbt = Path(sys.executable).parent / "dbt"
    arguments = json.dumps({"files": str(files)})
    completed = subprocess.run(
        [str(dbt), "run-operation", "probe", "--target", engine, "--args", arguments],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output[-6000:]
    probes = [line for line in completed.stdout.splitlines() if line.startswith("PROBE ")]
    assert len(probes) == 1, output[-6000:]
    return json.loads(probes[0].removeprefix("PROBE "))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with running_cluster(tmp_path_factory.mktemp("cluster")) as cluster:
        yield cluster


@pytest.fixture(scope="module", params=ENGINES)
def probe(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict:
    if request.param == "spark_thrift":
        request.getfixturevalue("cluster")
    return run_probe(request.param, tmp_path_factory.mktemp(f"probe_{request.param}"))


@pytest.mark.slow
def test_parsers_identity_numbers_and_date_arithmetic(probe: dict) -> None:
    got = {name: probe[name] for name in SCALAR_CASES}
    assert got == SCALAR_EXPECTED


@pytest.mark.slow
def test_listagg_keeps_the_order_by_clause(probe: dict) -> None:
    # rows come as b, a, d, z, c; group 1 by (k1, k2): c(1,8) a(1,9) b(2,1) d(2,2)
    group_1, group_2 = probe["listagg"]
    assert group_1[:2] == [1, "c,a,b,d"]
    # by (k2, k1): b(1,2) d(2,2) c(8,1) a(9,1); the first two
    assert group_1[2] == "b|d"
    assert group_2 == [2, "z", "z"]


@pytest.mark.slow
def test_raw_lines_are_numbered_as_in_the_file(probe: dict) -> None:
    assert probe["lines small.csv"] == SMALL_LINES
    assert probe["lines small.csv.gz"] == SMALL_LINES
    assert probe["lines crlf.csv"] == SMALL_LINES


def test_raw_line_values_are_every_line_unnumbered(probe: dict) -> None:
    expected = sorted((line for _, line in SMALL_LINES), key=lambda line: line or "")
    for name in ["small.csv", "small.csv.gz", "crlf.csv"]:
        values = [row[0] for row in probe[f"values {name}"]]
        assert sorted(values, key=lambda line: line or "") == expected


@pytest.mark.slow
def test_raw_lines_of_a_file_read_in_many_splits(probe: dict) -> None:
    n = N_SPLIT_LINES
    assert probe["split"] == [n, n, 1, n, n]


@pytest.mark.slow
def test_raw_scan_counts_rows_and_finds_identity_numbers(probe: dict) -> None:
    assert probe["scan"] == {
        "data_rows": 5,
        "identity_lines": 2,
        "first_identity_line": 3,
        "first_identity_column": "note",
        "unreadable_lines": 1,
        "first_unreadable_line": 7,
        "unreadable_error": "INVALID ENCODING",
    }


@pytest.mark.slow
def test_column_kinds_of_an_existing_relation(probe: dict) -> None:
    # [text?, integer?]
    assert probe["column kinds"] == {
        "a_text": [True, False],
        "an_int": [False, True],
        "a_bigint": [False, True],
        "a_double": [False, False],
        "a_date": [False, False],
        "a_boolean": [False, False],
    }


@pytest.mark.slow
def test_raw_glob_lists_top_level_files_only(probe: dict) -> None:
    assert probe["glob"] == {
        "small.csv": ["small.csv"],
        "small.csv.gz": ["small.csv.gz"],
        "missing.csv": [],
        "small.csv*": ["small.csv", "small.csv.gz"],
        "scan.csv": ["scan.csv"],
    }


@pytest.mark.slow
def test_raw_files_present_finds_csv_and_gzip(probe: dict) -> None:
    assert probe["present"] == {
        "small": ["small.csv", "small.csv.gz"],
        "scan": ["scan.csv"],
        "missing": [],
    }
