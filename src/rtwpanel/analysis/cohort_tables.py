"""Tables C1-C5 and the figures of a cohort study's time-to-event analysis.

C1 describes the cohort, C2 holds the cause-specific Cox model of the study's
event, C3 its proportional-hazards check, C4 the Kaplan-Meier share still on
sick leave and C5 the Aalen-Johansen cumulative incidence of each outcome, at
fixed days, overall and by level of each `curves_by` predictor. Every cell
carries the persons it rests on, so `suppression.publish` can hide small cells;
the figures draw no point resting on fewer persons than the threshold.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from rtwpanel.analysis.clustered_ols import stars
from rtwpanel.analysis.survival import (
    CoxFit,
    cumulative_incidence,
    kaplan_meier,
    value_at,
)
from rtwpanel.analysis.table import Cell, Table, share_support
from rtwpanel.study import CohortDesign, Predictor

DAYS = (30, 90, 180, 365)
OUTCOME_NAMES = {
    "return_to_work": "return to work",
    "aap": "AAP",
    "disability": "disability benefit",
    "censored": "censored",
}
TIME = "duration_days"
PERSON = "person_id"
COLOURS = ("#1b6ca8", "#c8553d", "#3a8d4f", "#8a5fb0", "#b08a1e", "#555555")


def report_days(cohort: CohortDesign) -> tuple[int, ...]:
    """The days of Tables C4 and C5: 30, 90, 180, 365 up to the horizon."""
    days = tuple(d for d in DAYS if d <= cohort.horizon_days)
    return days or (cohort.horizon_days,)


def outcome_name(outcome: str) -> str:
    return OUTCOME_NAMES.get(outcome, outcome.replace("_", " "))


def _persons(frame: pd.DataFrame) -> float:
    return float(frame[PERSON].nunique())


def plain_name(p: Predictor) -> str:
    """The name without its "(per ...)": a mean is in the column's own units."""
    return re.sub(r"\s*\(per [^)]*\)", "", p.name)


def _predictor(cohort: CohortDesign, column: str) -> Predictor:
    return next(p for p in cohort.predictors if p.column == column)


def groups(frame: pd.DataFrame, cohort: CohortDesign) -> list[tuple[str, pd.DataFrame]]:
    """("all", every episode), then one (label, episodes) per level of each curves_by
    predictor (flags: yes / no; categories: their levels, sorted; missing: left out)."""
    out = [("all", frame)]
    for column in cohort.curves_by:
        p = _predictor(cohort, column)
        values = frame[column]
        if p.kind == "flag":
            on = values.astype(float) > 0
            known = values.notna()
            out.append((f"{p.name}: yes", frame.loc[known & on]))
            out.append((f"{p.name}: no", frame.loc[known & ~on]))
        else:
            text = values.astype("string")
            for level in sorted(text.dropna().unique()):
                out.append((f"{p.name}: {level}", frame.loc[(text == level).fillna(False)]))
    return out


# --- C1 -----------------------------------------------------------------------


def table_c1(frame: pd.DataFrame, cohort: CohortDesign) -> Table:
    """The cohort: episodes, persons, outcomes and each predictor's share or mean."""
    values: dict[str, dict[str, object]] = {}
    support: dict[str, dict[str, float]] = {}
    additive: list[list[Cell]] = []
    n_episodes, n_persons = float(len(frame)), _persons(frame)

    def put(label: str, episodes: float, persons: float, stat: float, what: str, s: float):
        values[label] = {
            "episodes": episodes,
            "persons": persons,
            "share or mean": stat,
            "statistic": what,
        }
        support[label] = {"episodes": s, "persons": s, "share or mean": s, "statistic": np.nan}

    put("all episodes", n_episodes, n_persons, np.nan, "", n_persons)
    outcome_rows = []
    for outcome in ("return_to_work", "aap", "disability", "censored"):
        rows = frame.loc[frame["outcome"] == outcome]
        label = f"outcome: {outcome_name(outcome)}"
        k = _persons(rows)
        share = len(rows) / n_episodes if n_episodes else np.nan
        put(label, float(len(rows)), k, share, "share", share_support(n_persons, k))
        outcome_rows.append(label)
    additive.append([("all episodes", "episodes"), *[(r, "episodes") for r in outcome_rows]])
    additive.append([(r, "share or mean") for r in outcome_rows])
    put("days on sick leave", n_episodes, n_persons, frame[TIME].mean(), "mean", n_persons)
    for p in cohort.predictors:
        column = frame[p.column]
        known = frame.loc[column.notna()]
        n_known = _persons(known)
        labels: list[str] = []
        if p.kind == "numeric":
            put(plain_name(p), float(len(known)), n_known, known[p.column].mean(), "mean", n_known)
        elif p.kind == "flag":
            rows = known.loc[known[p.column].astype(float) > 0]
            k = _persons(rows)
            share = len(rows) / len(known) if len(known) else np.nan
            put(p.name, float(len(rows)), k, share, "share", share_support(n_known, k))
        else:
            text = known[p.column].astype(str)
            for level in sorted(text.unique()):
                rows = known.loc[text == level]
                k = _persons(rows)
                label = f"{p.name}: {level}" + (" (reference)" if level == p.reference else "")
                share = len(rows) / len(known)
                put(label, float(len(rows)), k, share, "share", share_support(n_known, k))
                labels.append(label)
            additive.append([(label, "share or mean") for label in labels])
        parts = labels if p.kind == "category" else []
        if len(known) < len(frame):
            label = f"{plain_name(p)}: not known"
            missing = frame.loc[column.isna()]
            k = _persons(missing)
            share = len(missing) / n_episodes
            put(label, float(len(missing)), k, share, "share", share_support(n_persons, k))
            parts = [*parts, label]
        if parts:  # the levels' (and the unknown's) episodes add up to all episodes
            additive.append([("all episodes", "episodes"), *[(r, "episodes") for r in parts]])
    return Table(
        key="table_c1",
        title="Table C1. The cohort: sick-leave episodes, persons, outcomes and predictors",
        values=pd.DataFrame(values).T,
        support=pd.DataFrame(support).T,
        additive_groups=additive,
        decimals={"episodes": 0, "persons": 0, "days on sick leave": 1},
        note="One row per sick-leave episode of the cohort (a person may have several). "
        "Outcome: what ended the episode. Flags: share of the episodes with a known value "
        "(specialist contact: at least one contact); numeric predictors: mean over the "
        "episodes with a known value, in the column's own units; categories: shares of "
        "the episodes with a known level. 'persons': persons with at least one such "
        "episode.",
    )


# --- C2 -----------------------------------------------------------------------


def _ordered_terms(fit: CoxFit, cohort: CohortDesign) -> list[str]:
    order = []
    for p in cohort.predictors:
        order += [t for t in fit.terms if t == p.column or t.startswith(f"{p.column}=")]
    return order + [t for t in fit.terms if t not in order]


def table_c2(fit: CoxFit, cohort: CohortDesign) -> Table:
    """Hazard ratios of the study's event (cause-specific Cox model)."""
    values: dict[str, dict[str, float]] = {}
    support: dict[str, dict[str, float]] = {}
    marks: dict[Cell, str] = {}
    records: list[dict[str, object]] = []
    for term in _ordered_terms(fit, cohort):
        j = fit.index(term)
        label = fit.labels[term]
        values[label] = {
            "hazard ratio": float(fit.hr[j]),
            "95 % CI low": float(fit.ci_low[j]),
            "95 % CI high": float(fit.ci_high[j]),
            "p": float(fit.pvalue[j]),
            "log HR": float(fit.log_hr[j]),
            "se": float(fit.se[j]),
            "episodes": fit.n_episodes,
            "persons": fit.n_persons,
            "events": fit.n_events,
        }
        support[label] = dict.fromkeys(values[label], fit.support[term])
        if stars(fit.pvalue[j]):
            marks[(label, "hazard ratio")] = stars(fit.pvalue[j])
        records.append(
            {
                "table": "table_c2",
                "sample": "cohort episodes, every predictor known",
                "outcome": fit.event,
                "term": term,
                "clustering": "person",
                "estimate": float(fit.log_hr[j]),
                "se": float(fit.se[j]),
                "ci_low": float(fit.log_hr[j] - 1.959963984540054 * fit.se[j]),
                "ci_high": float(fit.log_hr[j] + 1.959963984540054 * fit.se[j]),
                "p": float(fit.pvalue[j]),
                "p_wild_bootstrap": np.nan,
                "p_randomisation": np.nan,
                "p_randomisation_mcse": np.nan,
                "N": fit.n_episodes,
                "persons": fit.n_persons,
                "clusters": fit.n_persons,
                "support": fit.support[term],
            }
        )
    references = [f"{p.name}: {p.reference}" for p in cohort.predictors if p.kind == "category"]
    numeric = [p for p in cohort.predictors if p.kind == "numeric"]
    per = "; ".join(f"{p.name}: per {p.per:g}" for p in numeric)
    dropped = (
        f" Not estimable (constant in the sample), left out: {', '.join(fit.dropped_terms)}."
        if fit.dropped_terms
        else ""
    )
    competing = ", ".join(outcome_name(c) for c in cohort.competing) or "none"
    return Table(
        key="table_c2",
        title=f"Table C2. Hazard ratios of {outcome_name(fit.event)} (cause-specific Cox model)",
        values=pd.DataFrame(values).T,
        support=pd.DataFrame(support).T,
        decimals={"hazard ratio": 3, "episodes": 0, "persons": 0, "events": 0},
        note=f"Cox proportional-hazards model of days to {outcome_name(fit.event)}, Efron "
        f"ties; competing outcomes ({competing}) and the end of follow-up censor the "
        "episode at its end (cause-specific hazard). All predictors in one model. SE "
        f"clustered by person (robust sandwich, {fit.n_persons} persons); 95 % interval "
        "and p from the normal distribution. "
        f"{fit.n_dropped} episode(s) with a missing predictor left out. Numeric "
        f"predictors: {per or 'none'}. Reference levels: {'; '.join(references) or 'none'}. "
        "Flag: 1 against 0 (specialist contact: at least one contact in the year before)."
        f"{dropped} * p<0.1, ** p<0.05, *** p<0.01.",
        marks=marks,
        estimates=records,
    )


# --- C3 -----------------------------------------------------------------------


def table_c3(fit: CoxFit, ph: pd.DataFrame) -> Table:
    """The proportional-hazards check, per term and global."""
    values: dict[str, dict[str, float]] = {}
    support: dict[str, dict[str, float]] = {}
    for term in ph.index:
        label = "global" if term == "global" else fit.labels.get(term, term)
        row = ph.loc[term]
        values[label] = {
            "rho": float(row["rho"]),
            "chi2": float(row["chi2"]),
            "df": float(row["df"]),
            "p": float(row["p"]),
        }
        s = float(fit.n_persons) if term == "global" else fit.support[term]
        support[label] = dict.fromkeys(values[label], s)
    transform = str(ph["transform"].iloc[0]) if len(ph) else "rank"
    g = {
        "rank": "the rank of the event time",
        "log": "the log of the event time",
        "identity": "the event time",
    }[transform]
    return Table(
        key="table_c3",
        title="Table C3. Proportional-hazards check of Table C2 (Schoenfeld residuals)",
        values=pd.DataFrame(values).T,
        support=pd.DataFrame(support).T,
        decimals={"rho": 3, "chi2": 2, "df": 0, "p": 3},
        note="Grambsch-Therneau score test: scaled Schoenfeld residuals of each term "
        f"against {g}; rho is their correlation, chi2 the score statistic (1 df per term, "
        "all terms together for global; model-based variance). A small p says the "
        "hazard ratio changes with time since the episode's start, so the Table C2 "
        "estimate is an average over follow-up.",
    )


# --- C4 and C5 ------------------------------------------------------------------


def _persons_at_risk(frame: pd.DataFrame, day: float) -> float:
    return float(frame.loc[frame[TIME] >= day, PERSON].nunique())


def table_c4(frame: pd.DataFrame, cohort: CohortDesign) -> Table:
    """Kaplan-Meier share not yet returned to work at the report days."""
    event = cohort.event
    values: dict[str, dict[str, float]] = {}
    support: dict[str, dict[str, float]] = {}
    for label, rows in groups(frame, cohort):
        if rows.empty:
            continue
        curve = kaplan_meier(rows[TIME], rows["outcome"] == event)
        for day in report_days(cohort):
            at_risk = float((rows[TIME] >= day).sum())
            persons = _persons_at_risk(rows, day)
            row = f"{label}, day {day}"
            values[row] = {
                "still on sick leave": value_at(curve, "survival", day, 1.0),
                "95 % CI low": value_at(curve, "ci_low", day, 1.0),
                "95 % CI high": value_at(curve, "ci_high", day, 1.0),
                "at risk (episodes)": at_risk,
                "at risk (persons)": persons,
            }
            support[row] = dict.fromkeys(values[row], persons)
    name = outcome_name(event)
    return Table(
        key="table_c4",
        title="Table C4. Share not yet returned to work (Kaplan-Meier), by day since the "
        "episode's start",
        values=pd.DataFrame(values).T,
        support=pd.DataFrame(support).T,
        decimals={"at risk (episodes)": 0, "at risk (persons)": 0},
        note=f"Kaplan-Meier estimate of the share of episodes without {name} by the day; "
        "other outcomes and the end of follow-up censor. 95 % interval: Greenwood "
        "variance on the log(-log) scale. At risk: episodes (and their persons) still "
        "followed on that day; a cell rests on the persons at risk.",
    )


def table_c5(frame: pd.DataFrame, cohort: CohortDesign) -> Table:
    """Aalen-Johansen cumulative incidence of each outcome at the report days."""
    causes = (cohort.event, *cohort.competing)
    values: dict[str, dict[str, float]] = {}
    support: dict[str, dict[str, float]] = {}
    additive: list[list[Cell]] = []
    for label, rows in groups(frame, cohort):
        if rows.empty:
            continue
        cause = rows["outcome"].astype(str).where(rows["outcome"].astype(str) != "censored", "")
        curve = cumulative_incidence(rows[TIME], cause, causes)
        for day in report_days(cohort):
            persons = _persons_at_risk(rows, day)
            row = f"{label}, day {day}"
            cells: dict[str, float] = {}
            cell_support: dict[str, float] = {}
            for c in causes:
                name = outcome_name(c)
                cells[name] = value_at(curve, f"cif_{c}", day, 0.0)
                had = rows.loc[(rows[TIME] <= day) & (rows["outcome"] == c), PERSON].nunique()
                cell_support[name] = min(persons, float(had)) if had else persons
            cells["none yet"] = value_at(curve, "survival", day, 1.0)
            cell_support["none yet"] = persons
            cells["at risk (episodes)"] = float((rows[TIME] >= day).sum())
            cell_support["at risk (episodes)"] = persons
            values[row], support[row] = cells, cell_support
            additive.append([(row, outcome_name(c)) for c in (*causes, "none yet")])
    names = ", ".join(outcome_name(c) for c in causes)
    return Table(
        key="table_c5",
        title=f"Table C5. Cumulative incidence of {names} (Aalen-Johansen), by day since "
        "the episode's start",
        values=pd.DataFrame(values).T,
        support=pd.DataFrame(support).T,
        additive_groups=additive,
        decimals={"at risk (episodes)": 0},
        note="Aalen-Johansen estimate: the probability that the episode has ended in each "
        "outcome by the day, with the other outcomes competing (not censoring); 'none "
        "yet': still on sick leave and followed, the four sum to one. The end of "
        "follow-up censors. A cell rests on the persons at risk on the day, or on the "
        "persons with that outcome by then when they are fewer.",
    )


# --- recovery -------------------------------------------------------------------


def read_planted_hazards(raw_dir: Path, event: str = "return_to_work") -> dict[str, float] | None:
    """The hazard ratios a synthetic delivery planted, from `truth/hazard_model.json`.

    Format: {"event": "return_to_work", "hazard_ratios": {term: hr, ...}} with the
    term names exactly as `survival.design_matrix` names them: the column for a
    numeric predictor (the ratio per the study's `per` units) or a flag, and
    "column=level" for a category's level against its reference. A nested
    {column: {level: hr}} is read as "column=level" too. None when the file is
    missing, unreadable, or plants another event than `event`.
    """
    path = Path(raw_dir) / "truth" / "hazard_model.json"
    if not path.is_file():
        return None
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(document, dict) or document.get("event", event) != event:
        return None
    ratios = document.get("hazard_ratios")
    if not isinstance(ratios, dict):
        return None
    planted: dict[str, float] = {}
    for term, value in ratios.items():
        if isinstance(value, dict):
            for level, hr in value.items():
                if isinstance(hr, int | float) and not isinstance(hr, bool):
                    planted[f"{term}={level}"] = float(hr)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            planted[str(term)] = float(value)
    return planted


def recovery_table(fit: CoxFit, planted: dict[str, float]) -> Table:
    """Each planted hazard ratio beside the Table C2 estimate and its 95 % interval."""
    values: dict[str, dict[str, float]] = {}
    support: dict[str, dict[str, float]] = {}
    missing = []
    for term, hr in planted.items():
        if term not in fit.terms:
            missing.append(term)
            continue
        j = fit.index(term)
        label = fit.labels[term]
        low, high = float(fit.ci_low[j]), float(fit.ci_high[j])
        values[label] = {
            "planted HR": hr,
            "estimated HR": float(fit.hr[j]),
            "95 % CI low": low,
            "95 % CI high": high,
            "log(estimate / planted)": float(fit.log_hr[j] - np.log(hr)),
            "in 95 % CI": float(low <= hr <= high),
        }
        support[label] = dict.fromkeys(values[label], fit.support[term])
    not_in = f" Planted but not in the model: {', '.join(missing)}." if missing else ""
    columns = [
        "planted HR",
        "estimated HR",
        "95 % CI low",
        "95 % CI high",
        "log(estimate / planted)",
        "in 95 % CI",
    ]
    return Table(
        key="table_c_recovery",
        title="Recovery: Table C2 hazard ratios beside the planted ones",
        values=pd.DataFrame(values, index=columns).T,
        support=pd.DataFrame(support, index=columns).T,
        decimals={"in 95 % CI": 0},
        note="Planted: the generator's hazard ratios on the cause-specific hazard "
        "(truth/hazard_model.json); estimated: Table C2, person-clustered 95 % "
        f"interval.{not_in}",
    )


# --- figures --------------------------------------------------------------------


def _setup() -> None:
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams.update({"svg.hashsalt": "rtwpanel", "svg.fonttype": "none", "font.size": 9})


def _save(fig: object, stem: Path) -> list[Path]:
    png, svg = stem.with_suffix(".png"), stem.with_suffix(".svg")
    fig.savefig(png, dpi=150, metadata={"Software": None})  # type: ignore[attr-defined]
    fig.savefig(svg, metadata={"Date": None, "Creator": None})  # type: ignore[attr-defined]
    return [png, svg]


def _drawable(rows: pd.DataFrame, curve: pd.DataFrame, threshold: int, horizon: int) -> pd.Index:
    """The curve's times up to the horizon while at least `threshold` persons are at risk."""
    times = curve.index[curve.index <= horizon]
    ends = np.sort(rows.groupby(PERSON)[TIME].max().to_numpy())
    # persons at risk at t: those with some episode lasting >= t (their last one)
    persons = len(ends) - np.searchsorted(ends, times.to_numpy(), side="left")
    return times[persons >= threshold]


def _step(ax: object, times: pd.Index, y: np.ndarray, start: float, **kw: object) -> None:
    x = np.concatenate([[0.0], times.to_numpy(dtype=float)])
    ax.step(x, np.concatenate([[start], y]), where="post", **kw)  # type: ignore[attr-defined]


def _tick_days(horizon: int) -> list[int]:
    step = 30 if horizon <= 120 else 60 if horizon <= 400 else 180
    return list(range(0, horizon + 1, step))


def km_figure(
    frame: pd.DataFrame, cohort: CohortDesign, column: str, threshold: int, out: Path
) -> list[Path]:
    """Kaplan-Meier curves of the share not yet returned to work, one per level of
    `column`, with the numbers at risk under the axis. A curve stops where fewer
    than `threshold` persons are at risk; a number at risk below it is hidden."""
    _setup()
    import matplotlib.pyplot as plt

    from rtwpanel.analysis.suppression import HIDDEN

    horizon = cohort.horizon_days
    levels = [(label, rows) for label, rows in groups(frame, cohort) if label != "all"]
    p = _predictor(cohort, column)
    levels = [(label, rows) for label, rows in levels if label.startswith(f"{p.name}: ")]
    ticks = _tick_days(horizon)
    fig = plt.figure(figsize=(7, 4.2 + 0.18 * len(levels)))
    grid = fig.add_gridspec(2, 1, height_ratios=[4, 0.35 + 0.25 * len(levels)], hspace=0.35)
    ax = fig.add_subplot(grid[0])
    table_ax = fig.add_subplot(grid[1], sharex=ax)
    for i, (label, rows) in enumerate(levels):
        colour = COLOURS[i % len(COLOURS)]
        level = label.split(": ", 1)[1]
        if not rows.empty:
            curve = kaplan_meier(rows[TIME], rows["outcome"] == cohort.event)
            times = _drawable(rows, curve, threshold, horizon)
            if len(times):
                y = curve.loc[times, "survival"].to_numpy()
                _step(ax, times, y, 1.0, color=colour, lw=1.3, label=level)
                low = curve.loc[times, "ci_low"].to_numpy()
                high = curve.loc[times, "ci_high"].to_numpy()
                ax.fill_between(times, low, high, step="post", color=colour, alpha=0.12, lw=0)
        row_y = len(levels) - 1 - i
        table_ax.text(-0.05, row_y, level, ha="right", va="center", color=colour,
                      transform=table_ax.get_yaxis_transform(), fontsize=8)  # fmt: skip
        for day in ticks:
            persons = _persons_at_risk(rows, day) if not rows.empty else 0
            shown = f"{int((rows[TIME] >= day).sum())}" if persons >= threshold else HIDDEN
            table_ax.text(day, row_y, shown, ha="center", va="center", fontsize=8)
    ax.set_xlim(0, horizon)
    ax.set_ylim(0, 1.02)
    ax.set_ylabel("share not yet returned to work")
    ax.grid(alpha=0.3, lw=0.5)
    ax.legend(frameon=False, title=p.name, fontsize=8, title_fontsize=8)
    ax.tick_params(labelbottom=True)
    ax.set_xticks(ticks)
    ax.set_xlabel("days since the episode's first day")
    table_ax.set_ylim(-0.6, len(levels) - 0.4)
    table_ax.set_title("episodes at risk", fontsize=8, loc="left")
    table_ax.axis("off")
    fig.subplots_adjust(left=0.2, right=0.97, top=0.96, bottom=0.04)
    paths = _save(fig, out / f"figure_c_km_{column}")
    plt.close(fig)
    return paths


def cif_figure(frame: pd.DataFrame, cohort: CohortDesign, threshold: int, out: Path) -> list[Path]:
    """Cumulative incidence of the event and the competing outcomes, every episode
    (lines, stopped where fewer than `threshold` persons are at risk)."""
    _setup()
    import matplotlib.pyplot as plt

    causes = (cohort.event, *cohort.competing)
    cause = frame["outcome"].astype(str).where(frame["outcome"].astype(str) != "censored", "")
    curve = cumulative_incidence(frame[TIME], cause, causes)
    times = _drawable(frame, curve, threshold, cohort.horizon_days)
    fig, ax = plt.subplots(figsize=(7, 3.8))
    for i, c in enumerate(causes):
        if len(times):
            _step(ax, times, curve.loc[times, f"cif_{c}"].to_numpy(), 0.0,
                  color=COLOURS[i % len(COLOURS)], lw=1.3, label=outcome_name(c))  # fmt: skip
    ax.set_xlim(0, cohort.horizon_days)
    ax.set_ylim(0, 1.0)
    ax.set_xticks(_tick_days(cohort.horizon_days))
    ax.set_xlabel("days since the episode's first day")
    ax.set_ylabel("cumulative incidence")
    ax.grid(alpha=0.3, lw=0.5)
    ax.legend(frameon=False)
    fig.tight_layout()
    paths = _save(fig, out / "figure_c_cumulative_incidence")
    plt.close(fig)
    return paths


def figure_captions(cohort: CohortDesign, threshold: int) -> dict[str, str]:
    """Figure key -> caption."""
    captions = {}
    for i, column in enumerate(cohort.curves_by, start=1):
        name = _predictor(cohort, column).name
        captions[f"figure_c_km_{column}"] = (
            f"Figure C{i}. Share not yet returned to work (Kaplan-Meier, 95 % band) by "
            f"{name}, with the episodes at risk under the axis. A curve stops where fewer "
            f"than {threshold} persons are at risk; such a number at risk is hidden."
        )
    names = ", ".join(outcome_name(c) for c in (cohort.event, *cohort.competing))
    captions["figure_c_cumulative_incidence"] = (
        f"Figure C{len(cohort.curves_by) + 1}. Cumulative incidence of {names} "
        "(Aalen-Johansen), every episode of the cohort; the curves stop where fewer than "
        f"{threshold} persons are at risk."
    )
    return captions


def draw_figures(
    frame: pd.DataFrame, cohort: CohortDesign, threshold: int, out: Path
) -> list[tuple[str, list[Path]]]:
    """Every figure: (key, [png, svg])."""
    drawn = [
        (f"figure_c_km_{column}", km_figure(frame, cohort, column, threshold, out))
        for column in cohort.curves_by
    ]
    drawn.append(("figure_c_cumulative_incidence", cif_figure(frame, cohort, threshold, out)))
    return drawn


def cohort_tables(
    frame: pd.DataFrame, cohort: CohortDesign, fit: CoxFit, ph: pd.DataFrame
) -> Sequence[Table]:
    return [
        table_c1(frame, cohort),
        table_c2(fit, cohort),
        table_c3(fit, ph),
        table_c4(frame, cohort),
        table_c5(frame, cohort),
    ]
