"""The roll-out estimators (analysis.rollout), their tables and the evaluation.

A toy frame checks ATT(g,t) against numbers worked by hand; simulated region x
month frames check that Callaway-Sant'Anna recovers a planted effect that grows
with time since the start while TWFE does not, that the pre-trend test and the
wild bootstrap behave, and csdid (when installed) checks ATT(g,t) and its
aggregations on the same data expanded to persons.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import warnings
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from rtwpanel.analysis import rollout as ro
from rtwpanel.analysis import rollout_tables
from rtwpanel.analysis.rollout_evaluation import run_rollout_evaluation
from rtwpanel.analysis.suppression import HIDDEN, publish
from rtwpanel.errors import RtwError
from rtwpanel.marts_schema import BINARY_STATUSES
from rtwpanel.study import Outcome, Region, RolloutDesign, Study, TargetRule, load_study

T = 76  # January 2010 .. April 2016
MONTHS = [dt.date(2010 + i // 12, i % 12 + 1, 1) for i in range(T)]
# twelve regions, five start cohorts of two regions, two never treated
STARTS = (12, 12, 24, 24, 36, 36, 48, 48, 60, 60, None, None)


def grow(e: int) -> float:
    """The planted effect e months after the start: 0.01 per month, at most 0.12."""
    return min(0.01 * (e + 1), 0.12) if e >= 0 else 0.0


def simulate(
    seed: int,
    effect: str = "grow",
    lead: float = 0.0,
    noise: float = 0.004,
    starts: tuple[int | None, ...] = STARTS,
) -> pd.DataFrame:
    """A region x month frame: region level, common month shocks, iid noise, and the
    effect (grow, const = 0.05, none); `lead` adds a rise of `lead` per month over
    the twelve months before a region's start (a planted pre-trend)."""
    rng = np.random.default_rng(seed)
    month_effect = 0.02 * np.sin(np.arange(T) / 6) + rng.normal(0, 0.005, T)
    rows = []
    for r, s in enumerate(starts):
        level, n = rng.normal(0.4, 0.05), int(rng.integers(2000, 6000))
        for t in range(T):
            e = t - s if s is not None else -1
            effect_rt = {"grow": grow(e), "const": 0.05 if e >= 0 else 0.0}.get(effect, 0.0)
            pre = lead * (e + 13) if s is not None and -12 <= e < 0 else 0.0
            y = level + month_effect[t] + effect_rt + pre + rng.normal(0, noise)
            rows.append(
                {
                    "region": f"R{r:02d}",
                    "month": MONTHS[t],
                    "start_month": MONTHS[s] if s is not None else None,
                    "share_employed": y,
                    "n_employed": n,
                }
            )
    return pd.DataFrame(rows)


# --- by hand -------------------------------------------------------------------------

TOY_Y = {  # shares by month 0..5; A starts in month 2, B in month 4, C and D never
    "A": [0.10, 0.20, 0.50, 0.60, 0.70, 0.80],
    "B": [0.30, 0.30, 0.40, 0.40, 0.90, 1.00],
    "C": [0.20, 0.30, 0.30, 0.40, 0.40, 0.50],
    "D": [0.40, 0.40, 0.60, 0.60, 0.60, 0.80],
}
TOY_N = {"A": 10, "B": 20, "C": 10, "D": 30}
TOY_START = {"A": 2, "B": 4, "C": None, "D": None}


def toy() -> pd.DataFrame:
    months = MONTHS[:6]
    return pd.DataFrame(
        [
            {
                "region": code,
                "month": months[t],
                "start_month": None if TOY_START[code] is None else months[TOY_START[code]],
                "share_employed": TOY_Y[code][t],
                "n_employed": TOY_N[code],
            }
            for code in TOY_Y
            for t in range(6)
        ]
    )


def test_group_time_att_matches_the_hand_worked_toy() -> None:
    # Never-treated mean (C 10 persons, D 30): 0.25 C + 0.75 D
    #   = 0.35, 0.375, 0.525, 0.55, 0.55, 0.725 in months 0..5.
    # g=2 (A), base 1: ATT(2,2) = (0.5-0.2) - (0.525-0.375) = 0.15
    #   ATT(2,3) = 0.4 - 0.175 = 0.225, ATT(2,4) = 0.5 - 0.175 = 0.325,
    #   ATT(2,5) = 0.6 - 0.35 = 0.25; pre, base t-1: ATT(2,1) = 0.1 - 0.025 = 0.075.
    # g=4 (B), base 3: ATT(4,4) = 0.5 - 0 = 0.5, ATT(4,5) = 0.6 - 0.175 = 0.425;
    #   ATT(4,1) = 0 - 0.025 = -0.025, ATT(4,2) = 0.1 - 0.15 = -0.05,
    #   ATT(4,3) = 0 - 0.025 = -0.025.
    # Simple: sizes A 10, B 20: (10 (0.15+0.225+0.325+0.25) + 20 (0.5+0.425)) / 80 = 0.35.
    # theta(0) = (10 0.15 + 20 0.5) / 30 = 0.38333, theta(1) = (2.25 + 8.5) / 30,
    # theta(2) = 0.325, theta(-1) = (10 0.075 + 20 (-0.025)) / 30 = 0.008333.
    # Group: theta(A) = 0.95/4 = 0.2375, theta(B) = 0.4625; overall (10 A + 20 B)/30.
    gt = ro.group_time_att(toy(), "employed", "never_treated", draws=99)
    att = {(int(g), int(t)): a for g, t, a in gt.cells[["g", "t", "att"]].itertuples(index=False)}
    expected = {
        (2, 1): 0.075, (2, 2): 0.15, (2, 3): 0.225, (2, 4): 0.325, (2, 5): 0.25,
        (4, 1): -0.025, (4, 2): -0.05, (4, 3): -0.025, (4, 4): 0.5, (4, 5): 0.425,
    }  # fmt: skip
    assert att.keys() == expected.keys()
    for key, value in expected.items():
        assert att[key] == pytest.approx(value, abs=1e-12), key
    assert ro.overall_att(gt).estimate == pytest.approx(0.35, abs=1e-12)
    event = ro.event_study(gt, (-3, 3)).table["estimate"]
    assert event[0] == pytest.approx(11.5 / 30)
    assert event[1] == pytest.approx(10.75 / 30)
    assert event[2] == pytest.approx(0.325)
    assert event[-1] == pytest.approx(0.25 / 30)
    groups = ro.group_att(gt).table["estimate"]
    assert groups.iloc[0] == pytest.approx(0.2375)
    assert groups.iloc[1] == pytest.approx(0.4625)
    assert groups["overall"] == pytest.approx((10 * 0.2375 + 20 * 0.4625) / 30)
    # base months: g-1 after the start, t-1 before it
    cell = gt.cells.set_index(["g", "t"])
    assert cell.loc[(4, 5), "base"] == MONTHS[3]
    assert cell.loc[(4, 2), "base"] == MONTHS[1]


def test_not_yet_treated_controls_add_the_later_regions() -> None:
    # g=2, t=2: B (start 4 > 2) joins C and D: control mean (C 10, D 30, B 20)
    # in month 2 = 29/60, in month 1 = 21/60: ATT = 0.3 - 8/60 = 1/6.
    # At t=4 B has started: the control set is C and D again, ATT(2,4) = 0.325.
    gt = ro.group_time_att(toy(), "employed", "not_yet_treated", draws=99)
    cell = gt.cells.set_index(["g", "t"])
    assert cell.loc[(2, 2), "att"] == pytest.approx(1 / 6)
    assert cell.loc[(2, 2), "control_regions"] == 3
    assert cell.loc[(2, 4), "att"] == pytest.approx(0.325)
    assert cell.loc[(2, 4), "control_regions"] == 2
    # the last group has no not-yet-treated control, only the never-treated
    assert cell.loc[(4, 5), "att"] == pytest.approx(0.425)


# --- simulated roll-outs ----------------------------------------------------------------


def planted_overall(gt: ro.GroupTimeATT) -> float:
    """The planted effect averaged exactly as overall_att averages: every post cell,
    weighted by its group's persons."""
    post = gt.cells.loc[gt.cells["post"]]
    weight = np.array([gt.group_sizes[g] for g in post["g"]])
    return float(weight @ np.array([grow(e) for e in post["e"]]) / weight.sum())


def test_callaway_santanna_recovers_a_growing_effect_that_twfe_misses() -> None:
    frame = simulate(seed=1)
    est = ro.estimate(frame, "employed", window=(-6, 24), draws=999)
    truth = planted_overall(est.group_time)
    # One realisation, a fixed seed: the estimate should lie within 3 bootstrap SE of
    # the planted average (noise 0.004 per region-month, SE about 0.002-0.004 here;
    # a 3-SE band misses with probability < 1 % if the SE is right, and a 30-seed
    # check gave z-scores with sd 1.1). The absolute bound keeps the SE honest.
    assert abs(est.overall.estimate - truth) < 3 * est.overall.se
    assert abs(est.overall.estimate - truth) < 0.01
    # the event study follows the planted path: inside the uniform band everywhere
    event = est.event.table
    path = np.array([grow(e) for e in event.index])
    assert np.all((event["uniform_low"] <= path) & (path <= event["uniform_high"]))
    assert np.max(np.abs(event["estimate"] - path)) < 0.015
    # TWFE: already-treated regions act as controls and their growing effect is
    # subtracted: biased towards zero, by clearly more than its own SE
    bias = truth - est.twfe.estimate
    assert bias > 3 * est.twfe.se
    assert bias > 0.01


def test_with_a_constant_effect_twfe_and_callaway_santanna_agree() -> None:
    est = ro.estimate(simulate(seed=2, effect="const"), "employed", window=(-6, 12), draws=499)
    assert est.overall.estimate == pytest.approx(0.05, abs=3 * est.overall.se)
    assert est.twfe.estimate == pytest.approx(0.05, abs=3 * est.twfe.se)
    assert abs(est.twfe.estimate - est.overall.estimate) < 2 * est.overall.se
    assert est.twfe.wild_ci_low < 0.05 < est.twfe.wild_ci_high


def test_the_pretrend_test_rejects_only_a_planted_pretrend() -> None:
    # window -6..12: six pre-periods, fewer than the twelve regions, so the
    # small-sample F is defined
    flat = ro.estimate(simulate(seed=1), "employed", window=(-6, 12), draws=999).pretrend
    assert flat.periods == (-6, -5, -4, -3, -2, -1)
    assert flat.df == 6 and flat.f_df == (6, 6)
    assert flat.p_f > 0.05
    # treated regions rising by 0.004 a month over the year before their start
    leading = ro.estimate(simulate(seed=1, lead=0.004), "employed", window=(-6, 12), draws=999)
    assert leading.pretrend.p < 0.001 and leading.pretrend.p_f < 0.01
    assert "Joint pre-trend test" in leading.pretrend.text()


def test_the_small_sample_pretrend_test_keeps_its_size() -> None:
    # Twelve simulated roll-outs without a pre-trend: the F version rejects at 5 % about
    # as often as it should (30 seeds: 1 of 30); the chi2 reference, whose covariance
    # rests on twelve regions, rejected 13 of those 30, so it is not asserted on.
    rejected = 0
    for seed in range(12):
        gt = ro.group_time_att(simulate(seed=seed), "employed", draws=199, seed=seed)
        rejected += ro.pretrend_test(ro.event_study(gt, (-6, 12))).p_f < 0.05
    assert rejected <= 2


# the design of studies/ipsnor.yml: three pairs of regions starting a year apart,
# thirteen never; as the study's synthetic population has them at 1,000,000 persons
IPSNOR_STARTS = (36, 36, 48, 48, 60, 60, *([None] * 13))
IPSNOR_NOISE = 0.0075  # sqrt(0.25 / 4,500 target persons)


def test_with_three_pairs_of_treated_regions_the_joint_test_rejects_but_the_placebo_does_not():
    """No pre-trend and no effect planted. The joint F inverts a covariance whose
    treated part rests on three pairs of regions and rejects (77 % of such null
    simulations at 5 %, benchmarks/monte_carlo_rollout.py); the placebo tests of the
    same data do not."""
    frame = simulate(seed=2, effect="none", noise=IPSNOR_NOISE, starts=IPSNOR_STARTS)
    est = ro.estimate(frame, "employed", window=(-12, 24), draws=999, permutations=99)
    assert est.pretrend.p_f < 0.01
    assert est.placebo.pretrend.p > 0.05 and est.placebo.att.p > 0.05
    assert est.placebo.att.permutations == 99
    # p = (1 + assignments at least as extreme) / (1 + assignments)
    assert (est.placebo.pretrend.p * 100) == pytest.approx(round(est.placebo.pretrend.p * 100))


def test_the_placebo_tests_find_a_planted_pretrend_and_a_planted_effect() -> None:
    # treated regions rising by 0.004 a month over the year before their start
    leading = simulate(seed=2, effect="none", lead=0.004, noise=IPSNOR_NOISE, starts=IPSNOR_STARTS)
    est = ro.estimate(leading, "employed", window=(-12, 24), draws=199, permutations=99)
    assert est.placebo.pretrend.estimate == pytest.approx(0.004, abs=0.001)
    assert est.placebo.pretrend.p <= 0.02
    grown = simulate(seed=2, effect="grow", noise=IPSNOR_NOISE, starts=IPSNOR_STARTS)
    est = ro.estimate(grown, "employed", window=(-12, 24), draws=199, permutations=99)
    assert est.placebo.att.p <= 0.02 and est.placebo.pretrend.p > 0.05
    # the same seed, the same assignments
    again = ro.estimate(grown, "employed", window=(-12, 24), draws=199, permutations=99)
    assert again.placebo == est.placebo
    assert ro.estimate(grown, "employed", window=(-12, 24), draws=199).placebo is None


def test_the_wild_bootstrap_is_seeded_and_calm_without_an_effect() -> None:
    frame = simulate(seed=3, effect="none")
    one = ro.estimate(frame, "employed", window=(-6, 12), draws=299, seed=7)
    two = ro.estimate(frame, "employed", window=(-6, 12), draws=299, seed=7)
    other = ro.estimate(frame, "employed", window=(-6, 12), draws=299, seed=8)
    pd.testing.assert_frame_equal(one.event.table, two.event.table)
    assert one.twfe == two.twfe
    assert not np.allclose(one.event.table["se"], other.event.table["se"])
    pvalues = []
    for seed in range(5):
        frame = simulate(seed=seed, effect="none")
        est = ro.estimate(frame, "employed", window=(-6, 12), draws=499)
        pvalues += [float(est.overall.table["p"].iloc[0]), est.twfe.wild_pvalue]
        assert est.twfe.wild_ci_low < 0 < est.twfe.wild_ci_high or est.twfe.wild_pvalue < 0.05
    assert min(pvalues) > 0.001
    assert sum(p < 0.05 for p in pvalues) <= 2  # of ten tests of a true null


def test_a_region_treated_from_the_first_month_is_left_out() -> None:
    frame = toy()
    frame.loc[frame["region"] == "C", "start_month"] = MONTHS[0]
    gt = ro.group_time_att(frame, "employed", draws=99)
    assert gt.left_out == ("C",)
    # D alone is the never-treated control now: ATT(2,2) = 0.3 - (0.6 - 0.4)
    assert gt.cells.set_index(["g", "t"]).loc[(2, 2), "att"] == pytest.approx(0.1)


# --- an independent implementation ----------------------------------------------------


def persons_panel(frame: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The frame's regions as persons (8 + r of them in region r, a 0/1 status
    drawn with the region's share), a balanced person panel for csdid, and the
    region x month frame of those persons' shares."""
    p = ro.panel(frame, "employed")
    rng = np.random.default_rng(seed)
    persons, regions, pid = [], [], 0
    for i, code in enumerate(p.regions):
        k = 8 + i
        y = (rng.random((k, T)) < np.clip(p.y[i], 0, 1)).astype(float)
        g = 0 if p.start[i] == ro.NEVER else int(p.start[i]) + 1  # csdid: periods from 1
        for j in range(k):
            pid += 1
            persons += [(pid, t + 1, y[j, t], g) for t in range(T)]
        regions += [
            {
                "region": code,
                "month": MONTHS[t],
                "start_month": None if g == 0 else MONTHS[g - 1],
                "share_employed": y[:, t].mean(),
                "n_employed": k,
            }
            for t in range(T)
        ]
    return pd.DataFrame(persons, columns=["id", "period", "y", "g"]), pd.DataFrame(regions)


@pytest.mark.parametrize(
    ("ours", "theirs"), [("never_treated", "nevertreated"), ("not_yet_treated", "notyettreated")]
)
def test_att_gt_and_aggregations_match_csdid(ours: str, theirs: str) -> None:
    pytest.importorskip("csdid", reason="csdid is not installed (pip install csdid)")
    from csdid.att_gt import ATTgt

    persons, regions = persons_panel(simulate(seed=4), seed=5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ATTgt(yname="y", tname="period", idname="id", gname="g", data=persons,
                      control_group=theirs)  # fmt: skip
        model.fit(est_method="reg", base_period="varying", bstrap=False)
        simple = model.aggte(typec="simple").atte["overall_att"]
        dynamic = model.aggte(typec="dynamic").atte
    res = model.results
    theirs_att = {
        (int(g) - 1, int(t) - 1): float(a)
        for g, t, a in zip(res["group"], res["year"], res["att"], strict=True)
        if np.isfinite(a)
    }
    gt = ro.group_time_att(regions, "employed", ours, draws=99)
    ours_att = {(int(g), int(t)): a for g, t, a in gt.cells[["g", "t", "att"]].to_numpy()}
    assert ours_att.keys() == theirs_att.keys()
    assert max(abs(ours_att[k] - theirs_att[k]) for k in ours_att) < 1e-6
    assert ro.overall_att(gt).estimate == pytest.approx(simple, abs=1e-6)
    event = ro.event_study(gt, (-T, T)).table["estimate"]
    for e, value in zip(dynamic["egt"], dynamic["att_egt"], strict=True):
        assert event[int(e)] == pytest.approx(float(value), abs=1e-6)


# --- the evaluation ----------------------------------------------------------------


def rollout_study(regions: list[tuple[str, str, dt.date | None]], control: str) -> Study:
    """The ips study as a roll-out study over these regions (code, name, start)."""
    first = min(start for _, _, start in regions if start is not None)
    design = RolloutDesign(
        regions=tuple(Region(code, name, start) for code, name, start in regions),
        target=TargetRule(
            ages=(18, 66),
            baseline=(dt.date(first.year - 2, 1, 1), first - dt.timedelta(days=1)),
            npr_contact=True,
            sick_leave_chapter=None,
        ),
        outcomes=(Outcome("employed", "in work"), Outcome("sick_listed", "sick-listed")),
        primary_outcome="employed",
        control_group=control,
        event_window=(-6, 12),
        bootstrap_draws=99,
        placebo_permutations=49,
    )
    return dataclasses.replace(load_study("ips"), design="rollout", rollout=design)


def write_warehouse(path: Path, frame: pd.DataFrame) -> None:
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema marts")
        connection.register("frame", frame)
        connection.execute("create table marts.mart_region_month as select * from frame")


def region_month_mart(n_tiny: int = 3) -> tuple[pd.DataFrame, list]:
    """Seven regions x 30 months with every column of the mart; region G is tiny."""
    rng = np.random.default_rng(11)
    starts = {"A": 8, "B": 8, "C": 14, "D": 14, "E": None, "F": None, "G": None}
    sizes = {"A": 400, "B": 300, "C": 500, "D": 350, "E": 600, "F": 450, "G": n_tiny}
    rows = []
    for code, s in starts.items():
        for t in range(30):
            e = t - s if s is not None else None
            n = sizes[code]
            row = {
                "region": code,
                "month": MONTHS[t],
                "start_month": MONTHS[s] if s is not None else None,
                "treated_since": e if e is not None and e >= 0 else None,
                "n_persons": n,
            }
            for status in BINARY_STATUSES:
                share = 0.3 + 0.05 * (e is not None and e >= 0) + rng.normal(0, 0.01)
                row[f"share_{status}"] = round(float(np.clip(share, 0, 1)) * n) / n
                row[f"n_{status}"] = n
            rows.append(row)
    frame = pd.DataFrame(rows)
    frame["treated_since"] = frame["treated_since"].astype("Int64")
    regions = [(c, f"Region {c}", MONTHS[s] if s is not None else None) for c, s in starts.items()]
    return frame, regions


def test_the_evaluation_writes_the_report_and_hides_small_cells(tmp_path: Path) -> None:
    frame, regions = region_month_mart()
    database = tmp_path / "rtw.duckdb"
    write_warehouse(database, frame)
    raw = tmp_path / "delivery"
    (raw / "truth").mkdir(parents=True)
    (raw / "truth" / "rollout.json").write_text(
        json.dumps({"outcome": "employed", "att": 0.05, "event_study": {"0": 0.05, "1": 0.05}})
    )
    out = tmp_path / "report"
    study = rollout_study(regions, "not_yet_treated")
    published, files = run_rollout_evaluation(database, out, study, raw_dir=raw)
    keys = [p.key for p in published]
    assert keys == ["table_r1", "table_r2", "table_r3", "table_r4", "table_r5", "table_r_recovery"]
    figure = rollout_tables.FIGURE_KEY
    for name in ("report.html", "report.md", "table_r2.csv", "table_r3.md", f"{figure}.png",
                 f"{figure}.svg"):  # fmt: skip
        assert (out / name).is_file(), name
        assert out / name in files
    r1 = next(p for p in published if p.key == "table_r1")
    persons = next(c for c in r1.numbers.columns if c.startswith("persons"))
    assert r1.numbers.at["G", persons] == HIDDEN  # three persons
    # and the next smallest region (B, 300), since the total would reveal G
    assert r1.numbers.at["B", persons] == HIDDEN
    assert (r1.numbers[persons] == HIDDEN).sum() == 2
    assert r1.numbers.at["A", persons] == "400"
    assert r1.numbers.at["E", "start"] == "never"
    html = (out / "report.html").read_text()
    assert "Callaway-Sant" in html and "<svg" in html and "Table R3" in html
    methods = (out / "report.md").read_text()
    for words in ("already", "not-yet-treated", "Webb", "Pre-trend", "region they live in"):
        assert words in methods, words
    assert "Placebo tests" in methods and "(49 times" in methods
    recovery = next(p for p in published if p.key == "table_r_recovery")
    assert list(recovery.numbers.index) == ["overall ATT", "TWFE", "theta(0)", "theta(1)"]
    r2 = next(p for p in published if p.key == "table_r2")
    # the TWFE row sets Table R2's coefficient beside the same planted ATT
    assert recovery.numbers.at["TWFE", "estimated"] == r2.numbers.at["in work", "TWFE"]
    assert recovery.numbers.at["TWFE", "planted"] == recovery.numbers.at["overall ATT", "planted"]
    assert list(r2.numbers.index) == ["in work", "sick-listed"]
    # the primary outcome's placebo p, (1 + k) / 50; the other outcome's left empty
    assert r2.numbers.at["sick-listed", "CS placebo p"] == ""
    placebo_p = float(r2.numbers.at["in work", "CS placebo p"])
    assert placebo_p * 50 == pytest.approx(round(placebo_p * 50), abs=0.03)
    assert float(r2.numbers.at["in work", "CS ATT"]) == pytest.approx(0.05, abs=0.02)


def test_the_figure_draws_no_point_on_fewer_than_five_persons(tmp_path: Path) -> None:
    # one person in each treated region: no theta rests on five treated persons
    frame, regions = region_month_mart()
    for code in ("A", "B", "C", "D"):
        frame.loc[frame["region"] == code, [f"n_{s}" for s in BINARY_STATUSES]] = 1
    design = rollout_study(regions, "never_treated").rollout
    est = ro.estimate(frame, "employed", "never_treated", window=(-6, 12), draws=99)
    r3 = rollout_tables.table_r3(est, design)
    assert rollout_tables.drawn_points(r3, 5) == []
    assert (publish(r3, 5).numbers["theta"] == HIDDEN).all()
    paths = rollout_tables.draw_event_study(r3, est, 5, tmp_path, design)
    assert all(p.is_file() for p in paths)


def test_a_missing_or_empty_mart_names_the_table_and_the_study(tmp_path: Path) -> None:
    frame, regions = region_month_mart()
    study = rollout_study(regions, "never_treated")
    empty = tmp_path / "empty.duckdb"
    with duckdb.connect(str(empty)) as connection:
        connection.execute("create schema marts")
    with pytest.raises(RtwError, match=r"marts\.mart_region_month.*--study ips"):
        run_rollout_evaluation(empty, tmp_path / "out", study)
    zero = tmp_path / "zero.duckdb"
    write_warehouse(zero, frame.iloc[:0])
    with pytest.raises(RtwError, match=r"mart_region_month is empty.*--study ips"):
        run_rollout_evaluation(zero, tmp_path / "out", study)


def test_read_planted_rollout(tmp_path: Path) -> None:
    assert rollout_tables.read_planted_rollout(tmp_path) is None
    (tmp_path / "truth").mkdir()
    path = tmp_path / "truth" / "rollout.json"
    path.write_text(json.dumps({"outcome": "employed", "att": 0.06, "event_study": {"-1": 0,
                                "0": 0.01, "x": 1}}))  # fmt: skip
    planted = rollout_tables.read_planted_rollout(tmp_path)
    assert planted == rollout_tables.PlantedRollout("employed", 0.06, {-1: 0.0, 0: 0.01})
    path.write_text("not json")
    assert rollout_tables.read_planted_rollout(tmp_path) is None
