"""The generator's trial of another study: Senter for jobbmestring (studies/jobbmestring.yml).

Calibration: the realised figures of a generated trial against the published ones.
With n persons, sampling error alone moves a share p by sqrt(p(1 - p) / n); a
share's tolerance is three such standard errors plus MODEL = 0.01 for the model's
own distance from its targets. That distance is checked apart, on 40,000 simulated
persons, to be within four standard errors and no bias (0.014 for an arm overall,
about 0.02 for an arm of the subgroup; on a few seeds the paths came within 0.005
of the targets). At n = 1,193 (about 596 per arm, about 150 per arm in the
subgroup out of work 12 or more of the 24 months before) the tolerance is 0.05 for
a baseline share, about 0.07 for an arm's work participation and 0.09-0.12 for an
arm of the subgroup; the mean age (sd 10.5) has a standard error of 0.3 years, and
its tolerance is three of them plus 0.5 for ages drawn only between 18 and 64.
"""

from __future__ import annotations

import gzip
import json
import math

import numpy as np
import pandas as pd
import pytest
import yaml

from rtwpanel.cli import main
from rtwpanel.paths import PROJECT_DIR
from rtwpanel.study import load_study
from rtwpanel.synthetic import DEFECT_KINDS, generate_delivery, participation
from rtwpanel.synthetic import calendar as cal
from rtwpanel.synthetic.calibration import load_calibration

STUDY = load_study("jobbmestring")
CALIBRATION = load_calibration(STUDY)
PUBLISHED = STUDY.published  # the published 12-month results, from the study file
# the published baseline (Reme et al.): mean age, shares
BASELINE = {"age": 40.0, "female": 0.67, "higher_education": 0.55}
AT_INCLUSION = {"in_work": 0.32, "sick_listed": 0.39, "benefits": 0.27}
DEMO = PROJECT_DIR / "data" / "demo-jobbmestring"
MODEL = 0.01  # the model's own distance from its targets


def tolerance(p: float, n: int, z: float = 3.0, model: float = MODEL) -> float:
    return z * math.sqrt(p * (1.0 - p) / n) + model


@pytest.fixture(scope="module")
def delivery(tmp_path_factory):
    out = tmp_path_factory.mktemp("jobbmestring")
    generate_delivery(out, study="jobbmestring")
    return out


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    out = tmp_path_factory.mktemp("jobbmestring-clean")
    generate_delivery(out, study="jobbmestring", defect_rates=dict.fromkeys(DEFECT_KINDS, 0.0))
    return out


def read_panel(delivery) -> pd.DataFrame:
    with gzip.open(delivery / "truth" / "person_month.csv.gz", "rt") as handle:
        panel = pd.read_csv(handle, sep=";")
    people = pd.read_csv(delivery / "participants.csv", sep=";", dtype=str)
    panel = panel.merge(people[["person_id", "arm", "randomised_date"]])
    rand = panel["randomised_date"].astype(int) // 100
    panel["rel_month"] = (panel["month"] // 100 - rand // 100) * 12 + (
        panel["month"] % 100 - rand % 100
    )
    return panel


def months_out(panel: pd.DataFrame) -> pd.Series:
    """months_out_of_work by person: work participation 0 in the 24 months before."""
    before = panel[(panel["rel_month"] >= -24) & (panel["rel_month"] < 0)]
    counts = before.groupby("person_id")["work_participation"].agg(["size", "sum"])
    counts = counts[counts["size"] == 24]
    return 24 - counts["sum"]


def shares_at(panel: pd.DataFrame, h: int, persons=None) -> dict[str, tuple[float, int]]:
    at = panel[panel["rel_month"] == h]
    if persons is not None:
        at = at[at["person_id"].isin(persons)]
    return {
        arm: (float(group["work_participation"].mean()), len(group))
        for arm, group in at.groupby("arm")
    }


def test_the_model_meets_its_targets_in_expectation() -> None:
    """40,000 simulated persons: the paths' shares at 12 months within four standard
    errors of the targets the study file sets (overall and subgroup)."""
    n = 40_000
    cohort = participation.make_cohort(np.random.default_rng(5), 0, n, False, CALIBRATION)
    paths = participation.simulate(np.random.default_rng(6), cohort, CALIBRATION)
    wp = paths.participation[np.arange(n), cohort.rand_month + 12]
    sub = CALIBRATION.subgroup
    for group, members in (("all", np.ones(n, dtype=bool)), (sub, paths.in_subgroup)):
        control = CALIBRATION.control[group][12]
        for treated, target in ((False, control), (True, control + CALIBRATION.effect[group][12])):
            chosen = members & (cohort.is_ips == treated)
            assert abs(wp[chosen].mean() - target) <= tolerance(target, chosen.sum(), 4.0, 0), (
                group,
                treated,
            )
    rel0 = paths.participation[np.arange(n), cohort.rand_month]
    # participating at inclusion: in work or partly sick-listed, as the study file says
    expected = CALIBRATION.at_inclusion["in_work"] + CALIBRATION.at_inclusion["sick_listed"] * (
        1 - CALIBRATION.sick_listed_full
    )
    assert abs(rel0.mean() - expected) <= tolerance(expected, n, 4.0, 0)


def test_baseline_near_the_published_figures(delivery) -> None:
    people = pd.read_csv(delivery / "participants.csv", sep=";", dtype=str, keep_default_na=False)
    n = len(people)
    assert n == CALIBRATION.persons == 1193
    age = people["randomised_date"].str[:4].astype(int) - people["birth_year"].astype(int)
    assert abs(age.mean() - BASELINE["age"]) <= 3 * 10.5 / math.sqrt(n) + 0.5
    female = (people["sex"] == "K").mean()
    assert abs(female - BASELINE["female"]) <= tolerance(BASELINE["female"], n)
    education = pd.read_csv(
        delivery / "utdanning.csv", sep=";", dtype=str, on_bad_lines="skip", engine="python"
    )
    education = education[education["person_id"].isin(people["person_id"])]
    level = education.drop_duplicates("person_id")["nus2000"].str[0]
    higher = level.isin(["6", "7", "8"]).mean()
    assert abs(higher - BASELINE["higher_education"]) <= tolerance(0.55, len(level))

    panel = read_panel(delivery)
    at = panel[panel["rel_month"] == 0]
    sick = at["sick_listed"] == 1
    work = (at["employed"] == 1) & ~sick
    benefit = at[["on_aap", "on_disability", "on_unemployment_benefit"]].max(axis=1) == 1
    realised = {
        "in_work": work.mean(),
        "sick_listed": sick.mean(),
        "benefits": (benefit & ~sick & ~work).mean(),
    }
    for name, published in AT_INCLUSION.items():
        assert abs(realised[name] - published) <= tolerance(published, len(at)), name


def test_work_participation_near_the_published_results(delivery) -> None:
    panel = read_panel(delivery)
    treated, control = STUDY.treated.code, STUDY.control.code
    long_out = CALIBRATION.in_subgroup(months_out(panel))
    long_persons = months_out(panel).index[long_out]
    for key, persons in (("work_participation_12", None), ("long_out_of_work_12", long_persons)):
        realised = shares_at(panel, 12, persons)
        for arm, name in ((treated, "treated"), (control, "control")):
            share, count = realised[arm]
            published = PUBLISHED[key][name]
            assert abs(share - published) <= tolerance(published, count), (key, arm, share)
    # sustained at 18 months: the difference keeps the sign and most of its size
    at_18 = shares_at(panel, 18)
    diff_18 = at_18[treated][0] - at_18[control][0]
    assert diff_18 > 0.069 - 3 * math.sqrt(2 * 0.42 * 0.58 / 596)


def test_effects_json_holds_what_the_truth_panel_realises(delivery) -> None:
    effects = json.loads((delivery / "truth" / "effects.json").read_text())
    section = yaml.safe_load(STUDY.path.read_text())["synthetic"]
    planted = effects["planted_rct"]
    assert effects["study"] == "jobbmestring"
    assert planted["outcome"] == "work_participation" and planted["horizons"] == [12, 18]
    assert planted["effect"] == {str(h): section["effect"]["all"][h] for h in (12, 18)}
    assert planted["subgroups"] == {
        "long_out_of_work": {"12": section["effect"]["long_out_of_work"][12]}
    }
    panel = read_panel(delivery)
    treated, control = STUDY.treated.code, STUDY.control.code
    out = months_out(panel)
    groups = {"all": None, "long_out_of_work": out.index[CALIBRATION.in_subgroup(out)]}
    for group, by_horizon in planted["realised"].items():
        for h, numbers in by_horizon.items():
            shares = shares_at(panel, int(h), groups[group])
            assert numbers["treated"] == pytest.approx(shares[treated][0], abs=1e-12)
            assert numbers["control"] == pytest.approx(shares[control][0], abs=1e-12)
            assert numbers["difference"] == pytest.approx(
                shares[treated][0] - shares[control][0], abs=1e-12
            )
            assert numbers["persons"] == shares[treated][1] + shares[control][1]


def _days(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per person and day of each spell."""
    fom = pd.to_datetime(frame["fom_date"], format="%Y%m%d").to_numpy().astype("datetime64[D]")
    tom = pd.to_datetime(frame["tom_date"], format="%Y%m%d").to_numpy().astype("datetime64[D]")
    length = (tom - fom).astype(int) + 1
    item = np.repeat(np.arange(len(frame)), length)
    offset = np.arange(len(item)) - np.repeat(np.cumsum(length) - length, length)
    day = fom[item] + offset
    month = day.astype("datetime64[M]").astype(np.int64)
    return pd.DataFrame(
        {
            "person_id": frame["person_id"].to_numpy()[item],
            "day": day.astype(np.int64),
            "month": (month // 12 + 1970) * 100 + month % 12 + 1,
        }
    )


def test_work_participation_follows_from_the_registers(clean) -> None:
    """Without defects, the truth's work participation and days at grade 100 are what
    the warehouse's rules give on the delivery's own rows: a counted relationship
    registered in the month, and sick leave at grade 100 from the register, or from a
    certificate no register spell overlaps."""
    tmp_path = clean
    panel = read_panel(tmp_path).set_index(["person_id", "month"])
    aa = pd.read_csv(tmp_path / "aa_arbeidsforhold.csv", sep=";", dtype=str)
    counted = aa[aa["arbeidsforhold_type"].isin(["ordinaert", "maritimt"])]
    employed = set(zip(counted["person_id"], counted["reg_month"].astype(int), strict=True))
    register = pd.read_csv(tmp_path / "sykepenger.csv", sep=";", dtype=str)
    certificates = pd.read_csv(tmp_path / "sykmeldinger.csv", sep=";", dtype=str)
    register_days = _days(register)
    certificate_days = _days(certificates[certificates["grad"] == "100"])
    taken = set(zip(register_days["person_id"], register_days["day"], strict=True))
    alone = [
        (p, d) not in taken
        for p, d in zip(certificate_days["person_id"], certificate_days["day"], strict=True)
    ]
    days = pd.concat([_days(register[register["grad"] == "100"]), certificate_days[alone]])
    full_days = days.groupby(["person_id", "month"]).size()
    expected_days = full_days.reindex(panel.index, fill_value=0)
    assert (panel["sick_leave_full_days"] == expected_days).all()
    month_length = pd.Series(cal.DAYS_IN_MONTH, index=cal.yyyymm(np.arange(cal.N_MONTHS)))
    every_day = (
        expected_days.to_numpy()
        >= month_length.reindex(panel.index.get_level_values("month")).to_numpy()
    )
    in_work = np.array([key in employed for key in panel.index])
    assert (panel["work_participation"].to_numpy() == (in_work & ~every_day)).all()
    assert (panel["employed"].to_numpy() == in_work).all()
    # both kinds of months out of work occur: fully sick-listed in a job, and no job
    assert (in_work & every_day).sum() > 1000 and (~in_work).sum() > 1000


def test_participants_follow_the_study(delivery) -> None:
    people = pd.read_csv(delivery / "participants.csv", sep=";", dtype=str, keep_default_na=False)
    assert set(people["arm"]) == {STUDY.treated.code, STUDY.control.code}
    assert set(people["centre_id"]) == set(STUDY.cluster_codes)
    assert set(people["sex"]) == {"K", "M"}
    assert set(people["diagnosis_group"]) <= {"mild", "moderate", ""}
    dates = pd.to_datetime(people["randomised_date"], format="%Y%m%d").dt.date
    assert dates.min() >= STUDY.inclusion[0] and dates.max() <= STUDY.inclusion[1]
    # 1:1 allocation (the schedule's one phase): equal arms, to one person
    counts = people["arm"].value_counts()
    assert abs(counts[STUDY.treated.code] - counts[STUDY.control.code]) <= 1
    coverage = pd.read_csv(delivery / "coverage.csv", sep=";")
    last = dates.max()
    needed = (last.year * 12 + last.month - 1) + 18
    assert (coverage["last_month"] // 100 * 12 + coverage["last_month"] % 100 - 1 >= needed).all()


def files(root) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_same_seed_same_bytes(delivery, tmp_path) -> None:
    generate_delivery(tmp_path / "again", study="jobbmestring")
    assert files(tmp_path / "again") == files(delivery)
    generate_delivery(tmp_path / "other", study="jobbmestring", seed=7)
    assert files(tmp_path / "other")["sykepenger.csv"] != files(delivery)["sykepenger.csv"]


def test_the_committed_demo_is_what_the_generator_writes(tmp_path, capsys) -> None:
    args = ["generate", "--out", str(tmp_path), "--study", "jobbmestring", "--gzip"]
    assert main(args) == 0
    assert files(tmp_path) == files(DEMO)
    assert sum(len(b) for b in files(DEMO).values()) < 5_000_000
    effects = json.loads((DEMO / "truth" / "effects.json").read_text())
    assert effects["seed"] == int(STUDY.inclusion[0].strftime("%Y%m%d"))


def test_unknown_study_is_one_line_naming_the_file(tmp_path, capsys) -> None:
    assert main(["generate", "--out", str(tmp_path), "--study", "no_such_study"]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "studies/no_such_study.yml" in err


def test_generate_help_lists_study(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["generate", "--help"])
    assert exc.value.code == 0
    assert "--study" in capsys.readouterr().out
