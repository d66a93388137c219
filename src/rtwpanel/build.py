"""`rtwpanel build`: dbt build on a delivery, published for readers when it passes.

The publishing itself is dbt's own (the plugin in dbt_plugin.py runs inside
every `dbt build`): the build writes a file of its own and is renamed onto
the published warehouse only when no node failed. This command adds what a
data engineer wants around it: the variables checked before dbt starts, a
progress bar, dbt's own message when the build fails, and, for a build that
was kept for inspection, where it is and why it failed.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from rtwpanel.dbt_invocation import DbtResult, failure_message, run_dbt
from rtwpanel.errors import RtwError
from rtwpanel.options import add_db, add_raw_dir, add_study, add_vars, study_var
from rtwpanel.paths import warehouse_path
from rtwpanel.variables import check_variables


@dataclass
class BuildResult:
    """A finished build: the published warehouse and what dbt reported."""

    database: Path
    raw_dir: Path
    dbt: DbtResult


def build_and_publish(
    raw_dir: Path | str,
    published: Path | None = None,
    dbt_vars: Mapping[str, object] | None = None,
    on_line: Callable[[str], None] | None = None,
) -> BuildResult:
    """`dbt build` on the delivery in `raw_dir`; published over `published` if it passed.

    Readers of `published` keep reading the previous build until the rename.
    Raises RtwError with dbt's message when the build fails; a build that got
    as far as its gates is kept for inspection, and the error says where.
    """
    raw_dir = Path(raw_dir).resolve()
    if not raw_dir.is_dir():
        raise RtwError(f"delivery folder not found: {raw_dir}")
    published = (published or warehouse_path()).resolve()
    variables = {**(dbt_vars or {}), "raw_dir": str(raw_dir)}
    check_variables(variables)
    target_dir = published.parent / ".targets" / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}"
    try:
        result = run_dbt(
            ["build"], published, dbt_vars=variables, target_dir=target_dir, on_line=on_line
        )
        if not result.ok or result.outcome.get("outcome") != "published":
            raise RtwError(failure_message(result, f"dbt build on {raw_dir}", result.outcome))
    finally:
        _keep_last_target(target_dir, published)
    return BuildResult(database=published, raw_dir=raw_dir, dbt=result)


def _keep_last_target(target: Path, published: Path) -> None:
    """Keep dbt's artefacts (run_results, logs) of the latest build as warehouse/target."""
    if not target.exists():
        return
    last = published.parent / "target"
    shutil.rmtree(last, ignore_errors=True)
    os.replace(target, last)
    with contextlib.suppress(OSError):
        target.parent.rmdir()  # the last build's folder of targets, once empty


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_raw_dir(parser)
    add_db(parser)
    add_study(parser)
    add_vars(parser)


def parse_vars(pairs: list[str]) -> dict[str, object]:
    import yaml

    variables: dict[str, object] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise RtwError("--var expects NAME=VALUE, e.g. --var aa_stipulation_lag_months=2")
        variables[name.strip()] = yaml.safe_load(value)
    return variables


def run(args: argparse.Namespace) -> int:
    from rtwpanel.progress import DbtProgress

    with DbtProgress("dbt build") as progress:
        result = build_and_publish(
            args.raw_dir,
            args.db,
            dbt_vars={**parse_vars(args.var), **study_var(args.study)},
            on_line=progress.line,
        )
    progress.summary(result.dbt)
    print(f"warehouse: {result.database}")
    return 0
