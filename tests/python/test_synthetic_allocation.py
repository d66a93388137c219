"""The allocation schedule is data: the generator and the analysis read the study file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rtwpanel.errors import RtwError
from rtwpanel.paths import PROJECT_DIR
from rtwpanel.study import load_study
from rtwpanel.synthetic import cohort
from rtwpanel.synthetic.allocation import phase_of, read_schedule


def test_the_trial_schedule_gives_the_reference_counts() -> None:
    schedule = read_schedule()
    assert [(p.treated, p.control) for p in schedule] == [(2, 1), (1, 1)]
    assert (cohort.TRIAL_EARLY, cohort.TRIAL_LATE) == ((96, 48), (133, 133))


def test_phase_of_a_date() -> None:
    schedule = read_schedule()
    dates = np.array(["2013-10-01", "2014-01-31", "2014-02-01", "2014-10-31"], "datetime64[D]")
    assert phase_of(dates, schedule).tolist() == [0, 0, 1, 1]


def test_a_malformed_phase_is_named_by_its_key(tmp_path: Path) -> None:
    text = (PROJECT_DIR / "studies" / "ips.yml").read_text(encoding="utf-8")
    path = tmp_path / "ips.yml"
    path.write_text(text.replace("treated: 1, control: 1", "treated: one, control: 1"))
    with pytest.raises(RtwError) as caught:
        read_schedule(load_study(path))
    message = str(caught.value)
    assert "allocation.1.treated" in message and str(path) in message
