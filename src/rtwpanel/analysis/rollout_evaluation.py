"""A regional roll-out study's evaluation: marts.mart_region_month in, one folder of
tables, the event-study figure and the report out.

The tables (analysis.rollout_tables) pass `suppression.publish` before any is
written; the figure draws no point resting on fewer persons than the threshold.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from rtwpanel.analysis import rollout, rollout_tables
from rtwpanel.analysis.build_info import (
    describe_build,
    evaluated_for,
    find_build_info,
    threshold_line,
)
from rtwpanel.analysis.data import read_study_mart
from rtwpanel.analysis.gate_section import load_gate_summary
from rtwpanel.analysis.report import FigureOutput, write_cohort_report, write_table
from rtwpanel.analysis.suppression import DEFAULT_THRESHOLD, Published, publish
from rtwpanel.errors import RtwError

TABLE = "marts.mart_region_month"
KEY_COLUMNS = ("region", "month", "start_month", "treated_since", "n_persons")


def load_region_month(database: Path, study: object, outcomes: tuple[str, ...]) -> pd.DataFrame:
    """The region x month frame; RtwError when the warehouse has none."""
    needed = [*KEY_COLUMNS, *(f"{k}_{o}" for o in outcomes for k in ("share", "n"))]
    name = getattr(study, "name", "<name>")
    frame = read_study_mart(database, TABLE, "region, month", needed, name, "no region-month")
    frame["region"] = frame["region"].astype(str)
    return frame


def methods_text(design: object, threshold: int, draws: int, n_regions: int) -> str:
    permutations = getattr(design, "placebo_permutations", 0)
    control = rollout_tables.CONTROL_NAMES.get(design.control_group, design.control_group)  # type: ignore[attr-defined]
    lo, hi = design.event_window  # type: ignore[attr-defined]
    if 6**n_regions <= rollout.ENUMERATE_UP_TO:
        webb = f"With {n_regions} regions all 6^{n_regions} weight vectors are enumerated."
    else:
        webb = f"With {n_regions} regions, {draws:,} weight vectors are drawn (fixed seed)."
    return f"""\
**Data.** The warehouse aggregates the target population to region x month
(marts.mart_region_month): for each status the share of the persons observed
and their number. A person counts in the region they live in each month, so a
mover moves from one region's mean to another's; the estimates are effects on
regions' population shares, not on fixed persons. Every mean below is weighted
by the persons observed.

**Two-way fixed effects (TWFE).** y_rt = a_r + l_t + b D_rt, D_rt = 1 from the
region's start on, weighted least squares with region and month fixed effects;
standard errors clustered by region (CR1, t with G-1 degrees of freedom). With
staggered starts b is a weighted average of every 2x2 comparison in the data,
including those in which regions already treated serve as controls for regions
starting later. When the effect grows with time since the start, the controls'
own growing effect is subtracted, and those comparisons enter with small or even
negative weights: b is then biased, typically towards zero, and is not the
average effect of any well-defined group. It is shown beside the
Callaway-Sant'Anna estimate as the conventional benchmark.

**Callaway-Sant'Anna.** Regions are grouped by their start month g. For each
group and month t, ATT(g,t) = (mean in g at t - at the base month) - (the same
for the {control}). The base month is g-1 for t >= g; for t < g it is t-1 (the
varying base period, csdid's default), so pre-period effects are one-month
changes. Not-yet-treated controls are regions whose start is after t. Only clean
comparisons enter: no region already treated is a control. Regions starting in
the panel's first month have no pre-period and are left out. The overall ATT
averages ATT(g,t) over every group and month from its start on, weighted by the
group's persons (csdid's "simple"); the event study theta(e) averages
ATT(g, g+e) over the groups (e = {lo}..{hi}); Table R5 averages each group's
months.

**Bootstrap.** Inference for every Callaway-Sant'Anna estimate is a
multiplier (wild) bootstrap over regions: each estimate's deviation is
linearised into one influence per region (including the estimated group
weights), and a draw multiplies them by one Webb six-point weight per region,
the same weights for all estimates, so their joint distribution is kept. Webb
weights are used because there are few regions. {webb} Each set's deviations are
scaled by sqrt(m/(m-1)), m its regions; a group of one region has no
within-group variation to contribute, so its uncertainty is understated. SE:
the draws' interquartile range / 1.349; intervals: estimate +/- 1.96 SE; the
uniform band uses the 95 % quantile of the largest |t| over the window, so it
covers the whole path at once (with a dozen regions both are approximate and
tend to be somewhat too narrow). For TWFE the wild cluster bootstrap is restricted
(WCR, H0: b = 0) with Webb weights; its interval inverts that test.

**Placebo tests.** With few treated regions the bootstrap rests on little: a
group of two regions gives its own uncertainty one direction only. The primary
outcome is therefore also tested against its placebo distribution: the start
months are dealt to the regions at random ({permutations:,} times, fixed seed),
everything is estimated again, and the p-value is the share of assignments whose
|t| (estimate over its multiplier SE) is at least the observed one. This is the
test of the overall ATT and of the pre-trend to read first (on the IPSNOR design
and null data the bootstrap's p of the overall ATT fell below 0.05 in 10.5 % of
simulations, the placebo p in 2.5 %); it assumes that the regions, as far as
their noise goes, could have been dealt the starts in any order.

**Pre-trend test.** The placebo test above of the average pre-period theta(e)
(a trend before the start shows as pre-period one-month changes of one sign).
Beside it, a joint Wald test that every pre-period theta(e) in the window is
zero, with the bootstrap covariance (chi2 on its rank), and Hotelling's
small-sample F, W (G - q) / (q (G - 1)) on (q, G - q) degrees of freedom. Both
joint tests invert a covariance of q pre-periods estimated from the few treated
regions, and reject far too often when the treated regions are few (on the
IPSNOR design, six treated regions in three groups, the F rejected 77 % of
null simulations at 5 %; docs/analysis.md): read them as descriptive. Not
rejecting is not proof of parallel trends.

**Small cells.** Every table and the figure pass one suppression step: a cell
resting on fewer than {threshold} persons is hidden (an estimate rests on the fewer
of the persons it compares in either month), and so is any cell from which a
hidden one could be worked out (the regions' persons and their total).
"""


def run_rollout_evaluation(
    database: Path,
    out: Path,
    study: object,
    threshold: int = DEFAULT_THRESHOLD,
    raw_dir: Path | None = None,
) -> tuple[list[Published], list[Path]]:
    """Tables R1-R5 (and the recovery table when `raw_dir` has truth/rollout.json),
    the event-study figure, report.md and report.html in `out`."""
    design = getattr(study, "rollout", None)
    name = getattr(study, "name", "?")
    if design is None:
        raise RtwError(f"study {name} is not a regional roll-out study (no rollout key)")
    outcomes = tuple(o.column for o in design.outcomes)
    if design.primary_outcome not in outcomes:
        outcomes = (design.primary_outcome, *outcomes)
    frame = load_region_month(database, study, outcomes)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)

    estimates = {
        column: rollout.estimate(
            frame,
            column,
            control_group=design.control_group,
            window=tuple(design.event_window),
            draws=design.bootstrap_draws,
            # randomisation inference for the primary outcome only: it re-estimates
            # everything once per assignment
            permutations=design.placebo_permutations if column == design.primary_outcome else 0,
        )
        for column in outcomes
    }
    tables = rollout_tables.rollout_tables(frame, design, estimates)
    recovery_note = "delivery unknown (pass the delivery to compare with the planted effect)"
    planted = None
    if raw_dir is not None:
        planted = rollout_tables.read_planted_rollout(Path(raw_dir))
        if planted is not None:
            tables.append(rollout_tables.recovery_table(estimates, planted))
            recovery_note = str(Path(raw_dir) / "truth" / "rollout.json")
        else:
            recovery_note = f"none: {raw_dir} has no readable truth/rollout.json"

    published = [publish(table, threshold) for table in tables]
    files: list[Path] = []
    for item in published:
        files += write_table(item, out)

    primary = estimates[design.primary_outcome]
    r3 = next(t for t in tables if t.key == "table_r3")
    png, svg = rollout_tables.draw_event_study(r3, primary, threshold, out, design, planted)
    figures = [
        FigureOutput(
            rollout_tables.FIGURE_KEY,
            rollout_tables.figure_caption(primary, design, threshold, planted is not None),
            png,
            svg,
        )
    ]
    files += [png, svg]

    build = find_build_info(database)
    sha = getattr(study, "sha256", "")
    path = getattr(study, "path", None)
    gt = primary.group_time
    starts = [r for r in design.regions if r.start is not None]
    header = {
        "evaluated for": evaluated_for(name, path, sha, build),
        "design": f"regional roll-out: {len(design.regions)} regions, {len(starts)} starting "
        f"IPS at staggered months, the others never; control group "
        f"{rollout_tables.CONTROL_NAMES.get(design.control_group, design.control_group)}",
        **describe_build(build),
        "warehouse": str(database),
        "region-months": f"{len(frame)} ({frame['region'].nunique()} regions, "
        f"{pd.to_datetime(frame['month']).min():%Y-%m} to "
        f"{pd.to_datetime(frame['month']).max():%Y-%m})",
        "primary outcome": rollout_tables.outcome_name(design, design.primary_outcome),
        "start groups": f"{len(gt.group_sizes)}"
        + (
            f"; left out (treated from the first month): {', '.join(gt.left_out)}"
            if gt.left_out
            else ""
        ),
        "small-cell threshold": threshold_line(threshold),
        "recovery check": recovery_note,
    }
    files += write_cohort_report(
        out,
        header,
        published,
        figures,
        title=getattr(study, "title", name),
        subtitle=getattr(study, "description", "")
        or "a regional roll-out evaluated on region x month shares from the registers",
        methods=methods_text(design, threshold, design.bootstrap_draws, gt.n_regions),
        gates=load_gate_summary(database),
    )
    return published, files
