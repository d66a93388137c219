"""The allocation schedule: the trial's IPS:TAU ratio by date of randomisation.

The schedule is data, `seeds/ref_allocation_schedule.csv` (a dbt seed, so it is
in the warehouse too): one row per phase, from its first day until the next
row's. The generator allocates by it, the randomisation inference permutes the
arm labels within its phases, and the phase-adjusted estimate has one dummy
per phase. Allocation does not depend on centre.
"""

from __future__ import annotations

import csv
import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rtwpanel.errors import RtwError
from rtwpanel.paths import PROJECT_DIR

SCHEDULE_FILE = PROJECT_DIR / "seeds" / "ref_allocation_schedule.csv"


@dataclass(frozen=True)
class Phase:
    start: int  # day number of the first day at this ratio
    ips: int
    tau: int

    @property
    def share_ips(self) -> float:
        return self.ips / (self.ips + self.tau)


def read_schedule(path: Path = SCHEDULE_FILE) -> tuple[Phase, ...]:
    """The phases in date order; a malformed row is named by file, line and column."""
    phases = []
    with open(path, newline="", encoding="utf-8") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            for column, parse in (("from_date", _day), ("ips", int), ("tau", int)):
                try:
                    parse(row[column])
                except (KeyError, TypeError, ValueError):
                    raise RtwError(
                        f"{path}: line {line}, column {column} is missing or malformed"
                    ) from None
            phases.append(Phase(_day(row["from_date"]), int(row["ips"]), int(row["tau"])))
    if not phases or any(a.start >= b.start for a, b in itertools.pairwise(phases)):
        raise RtwError(f"{path}: from_date must rise from row to row, with at least one row")
    if any(p.ips < 0 or p.tau < 0 or p.ips + p.tau == 0 for p in phases):
        raise RtwError(f"{path}: column ips or tau is negative or both are zero")
    return tuple(phases)


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
