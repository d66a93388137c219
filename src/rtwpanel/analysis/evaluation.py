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
from rtwpanel.analysis.build_info import describe_build, find_build_info
from rtwpanel.analysis.cost_benefit import CostSide, Parameters
from rtwpanel.analysis.data import after_months, load_marts, with_allocation_phase
from rtwpanel.analysis.gate_section import load_gate_summary
from rtwpanel.analysis.monte_carlo_section import monte_carlo_markdown
from rtwpanel.analysis.recovery import read_effects, recovery_table
from rtwpanel.analysis.report import FigureOutput, write_numbers, write_report, write_table
from rtwpanel.analysis.robustness import saved_table
from rtwpanel.analysis.suppression import DEFAULT_THRESHOLD, Published, publish
from rtwpanel.analysis.table import Table
from rtwpanel.privacy import SMALL_CELL_THRESHOLD


@dataclass(frozen=True)
class Options:
    threshold: int = DEFAULT_THRESHOLD
    inference: tables_lpm.Settings = field(default_factory=tables_lpm.Settings)
    raw_dir: Path | None = None  # the delivery, for truth/effects.json
    cost_per_programme_month: float | None = None
    cost_benefit: Parameters = field(default_factory=Parameters)


@dataclass
class Outcome:
    files: list[Path]
    tables: list[Published]
    seconds: float


def run_evaluation(database: Path, out: Path, options: Options) -> Outcome:
    started = time.monotonic()
    marts = load_marts(database)
    out.mkdir(parents=True, exist_ok=True)
    after = after_months(with_allocation_phase(marts.fct, marts.dim))

    table_8, estimates = tables_lpm.table_08(after, options.inference)
    tables: list[Table] = [
        tables_descriptive.table_05(marts.dim),
        tables_descriptive.table_06(marts.fct),
        tables_descriptive.table_07(marts.fct),
        table_8,
        tables_lpm.table_08_coefficients(after),
        *tables_lpm.table_09(after),
        tables_lpm.table_10(after),
        *tables_lpm.table_11(after),
        *tables_lpm.table_12(after),
        tables_lpm.table_13(after),
        tables_lpm.table_14(after, marts.dim),
        *tables_lpm.table_15(after),
    ]
    table_21, marts_cost = cost_benefit_tables.table_21(
        after, options.cost_per_programme_month, options.cost_benefit.discount_rate
    )
    cost = CostSide().total_nok
    tables += [
        table_21,
        cost_benefit_tables.table_22(options.cost_benefit, cost),
        cost_benefit_tables.table_23(
            options.cost_benefit, cost, estimates.get("employed"), marts_cost
        ),
    ]
    build = find_build_info(database)
    raw_dir = options.raw_dir or (Path(build.raw_dir) if build else None)
    recovery_note = "delivery unknown (pass --raw-dir with a synthetic delivery)"
    if raw_dir is not None:
        leaves = read_effects(raw_dir)
        if leaves:
            tables.append(recovery_table(after, estimates, leaves))
            recovery_note = str(Path(raw_dir) / "truth" / "effects.json")
        else:
            recovery_note = f"none: {raw_dir} has no readable truth/effects.json"

    # The robustness table, when `rtwpanel robustness` ran on this delivery.
    robustness_table = saved_table(out, build.delivery_sha256) if build else None
    if robustness_table is not None:
        tables.append(robustness_table)

    figure_data = figures.employment_by_rel_month(marts.fct)
    event_data = event_study.employment_event_study(marts.fct)
    tables += [figure_data, event_data]
    published = [publish(table, options.threshold) for table in tables]
    files: list[Path] = []
    for item in published:
        files += write_table(item, out)
    estimates_csv = publish(estimate_tables.estimates_table(tables), options.threshold)
    files.append(write_numbers(estimates_csv, out))

    figure_outputs = []
    few = f"Shaded: months whose smaller arm has fewer than {figures.FEW} persons."
    for key, caption, draw, data in (
        (
            "figure_09",
            "Figure 9. Share in work by month relative to randomisation, by arm. "
            f"Points resting on fewer than {options.threshold} persons are not drawn. {few}",
            figures.draw_figure_9,
            figure_data,
        ),
        (
            "figure_09b_event_study",
            "Figure 9b. Event study: IPS - TAU difference in the share in work by month "
            "relative to randomisation, against the 12 months before it (difference in "
            f"differences), with person-clustered 95 % intervals. {few}",
            figures.draw_event_study,
            event_data,
        ),
    ):
        png, svg = draw(data, options.threshold, out)
        figure_outputs.append(FigureOutput(key, caption, png, svg))
        files += [png, svg]

    header = {
        **describe_build(build),
        "warehouse": str(database),
        "warehouse written": time.strftime(
            "%Y-%m-%d %H:%M UTC", time.gmtime(Path(database).stat().st_mtime)
        ),
        "persons": f"{marts.dim['has_register_data'].astype(bool).sum()} with register data "
        f"of {len(marts.dim)}",
        "person-months": f"{len(marts.fct)} ({len(after)} after randomisation)",
        "small-cell threshold": f"{options.threshold} persons"
        + (
            f" (BELOW {SMALL_CELL_THRESHOLD}: NOT FIT FOR PUBLICATION)"
            if options.threshold < SMALL_CELL_THRESHOLD
            else ""
        ),
        "randomisation inference": f"{options.inference.permutations} permutations, "
        f"seed {options.inference.seed}",
        "recovery check": recovery_note,
    }
    gates = load_gate_summary(database)
    files += write_report(out, header, published, figure_outputs, monte_carlo_markdown(), gates)
    return Outcome(files=files, tables=published, seconds=time.monotonic() - started)
