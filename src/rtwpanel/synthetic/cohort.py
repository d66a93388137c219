"""The participants: centre, arm, randomisation date and background of each person."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rtwpanel.synthetic import calendar as cal
from rtwpanel.synthetic.allocation import read_schedule

CENTRE_NAMES = ("Oslo", "Vestfold", "Hordaland", "Oppland", "Akershus", "Hedmark")
# persons included per centre in trial mode (person-months after inclusion of the
# published models divided by the mean follow-up of 24.6 months)
TRIAL_CENTRE_SIZES = (60, 104, 88, 30, 53, 75)
SCHEDULE = read_schedule()  # 2:1 IPS:TAU, then 1:1 (studies/ips.yml)
RANDOMISATION_START = SCHEDULE[0].start
RATIO_CHANGE = SCHEDULE[1].start
RANDOMISATION_END = cal.day("2014-10-31")
TRIAL_PHASE_PERSONS = (144, 266)  # randomised in each phase in the reference trial


def _allocated(persons: int, share_treated: float) -> tuple[int, int]:
    ips = round(persons * share_treated)
    return ips, persons - ips


# IPS, TAU of each phase: 96/48 and 133/133
TRIAL_EARLY, TRIAL_LATE = (
    _allocated(n, phase.share_treated)
    for n, phase in zip(TRIAL_PHASE_PERSONS, SCHEDULE, strict=True)
)
TRIAL_DEATHS = 2
DIAGNOSIS_CODES = ("severe", "moderate", "")


@dataclass
class Cohort:
    """One chunk of persons; index i is person number ``first + i`` (0-based)."""

    first: int
    centre: np.ndarray  # 1..6
    is_ips: np.ndarray  # bool
    randomised: np.ndarray  # day number
    rand_month: np.ndarray  # month index of randomisation
    female: np.ndarray  # bool
    birth_year: np.ndarray
    born_in_norway: np.ndarray  # bool
    diagnosis: np.ndarray  # index into DIAGNOSIS_CODES
    death: np.ndarray  # day number, -1 if alive

    @property
    def size(self) -> int:
        return len(self.centre)

    @property
    def alive(self) -> np.ndarray:
        return self.death < 0


def _trial_design(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Centres, arms and dates with the reference trial's exact numbers."""
    centre = rng.permutation(np.repeat(np.arange(1, 7), TRIAL_CENTRE_SIZES))
    n_early, n_late = sum(TRIAL_EARLY), sum(TRIAL_LATE)
    early = rng.integers(RANDOMISATION_START, RATIO_CHANGE, n_early)
    late = rng.integers(RATIO_CHANGE, RANDOMISATION_END + 1, n_late)
    arm_early = rng.permutation(np.repeat([True, False], TRIAL_EARLY))
    arm_late = rng.permutation(np.repeat([True, False], TRIAL_LATE))
    order = rng.permutation(n_early + n_late)
    dates = np.concatenate([early, late])[order]
    is_ips = np.concatenate([arm_early, arm_late])[order]
    return centre, is_ips, dates


def _population_design(
    rng: np.random.Generator, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The same schedule drawn person by person: centre shares as in the trial."""
    weights = np.asarray(TRIAL_CENTRE_SIZES, dtype=float)
    centre = rng.choice(np.arange(1, 7), size=n, p=weights / weights.sum())
    early_share = sum(TRIAL_EARLY) / (sum(TRIAL_EARLY) + sum(TRIAL_LATE))
    early = rng.random(n) < early_share
    dates = np.where(
        early,
        rng.integers(RANDOMISATION_START, RATIO_CHANGE, n),
        rng.integers(RATIO_CHANGE, RANDOMISATION_END + 1, n),
    )
    is_ips = rng.random(n) < np.where(early, SCHEDULE[0].share_treated, SCHEDULE[1].share_treated)
    return centre, is_ips, dates


def make_cohort(rng: np.random.Generator, first: int, n: int, trial: bool) -> Cohort:
    centre, is_ips, randomised = _trial_design(rng) if trial else _population_design(rng, n)
    age = np.clip(np.round(rng.normal(34.7, 10.5, n)), 18, 64).astype(np.int64)
    rand_year = cal.yyyymmdd(randomised) // 10000
    diagnosis = rng.choice(3, size=n, p=[0.33, 0.40, 0.27])
    death = np.full(n, -1, dtype=np.int64)
    if trial:
        dead = rng.choice(n, size=TRIAL_DEATHS, replace=False)
    else:
        dead = np.flatnonzero(rng.random(n) < TRIAL_DEATHS / 410)
    death[dead] = randomised[dead] + rng.integers(30, 240, len(dead))
    return Cohort(
        first=first,
        centre=centre.astype(np.int64),
        is_ips=is_ips,
        randomised=randomised.astype(np.int64),
        rand_month=cal.month_of_day(randomised),
        female=rng.random(n) < 0.49,
        birth_year=rand_year - age,
        born_in_norway=rng.random(n) < 0.86,
        diagnosis=diagnosis,
        death=death,
    )
