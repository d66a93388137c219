"""`rtwpanel analyse`: tables, figures and report from the marts."""

from __future__ import annotations

import argparse
from pathlib import Path

from rtwpanel.options import add_db, add_out, add_study, add_threshold, small_cell_threshold

DEFAULT_SEED = 20131001  # randomisation inference and the wild bootstrap
# kept equal to randomisation_inference.DEFAULT_PERMUTATIONS (not imported: --help stays fast)
DEFAULT_PERMUTATIONS = 19_999


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_db(parser)
    add_out(parser, per_study=True)
    add_study(parser)
    parser.add_argument(
        "--raw-dir",
        type=Path,
        default=None,
        help="the delivery the warehouse was built from; with truth/effects.json the "
        "report compares the estimates with the planted effects",
    )
    add_threshold(parser)
    parser.add_argument(
        "--permutations",
        type=int,
        default=DEFAULT_PERMUTATIONS,
        help="randomisation-inference draws, 0 to skip (default %(default)s: a Monte Carlo "
        "SE below 0.005 for any p-value; a design with few assignments is enumerated)",
    )
    parser.add_argument(
        "--no-wild-bootstrap", action="store_true", help="skip the wild cluster bootstrap"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed (default %(default)s)")
    parser.add_argument(
        "--cost-per-programme-month",
        type=float,
        default=None,
        help="kroner per programme month: adds the cost side computed from the marts",
    )


def analyse(
    database: Path,
    out: Path,
    threshold: int,
    raw_dir: Path | None = None,
    permutations: int = DEFAULT_PERMUTATIONS,
    wild_bootstrap: bool = True,
    seed: int = DEFAULT_SEED,
    cost_per_programme_month: float | None = None,
    study: str | Path | None = None,
) -> int:
    """Tables, figures and report from the marts of `database` into `out`, for the
    study named (or the study file at a path); None: the study the warehouse was
    built for (ips when it does not say)."""
    from rtwpanel.analysis.evaluation import Options, run_evaluation
    from rtwpanel.analysis.tables_lpm import Settings
    from rtwpanel.study import load_study

    options = Options(
        threshold=threshold,
        inference=Settings(wild_bootstrap=wild_bootstrap, permutations=permutations, seed=seed),
        raw_dir=raw_dir,
        cost_per_programme_month=cost_per_programme_month,
        study=load_study(study) if study is not None else None,
    )
    outcome = run_evaluation(database, out, options)
    hidden = sum(table.n_hidden for table in outcome.tables)
    print(
        f"analysis ({outcome.study}): {len(outcome.tables)} tables, "
        f"{len(outcome.files)} files in {out} ({hidden} cells hidden, "
        f"{len(outcome.skipped)} tables not made, {outcome.seconds:.1f} s)"
    )
    return 0


def default_out(database: Path, study: str | None) -> Path:
    """reports/ for ips, reports/<study> for another: the study named, else the one
    the warehouse was built for."""
    from rtwpanel.analysis.build_info import find_build_info
    from rtwpanel.analysis.evaluation import built_for
    from rtwpanel.options import report_dir
    from rtwpanel.study import DEFAULT_STUDY, load_study

    if study is not None:
        return report_dir(load_study(study).name)
    chosen = built_for(find_build_info(database)) if database.exists() else None
    return report_dir(chosen.name if chosen is not None else DEFAULT_STUDY)


def run(args: argparse.Namespace) -> int:
    from rtwpanel.paths import warehouse_path

    database = args.db or warehouse_path()
    return analyse(
        database,
        args.out or default_out(database, args.study),
        threshold=small_cell_threshold(args),
        raw_dir=args.raw_dir,
        permutations=args.permutations,
        wild_bootstrap=not args.no_wild_bootstrap,
        seed=args.seed,
        cost_per_programme_month=args.cost_per_programme_month,
        study=args.study,
    )
