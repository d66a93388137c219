"""A cohort study's file (design cohort): what it holds and what it refuses, each
refusal naming the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from rtwpanel.errors import RtwError
from rtwpanel.study import load_study, study_path


def written(tmp_path: Path, change) -> Path:
    document = yaml.safe_load(study_path("rtw-predictors").read_text())
    change(document)
    path = tmp_path / "rtw-predictors.yml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def test_the_cohort_file_reads_as_its_keys_say() -> None:
    study = load_study("rtw-predictors")
    assert study.design == "cohort" and not study.is_trial
    assert study.treated is None and study.cluster_codes == ()
    cohort = study.cohort
    assert (cohort.chapter, cohort.ages, cohort.in_work_at_start) == ("P", (18, 66), True)
    assert cohort.event == "return_to_work" and cohort.competing == ("aap", "disability")
    age = next(p for p in cohort.predictors if p.column == "age")
    assert (age.kind, age.per) == ("numeric", 10.0)
    education = next(p for p in cohort.predictors if p.column == "education_level")
    assert (education.kind, education.reference) == ("category", "vgs_fullfort")
    with pytest.raises(RtwError, match="design cohort has no arms"):
        study.arms  # noqa: B018


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(arms={"treated": {"code": "A"}}), "key arms: belongs to a trial"),
        (lambda d: d["cohort"].update(chapter="p"), "key cohort.chapter: must match"),
        (lambda d: d["cohort"].update(ages=[66, 18]), "key cohort.ages: must be"),
        (lambda d: d["cohort"].update(event="recovery"), "key cohort.event: must be one of"),
        (
            lambda d: d["cohort"].update(competing=["aap", "return_to_work"]),
            "key cohort.competing: lists the event",
        ),
        (
            lambda d: d["predictors"].append({"column": "shoe_size", "name": "x", "kind": "flag"}),
            "key predictors.10.column: must be a column of marts.fct_sick_leave_episodes",
        ),
        (
            lambda d: d["predictors"][3].pop("reference"),
            "key predictors.3.reference: is missing",
        ),
        (lambda d: d.update(curves_by=["age"]), "key curves_by.0: must be a flag or category"),
        (lambda d: d["inclusion"].update(to="2012-01-01"), "key inclusion.to: is before"),
    ],
)
def test_a_broken_cohort_file_is_refused_naming_the_key(tmp_path, change, message) -> None:
    path = written(tmp_path, change)
    with pytest.raises(RtwError, match=message) as refused:
        load_study(path)
    assert str(path) in str(refused.value)
