"""Run the Great Expectations suites (JSON under expectations/) as one checkpoint.

Each suite `<name>.json` validates the frame `<name>` of `rtwpanel.gates.frames`.
The frames are written to Parquet in a temporary folder so that one checkpoint
validates all of them; the Data Docs site goes beside the warehouse. Every
expectation carries `meta.severity`: `critical` (a failure fails the gates) or
`warning` (reported only).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rtwpanel.errors import RtwError
from rtwpanel.gates.frames import FRAMES
from rtwpanel.gates.warehouse import connect_read_only
from rtwpanel.paths import PROJECT_DIR

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


@dataclass(frozen=True)
class CheckpointOutcome:
    """The checkpoint's results and where its Data Docs are."""

    outcomes: list[ExpectationOutcome]
    docs_index: Path | None

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


def _quiet_context(docs_dir: Path | None) -> Any:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.enable_analytics(False)
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    for site in list(context.get_site_names()):
        context.delete_data_docs_site(site)
    if docs_dir is not None:
        context.add_data_docs_site(
            "rtwpanel",
            {
                "class_name": "SiteBuilder",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(docs_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
    return context


def _detail(result: Any) -> str:
    values = result.result or {}
    if "unexpected_count" in values:
        sample = values.get("partial_unexpected_list") or []
        shown = ", ".join(str(v) for v in sample[:5])
        return f"{values['unexpected_count']} unexpected" + (f" (e.g. {shown})" if shown else "")
    if "observed_value" in values:
        return f"observed {values['observed_value']}"
    info = result.exception_info or {}
    return str(info.get("exception_message") or "")


def run_checkpoint(
    database: Path,
    docs_dir: Path | None = None,
    suites_dir: Path = EXPECTATIONS_DIR,
) -> CheckpointOutcome:
    """Validate the marts of `database` against every suite in `suites_dir`."""
    specs = load_suite_specs(suites_dir)
    # no usage analytics: set before GX is first imported, which reads it
    os.environ["GX_ANALYTICS_ENABLED"] = "false"

    with tempfile.TemporaryDirectory(prefix="rtwpanel-gx-") as scratch:
        with connect_read_only(database) as connection:
            for spec in specs:
                FRAMES[spec["name"]](connection).to_parquet(
                    Path(scratch) / f"{spec['name']}.parquet"
                )
        context = _quiet_context(docs_dir)
        outcomes = _validate(context, specs, Path(scratch))
    docs_index = docs_dir / "index.html" if docs_dir is not None else None
    return CheckpointOutcome(outcomes=outcomes, docs_index=docs_index)


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
    actions = (
        [gx.checkpoint.UpdateDataDocsAction(name="data_docs")] if context.get_site_names() else []
    )
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name="rtwpanel_marts",
            validation_definitions=definitions,
            actions=actions,
            result_format="SUMMARY",
        )
    )
    result = checkpoint.run()
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
    if outcome.docs_index is not None:
        lines.append(f"data docs: {outcome.docs_index}")
    return "\n".join(lines)
