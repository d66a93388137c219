"""The whole evaluation: marts in, one folder of tables, figures and report out."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from rtwpanel.analysis import (
    cost_benefit_tables,
    estimate_tables,
    event_study,
    figures,
    tables_descriptive,
    tables_lpm,
)
from rtwpanel.analysis.build_info import (
    describe_build,
    evaluated_for,
    find_build_info,
    threshold_line,
)
from rtwpanel.analysis.cost_benefit import Parameters, from_study
from rtwpanel.analysis.data import after_months, load_marts, with_allocation_phase
from rtwpanel.analysis.gate_section import load_gate_summary
from rtwpanel.analysis.monte_carlo_section import monte_carlo_markdown
from rtwpanel.analysis.recovery import read_effects, recovery_table
from rtwpanel.analysis.recovery_rct import published_table, read_planted_rct, recovery_rct_table
from rtwpanel.analysis.report import FigureOutput, write_numbers, write_report, write_table
from rtwpanel.analysis.robustness import saved_table
from rtwpanel.analysis.suppression import DEFAULT_THRESHOLD, Published, publish
from rtwpanel.analysis.table import Table
from rtwpanel.analysis.trial import trial_of
from rtwpanel.errors import RtwError
from rtwpanel.paths import PROJECT_DIR
from rtwpanel.provenance import BuildRecord
from rtwpanel.study import DEFAULT_STUDY, Study, load_study


@dataclass(frozen=True)
class Options:
    threshold: int = DEFAULT_THRESHOLD
    inference: tables_lpm.Settings = field(default_factory=tables_lpm.Settings)
    raw_dir: Path | None = None  # the delivery, for truth/effects.json
    cost_per_programme_month: float | None = None
    cost_benefit: Parameters | None = None  # None: the study's cost_benefit
    study: Study | None = None  # None: the warehouse's study (meta.build_info), else ips


@dataclass
class Outcome:
    files: list[Path]
    tables: list[Published]
    seconds: float
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (table, why)
    study: str = DEFAULT_STUDY


def run_evaluation(database: Path, out: Path, options: Options) -> Outcome:
    started = time.monotonic()
    build = find_build_info(database)
    chosen = options.study or built_for(build) or load_study(DEFAULT_STUDY)
    if chosen.cohort is not None or chosen.rollout is not None:
        return _design_evaluation(database, out, options, chosen, build, started)
    trial = trial_of(chosen)
    study = trial.study
    marts = load_marts(database)
    found = set(marts.dim["arm"].dropna().astype(str))
    if not set(trial.arm_codes) <= found:
        raise RtwError(
            f"study {study.name}: the marts' arms are {', '.join(sorted(found)) or 'none'}, "
            f"not the study's {' and '.join(trial.arm_codes)}: was the warehouse built with "
            f"--study {study.name}?"
        )
    out.mkdir(parents=True, exist_ok=True)
    fct = trial.prepare(marts.fct)
    after = trial.prepare(after_months(with_allocation_phase(fct, marts.dim, study)))
    skipped: list[tuple[str, str]] = []

    table_8, estimates = tables_lpm.table_08(after, options.inference, trial)
    tables: list[Table] = [
        tables_descriptive.table_05(marts.dim, trial),
        tables_descriptive.table_06(fct, trial),
        tables_descriptive.table_07(fct, trial),
        table_8,
        tables_lpm.table_08_coefficients(after, trial),
        *tables_lpm.table_09(after, trial),
    ]
    if study.subgroups:
        tables.append(tables_lpm.table_10(after, marts.dim, trial))
    else:
        skipped.append(("Table 10", f"the study ({study.path.name}) names no subgroups"))
    tables += [
        *tables_lpm.table_11(after, trial),
        *tables_lpm.table_12(after, trial),
        tables_lpm.table_13(after, trial=trial),
    ]
    if study.early_before is not None:
        tables.append(tables_lpm.table_14(after, marts.dim, trial))
    else:
        skipped.append(("Table 14", f"the study ({study.path.name}) has no early_before date"))
    if tables_lpm.npr_observed(after):
        tables += tables_lpm.table_15(after, trial)
    else:
        skipped.append(("Table 15", "the warehouse has no NPR month (every NPR measure is NULL)"))
    if study.cost_benefit is not None:
        params, cost_side = from_study(study.cost_benefit)
        params = options.cost_benefit or params
        table_21, marts_cost = cost_benefit_tables.table_21(
            after, options.cost_per_programme_month, params.discount_rate, cost_side, trial
        )
        cost = cost_side.total_nok
        tables += [
            table_21,
            cost_benefit_tables.table_22(params, cost),
            cost_benefit_tables.table_23(params, cost, estimates.get(trial.primary), marts_cost),
        ]
    else:
        skipped.append(
            (
                "Tables 21-23",
                f"the study ({study.path.name}) has no cost_benefit: no cost side and "
                "no parameters for the critical wage",
            )
        )
    raw_dir = options.raw_dir or (Path(build.raw_dir) if build else None)
    recovery_note = "delivery unknown (pass --raw-dir with a synthetic delivery)"
    if raw_dir is not None:
        leaves = read_effects(raw_dir)
        planted_rct = read_planted_rct(raw_dir)
        if planted_rct is not None and study.name != DEFAULT_STUDY:
            tables.append(recovery_rct_table(fct, marts.dim, planted_rct, trial))
            recovery_note = str(Path(raw_dir) / "truth" / "effects.json")
        elif leaves and study.name == DEFAULT_STUDY:
            tables.append(recovery_table(after, estimates, leaves))
            recovery_note = str(Path(raw_dir) / "truth" / "effects.json")
        elif leaves:
            recovery_note = (
                f"none: {raw_dir}/truth/effects.json has no planted_rct for study {study.name}"
            )
        else:
            recovery_note = f"none: {raw_dir} has no readable truth/effects.json"
    if study.published:
        tables.append(published_table(fct, marts.dim, trial))

    # The robustness table, when `rtwpanel robustness` ran on this delivery.
    robustness_table = saved_table(out, build.delivery_sha256) if build else None
    if robustness_table is not None:
        tables.append(robustness_table)

    figure_data = figures.employment_by_rel_month(fct, trial)
    event_data = event_study.employment_event_study(fct, trial)
    tables += [figure_data, event_data]
    published = [publish(table, options.threshold) for table in tables]
    files: list[Path] = []
    for item in published:
        files += write_table(item, out)
    for table in tables:  # the clustering column names the study's cluster
        for row in table.estimates:
            if row["clustering"] == "centre":
                row["clustering"] = trial.cluster_word
    estimates_csv = publish(estimate_tables.estimates_table(tables), options.threshold)
    files.append(write_numbers(estimates_csv, out))

    figure_outputs = []
    few = f"Shaded: months whose smaller arm has fewer than {figures.FEW} persons."
    what = trial.primary_name
    share = f"share {what}" if what.startswith("in ") else f"share in {what}"
    for key, caption, draw, data in (
        (
            "figure_09",
            f"Figure 9. {share[0].upper()}{share[1:]} by month relative to randomisation, by "
            f"arm. Points resting on fewer than {options.threshold} persons are not drawn. "
            f"{few}",
            figures.draw_figure_9,
            figure_data,
        ),
        (
            "figure_09b_event_study",
            f"Figure 9b. Event study: {trial.difference} difference in the {share} by month "
            "relative to randomisation, against the 12 months before it (difference in "
            f"differences), with person-clustered 95 % intervals. {few}",
            figures.draw_event_study,
            event_data,
        ),
    ):
        png, svg = draw(data, options.threshold, out, trial)
        figure_outputs.append(FigureOutput(key, caption, png, svg))
        files += [png, svg]

    header = {
        "evaluated for": evaluated_for(study.name, study.path, study.sha256, build),
        "arms": "; ".join(
            f"{arm.name}: {arm.description or arm.code}" for arm in (study.treated, study.control)
        ),
        **describe_build(build),
        "warehouse": str(database),
        "warehouse written": time.strftime(
            "%Y-%m-%d %H:%M UTC", time.gmtime(Path(database).stat().st_mtime)
        ),
        "persons": f"{marts.dim['has_register_data'].astype(bool).sum()} with register data "
        f"of {len(marts.dim)}",
        "person-months": f"{len(marts.fct)} ({len(after)} after randomisation)",
        "small-cell threshold": threshold_line(options.threshold),
        "randomisation inference": f"{options.inference.permutations} permutations, "
        f"seed {options.inference.seed}",
        "recovery check": recovery_note,
    }
    gates = load_gate_summary(database)
    monte_carlo = monte_carlo_markdown() if study.name == DEFAULT_STUDY else ""
    files += write_report(
        out, header, published, figure_outputs, monte_carlo, gates, trial, skipped
    )
    return Outcome(
        files=files,
        tables=published,
        seconds=time.monotonic() - started,
        skipped=skipped,
        study=study.name,
    )


def _design_evaluation(
    database: Path,
    out: Path,
    options: Options,
    study: Study,
    build: BuildRecord | None,
    started: float,
) -> Outcome:
    """A study that randomised nobody: its design's evaluation, which writes its own
    tables and report (analysis.cohort_evaluation: time to return to work;
    analysis.rollout_evaluation: staggered difference in differences by region)."""
    if study.cohort is not None:
        from rtwpanel.analysis.cohort_evaluation import run_cohort_evaluation as evaluate
    else:
        from rtwpanel.analysis.rollout_evaluation import run_rollout_evaluation as evaluate
    raw_dir = options.raw_dir or (Path(build.raw_dir) if build else None)
    out.mkdir(parents=True, exist_ok=True)
    tables, files = evaluate(database, out, study, options.threshold, raw_dir)
    return Outcome(files=files, tables=tables, seconds=time.monotonic() - started, study=study.name)


def built_for(build: BuildRecord | None) -> Study | None:
    """The study file the warehouse was built from, when it records one that exists."""
    if build is None or not build.study:
        return None
    path = Path(build.study)
    path = path if path.is_absolute() else PROJECT_DIR / path
    return load_study(path) if path.is_file() else None
