"""Command-line options that several commands share, declared once."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rtwpanel.paths import DEMO_DIR, PROJECT_DIR
from rtwpanel.privacy import SMALL_CELL_THRESHOLD as DEFAULT_THRESHOLD
from rtwpanel.study import STUDIES_DIR


def add_raw_dir(parser: argparse.ArgumentParser, default: Path | None = DEMO_DIR) -> None:
    help_text = "the delivery folder" + (" (default: the demo)" if default else "")
    parser.add_argument("--raw-dir", type=Path, default=default, help=help_text)


def add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help="warehouse file (default: $RTW_DUCKDB_PATH or warehouse/rtw.duckdb)",
    )


REPORTS_DIR = PROJECT_DIR / "reports"


def add_out(parser: argparse.ArgumentParser, per_study: bool = False) -> None:
    parser.add_argument(
        "--out",
        type=Path,
        default=None if per_study else REPORTS_DIR,
        help="report folder (default: reports/, or reports/<study> for a study other "
        "than ips, so that one study's report never lands among another's)"
        if per_study
        else "report folder (default: reports/)",
    )


def report_dir(study_name: str) -> Path:
    """The default report folder of a study: reports/ for ips, reports/<name> else."""
    from rtwpanel.study import DEFAULT_STUDY

    return REPORTS_DIR if study_name == DEFAULT_STUDY else REPORTS_DIR / study_name


def add_vars(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a dbt variable (repeatable), e.g. --var aa_stipulation_lag_months=2",
    )


def add_study(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--study",
        default=None,
        metavar="NAME",
        help="the study: studies/NAME.yml, or a path to a study file (default: ips; "
        "docs/studies.md)",
    )


def study_var(study: str | None) -> dict[str, object]:
    """The dbt variable for --study (none when not given), checked before dbt starts."""
    if study is None:
        return {}
    from rtwpanel.study import load_study, study_path

    load_study(study)  # a broken study file is refused here, naming file and key
    path = study_path(study)
    return {"study": str(path.resolve()) if path.parent != STUDIES_DIR else path.stem}


def add_threshold(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--threshold",
        type=int,
        default=DEFAULT_THRESHOLD,
        help="small-cell threshold: hide cells resting on fewer persons "
        f"(default and minimum {DEFAULT_THRESHOLD})",
    )
    parser.add_argument(
        "--allow-small-cells",
        action="store_true",
        help=f"accept a threshold below {DEFAULT_THRESHOLD}: the output is then NOT fit "
        "for publication",
    )


def small_cell_threshold(args: argparse.Namespace) -> int:
    """The threshold asked for; below the minimum only with --allow-small-cells, loudly."""
    from rtwpanel.errors import RtwError

    threshold: int = args.threshold
    if threshold >= DEFAULT_THRESHOLD:
        return threshold
    if not getattr(args, "allow_small_cells", False):
        raise RtwError(
            f"--threshold must be at least {DEFAULT_THRESHOLD} (cells resting on fewer "
            f"persons are hidden); a lower one needs --allow-small-cells and its output "
            "is not fit for publication"
        )
    if threshold < 1:
        raise RtwError("--threshold must be at least 1, even with --allow-small-cells")
    print(
        f"WARNING: small-cell threshold {threshold} is below {DEFAULT_THRESHOLD}: cells resting "
        "on so few persons are shown. Do not publish or send on this output.",
        file=sys.stderr,
        flush=True,
    )
    return threshold
