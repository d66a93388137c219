"""The generator for a cohort study (studies/rtw-predictors.yml): reproducible
bytes, persons nobody randomised, planted episodes as the hazard model says, and
a refusal to plant what it cannot write."""

from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from rtwpanel.errors import RtwError
from rtwpanel.study import load_study
from rtwpanel.synthetic import generate_delivery
from rtwpanel.synthetic.episode_cohort import log_hazard
from rtwpanel.synthetic.hazards import EMPLOYER_DAYS, load_hazard_model

PERSONS = 12_000  # two chunks
MODEL = load_hazard_model(load_study("rtw-predictors"))


@pytest.fixture(scope="module")
def delivery(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cohort")
    generate_delivery(out, persons=PERSONS, study="rtw-predictors", workers=2)
    return out


def test_same_seed_same_bytes_whatever_the_workers(delivery, tmp_path) -> None:
    generate_delivery(tmp_path, persons=PERSONS, study="rtw-predictors", workers=1)
    names = sorted(str(p.relative_to(delivery)) for p in delivery.rglob("*") if p.is_file())
    assert "truth/episodes.csv" in names and "truth/hazard_model.json" in names
    for name in names:
        assert (delivery / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_nobody_is_randomised(delivery) -> None:
    with open(delivery / "participants.csv", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert len(rows) == PERSONS
    assert {(r["arm"], r["centre_id"], r["randomised_date"]) for r in rows} == {("", "", "")}


def test_planted_episodes_follow_the_model(delivery) -> None:
    with open(delivery / "truth" / "episodes.csv", newline="") as handle:
        episodes = list(csv.DictReader(handle, delimiter=";"))
    share = len(episodes) / PERSONS
    # persons with an episode: episode_share of those aged 18-66 on the index date
    assert 0.8 * MODEL.episode_share < share <= MODEL.episode_share * 1.05
    days = np.array(
        [
            (np.datetime64(f"{e['tom_date'][:4]}-{e['tom_date'][4:6]}-{e['tom_date'][6:]}")
             - np.datetime64(f"{e['fom_date'][:4]}-{e['fom_date'][4:6]}-{e['fom_date'][6:]}"))
            .astype(int) + 1
            for e in episodes
        ]
    )  # fmt: skip
    observed = np.array([e["outcome"] != "censored" for e in episodes])
    # every episode outlasts the employer period; none outlasts the sickness benefit
    assert days.min() > EMPLOYER_DAYS and days.max() <= MODEL.max_days
    # an episode that reaches the last day of benefit ends in AAP
    capped = days == MODEL.max_days
    assert {e["cause"] for e, c in zip(episodes, capped, strict=True) if c} == {"aap"}
    assert observed.mean() > 0.9
    # chapter P only, in the index window
    assert {e["diagnosis"][0] for e in episodes} == {"P"}
    first, last = (d.replace("-", "") for d in MODEL.index_window)
    assert all(first <= e["fom_date"] <= last for e in episodes)
    planted = json.loads((delivery / "truth" / "hazard_model.json").read_text())
    assert planted["hazard_ratios"] == dict(sorted(MODEL.hazard_ratios.items()))


def test_the_log_hazard_adds_the_planted_terms() -> None:
    # worked by hand: a 45-year-old woman with higher education and a stress diagnosis,
    # AAP the year before: 4.5 log(0.8) + log(0.9) + log(1.2) + log(1.35) + log(0.6)
    x = {
        "age": np.array([45.0]),
        "female": np.array([1.0]),
        "born_in_norway": np.array([0.0]),
        "education_level": np.array(["hoyere"], dtype=object),
        "diagnosis_group": np.array(["stress"], dtype=object),
        "npr_contacts_1y": np.array([0.0]),
        "aap_year_before": np.array([1.0]),
    }
    expected = 4.5 * np.log(0.8) + np.log(0.9) + np.log(1.2) + np.log(1.35) + np.log(0.6)
    assert log_hazard(MODEL, x)[0] == pytest.approx(expected)


def test_a_ratio_the_generator_cannot_plant_is_refused() -> None:
    ratios = {**MODEL.hazard_ratios, "income_g_year_before": 1.1}
    model = dataclasses.replace(MODEL, hazard_ratios=ratios)
    x = {"age": np.array([40.0]), "income_g_year_before": np.array([3.0])}
    with pytest.raises(RtwError, match=r"income_g_year_before.*must be 1"):
        log_hazard(model, x)
