"""A cohort study's evaluation: marts.mart_cohort_episodes in, one folder of tables,
figures and report out.

The tables (analysis.cohort_tables) pass `suppression.publish` before any is
written; the figures draw no point resting on fewer persons than the threshold.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from rtwpanel.analysis import cohort_tables
from rtwpanel.analysis.build_info import (
    describe_build,
    evaluated_for,
    find_build_info,
    threshold_line,
)
from rtwpanel.analysis.data import read_study_mart
from rtwpanel.analysis.estimate_tables import estimates_table
from rtwpanel.analysis.gate_section import load_gate_summary
from rtwpanel.analysis.report import (
    FigureOutput,
    write_cohort_report,
    write_numbers,
    write_table,
)
from rtwpanel.analysis.suppression import DEFAULT_THRESHOLD, Published, publish
from rtwpanel.analysis.survival import fit_cox, proportional_hazards_test
from rtwpanel.errors import RtwError
from rtwpanel.marts_schema import EPISODE_COLUMNS
from rtwpanel.study import Study

TABLE = "marts.mart_cohort_episodes"


def load_episodes(database: Path, study: Study) -> pd.DataFrame:
    """The cohort's episodes; RtwError when the warehouse has none."""
    frame = read_study_mart(
        database, TABLE, "episode_id", list(EPISODE_COLUMNS), study.name, "no episode in the cohort"
    )
    frame["person_id"] = frame["person_id"].astype(str)
    frame["outcome"] = frame["outcome"].astype(str)
    return frame


def methods_text(study: Study, threshold: int, transform: str = "rank") -> str:
    cohort = study.cohort
    assert cohort is not None
    competing = " and ".join(cohort_tables.outcome_name(c) for c in cohort.competing) or "none"
    event = cohort_tables.outcome_name(cohort.event)
    time_g = {"rank": "the rank of the event time", "log": "log time"}.get(transform, "time")
    return f"""\
**Time and outcomes.** Each sick-leave episode of the cohort is followed from its first
day; its time is its duration in days, and its outcome ({event}, {competing}, or
censored at the end of the registers' coverage) happens at its end. A person may
have several episodes.

**Kaplan-Meier.** The share not yet returned to work is the product over days of
(1 - events / at risk), with {competing} and censoring leaving the risk set. The
variance is Greenwood's and the 95 % interval is built on log(-log S), so it stays
between 0 and 1. It answers "had there been no competing outcome", which is not
the probability a person sees.

**Aalen-Johansen.** The cumulative incidence of each outcome is the sum over days of
S(t-) d_k(t) / n(t), with S the Kaplan-Meier probability of no outcome of any kind:
the competing outcomes compete rather than censor, and the incidences and the share
with none yet sum to one.

**Cause-specific Cox model.** The hazard of {event} is modelled with every
predictor of `{study.path.name}` at once (statsmodels PHReg, Efron's method for
the many tied days); {competing} and the end of follow-up censor the episode at its
end. Numeric predictors enter per their stated unit, flags as 1 against 0 (a count
as "at least one"), categories as a dummy per level against the reference.
Episodes with a missing predictor are left out (Table C2's note says how many).
Episodes of one person are not independent, so the covariance is the robust
sandwich clustered by person (scores summed within person); intervals and p-values
are Wald, normal. A hazard ratio is a ratio of rates among episodes still on sick
leave, not of the cumulative incidence.

**Proportional hazards.** Table C3 is the Grambsch-Therneau score test: the scaled
Schoenfeld residuals of each term (beta + d V r_k, V the model-based covariance) are
tested for a trend in {time_g}, per term (1 df) and for all terms together. Where it
rejects, the hazard ratio of Table C2 is an average over the follow-up.

**Small cells.** Every table passes one suppression step: a cell resting on fewer
than {threshold} persons is hidden (a share: its denominator and the persons with and
without; a hazard ratio: the fewer of the persons with and without a flag or level;
a survival or incidence: the persons still at risk on the day), and so is any cell
from which a hidden one could be worked out (shares that sum to one, a total and its
parts). The curves stop where fewer than {threshold} persons are at risk.
"""


def run_cohort_evaluation(
    database: Path,
    out: Path,
    study: Study,
    threshold: int = DEFAULT_THRESHOLD,
    raw_dir: Path | None = None,
) -> tuple[list[Published], list[Path]]:
    """Tables C1-C5 (and the recovery table when `raw_dir` has truth/hazard_model.json),
    the figures, report.md and report.html in `out`. Returns (published tables, files)."""
    cohort = study.cohort
    if cohort is None:
        raise RtwError(f"study {study.name} ({study.path.name}) is not a cohort study")
    frame = load_episodes(database, study)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)

    fit = fit_cox(frame, cohort.predictors, event=cohort.event, cluster="person_id")
    ph = proportional_hazards_test(fit, transform="rank")
    tables = list(cohort_tables.cohort_tables(frame, cohort, fit, ph))
    recovery_note = "delivery unknown (pass the delivery to compare with planted hazards)"
    if raw_dir is not None:
        planted = cohort_tables.read_planted_hazards(Path(raw_dir), event=cohort.event)
        if planted:
            tables.append(cohort_tables.recovery_table(fit, planted))
            recovery_note = str(Path(raw_dir) / "truth" / "hazard_model.json")
        else:
            recovery_note = f"none: {raw_dir} has no readable truth/hazard_model.json"

    published = [publish(table, threshold) for table in tables]
    files: list[Path] = []
    for item in published:
        files += write_table(item, out)
    files.append(write_numbers(publish(estimates_table(tables), threshold), out))

    captions = cohort_tables.figure_captions(cohort, threshold)
    figure_outputs = []
    for key, (png, svg) in cohort_tables.draw_figures(frame, cohort, threshold, out):
        figure_outputs.append(FigureOutput(key, captions[key], png, svg))
        files += [png, svg]

    build = find_build_info(database)
    header = {
        "evaluated for": evaluated_for(study.name, study.path, study.sha256, build),
        "design": f"cohort of sick-leave episodes, ICPC-2 chapter {cohort.chapter}, ages "
        f"{cohort.ages[0]}-{cohort.ages[1]}"
        + (", in work at the start" if cohort.in_work_at_start else "")
        + f", inclusion {study.inclusion[0]} to {study.inclusion[1]}",
        **describe_build(build),
        "warehouse": str(database),
        "episodes": f"{len(frame)} of {frame['person_id'].nunique()} persons",
        "Cox model": f"{fit.n_episodes} episodes with every predictor known, "
        f"{fit.n_events} events ({cohort_tables.outcome_name(cohort.event)})",
        "small-cell threshold": threshold_line(threshold),
        "recovery check": recovery_note,
    }
    files += write_cohort_report(
        out,
        header,
        published,
        figure_outputs,
        title=study.title,
        subtitle=study.description or "a cohort of sick-leave episodes from the registers",
        methods=methods_text(study, threshold),
        gates=load_gate_summary(database),
    )
    return published, files
