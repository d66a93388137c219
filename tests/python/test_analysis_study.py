"""The evaluation of a made-up third trial, from its own study file and simulated marts:
other arm labels (ACT / WAIT), other cluster codes (N1..N4, strata), three allocation
phases, a subgroup, no early/late split, no cost side, published shares."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rtwpanel.analysis.data import after_months, load_marts, with_allocation_phase
from rtwpanel.analysis.design import lpm_design
from rtwpanel.analysis.evaluation import Options, run_evaluation
from rtwpanel.analysis.randomisation_inference import _every_assignment, randomisation_pvalue
from rtwpanel.analysis.simulated_marts import TrialSpec, simulate_trial, write_warehouse
from rtwpanel.analysis.tables_lpm import Settings
from rtwpanel.analysis.trial import Trial
from rtwpanel.marts_schema import NPR_MEASURES
from rtwpanel.study import load_study

STUDY = """\
name: steady
title: STEADY - active support against a waiting list
design: rct
description: A made-up trial of active support against a waiting list at four offices.
arms:
  treated: {code: ACT, name: Active support, description: Weekly active support}
  control: {code: WAIT, name: Waiting list, description: Support after a year}
cluster:
  meaning: office
  codes: [N1, N2, N3, N4]
  stratum: true
allocation:
  - {from: 2013-10-01, treated: 1, control: 1}
  - {from: 2014-01-01, treated: 2, control: 1}
  - {from: 2014-05-01, treated: 1, control: 2}
inclusion: {from: 2013-10-01, to: 2014-12-31}
primary_outcome: work_participation
outcomes:
  - {column: work_participation, name: work participation}
  - {column: employed, name: in work}
  - {column: on_aap, name: AAP}
horizons: [12, 18]
subgroups:
  - name: long_out_of_work
    label: out of work 12 or more months
    rules: [{variable: months_out_of_work, op: ">=", value: 12}]
published:
  work_participation_12: {treated: 0.40, control: 0.30}
"""
EFFECT = 0.12  # planted on being in work, so on work participation too


@pytest.fixture(scope="module")
def steady(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("steady")
    path = root / "steady.yml"
    path.write_text(STUDY)
    study = load_study(path)
    spec = TrialSpec(
        n_persons=360,
        seed=7,
        first_month="2011-09-01",
        last_month="2016-06-01",
        study=path,
        treated_share=None,
        effects={"employed": EFFECT},
    )
    fct, dim = simulate_trial(spec)
    fct[list(NPR_MEASURES)] = np.nan  # no NPR delivery: Table 15 has nothing to estimate
    database = write_warehouse(root / "rtw.duckdb", fct, dim)
    delivery = root / "delivery"
    (delivery / "truth").mkdir(parents=True)
    realised = {"12": {"difference": EFFECT}, "18": {"difference": EFFECT}}
    (delivery / "truth" / "effects.json").write_text(
        json.dumps(
            {
                "study": "steady",
                "planted_rct": {
                    "outcome": "work_participation",
                    "horizons": [12, 18],
                    "effect": {"12": EFFECT, "18": EFFECT},
                    "subgroups": {"long_out_of_work": {"12": EFFECT}},
                    "realised": {"all": realised, "long_out_of_work": {"12": realised["12"]}},
                },
            }
        )
    )
    out = root / "report"
    options = Options(inference=Settings(permutations=99, seed=3), raw_dir=delivery, study=study)
    outcome = run_evaluation(database, out, options)
    return {"study": study, "out": out, "outcome": outcome, "database": database}


def _csv(out: Path, key: str) -> pd.DataFrame:
    return pd.read_csv(out / f"{key}.csv", index_col="row")


def test_the_tables_any_rct_gets_are_written_with_its_labels(steady: dict) -> None:
    out = steady["out"]
    for key in ("table_05", "table_06", "table_07", "table_08", "table_13", "figure_09_data"):
        assert (out / f"{key}.csv").is_file(), key
    assert (out / "figure_09.png").is_file() and (out / "figure_09.svg").is_file()
    assert list(_csv(out, "table_05").columns) == [
        "Waiting list", "Waiting list N", "Active support", "Active support N",
    ]  # fmt: skip
    table_6 = _csv(out, "table_06")
    assert "Active support 18 months" in table_6.columns
    assert "Waiting list 12 months" in table_6.columns
    assert "work participation" in table_6.index  # the study's outcome, after the published rows
    assert list(_csv(out, "table_08").index) == ["work participation", "in work", "AAP"]
    assert "work participation coef" in _csv(out, "table_13").columns
    assert {"Active support rate", "Waiting list rate"} <= set(_csv(out, "figure_09_data").columns)
    coefficients = _csv(out, "table_08_coefficients")
    assert coefficients.index[0] == "is_act"
    # N1 is the base level; the others have dummies named by their codes
    assert {"office_N2", "office_N3", "office_N4"} <= set(coefficients.index)
    assert "office_N1" not in coefficients.index
    assert list(_csv(out, "table_12").index) == ["office N1", "office N2", "office N3", "office N4"]
    clustering = set(pd.read_csv(out / "estimates.csv")["clustering"])
    assert clustering == {"office", "person"}


def test_the_tables_it_lacks_are_listed_with_the_reason(steady: dict) -> None:
    out, skipped = steady["out"], dict(steady["outcome"].skipped)
    assert set(skipped) == {"Table 14", "Table 15", "Tables 21-23"}
    assert "early_before" in skipped["Table 14"]
    assert "cost_benefit" in skipped["Tables 21-23"]
    for key in ("table_14", "table_15", "table_21", "table_22", "table_23"):
        assert not (out / f"{key}.csv").exists(), key
    report = (out / "report.md").read_text()
    assert report.startswith("# STEADY - active support against a waiting list")
    assert "Tables not made for this study" in report
    assert "- **Tables 21-23**: the study (steady.yml) has no cost_benefit" in report
    assert "IPS" not in report and "TAU" not in report
    assert "within each office" in report  # the methods text: offices were strata


def test_the_subgroup_table_uses_the_study_rule(steady: dict) -> None:
    table_10 = _csv(steady["out"], "table_10")
    assert table_10.index[0] == "out of work 12 or more months / work participation"
    marts = load_marts(steady["database"])
    long_out = marts.dim.loc[marts.dim["months_out_of_work"] >= 12, "person_id"]
    after = after_months(marts.fct)
    sample = after.loc[after["person_id"].isin(long_out)]
    design = lpm_design(sample, "work_participation", trial=Trial(steady["study"]))
    assert table_10.iloc[0]["N"] == design.nobs
    assert 0 < design.nobs < len(after.loc[after["work_participation"].notna()])


def test_the_recovery_table_covers_the_planted_difference(steady: dict) -> None:
    recovery = _csv(steady["out"], "table_recovery")
    assert list(recovery.index) == [
        "all / h = 12", "all / h = 18", "long_out_of_work / h = 12",
    ]  # fmt: skip
    whole = recovery.loc["all / h = 12"]
    assert whole["realised difference (planted)"] == pytest.approx(EFFECT)
    assert whole["ci low"] < whole["estimate"] < whole["ci high"]
    assert recovery.loc[["all / h = 12", "all / h = 18"], "realised in 95 % CI"].eq(1).all()
    # the estimate is the difference in shares at h among the persons observed then
    marts = load_marts(steady["database"])
    at_12 = marts.fct.loc[(marts.fct["rel_month"] == 12) & marts.fct["work_participation"].notna()]
    shares = at_12.groupby("arm")["work_participation"].mean()
    assert whole["estimate"] == pytest.approx(shares["ACT"] - shares["WAIT"], abs=5e-4)
    assert whole["persons"] == at_12["person_id"].nunique()


def test_the_shares_stand_beside_the_published_ones(steady: dict) -> None:
    table = _csv(steady["out"], "table_published")
    row = table.loc["work participation, all, h = 12"]
    assert row["published Active support"] == pytest.approx(0.40)
    assert row["published Waiting list"] == pytest.approx(0.30)
    assert "work participation, long_out_of_work, h = 18" in table.index
    assert np.isnan(
        table.loc["work participation, long_out_of_work, h = 18", "published difference"]
    )


def test_randomisation_inference_permutes_within_the_three_phases_and_offices(
    steady: dict,
) -> None:
    study = steady["study"]
    marts = load_marts(steady["database"])
    after = after_months(with_allocation_phase(marts.fct, marts.dim, study))
    assert sorted(after["allocation_phase"].unique()) == [0, 1, 2]
    design = lpm_design(after, "work_participation", trial=Trial(study))
    within_phase = randomisation_pvalue(design, term="is_act", permutations=19)
    assert within_phase.n_strata == 3
    by_office = randomisation_pvalue(design, term="is_act", permutations=19, by_centre=True)
    assert by_office.n_strata == 12
    # the treated share differs by phase as the schedule says (1:1, 2:1, 1:2)
    dim = with_allocation_phase(marts.dim, marts.dim, study).groupby("allocation_phase")
    shares = dim["is_treated"].mean().to_numpy()
    assert shares[1] > shares[0] > shares[2]


def test_every_enumerated_assignment_keeps_each_phase_count() -> None:
    labels = np.array([1, 0, 1, 1, 0, 0, 1, 0, 0])
    phase = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2])
    groups = [np.flatnonzero(phase == p) for p in range(3)]
    assignments = _every_assignment(labels, groups)
    assert assignments.shape == (9, 3 * 3 * 3)  # C(3,2) C(3,1) C(3,1)
    for members in groups:
        assert (assignments[members].sum(axis=0) == labels[members].sum()).all()
    assert len({tuple(column) for column in assignments.T}) == assignments.shape[1]


def test_another_study_on_these_marts_is_refused(steady: dict, tmp_path: Path) -> None:
    from rtwpanel.errors import RtwError

    with pytest.raises(
        RtwError, match="the marts' arms are ACT, WAIT, not the study's TAU and IPS"
    ):
        run_evaluation(steady["database"], tmp_path, Options(study=load_study("ips")))
