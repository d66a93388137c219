"""`rtwpanel analyse`: tables, figures and report from the marts."""

from __future__ import annotations

import argparse
from pathlib import Path

from rtwpanel.paths import PROJECT_DIR


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help="warehouse file, opened read-only (default: $RTW_DUCKDB_PATH or warehouse/rtw.duckdb)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=PROJECT_DIR / "reports",
        help="output folder (default: reports/)",
    )
    parser.add_argument(
        "--raw-dir",
        type=Path,
        default=None,
        help="the delivery the warehouse was built from; with truth/effects.json the "
        "report compares the estimates with the planted effects",
    )
    parser.add_argument(
        "--threshold",
        type=int,
        default=5,
        help="small-cell threshold: hide cells resting on fewer persons (default %(default)s)",
    )
    parser.add_argument(
        "--permutations",
        type=int,
        default=19_999,  # randomisation_inference.DEFAULT_PERMUTATIONS
        help="randomisation-inference draws, 0 to skip (default %(default)s: a Monte Carlo "
        "SE below 0.005 for any p-value; a design with few assignments is enumerated)",
    )
    parser.add_argument(
        "--no-wild-bootstrap", action="store_true", help="skip the wild cluster bootstrap"
    )
    parser.add_argument("--seed", type=int, default=20131001, help="seed (default %(default)s)")
    parser.add_argument(
        "--cost-per-programme-month",
        type=float,
        default=None,
        help="kroner per programme month: adds the cost side computed from the marts",
    )


def run(args: argparse.Namespace) -> int:
    from rtwpanel.analysis.evaluation import Options, run_evaluation
    from rtwpanel.analysis.tables_lpm import Settings
    from rtwpanel.paths import warehouse_path

    options = Options(
        threshold=args.threshold,
        inference=Settings(
            wild_bootstrap=not args.no_wild_bootstrap,
            permutations=args.permutations,
            seed=args.seed,
        ),
        raw_dir=args.raw_dir,
        cost_per_programme_month=args.cost_per_programme_month,
    )
    database = args.db or warehouse_path()
    outcome = run_evaluation(database, args.out, options)
    hidden = sum(table.n_hidden for table in outcome.tables)
    print(
        f"analysis: {len(outcome.tables)} tables, {len(outcome.files)} files in {args.out} "
        f"({hidden} cells hidden, {outcome.seconds:.1f} s)"
    )
    return 0
