"""Time to event for the cohort: Kaplan-Meier, Aalen-Johansen, the design matrix,
the cause-specific Cox model with person-clustered SEs, the proportional-hazards
check, suppression of the cohort tables and the whole cohort evaluation."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from rtwpanel.analysis import cohort_tables
from rtwpanel.analysis.cohort_evaluation import run_cohort_evaluation
from rtwpanel.analysis.suppression import HIDDEN, publish
from rtwpanel.analysis.survival import (
    cumulative_incidence,
    design_matrix,
    fit_cox,
    kaplan_meier,
    proportional_hazards_test,
)
from rtwpanel.errors import RtwError
from rtwpanel.marts_schema import EPISODE_COLUMNS
from rtwpanel.study import Predictor, load_study

Z = 1.959963984540054

# Eight episodes by hand (time in days, outcome):
#   2 rtw, 3 rtw, 3 censored, 5 aap, 6 rtw, 6 rtw, 8 censored, 9 disability
#
# Kaplan-Meier of return to work (aap, disability and censored leave the risk set):
#   day 2: 8 at risk, 1 event            S = 7/8             = 0.875
#   day 3: 7 at risk, 1 event, 1 cens.   S = 0.875 * 6/7     = 0.75
#   day 5: 5 at risk, 0 events, 1 cens.  S = 0.75
#   day 6: 4 at risk, 2 events           S = 0.75 * 2/4      = 0.375
#   day 8: 2 at risk, 1 cens.; day 9: 1 at risk, 1 cens.  S = 0.375
#   Greenwood sum at day 6: 1/(8*7) + 1/(7*6) + 2/(4*2) = 0.2916667
#
# Aalen-Johansen (S: no outcome of any kind; F_k += S(t-) d_k / n):
#   day 2: F_rtw = 1 * 1/8 = 0.125;              S = 7/8
#   day 3: F_rtw = 0.125 + 7/8 * 1/7 = 0.25;      S = 0.75
#   day 5: F_aap = 0.75 * 1/5 = 0.15;             S = 0.6
#   day 6: F_rtw = 0.25 + 0.6 * 2/4 = 0.55;       S = 0.3
#   day 8: censored only;                         S = 0.3
#   day 9: F_dis = 0.3 * 1/1 = 0.3;               S = 0
#   at day 9: 0.55 + 0.15 + 0.3 + 0 = 1; note 1 - KM(6) = 0.625 > F_rtw(6) = 0.55.
HAND_TIME = [2, 3, 3, 5, 6, 6, 8, 9]
HAND_OUTCOME = ["rtw", "rtw", "", "aap", "rtw", "rtw", "", "dis"]


def test_kaplan_meier_by_hand() -> None:
    km = kaplan_meier(HAND_TIME, [o == "rtw" for o in HAND_OUTCOME])
    assert list(km.index) == [2, 3, 5, 6, 8, 9]
    assert list(km["at_risk"]) == [8, 7, 5, 4, 2, 1]
    assert list(km["events"]) == [1, 1, 0, 2, 0, 0]
    assert list(km["censored"]) == [0, 1, 1, 0, 1, 1]
    np.testing.assert_allclose(km["survival"], [0.875, 0.75, 0.75, 0.375, 0.375, 0.375])
    greenwood = 1 / 56 + 1 / 42 + 2 / 8
    s = 0.375
    half = Z * np.sqrt(greenwood) / abs(np.log(s))
    assert km.at[6, "ci_low"] == pytest.approx(s ** np.exp(half))
    assert km.at[6, "ci_high"] == pytest.approx(s ** np.exp(-half))
    assert (km["ci_low"] <= km["survival"]).all() and (km["survival"] <= km["ci_high"]).all()


def test_aalen_johansen_by_hand() -> None:
    ci = cumulative_incidence(HAND_TIME, HAND_OUTCOME, ["rtw", "aap", "dis"])
    assert list(ci["at_risk"]) == [8, 7, 5, 4, 2, 1]
    np.testing.assert_allclose(ci["cif_rtw"], [0.125, 0.25, 0.25, 0.55, 0.55, 0.55])
    np.testing.assert_allclose(ci["cif_aap"], [0, 0, 0.15, 0.15, 0.15, 0.15])
    np.testing.assert_allclose(ci["cif_dis"], [0, 0, 0, 0, 0, 0.3], atol=1e-12)
    np.testing.assert_allclose(ci["survival"], [0.875, 0.75, 0.6, 0.3, 0.3, 0.0])
    total = ci["cif_rtw"] + ci["cif_aap"] + ci["cif_dis"] + ci["survival"]
    np.testing.assert_allclose(total, 1.0)
    # 0 means censored as well as ''
    numeric = cumulative_incidence(HAND_TIME, [1, 1, 0, 2, 1, 1, 0, 3], [1, 2, 3])
    np.testing.assert_allclose(numeric["cif_1"], ci["cif_rtw"])


def test_design_matrix_levels_reference_per_and_dropped_rows() -> None:
    frame = pd.DataFrame(
        {
            "age": [30.0, 40.0, 50.0, np.nan, 60.0],
            "npr_contacts_1y": [0, 3, 1, 0, 0],
            "education_level": ["hoyere", "grunnskole", None, "vgs_fullfort", "vgs_fullfort"],
        }
    )
    predictors = [
        Predictor("age", "age", "numeric", per=10),
        Predictor("npr_contacts_1y", "contact", "flag"),
        Predictor("education_level", "education", "category", reference="vgs_fullfort"),
    ]
    X, kept = design_matrix(frame, predictors)
    assert list(kept) == [True, True, False, False, True]  # missing age, missing education
    assert list(X.columns) == [
        "age",
        "npr_contacts_1y",
        "education_level=grunnskole",
        "education_level=hoyere",
    ]
    assert list(X.index) == [0, 1, 4]
    np.testing.assert_allclose(X["age"], [3.0, 4.0, 6.0])
    np.testing.assert_allclose(X["npr_contacts_1y"], [0, 1, 0])  # a count: any contact
    np.testing.assert_allclose(X["education_level=grunnskole"], [0, 1, 0])
    np.testing.assert_allclose(X["education_level=hoyere"], [1, 0, 0])
    bad = [Predictor("education_level", "education", "category", reference="master")]
    with pytest.raises(RtwError, match="reference level"):
        design_matrix(frame, bad)


PREDICTORS = (
    Predictor("age", "age (per 10 years)", "numeric", per=10),
    Predictor("npr_contacts_1y", "specialist contact", "flag"),
    Predictor("diagnosis_group", "diagnosis", "category", reference="depression"),
)
PLANTED = {
    "age": 0.80,
    "npr_contacts_1y": 0.75,
    "diagnosis_group=anxiety": 1.10,
    "diagnosis_group=stress": 1.35,
}


def simulate(
    rng: np.random.Generator,
    persons: int,
    second_share: float,
    frailty_variance: float = 0.0,
    hazard_ratios: dict[str, float] = PLANTED,
) -> pd.DataFrame:
    """Episodes from exponential cause-specific hazards (return to work, AAP) with
    uniform censoring, times rounded up to whole days. A share of the persons has a
    second episode; with frailty_variance > 0 the episodes of a person share a gamma
    frailty on the hazard of returning to work, and the person's covariates."""
    person = np.arange(persons)
    person = np.concatenate([person, person[rng.random(persons) < second_share]])
    n = len(person)
    age = rng.uniform(18, 66, persons)[person]
    npr = rng.poisson(0.4, persons)[person]
    group = rng.choice(["depression", "anxiety", "stress"], persons, p=[0.5, 0.25, 0.25])[person]
    log_hr = (
        np.log(hazard_ratios["age"]) * (age - 42) / 10
        + np.log(hazard_ratios["npr_contacts_1y"]) * (npr > 0)
        + np.log(hazard_ratios["diagnosis_group=anxiety"]) * (group == "anxiety")
        + np.log(hazard_ratios["diagnosis_group=stress"]) * (group == "stress")
    )
    frailty = (
        rng.gamma(1 / frailty_variance, frailty_variance, persons)[person]
        if frailty_variance > 0
        else 1.0
    )
    rtw = rng.exponential(60.0, n) / (np.exp(log_hr) * frailty)
    aap = rng.exponential(700.0, n)
    end = rng.uniform(30, 500, n)
    time = np.minimum.reduce([rtw, aap, end])
    outcome = np.where(time == rtw, "return_to_work", np.where(time == aap, "aap", "censored"))
    return pd.DataFrame(
        {
            "person_id": [f"p{i:06d}" for i in person],
            "duration_days": np.ceil(time).astype(int),
            "outcome": outcome,
            "age": age.round(),
            "npr_contacts_1y": npr,
            "diagnosis_group": group,
        }
    )


@pytest.fixture(scope="module")
def independent() -> pd.DataFrame:
    frame = simulate(np.random.default_rng(0), persons=14_000, second_share=0.43)
    assert len(frame) == pytest.approx(20_000, rel=0.02)
    return frame


@pytest.fixture(scope="module")
def independent_fit(independent: pd.DataFrame):
    return fit_cox(independent, PREDICTORS)


def test_cox_recovers_planted_hazard_ratios(independent: pd.DataFrame, independent_fit) -> None:
    fit = independent_fit
    assert fit.terms == tuple(PLANTED)
    assert fit.n_episodes == len(independent)
    assert fit.n_persons == independent["person_id"].nunique()
    assert fit.n_events == (independent["outcome"] == "return_to_work").sum()
    for term, hr in PLANTED.items():
        j = fit.index(term)
        assert fit.ci_low[j] <= hr <= fit.ci_high[j], (term, fit.hr[j], hr)
        assert abs(fit.log_hr[j] - np.log(hr)) < 0.05, (term, fit.hr[j], hr)
    # independent episodes: the clustered SE is about the naive one
    np.testing.assert_allclose(fit.se / fit.se_naive, 1.0, atol=0.1)
    # support of a flag: the fewer of the persons with and without it
    persons = independent.groupby("person_id")["npr_contacts_1y"].first()
    assert fit.support["npr_contacts_1y"] == min((persons > 0).sum(), (persons == 0).sum())
    assert fit.support["age"] == fit.n_persons


def test_clustered_se_exceeds_naive_under_shared_frailty() -> None:
    frame = simulate(
        np.random.default_rng(7), persons=5_000, second_share=1.0, frailty_variance=1.0
    )
    fit = fit_cox(frame, PREDICTORS)
    ratio = fit.se / fit.se_naive
    assert (ratio > 1.15).all(), ratio


def _piecewise(rng: np.random.Generator, n: int, early: float, late: float) -> pd.DataFrame:
    """A 0/1 covariate whose hazard ratio is `early` before day 30 and `late` after."""
    x = rng.random(n) < 0.5
    base = 1 / 60
    e = rng.exponential(1.0, n)
    h1, h2 = np.where(x, early, 1.0) * base, np.where(x, late, 1.0) * base
    time = np.where(e < h1 * 30, e / h1, 30 + (e - h1 * 30) / h2)
    end = rng.uniform(30, 400, n)
    return pd.DataFrame(
        {
            "person_id": [f"q{i}" for i in range(n)],
            "duration_days": np.ceil(np.minimum(time, end)).astype(int),
            "outcome": np.where(time <= end, "return_to_work", "censored"),
            "female": x.astype(int),
            "age": rng.uniform(20, 60, n).round(),
        }
    )


def test_proportional_hazards_check() -> None:
    rng = np.random.default_rng(11)
    predictors = [Predictor("female", "woman", "flag"), Predictor("age", "age", "numeric", 10)]
    bent = proportional_hazards_test(fit_cox(_piecewise(rng, 4_000, 3.0, 0.4), predictors))
    assert bent.at["female", "p"] < 1e-6
    assert bent.at["global", "p"] < 1e-6
    assert bent.at["female", "rho"] < 0  # the ratio falls with time
    flat = proportional_hazards_test(fit_cox(_piecewise(rng, 4_000, 1.5, 1.5), predictors))
    assert flat.at["female", "p"] > 0.05
    assert flat.at["global", "p"] > 0.05
    assert (flat["df"] == [1, 1, 2]).all()
    log = proportional_hazards_test(fit_cox(_piecewise(rng, 4_000, 3.0, 0.4), predictors), "log")
    assert log.at["female", "p"] < 1e-6


# --- the cohort tables and the evaluation --------------------------------------


def episodes(rng: np.random.Generator, persons: int) -> pd.DataFrame:
    """A mart_cohort_episodes with every column of EPISODE_COLUMNS."""
    frame = simulate(rng, persons=persons, second_share=0.3)
    n = len(frame)
    start = pd.Series(
        pd.Timestamp("2013-01-01") + pd.to_timedelta(rng.integers(0, 1000, n), unit="D"),
        index=frame.index,
    )
    frame["outcome"] = np.where(
        (frame["outcome"] == "censored") & (rng.random(n) < 0.1), "disability", frame["outcome"]
    )
    frame["diagnosis_group"] = np.where(
        rng.random(n) < 0.08, "other_mental", frame["diagnosis_group"]
    )
    last = start + pd.to_timedelta(frame["duration_days"] - 1, unit="D")
    frame = frame.assign(
        episode_id=[f"e{i:06d}" for i in range(n)],
        first_day=start.dt.date,
        last_day=last.dt.date,
        source=rng.choice(["register", "certificate", "both"], n),
        diagnosis=rng.choice(["P74", "P76", "P02", "P29"], n),
        diagnosis_chapter="P",
        grade_at_start=100,
        highest_grade=100,
        is_graded=0,
        outcome_month=[
            None if o == "censored" else pd.Timestamp(d).replace(day=1).date()
            for o, d in zip(frame["outcome"], last, strict=True)
        ],
        censoring_reason=np.where(frame["outcome"] == "censored", "end_of_coverage", None),
        female=rng.integers(0, 2, n),
        born_in_norway=(rng.random(n) < 0.85).astype(int),
        education_level=rng.choice(
            np.array(["grunnskole", "vgs_grunn", "vgs_fullfort", "hoyere", None], dtype=object), n
        ),
        employed_at_start=1,
        stillingsprosent=rng.choice([50.0, 80.0, 100.0], n),
        income_g_year_before=np.where(rng.random(n) < 0.03, np.nan, rng.gamma(4, 1.2, n)),
        sick_leave_days_3y=rng.poisson(40, n),
        aap_year_before=(rng.random(n) < 0.1).astype(int),
    )
    return frame[list(EPISODE_COLUMNS)]


def test_small_cells_are_hidden_after_publish() -> None:
    study = load_study("rtw-predictors")
    frame = episodes(np.random.default_rng(3), persons=300)
    few = frame["person_id"].drop_duplicates().iloc[:3]
    frame.loc[frame["diagnosis_group"] == "other_mental", "diagnosis_group"] = "anxiety"
    frame.loc[frame["person_id"].isin(few), "diagnosis_group"] = "other_mental"
    c1 = cohort_tables.table_c1(frame, study.cohort)
    label = "diagnosis: other_mental"
    assert c1.support.at[label, "share or mean"] == 3
    shown = publish(c1, threshold=5)
    assert shown.text.at[label, "share or mean"] == HIDDEN
    assert shown.text.at[label, "episodes"] == HIDDEN
    # its group of shares sums to one: a second share is hidden with it
    levels = [r for r in shown.text.index if r.startswith("diagnosis: ")]
    assert sum(shown.text.at[r, "share or mean"] == HIDDEN for r in levels) >= 2
    assert shown.text.at["all episodes", "episodes"] != HIDDEN
    c4 = publish(cohort_tables.table_c4(frame, study.cohort), threshold=5)
    assert (c4.text.loc[f"{label}, day 30"] == HIDDEN).all()


def _warehouse(path: Path, frame: pd.DataFrame) -> Path:
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema marts")
        connection.register("episodes", frame)
        connection.execute("create table marts.mart_cohort_episodes as select * from episodes")
    return path


def test_run_cohort_evaluation_writes_the_report(tmp_path: Path) -> None:
    study = load_study("rtw-predictors")
    frame = episodes(np.random.default_rng(5), persons=1_200)
    database = _warehouse(tmp_path / "rtw.duckdb", frame)
    raw = tmp_path / "delivery"
    (raw / "truth").mkdir(parents=True)
    planted = {"event": "return_to_work", "hazard_ratios": {"age": 0.8, "npr_contacts_1y": 0.75}}
    (raw / "truth" / "hazard_model.json").write_text(json.dumps(planted))
    out = tmp_path / "report"
    published, files = run_cohort_evaluation(database, out, study, raw_dir=raw)
    keys = [p.key for p in published]
    assert keys == [
        "table_c1",
        "table_c2",
        "table_c3",
        "table_c4",
        "table_c5",
        "table_c_recovery",
    ]
    for key in keys:
        assert (out / f"{key}.csv").is_file() and (out / f"{key}.md").is_file()
    for column in study.cohort.curves_by:
        assert (out / f"figure_c_km_{column}.png").is_file()
        assert (out / f"figure_c_km_{column}.svg").is_file()
    assert (out / "figure_c_cumulative_incidence.svg").is_file()
    page = (out / "report.html").read_text()
    assert study.title in page and "Aalen-Johansen" in page and "<svg" in page
    assert "Table C2. Hazard ratios of return to work" in page
    assert (out / "report.md").is_file() and (out / "estimates.csv").is_file()
    assert all(path.exists() for path in files)
    c2 = next(p for p in published if p.key == "table_c2")
    assert "education: hoyere" in c2.text.index
    assert "clustered by person" in c2.note and "missing predictor" in c2.note
    recovery = pd.read_csv(out / "table_c_recovery.csv", index_col=0)
    assert list(recovery["planted HR"]) == [0.8, 0.75]


def test_run_cohort_evaluation_refuses_a_warehouse_without_the_cohort(tmp_path: Path) -> None:
    study = load_study("rtw-predictors")
    database = tmp_path / "other.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute("create schema marts; create table marts.other (x int)")
    with pytest.raises(RtwError, match="--study rtw-predictors"):
        run_cohort_evaluation(database, tmp_path / "out", study)
    empty = _warehouse(tmp_path / "empty.duckdb", episodes(np.random.default_rng(1), 50).head(0))
    with pytest.raises(RtwError, match="empty"):
        run_cohort_evaluation(empty, tmp_path / "out", study)
