"""The allocation schedule: a study's treated:control ratio by date of randomisation.

The schedule is data, the `allocation` key of the study file (studies/<name>.yml):
one phase per entry, from its first day until the next entry's. The generator
allocates by it, the randomisation inference permutes the arm labels within its
phases, and the phase-adjusted estimate has one dummy per phase.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rtwpanel.study import DEFAULT_STUDY, Study, load_study


@dataclass(frozen=True)
class Phase:
    start: int  # day number of the first day at this ratio
    treated: int
    control: int

    @property
    def share_treated(self) -> float:
        return self.treated / (self.treated + self.control)


def read_schedule(study: Study | str = DEFAULT_STUDY) -> tuple[Phase, ...]:
    """The study's phases in date order, with day numbers."""
    if not isinstance(study, Study):
        study = load_study(study)
    return tuple(
        Phase(_day(phase.start.isoformat()), phase.treated, phase.control)
        for phase in study.allocation
    )


def _day(text: str) -> int:
    return int(np.datetime64(text.strip(), "D").astype(np.int64))


def phase_of(days: np.ndarray, schedule: tuple[Phase, ...]) -> np.ndarray:
    """The phase (0-based index into the schedule) of each date of randomisation,
    given as day numbers or as dates."""
    days = np.asarray(days)
    if days.dtype.kind == "M":
        days = days.astype("datetime64[D]")
    starts = np.array([p.start for p in schedule], dtype=np.int64)
    index = np.searchsorted(starts, days.astype(np.int64), side="right") - 1
    return np.maximum(index, 0)
