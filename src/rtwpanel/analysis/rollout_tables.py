"""Tables R1-R5 and the event-study figure of a regional roll-out study, and the
recovery table against what a synthetic delivery planted.

Every table carries the persons each cell rests on. For an estimate that is the
fewer of the persons it compares: for ATT(g,t) the group's and the control set's
persons in month t and in the base month (whichever is fewer); for an aggregate
the group persons summed over its groups and the fewest control persons of its
cells; for TWFE the fewer of the persons per month in the treated and in the
never-treated regions. The figure draws only the points of Table R3 that
suppression leaves visible.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from rtwpanel.analysis.figures import visible_frame
from rtwpanel.analysis.rollout import RolloutEstimates
from rtwpanel.analysis.suppression import hidden_cells
from rtwpanel.analysis.table import Table

CONTROL_NAMES = {
    "never_treated": "never-treated regions",
    "not_yet_treated": "never-treated and not-yet-treated regions",
}
COLOUR = "#1b6ca8"
TWFE_COLOUR = "#c8553d"
ESTIMATE_DECIMALS = 4
FIGURE_KEY = "figure_r1_event_study"


def outcome_name(design: object, column: str) -> str:
    for outcome in getattr(design, "outcomes", ()):
        if outcome.column == column:
            return outcome.name
    return column.replace("_", " ")


def _month(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "never"
    return pd.Timestamp(value).strftime("%Y-%m")


# --- R1: the regions ---------------------------------------------------------------


def table_r1(frame: pd.DataFrame, design: object) -> Table:
    """The regions: code, name, first IPS month (or never) and the target
    population's persons in the panel's first month."""
    first = pd.to_datetime(frame["month"]).min()
    column = f"persons {first.strftime('%Y-%m')}"
    baseline = (
        frame.loc[pd.to_datetime(frame["month"]) == first]
        .assign(region=lambda d: d["region"].astype(str))
        .groupby("region")["n_persons"]
        .sum()
    )
    starts = (
        frame.assign(region=frame["region"].astype(str))
        .groupby("region")["start_month"]
        .agg(lambda s: s.dropna().min())
    )
    named = {region.code: region for region in getattr(design, "regions", ())}
    codes = list(named) + sorted(set(baseline.index) - set(named))
    values: dict[str, dict[str, object]] = {}
    support: dict[str, dict[str, float]] = {}
    mismatch = []
    for code in codes:
        region = named.get(code)
        start = region.start if region is not None else starts.get(code)
        if region is not None and code in starts.index and _month(start) != _month(starts[code]):
            mismatch.append(code)
        persons = float(baseline.get(code, np.nan))
        values[code] = {
            "name": region.name if region is not None else "",
            "start": _month(start),
            column: persons,
        }
        support[code] = {"name": np.nan, "start": np.nan, column: persons}
    total = float(baseline.reindex(codes).sum())
    values["total"] = {"name": "", "start": "", column: total}
    support["total"] = {"name": np.nan, "start": np.nan, column: total}
    note = (
        "Start: the region's first month of IPS (the study file); persons: the target "
        "population living in the region in the panel's first month, with the status "
        "observed."
    )
    if mismatch:
        note += (
            f" WARNING: the warehouse's start month differs from the study file's for "
            f"{', '.join(mismatch)}; the estimates use the warehouse's."
        )
    return Table(
        key="table_r1",
        title="Table R1. Regions and their start of IPS",
        values=pd.DataFrame(values).T[["name", "start", column]],
        support=pd.DataFrame(support).T[["name", "start", column]],
        additive_groups=[[(code, column) for code in [*codes, "total"]]],
        decimals={column: 0},
        note=note,
    )


# --- R2: overall ATT beside TWFE ------------------------------------------------------

R2_CS = ("CS ATT", "CS SE", "CS 95 % low", "CS 95 % high", "CS p")
R2_TWFE = (
    "TWFE",
    "TWFE SE (CR1)",
    "TWFE p (CR1)",
    "TWFE wild 95 % low",
    "TWFE wild 95 % high",
    "TWFE wild p",
)


def table_r2(estimates: Mapping[str, RolloutEstimates], design: object) -> Table:
    """Per outcome: the Callaway-Sant'Anna overall ATT and the TWFE coefficient."""
    values: dict[str, dict[str, float]] = {}
    support: dict[str, dict[str, float]] = {}
    control = ""
    for column, est in estimates.items():
        label = outcome_name(design, column)
        row = est.overall.row("overall")
        t = est.twfe
        values[label] = dict(
            zip(
                R2_CS,
                [row["estimate"], row["se"], row["ci_low"], row["ci_high"], row["p"]],
                strict=True,
            ),
            **dict(
                zip(
                    R2_TWFE,
                    [t.estimate, t.se, t.pvalue, t.wild_ci_low, t.wild_ci_high, t.wild_pvalue],
                    strict=True,
                )
            ),
            regions=float(t.n_regions),
        )
        values[label]["CS placebo p"] = est.placebo.att.p if est.placebo is not None else np.nan
        support[label] = {
            **dict.fromkeys([*R2_CS, "CS placebo p"], float(row["support"])),
            **dict.fromkeys(R2_TWFE, float(t.support)),
            "regions": np.nan,
        }
        control = CONTROL_NAMES.get(est.group_time.control_group, est.group_time.control_group)
        draws = t.n_draws
    columns = [*R2_CS, "CS placebo p", *R2_TWFE, "regions"]
    decimals = dict.fromkeys(columns, ESTIMATE_DECIMALS)
    decimals.update(
        {"CS p": 3, "CS placebo p": 3, "TWFE p (CR1)": 3, "TWFE wild p": 3, "regions": 0}
    )
    placebo = next((e.placebo for e in estimates.values() if e.placebo is not None), None)
    placebo_note = (
        f" CS placebo p: the overall ATT's |t| against {placebo.att.permutations:,} random "
        "assignments of the start months to the regions (the primary outcome; Methods)."
        if placebo is not None
        else ""
    )
    return Table(
        key="table_r2",
        title="Table R2. Effect on the target population's shares: Callaway-Sant'Anna "
        "overall ATT beside two-way fixed effects",
        values=pd.DataFrame(values).T[columns],
        support=pd.DataFrame(support).T[columns],
        decimals=decimals,
        note=f"CS: the average of ATT(g,t) over every group and month from its start on, "
        f"weighted by the group's persons, against the {control}; SE, interval and p "
        f"from the wild (multiplier) bootstrap over regions ({draws} Webb draws). TWFE: "
        "region and month fixed effects, weighted by persons, SE clustered by region "
        "(CR1, t with G-1 df); wild: restricted wild cluster bootstrap (Webb weights), the "
        "interval by inverting its test. Shares as fractions (0.01 = one percentage point)."
        f"{placebo_note}",
    )


# --- R3: the event study ---------------------------------------------------------------

R3_COLUMNS = ("theta", "SE", "95 % low", "95 % high", "uniform low", "uniform high", "groups")


def table_r3(est: RolloutEstimates, design: object) -> Table:
    """theta(e) with pointwise 95 % intervals and the uniform band; the pre-trend
    test in the note."""
    event = est.event.table
    values = pd.DataFrame(
        {
            "theta": event["estimate"],
            "SE": event["se"],
            "95 % low": event["ci_low"],
            "95 % high": event["ci_high"],
            "uniform low": event["uniform_low"],
            "uniform high": event["uniform_high"],
            "groups": event["groups"].astype(float),
        }
    )
    values.index = [str(int(e)) for e in event.index]
    support = pd.DataFrame(
        {c: event["support"].to_numpy(float) for c in R3_COLUMNS}, index=values.index
    )
    support["groups"] = np.nan
    decimals = dict.fromkeys(R3_COLUMNS, ESTIMATE_DECIMALS)
    decimals["groups"] = 0
    lo, hi = est.event.window or (int(event.index.min()), int(event.index.max()))
    name = outcome_name(design, est.outcome)
    return Table(
        key="table_r3",
        title=f"Table R3. Event study: effect on the share {name} by months since the "
        "region's start (Callaway-Sant'Anna)",
        values=values,
        support=support,
        decimals=decimals,
        note=f"theta(e): the average over start groups of ATT(g, g+e), weighted by the "
        f"group's persons, e = {lo}..{hi}. e >= 0 against the month before the start; e < 0 "
        "the one-month change from e-1 to e (varying base period), so a pre-period theta "
        "is not cumulative. Uniform: a 95 % sup-t band over the window (critical value "
        f"{est.event.uniform_crit:.2f}). "
        + (f"{est.placebo.text()} " if est.placebo is not None else "")
        + est.pretrend.text(),
    )


# --- R4: group-time ATTs, R5: by start group ----------------------------------------


def table_r4(est: RolloutEstimates, design: object) -> Table:
    """ATT(g,t) inside the event window, by group and month."""
    cells = est.group_time.cells
    lo, hi = est.event.window or (int(cells["e"].min()), int(cells["e"].max()))
    cells = cells.loc[(cells["e"] >= lo) & (cells["e"] <= hi)]
    columns = ["group", "month", "e", "base", "ATT", "SE", "95 % low", "95 % high", "p"]
    labels = [
        f"{_month(g)} / {_month(t)}" for g, t in zip(cells["group"], cells["month"], strict=True)
    ]
    values = pd.DataFrame(
        {
            "group": [_month(g) for g in cells["group"]],
            "month": [_month(t) for t in cells["month"]],
            "e": cells["e"].astype(float).to_numpy(),
            "base": [_month(b) for b in cells["base"]],
            "ATT": cells["att"].to_numpy(float),
            "SE": cells["se"].to_numpy(float),
            "95 % low": cells["ci_low"].to_numpy(float),
            "95 % high": cells["ci_high"].to_numpy(float),
            "p": cells["p"].to_numpy(float),
        },
        index=labels,
    )[columns]
    support = pd.DataFrame({c: cells["support"].to_numpy(float) for c in columns}, index=labels)
    for c in ("group", "month", "e", "base"):
        support[c] = np.nan
    decimals = dict.fromkeys(["ATT", "SE", "95 % low", "95 % high"], ESTIMATE_DECIMALS)
    decimals.update({"e": 0, "p": 3})
    control = CONTROL_NAMES.get(est.group_time.control_group, est.group_time.control_group)
    name = outcome_name(design, est.outcome)
    return Table(
        key="table_r4",
        title=f"Table R4. Group-time effects ATT(g,t) on the share {name}",
        values=values,
        support=support,
        decimals=decimals,
        note="Rows: start group / month, e = months since the start, inside the event "
        f"window. ATT(g,t) = (group mean in t - in base) - (same for the {control}); "
        "person-weighted means; SE and p from the wild bootstrap over regions.",
    )


def table_r5(est: RolloutEstimates, design: object) -> Table:
    """theta(g): each start group's average effect from its start on."""
    table = est.groups.table
    columns = ["estimate", "SE", "95 % low", "95 % high", "p", "months"]
    values = pd.DataFrame(
        {
            "estimate": table["estimate"],
            "SE": table["se"],
            "95 % low": table["ci_low"],
            "95 % high": table["ci_high"],
            "p": table["p"],
            "months": table["cells"].astype(float),
        }
    )
    values.index = [_month(g) if g != "overall" else "overall" for g in table.index]
    support = pd.DataFrame(
        {c: table["support"].to_numpy(float) for c in columns}, index=values.index
    )
    support["months"] = np.nan
    decimals = dict.fromkeys(["estimate", "SE", "95 % low", "95 % high"], ESTIMATE_DECIMALS)
    decimals.update({"p": 3, "months": 0})
    name = outcome_name(design, est.outcome)
    return Table(
        key="table_r5",
        title=f"Table R5. Effect on the share {name} by start group",
        values=values[columns],
        support=support[columns],
        decimals=decimals,
        note="theta(g): the mean of ATT(g,t) over the group's months from its start to the "
        "end of the panel (so late groups' effects are short-run); overall: the groups "
        "weighted by their persons.",
    )


def rollout_tables(
    frame: pd.DataFrame, design: object, estimates: Mapping[str, RolloutEstimates]
) -> list[Table]:
    primary = estimates[design.primary_outcome]  # type: ignore[attr-defined]
    return [
        table_r1(frame, design),
        table_r2(estimates, design),
        table_r3(primary, design),
        table_r4(primary, design),
        table_r5(primary, design),
    ]


# --- figure ------------------------------------------------------------------------


def _setup() -> None:
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams.update({"svg.hashsalt": "rtwpanel", "svg.fonttype": "none", "font.size": 9})


def _save(fig: object, stem: Path) -> list[Path]:
    png, svg = stem.with_suffix(".png"), stem.with_suffix(".svg")
    fig.savefig(png, dpi=150, metadata={"Software": None})  # type: ignore[attr-defined]
    fig.savefig(svg, metadata={"Date": None, "Creator": None})  # type: ignore[attr-defined]
    return [png, svg]


def figure_caption(
    est: RolloutEstimates, design: object, threshold: int, planted: bool = False
) -> str:
    truth = "; the planted effect (truth/rollout.json) in grey" if planted else ""
    return (
        f"Event study: effect on the share {outcome_name(design, est.outcome)} by months "
        "since the region's start (Callaway-Sant'Anna), 95 % pointwise interval (shaded) "
        f"and uniform band (dashed); the TWFE estimate for comparison{truth}. The "
        "pre-trend test of the months before the start is printed in the figure. No point "
        f"resting on fewer than {threshold} persons is drawn."
    )


def pretrend_label(est: RolloutEstimates) -> str:
    """The pre-trend tests in a line: the placebo test of the average pre-period
    theta(e) where it was run, and the joint test (the small-sample F where defined)."""
    test = est.pretrend
    if not test.periods:
        return "pre-trend test: no month before the start in the window"
    if np.isfinite(test.p_f):
        joint = f"joint F({test.f_df[0]}, {test.f_df[1]}) = {test.f_stat:.2f}, p = {test.p_f:.3f}"
    else:
        joint = f"joint chi2({test.df}) = {test.chi2:.2f}, p = {test.p:.3f}"
    window = f"e = {test.periods[0]}..{test.periods[-1]}"
    if est.placebo is None:
        return f"pre-trend test, {window}: {joint}"
    pre = est.placebo.pretrend
    return (
        f"pre-trend, {window}: average theta {pre.estimate:.4f}, placebo p = {pre.p:.3f} "
        f"({pre.permutations:,} assignments)\n{joint} (over-rejects with few treated regions)"
    )


def draw_event_study(
    r3: Table,
    est: RolloutEstimates,
    threshold: int,
    out: Path,
    design: object = None,
    planted: PlantedRollout | None = None,
) -> list[Path]:
    """Figure R1 from Table R3 after suppression (a hidden point is not drawn); the
    planted theta(e) beside it when the delivery is synthetic."""
    _setup()
    import matplotlib.pyplot as plt

    frame = visible_frame(r3, threshold)
    if len(frame):
        frame = frame.reindex(range(int(frame.index.min()), int(frame.index.max()) + 1))
    fig, ax = plt.subplots(figsize=(7, 3.6))
    x = frame.index.to_numpy()
    ax.fill_between(
        x,
        frame["95 % low"],
        frame["95 % high"],
        color=COLOUR,
        alpha=0.2,
        lw=0,
        label="95 % pointwise",
    )
    for column, label in (("uniform low", "95 % uniform band"), ("uniform high", None)):
        ax.plot(x, frame[column], color=COLOUR, lw=0.8, ls="--", label=label)
    ax.plot(
        x,
        frame["theta"],
        color=COLOUR,
        marker="o",
        ms=2.5,
        lw=1.0,
        label="Callaway-Sant'Anna theta(e)",
    )
    if planted is not None and planted.outcome == est.outcome and planted.event_study:
        shown = sorted(e for e in planted.event_study if e in set(x.tolist()))
        ax.plot(
            shown,
            [planted.event_study[e] for e in shown],
            color="grey",
            lw=1.2,
            drawstyle="steps-mid",
            label="planted (generator's truth)",
        )
    twfe = est.twfe
    if np.isfinite(twfe.estimate) and twfe.support >= threshold:
        ax.axhline(
            twfe.estimate, color=TWFE_COLOUR, lw=1.0, ls="--", label=f"TWFE {twfe.estimate:.4f}"
        )
    ax.axhline(0, color="black", lw=0.6)
    ax.axvline(-0.5, color="grey", lw=0.6, ls="--")
    ax.text(
        0.01,
        0.02,
        pretrend_label(est),
        transform=ax.transAxes,
        fontsize=7,
        va="bottom",
        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1.5},
    )
    ax.set_xlabel("months since the region's start of IPS")
    ax.set_ylabel(f"effect on the share {outcome_name(design, est.outcome)}")
    ax.legend(frameon=False, fontsize=8)
    ax.grid(alpha=0.3, lw=0.5)
    paths = _save(fig, out / FIGURE_KEY)
    plt.close(fig)
    return paths


def drawn_points(r3: Table, threshold: int) -> list[int]:
    """The e whose theta the figure draws."""
    hidden = hidden_cells(r3, threshold)
    return [int(e) for e in r3.values.index if (e, "theta") not in hidden]


# --- recovery -----------------------------------------------------------------------


@dataclass(frozen=True)
class PlantedRollout:
    """What a synthetic delivery planted, from `truth/rollout.json`:

        {"outcome": "employed", "att": 0.061, "event_study": {"0": 0.01, "1": 0.02, ...}}

    outcome: the status the effect is on; att: the overall ATT as realised in the
    delivery, weighted as `rollout.overall_att` weights (every group and month from
    its start on, by the group's persons); event_study: theta(e) by months since the
    start, as realised (keys are e as text)."""

    outcome: str
    att: float | None
    event_study: dict[int, float]


def read_planted_rollout(raw_dir: Path) -> PlantedRollout | None:
    """`raw_dir/truth/rollout.json`; None when missing or not in the format above."""
    path = Path(raw_dir) / "truth" / "rollout.json"
    if not path.is_file():
        return None
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(document, dict) or not isinstance(document.get("outcome"), str):
        return None

    def number(value: object) -> float | None:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return float(value) if ok else None  # type: ignore[arg-type]

    events: dict[int, float] = {}
    raw = document.get("event_study", {})
    if isinstance(raw, dict):
        for key, value in raw.items():
            try:
                e = int(key)
            except (TypeError, ValueError):
                continue
            if number(value) is not None:
                events[e] = number(value)  # type: ignore[assignment]
    return PlantedRollout(document["outcome"], number(document.get("att")), events)


def recovery_table(estimates: Mapping[str, RolloutEstimates], planted: PlantedRollout) -> Table:
    """The planted overall ATT and theta(e) beside the estimates and their intervals."""
    columns = ["planted", "estimated", "95 % low", "95 % high", "estimate - planted", "in 95 % CI"]
    est = estimates.get(planted.outcome)
    if est is None:
        values = pd.DataFrame(columns=columns, dtype=float)
        return Table(
            key="table_r_recovery",
            title="Recovery: estimated effects beside the planted ones",
            values=values,
            support=values.copy(),
            note=f"The planted outcome {planted.outcome} is not among the study's outcomes.",
        )
    rows: dict[str, dict[str, float]] = {}
    support: dict[str, dict[str, float]] = {}
    missing = []

    def put(label: str, truth: float, row: pd.Series) -> None:
        low, high = float(row["ci_low"]), float(row["ci_high"])
        rows[label] = {
            "planted": truth,
            "estimated": float(row["estimate"]),
            "95 % low": low,
            "95 % high": high,
            "estimate - planted": float(row["estimate"]) - truth,
            "in 95 % CI": float(low <= truth <= high),
        }
        support[label] = dict.fromkeys(columns, float(row["support"]))

    if planted.att is not None:
        put("overall ATT", planted.att, est.overall.row("overall"))
        twfe = est.twfe
        if twfe.estimable:
            # the same planted ATT: what a two-way fixed-effects paper would report for it
            twfe_row = {
                "estimate": twfe.estimate,
                "ci_low": twfe.wild_ci_low,
                "ci_high": twfe.wild_ci_high,
                "support": twfe.support,
            }
            put("TWFE", planted.att, pd.Series(twfe_row))
    event = est.event.table
    for e, truth in sorted(planted.event_study.items()):
        if e in event.index:
            put(f"theta({e})", truth, event.loc[e])
        else:
            missing.append(str(e))
    not_in = (
        f" Planted but outside the estimated window: e = {', '.join(missing)}." if missing else ""
    )
    return Table(
        key="table_r_recovery",
        title="Recovery: the estimates beside the planted effects",
        values=pd.DataFrame(rows, index=columns).T,
        support=pd.DataFrame(support, index=columns).T,
        decimals={**dict.fromkeys(columns, ESTIMATE_DECIMALS), "in 95 % CI": 0},
        note=f"Planted: the generator's effect on {planted.outcome} as realised "
        "(truth/rollout.json); estimated: Tables R2 and R3, wild-bootstrap 95 % "
        "intervals. TWFE: the two-way fixed-effects coefficient of Table R2 beside the "
        "same planted ATT, with its wild-bootstrap interval; with effects that grow "
        f"with time since the start it is biased.{not_in}",
    )
