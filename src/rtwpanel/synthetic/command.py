"""``rtwpanel generate``: write a synthetic register delivery and its truth."""

from __future__ import annotations

import argparse
import sys

DEFAULT_SEED = 20131001  # kept equal to params.DEFAULT_SEED (not imported: --help stays fast)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        default=None,
        metavar="DIR",
        help="folder to write (created; default: the study's demo, data/demo or data/demo-<study>)",
    )
    parser.add_argument(
        "--study",
        default="ips",
        metavar="NAME",
        help="the study (studies/NAME.yml) whose delivery to generate (default ips, the "
        "reference trial; another trial is calibrated by its file's synthetic: section, "
        "a cohort study's population has the episodes of its planted hazard model, a "
        "roll-out study's the residence (bosted.csv), target population and effect of its "
        "synthetic: section)",
    )
    parser.add_argument(
        "--persons",
        type=int,
        default=None,
        metavar="N",
        help="number of persons (trial mode: the study's, 410 for ips, which takes no "
        "other; population: any)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=None,
        help="random seed (default: the first day of the study's inclusion as YYYYMMDD, "
        f"{DEFAULT_SEED} for ips; a cohort study: of its synthetic index window; a roll-out "
        "study: the first region's start)",
    )
    parser.add_argument(
        "--mode",
        choices=("trial", "population"),
        default="trial",
        help="trial: the reference trial's cohort and dates; population: any size, in chunks "
        "(a cohort or roll-out study is always a population)",
    )
    parser.add_argument(
        "--gzip",
        type=int,
        nargs="?",
        const=1,
        default=None,
        metavar="LEVEL",
        help="write participants and register files as name.csv.gz (gzip level, default 1): "
        "about a sixth of the disk, for deliveries of millions of persons",
    )
    parser.add_argument(
        "--defects",
        default="default",
        metavar="SPEC",
        help="planted defects: 'none', 'default' (a few per cent), or KIND=RATE,... "
        "(kinds: duplicate_row, wrong_field_count, bad_date, bad_month, end_before_start, "
        "unknown_person, unknown_code, orphan_reversal, aa_missing_end, "
        "aa_registered_after_end, aa_start_changed, sick_leave_mismatch)",
    )


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from rtwpanel.synthetic import generate_delivery, parse_defects

    rates = parse_defects(args.defects)
    out = args.out
    if out is None:
        from rtwpanel.pipeline import demo_delivery

        out = demo_delivery(args.study)
    total = args.persons or 410
    with tqdm(
        total=total, desc="generate", unit="person", file=sys.stderr, disable=total < 50_000
    ) as bar:
        summary = generate_delivery(
            out,
            persons=args.persons,
            seed=args.seed,
            mode=args.mode,
            defect_rates=rates,
            gzip_level=args.gzip,
            progress=bar.update,
            study=args.study,
        )
    print(summary.line())
    return 0
