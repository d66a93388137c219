"""Run the Great Expectations suites (JSON under expectations/) as one checkpoint.

Each suite `<name>.json` validates the frame `<name>` of `rtwpanel.gates.frames`.
The frames are written to Parquet in a temporary folder so that one checkpoint
validates all of them. Every expectation carries `meta.severity`: `critical`
(a failure fails the gates) or `warning` (reported only), and `meta.notes`;
every suite says in `meta.if_it_fails` what a failure means for the estimates.

The results are rendered by the project itself, not by GX's Data Docs (whose
pages fetch their styles and icons from the internet, which register machines
do not reach): they are kept in a table beside the warehouse
(`expectations.duckdb`, table `expectation_results`, one set per build id) and
shown in the report together with the dbt gates.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rtwpanel.errors import RtwError
from rtwpanel.gates.frames import FRAMES
from rtwpanel.gates.warehouse import connect_read_only
from rtwpanel.paths import PROJECT_DIR

if TYPE_CHECKING:
    from rtwpanel.study import Study

EXPECTATIONS_DIR = PROJECT_DIR / "expectations"
SEVERITIES = ("critical", "warning")


@dataclass(frozen=True)
class ExpectationOutcome:
    """One expectation's result."""

    suite: str
    expectation: str
    column: str | None
    severity: str
    success: bool
    detail: str
    notes: str = ""
    if_it_fails: str = ""


@dataclass(frozen=True)
class CheckpointOutcome:
    """The checkpoint's results and the table they were kept in."""

    outcomes: list[ExpectationOutcome]
    results_path: Path | None

    @property
    def critical_failures(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success and o.severity == "critical"]

    @property
    def warnings(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success and o.severity == "warning"]


def load_suite_specs(directory: Path = EXPECTATIONS_DIR) -> list[dict[str, Any]]:
    """The suites as JSON dicts, checked: a known frame, a severity on every expectation."""
    paths = sorted(directory.glob("*.json"))
    if not paths:
        raise RtwError(f"no expectation suites (*.json) in {directory}")
    specs = []
    for path in paths:
        try:
            spec = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise RtwError(f"expectation suite {path} is not valid JSON: {exc}") from exc
        name = spec.get("name")
        if name != path.stem or name not in FRAMES:
            raise RtwError(
                f"expectation suite {path}: name must be the file name and one of "
                f"{', '.join(sorted(FRAMES))}; got {name!r}"
            )
        for expectation in spec.get("expectations", []):
            severity = expectation.get("meta", {}).get("severity")
            if severity not in SEVERITIES:
                raise RtwError(
                    f"expectation suite {path}: {expectation.get('type')} needs "
                    f"meta.severity in {SEVERITIES}, got {severity!r}"
                )
        specs.append(spec)
    return specs


def for_study(specs: list[dict[str, Any]], study: Study | None) -> list[dict[str, Any]]:
    """The suites with the study's plausible ranges of the shares by arm.

    The suites' ranges describe the IPS population; a study of another
    population declares its own (`plausible_shares` in its file), which replace
    the range checks of status_by_arm on those statuses (the 0-1 bounds stay).
    A study that randomised nobody (designs cohort and rollout) has no arms, randomisation
    dates or months since randomisation: the suites and checks of those go.
    The region x month suite is a roll-out's (design rollout) only.
    """
    if study is None or study.rollout is None:
        # the region x month panel exists only for a roll-out
        specs = [spec for spec in specs if spec["name"] not in ROLLOUT_SUITES]
    if study is not None and not study.is_trial:
        return _without_randomisation(specs)
    if study is None or not study.plausible_shares:
        return specs
    specs = copy.deepcopy(specs)
    for spec in specs:
        if spec["name"] != "status_by_arm":
            continue
        for expectation in spec.get("expectations", []):
            kwargs = expectation.get("kwargs", {})
            status = str(kwargs.get("column", "")).removeprefix("share_")
            if (
                expectation.get("type") == "expect_column_values_to_be_between"
                and "row_condition" in kwargs
                and status in study.plausible_shares
            ):
                kwargs["min_value"], kwargs["max_value"] = study.plausible_shares[status]
                meta = expectation.setdefault("meta", {})
                meta["notes"] = f"{meta.get('notes', '')} (range of {study.path.name})".strip()
    return specs


RANDOMISATION_SUITES = ("status_by_arm", "rel_month_distribution")
ROLLOUT_SUITES = ("region_month",)
RANDOMISATION_COLUMNS = ("randomised_date", "age_at_randomisation", "arm", "is_treated")


def _without_randomisation(specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    kept = []
    for spec in copy.deepcopy(specs):
        if spec["name"] in RANDOMISATION_SUITES:
            continue
        spec["expectations"] = [
            e
            for e in spec.get("expectations", [])
            if e.get("kwargs", {}).get("column") not in RANDOMISATION_COLUMNS
        ]
        kept.append(spec)
    return kept


def _study_of(database: Path) -> Study | None:
    """The study the warehouse was built for (meta.build_info), when it says."""
    from rtwpanel.analysis.build_info import find_build_info
    from rtwpanel.study import load_study

    record = find_build_info(database)
    if record is None or not record.study:
        return None
    path = Path(record.study)
    return load_study(path if path.is_absolute() else PROJECT_DIR / path)


def _quiet_context() -> Any:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.enable_analytics(False)
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    for site in list(context.get_site_names()):
        context.delete_data_docs_site(site)
    return context


def _detail(result: Any) -> str:
    """What the expectation observed; counts only, never the offending values."""
    values = result.result or {}
    if "unexpected_count" in values:
        checked = values.get("element_count")
        of = f" of {checked}" if checked is not None else ""
        return f"{values['unexpected_count']}{of} unexpected"
    if "observed_value" in values:
        observed = values["observed_value"]
        return f"observed {observed:.4g}" if isinstance(observed, float) else f"observed {observed}"
    info = result.exception_info or {}
    return str(info.get("exception_message") or "")


def run_checkpoint(
    database: Path,
    results_path: Path | None = None,
    suites_dir: Path = EXPECTATIONS_DIR,
) -> CheckpointOutcome:
    """Validate the marts of `database` against every suite in `suites_dir`.

    With `results_path`, the results are kept there under the warehouse's build id.
    """
    specs = for_study(load_suite_specs(suites_dir), _study_of(database))
    # no usage analytics: set before GX is first imported, which reads it
    os.environ["GX_ANALYTICS_ENABLED"] = "false"

    with tempfile.TemporaryDirectory(prefix="rtwpanel-gx-") as scratch:
        with connect_read_only(database) as connection:
            for spec in specs:
                FRAMES[spec["name"]](connection).to_parquet(
                    Path(scratch) / f"{spec['name']}.parquet"
                )
        outcomes = _validate(_quiet_context(), specs, Path(scratch))
    if results_path is not None:
        from rtwpanel.analysis.build_info import find_build_info

        record = find_build_info(database)
        keep_results(outcomes, results_path, record.build_id if record else "")
    return CheckpointOutcome(outcomes=outcomes, results_path=results_path)


RESULT_COLUMNS = (
    "suite",
    "expectation",
    "column_name",
    "severity",
    "success",
    "detail",
    "notes",
    "if_it_fails",
)


def results_path_for(database: Path) -> Path:
    return database.parent / "expectations.duckdb"


def keep_results(outcomes: list[ExpectationOutcome], path: Path, build_id: str) -> None:
    """Replace this build's rows of `expectation_results` in `path`."""
    import duckdb

    with duckdb.connect(str(path)) as connection:
        connection.execute(
            "create table if not exists expectation_results (build_id varchar, "
            "checked_at timestamp default current_timestamp, suite varchar, "
            "expectation varchar, column_name varchar, severity varchar, success boolean, "
            "detail varchar, notes varchar, if_it_fails varchar)"
        )
        connection.execute("delete from expectation_results where build_id = ?", [build_id])
        connection.executemany(
            f"insert into expectation_results (build_id, {', '.join(RESULT_COLUMNS)}) "
            f"values (?, {', '.join('?' for _ in RESULT_COLUMNS)})",
            [
                (
                    build_id,
                    o.suite,
                    o.expectation,
                    o.column,
                    o.severity,
                    o.success,
                    o.detail,
                    o.notes,
                    o.if_it_fails,
                )
                for o in outcomes
            ],
        )


def kept_results(database: Path) -> list[ExpectationOutcome] | None:
    """The expectation results kept for the warehouse's build; None when not checked."""
    import duckdb

    from rtwpanel.analysis.build_info import find_build_info

    path = results_path_for(database)
    record = find_build_info(database) if Path(database).exists() else None
    if record is None or not path.exists():
        return None
    with duckdb.connect(str(path), read_only=True) as connection:
        rows = connection.execute(
            f"select {', '.join(RESULT_COLUMNS)} from expectation_results "
            "where build_id = ? order by suite, success, expectation, column_name",
            [record.build_id],
        ).fetchall()
    if not rows:
        return None
    return [ExpectationOutcome(*row) for row in rows]


def _validate(context: Any, specs: list[dict[str, Any]], scratch: Path) -> list[ExpectationOutcome]:
    import great_expectations as gx

    datasource = context.data_sources.add_pandas("rtwpanel_marts")
    definitions = []
    for spec in specs:
        name = spec["name"]
        asset = datasource.add_parquet_asset(name, path=scratch / f"{name}.parquet")
        batch = asset.add_batch_definition_whole_dataframe(f"{name}_all")
        suite = gx.ExpectationSuite(**spec)
        if len(suite.expectations) != len(spec.get("expectations", [])):
            # GX drops an invalid expectation with a log line only: refuse instead
            raise RtwError(f"expectation suite {name}: an expectation is not valid for GX")
        suite = context.suites.add(suite)
        definitions.append(
            context.validation_definitions.add(
                gx.ValidationDefinition(name=name, data=batch, suite=suite)
            )
        )
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name="rtwpanel_marts",
            validation_definitions=definitions,
            result_format="SUMMARY",
        )
    )
    result = checkpoint.run()
    meanings = {spec["name"]: spec.get("meta", {}).get("if_it_fails", "") for spec in specs}
    outcomes = []
    for validation in result.run_results.values():
        for item in validation.results:
            config = item.expectation_config
            outcomes.append(
                ExpectationOutcome(
                    suite=validation.suite_name,
                    expectation=config.type,
                    column=config.kwargs.get("column"),
                    severity=str(config.meta.get("severity")),
                    success=bool(item.success),
                    detail=_detail(item),
                    notes=str(config.meta.get("notes") or ""),
                    if_it_fails=meanings.get(validation.suite_name, ""),
                )
            )
    return outcomes


def format_outcomes(outcome: CheckpointOutcome) -> str:
    """One line per failed expectation, then a count line."""
    lines = []
    for item in outcome.outcomes:
        if item.success:
            continue
        level = "FAIL" if item.severity == "critical" else "WARN"
        target = f"{item.suite}.{item.column}" if item.column else item.suite
        lines.append(f"{level}  {target}: {item.expectation}  {item.detail}".rstrip())
    passed = sum(o.success for o in outcome.outcomes)
    lines.append(
        f"expectations: {passed} pass, {len(outcome.warnings)} warn, "
        f"{len(outcome.critical_failures)} fail (of {len(outcome.outcomes)})"
    )
    if outcome.results_path is not None:
        lines.append(f"expectation results: {outcome.results_path} (shown in the report)")
    return "\n".join(lines)
