"""The allocation schedule is data: the generator and the analysis read one file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rtwpanel.errors import RtwError
from rtwpanel.synthetic import cohort
from rtwpanel.synthetic.allocation import phase_of, read_schedule


def test_the_trial_schedule_gives_the_reference_counts() -> None:
    schedule = read_schedule()
    assert [(p.ips, p.tau) for p in schedule] == [(2, 1), (1, 1)]
    assert (cohort.TRIAL_EARLY, cohort.TRIAL_LATE) == ((96, 48), (133, 133))


def test_phase_of_a_date() -> None:
    schedule = read_schedule()
    dates = np.array(["2013-10-01", "2014-01-31", "2014-02-01", "2014-10-31"], "datetime64[D]")
    assert phase_of(dates, schedule).tolist() == [0, 0, 1, 1]


def test_a_malformed_row_is_named_without_its_value(tmp_path: Path) -> None:
    path = tmp_path / "schedule.csv"
    path.write_text("from_date,ips,tau,description\n2013-10-01,2,1,a\n2014-02-01,one,1,b\n")
    with pytest.raises(RtwError) as caught:
        read_schedule(path)
    message = str(caught.value)
    assert "line 3" in message and "column ips" in message and "one" not in message
