"""A roll-out study's file (design rollout): what it holds and what it refuses, each
refusal naming the file and the key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from rtwpanel.errors import RtwError
from rtwpanel.study import load_study, region_names, study_path


def written(tmp_path: Path, change) -> Path:
    document = yaml.safe_load(study_path("ipsnor").read_text(encoding="utf-8"))
    change(document)
    path = tmp_path / "ipsnor.yml"
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))
    return path


def test_the_rollout_file_reads_as_its_keys_say() -> None:
    study = load_study("ipsnor")
    design = study.rollout
    assert study.design == "rollout" and not study.is_trial and study.cohort is None
    by_code = {r.code: r for r in design.regions}
    assert by_code["19"].start == dt.date(2013, 1, 1) and by_code["19"].name == "Troms"
    assert by_code["03"].start is None and by_code["03"].name == "Oslo"
    assert design.first_start == dt.date(2013, 1, 1)
    # every region of the seed is in the study, each once
    assert sorted(by_code) == sorted(region_names()) and len(by_code) == len(design.regions)
    assert study.cluster_codes == tuple(r.code for r in design.regions)
    target = design.target
    assert (target.ages, target.npr_contact, target.sick_leave_chapter) == ((18, 66), True, "P")
    assert target.baseline[1] < design.first_start
    assert design.primary_outcome == "employed" == study.primary_outcome
    assert (design.bootstrap_draws, design.placebo_permutations) == (999, 499)


def test_placebo_permutations_default_to_999_and_zero_turns_them_off(tmp_path: Path) -> None:
    def drop(document):
        del document["rollout"]["placebo_permutations"]

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert load_study(written(tmp_path / "a", drop)).rollout.placebo_permutations == 999

    def off(document):
        document["rollout"]["placebo_permutations"] = 0

    assert load_study(written(tmp_path / "b", off)).rollout.placebo_permutations == 0


def region(i: int, **values):
    def change(document):
        document["rollout"]["regions"][i].update(values)

    return change


def target(**values):
    def change(document):
        document["rollout"]["target"].update(values)

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (region(0, code="13"), r"key rollout\.regions\.0\.code: must be a region of seed"),
        (region(1, code="19"), r"key rollout\.regions\.1\.code: is listed twice"),
        (region(0, start="2013-13"), r"key rollout\.regions\.0\.start: must be a month YYYY-MM"),
        (region(0, start="2013-01-15"), r"rollout\.regions\.0\.start: must be a month YYYY-MM"),
        (region(0, start="2020-01"), r"regions\.0\.start: must be a month of the inclusion"),
        (target(baseline={"from": "2010-01-01", "to": "2013-01-01"}),
         r"key rollout\.target\.baseline\.to: must be before the first region's start"),
        (target(npr_contact=False, sick_leave_chapter=None),
         r"key rollout\.target: needs a criterion"),
        (target(ages=[66, 18]), r"key rollout\.target\.ages: must be \[youngest, oldest\]"),
        (lambda d: d["rollout"].update(control_group="everyone"),
         r"key rollout\.control_group: must be one of never_treated, not_yet_treated"),
        (lambda d: d["rollout"].update(event_window=[0, 12]),
         r"key rollout\.event_window: must be \[first, last\]"),
        (lambda d: d["rollout"].update(placebo_permutations=-1),
         r"key rollout\.placebo_permutations: must be a whole number of at least 0"),
        (lambda d: d.update(primary_outcome="sick_listed"),
         r"key primary_outcome: must be one of the outcomes' columns"),
        (lambda d: d.update(arms={"treated": {"code": "IPS"}}),
         r"key arms: does not belong to design rollout"),
    ],
)  # fmt: skip
def test_a_rollout_file_that_breaks_a_rule_is_refused_naming_the_key(
    tmp_path: Path, change, message: str
) -> None:
    path = written(tmp_path, change)
    with pytest.raises(RtwError, match=message) as refused:
        load_study(path)
    assert str(path) in str(refused.value)


def test_never_treated_controls_need_a_region_that_never_starts(tmp_path: Path) -> None:
    def everyone_starts(document):
        for item in document["rollout"]["regions"]:
            item["start"] = "2015-06"

    with pytest.raises(RtwError, match=r"key rollout\.control_group: never_treated needs"):
        load_study(written(tmp_path, everyone_starts))
