"""`rtwpanel run`: the main job, end to end.

generate the demo delivery if it is missing -> dbt build (published atomically)
-> quality gates -> analysis -> report, then one screen of summary.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rtwpanel.errors import RtwError
from rtwpanel.options import add_out, add_study, add_threshold, add_vars
from rtwpanel.paths import DEMO_DIR, warehouse_path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--raw-dir",
        type=Path,
        default=None,
        help="the delivery folder (default: the study's demo, data/demo or data/demo-<study>)",
    )
    add_study(parser)
    add_vars(parser)
    add_out(parser, per_study=True)
    add_threshold(parser)


def study_name(study: str | None) -> str:
    from rtwpanel.study import DEFAULT_STUDY, load_study

    return load_study(study or DEFAULT_STUDY).name


def demo_delivery(study: str | None) -> Path:
    """The committed demo delivery of a study: data/demo for IPS, data/demo-<name> else."""
    from rtwpanel.study import DEFAULT_STUDY, load_study

    name = load_study(study or DEFAULT_STUDY).name
    return DEMO_DIR if name == DEFAULT_STUDY else DEMO_DIR.with_name(f"demo-{name}")


def panel_summary(database: Path) -> str:
    from rtwpanel.gates.warehouse import connect_read_only

    with connect_read_only(database) as connection:
        persons, months, rows = connection.execute(
            "select count(distinct person_id), count(distinct month), count(*) "
            "from marts.fct_person_month"
        ).fetchone()
    return f"panel: {persons} persons x {months} months = {rows} person-months"


def run(args: argparse.Namespace) -> int:
    from rtwpanel.analysis import command as analysis
    from rtwpanel.build import build_and_publish, parse_vars
    from rtwpanel.gates import command as gates
    from rtwpanel.options import report_dir, small_cell_threshold, study_var
    from rtwpanel.progress import DbtProgress
    from rtwpanel.synthetic import generate_delivery

    threshold = small_cell_threshold(args)  # refused before an hour of building, not after
    dbt_vars = {**parse_vars(args.var), **study_var(args.study)}  # a broken study file: now
    demo = demo_delivery(args.study)
    raw_dir: Path = (args.raw_dir or demo).resolve()
    if raw_dir == demo.resolve() and not any(raw_dir.glob("participants.csv*")):
        print(f"demo delivery missing: generating it into {raw_dir}")
        gzip_level = None if demo == DEMO_DIR else 1  # as committed
        print(generate_delivery(raw_dir, study=args.study or "ips", gzip_level=gzip_level).line())
    if not raw_dir.is_dir():
        raise RtwError(f"delivery folder not found: {raw_dir}")

    database = warehouse_path()
    with DbtProgress("dbt build") as progress:
        result = build_and_publish(raw_dir, database, dbt_vars=dbt_vars, on_line=progress.line)
    progress.summary(result.dbt)
    print(panel_summary(database))

    gates_status = gates.check(database, expectations=True)
    out: Path = args.out or report_dir(study_name(args.study))
    analysis_status = analysis.analyse(database, out, threshold=threshold, study=args.study)
    print(f"warehouse: {database}")
    print(f"report:    {out.resolve() / 'report.html'}")
    return gates_status or analysis_status
