"""`rtwpanel run`: the main job, end to end.

generate the demo delivery if it is missing -> dbt build (published atomically)
-> quality gates -> analysis -> report, then one screen of summary.
"""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path

from rtwpanel.errors import RtwError
from rtwpanel.paths import DEMO_DIR, PROJECT_DIR, warehouse_path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--raw-dir", type=Path, default=DEMO_DIR, help="the delivery folder (default: the demo)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=PROJECT_DIR / "reports",
        help="report folder (default: reports/)",
    )


def invoke(module_name: str, argv: list[str]) -> int:
    """Run another sub-command in-process with its own argument defaults."""
    module = importlib.import_module(module_name)
    parser = argparse.ArgumentParser()
    module.add_arguments(parser)
    args = parser.parse_args(argv)
    args.debug = False
    return int(module.run(args) or 0)


def panel_summary(database: Path) -> str:
    import duckdb

    with duckdb.connect(str(database), read_only=True) as connection:
        persons, months, rows = connection.execute(
            "select count(distinct person_id), count(distinct month), count(*) "
            "from marts.fct_person_month"
        ).fetchone()
    return f"panel: {persons} persons x {months} months = {rows} person-months"


def run(args: argparse.Namespace) -> int:
    from rtwpanel.build import build_and_publish
    from rtwpanel.progress import DbtProgress

    raw_dir: Path = args.raw_dir.resolve()
    if raw_dir == DEMO_DIR.resolve() and not (raw_dir / "participants.csv").exists():
        print(f"demo delivery missing: generating it into {raw_dir}")
        invoke("rtwpanel.synthetic.command", ["--out", str(raw_dir)])
    if not raw_dir.is_dir():
        raise RtwError(f"delivery folder not found: {raw_dir}")

    database = warehouse_path()
    with DbtProgress("dbt build") as progress:
        result = build_and_publish(raw_dir, database, on_line=progress.line)
    progress.summary(result.dbt)
    print(panel_summary(database))

    gates_status = invoke("rtwpanel.gates.command", ["--db", str(database)])
    analysis_status = invoke(
        "rtwpanel.analysis.command", ["--db", str(database), "--out", str(args.out)]
    )
    print(f"warehouse: {database}")
    print(f"report:    {args.out.resolve() / 'report.html'}")
    return gates_status or analysis_status
