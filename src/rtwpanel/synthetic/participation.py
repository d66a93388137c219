"""A trial whose outcome is work participation: cohort and monthly paths from a study's
calibration (the `synthetic:` section of its study file, ``calibration``).

Work participation (wholly or partly in work) is employment in a month that is not
sick leave at grade 100 on every day. Each person's path of it is a two-state
Markov chain in two halves that meet in the month of randomisation (rel 0), where
the person's status at inclusion fixes the state: in work or partly sick-listed
(participating), fully sick-listed, on a benefit, or none of these (not).

- Before: the chain runs backwards from rel 0, steered so that its expected share
  at each month before follows the status's ``history`` curve, with the monthly
  hazard ``history_exit``. The months out of work of the 24 before randomisation,
  and so the subgroup (``subgroup``, a rule on months_out_of_work), come out of
  these paths.
- After: the chain runs forwards from rel 0 towards a level at 12 and 18 months
  (linear from the state at rel 0 to the 12-month level, then to the 18-month
  level, flat after): the control arm's level of the person's subgroup (the other
  persons' level follows from ``control.all`` and the subgroup's share of the
  delivery), plus the status's ``level_offsets`` (centred within the subgroup),
  plus, in the treated arm, the planted effect of the subgroup (``effect``, the
  other persons' again from ``effect.all``). The expected share of every person's
  chain follows its curve, so the planted effect is the difference of expected
  shares; the realised one comes out of the paths.

Each spell out of work gets a cause, by its length (``out_of_work_causes``): full
sick leave from the job (the job goes on; at most 12 months, then AAP), AAP,
unemployment benefit, disability benefit or none; the spell holding rel 0 has the
cause of the status at inclusion. Graded sick leave falls in months in work (the
partly sick-listed at inclusion around rel 0, and ``partly_sick_share`` of other
months), never next to full sick leave, so that spells do not chain by accident.
Programmes, social assistance and education are statuses the trial published
nothing on: low shares, higher out of work (constants below).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rtwpanel.synthetic import calendar as cal
from rtwpanel.synthetic.calibration import (
    BENEFITS,
    CAUSES,
    EDUCATION,
    GROUPS,
    MONTHS_BEFORE,
    Calibration,
)
from rtwpanel.synthetic.cohort import Cohort
from rtwpanel.synthetic.status_paths import Paths, _near, chain
from rtwpanel.synthetic.table import expand, runs

T = cal.N_MONTHS
IN_WORK, PARTLY, FULL, ON_BENEFIT, NONE = range(len(GROUPS))
SICK, AAP, UNEMPLOYMENT, DISABILITY, NO_CAUSE = range(len(CAUSES))
MAX_SICK_MONTHS = 12  # sick pay for at most a year; AAP after
# statuses not calibrated: (share in months in work, share out of work, exit hazard)
PROGRAMME = (0.02, 0.12, 0.15)
SOCIAL_ASSISTANCE = (0.02, 0.07, 0.12)
COURSE = (0.03, 0.2)  # share, exit hazard
EDUCATION_OCT = (0.05, 0.6)  # share, stay from one October to the next
SHORT_ABSENCE = 0.01  # certificate-only absence in a month in work
PARTLY_AROUND = (0.4, 0.3)  # geometric months of graded leave before / after rel 0
# highest completed education -> NUS2000 code (level digit first)
NUS_BY_EDUCATION = {
    "compulsory": (211299,),
    "upper_secondary_basic": (311101,),
    "upper_secondary": (411104,),
    "higher": (631101, 655301),
}


@dataclass
class StudyCohort(Cohort):
    """The cohort of a study (``is_ips``: in the study's treated arm; ``centre``: 1-based
    index into its cluster codes; ``diagnosis``: index into its diagnosis groups)."""

    group: np.ndarray  # index into GROUPS: status at inclusion
    benefit: np.ndarray  # index into BENEFITS (used where group is ON_BENEFIT)
    nus: np.ndarray  # highest completed education (NUS2000 as integer)


@dataclass
class StudyPaths:
    paths: Paths  # sick: graded sick leave (grade below 100)
    full: np.ndarray  # months fully sick-listed (grade 100, every day), the job going on
    participation: np.ndarray  # the chain: work participation
    months_out: np.ndarray  # months out of work of the 24 before rel 0 (-1: not observed)
    in_subgroup: np.ndarray


def _sizes(n: int, weights: tuple[float, ...]) -> np.ndarray:
    """Whole numbers proportional to weights adding up to n (largest remainders)."""
    w = np.asarray(weights, dtype=float)
    exact = n * w / w.sum()
    sizes = np.floor(exact).astype(np.int64)
    rest = np.argsort(-(exact - sizes), kind="stable")[: n - sizes.sum()]
    sizes[rest] += 1
    return sizes


def make_cohort(
    rng: np.random.Generator, first: int, n: int, trial: bool, calibration: Calibration
) -> StudyCohort:
    """Trial mode: centre sizes and the allocation ratio of each phase exact; population
    mode: drawn person by person."""
    c = calibration
    k = len(c.cluster_codes)
    lo, hi = cal.day(c.inclusion[0]), cal.day(c.inclusion[1])
    randomised = rng.integers(lo, hi + 1, n)
    starts = np.array([cal.day(start) for start, _, _ in c.allocation])
    share = np.array([t / (t + u) for _, t, u in c.allocation])
    phase = np.maximum(np.searchsorted(starts, randomised, side="right") - 1, 0)
    if trial:
        centre = rng.permutation(np.repeat(np.arange(1, k + 1), _sizes(n, c.centre_weights)))
        treated = np.zeros(n, dtype=bool)
        for j in range(len(starts)):
            members = np.flatnonzero(phase == j)
            chosen = rng.permutation(len(members)) < round(len(members) * share[j])
            treated[members] = chosen
    else:
        w = np.asarray(c.centre_weights, dtype=float)
        centre = rng.choice(np.arange(1, k + 1), size=n, p=w / w.sum())
        treated = rng.random(n) < share[phase]
    age = np.clip(np.round(rng.normal(c.age_mean, c.age_sd, n)), 18, 64).astype(np.int64)
    death = np.full(n, -1, dtype=np.int64)
    if trial:
        dead = rng.choice(n, size=min(c.deaths, n), replace=False)
    else:
        dead = np.flatnonzero(rng.random(n) < c.deaths / c.persons)
    death[dead] = randomised[dead] + rng.integers(30, 240, len(dead))
    education = rng.choice(len(EDUCATION), size=n, p=c.education)
    nus = np.array([codes[0] for codes in NUS_BY_EDUCATION.values()])[education]
    second = (education == EDUCATION.index("higher")) & (rng.random(n) < 0.3)
    nus = np.where(second, NUS_BY_EDUCATION["higher"][1], nus)
    return StudyCohort(
        first=first,
        centre=centre.astype(np.int64),
        is_ips=treated,
        randomised=randomised.astype(np.int64),
        rand_month=cal.month_of_day(randomised),
        female=rng.random(n) < c.female,
        birth_year=cal.yyyymmdd(randomised) // 10000 - age,
        born_in_norway=rng.random(n) < c.born_in_norway,
        diagnosis=rng.choice(len(c.diagnosis_codes), size=n, p=c.diagnosis_shares),
        death=death,
        group=rng.choice(len(GROUPS), size=n, p=c.group_shares()),
        benefit=rng.choice(len(BENEFITS), size=n, p=c.benefits),
        nus=nus.astype(np.int64),
    )


def chain_from(
    rng: np.random.Generator, start: np.ndarray, target: np.ndarray, exit_hazard: float
) -> np.ndarray:
    """A two-state chain per row from state ``start`` (column 0) whose expected share
    follows ``target`` in the later columns (as ``status_paths.chain``)."""
    n, months = target.shape
    target = np.clip(target, 0.0, 0.98)
    target[:, 0] = start
    u = rng.random((n, months))
    state = np.zeros((n, months), dtype=bool)
    state[:, 0] = start
    for t in range(months - 1):
        p, q = target[:, t], target[:, t + 1]
        exit_p = np.maximum(exit_hazard, 1.0 - q / np.maximum(p, 1e-9))
        enter_p = np.clip((q - p * (1.0 - exit_p)) / np.maximum(1.0 - p, 1e-9), 0.0, 1.0)
        state[:, t + 1] = np.where(state[:, t], u[:, t + 1] >= exit_p, u[:, t + 1] < enter_p)
    return state


def _calendar(back: np.ndarray, forward: np.ndarray, rand_month: np.ndarray) -> np.ndarray:
    """Calendar months from the two halves: back[:, k] is k months before rel 0."""
    rel = np.arange(T)[None, :] - rand_month[:, None]
    rows = np.arange(len(rand_month))[:, None]
    return np.where(rel >= 0, forward[rows, np.maximum(rel, 0)], back[rows, np.maximum(-rel, 0)])


def months_out_of_work(participation: np.ndarray, rand_month: np.ndarray) -> np.ndarray:
    """Months with work participation 0 of the 24 calendar months before the month of
    randomisation; -1 where one of them is before the window."""
    rel = np.arange(T)[None, :] - rand_month[:, None]
    before = (rel >= -MONTHS_BEFORE) & (rel < 0)
    out = (before & ~participation.astype(bool)).sum(axis=1)
    return np.where(rand_month >= MONTHS_BEFORE, out, -1)


def _levels(c: Calibration, cohort: StudyCohort, inside: np.ndarray, h: int) -> np.ndarray:
    """Each person's expected work participation h months after randomisation."""
    share = inside.mean() if len(inside) else 0.0
    levels = np.zeros(len(inside))
    for key, members in ((c.subgroup, inside), ("rest", ~inside)):
        if key == "rest":
            if share >= 1.0:
                continue
            control = (c.control["all"][h] - share * c.control[c.subgroup][h]) / (1.0 - share)
            effect = (c.effect["all"][h] - share * c.effect[c.subgroup][h]) / (1.0 - share)
        else:
            control, effect = c.control[c.subgroup][h], c.effect[c.subgroup][h]
        offset = np.array([c.level_offsets[g] for g in GROUPS])[cohort.group[members]]
        if len(offset):
            offset = offset - offset.mean()
        levels[members] = control + offset + cohort.is_ips[members] * effect
    return np.clip(levels, 0.01, 0.97)


def simulate(rng: np.random.Generator, cohort: StudyCohort, c: Calibration) -> StudyPaths:
    n = cohort.size
    start = np.isin(cohort.group, (IN_WORK, PARTLY))
    k = np.arange(T)[None, :].repeat(n, axis=0)

    # before rel 0, backwards
    back_target = np.empty((n, T))
    for g, name in enumerate(GROUPS):
        rows = cohort.group == g
        back_target[rows] = np.interp(-k[rows], c.history_months, c.history[name])
    back = chain_from(rng, start, back_target, c.history_exit)
    months_out = months_out_of_work(_calendar(back, back, cohort.rand_month), cohort.rand_month)
    inside = (months_out >= 0) & c.in_subgroup(months_out)

    # after rel 0, forwards
    level12 = _levels(c, cohort, inside, 12)[:, None]
    level18 = _levels(c, cohort, inside, 18)[:, None]
    s = start[:, None].astype(float)
    forward_target = np.where(
        k <= 12,
        s + (level12 - s) * k / 12.0,
        np.where(k <= 18, level12 + (level18 - level12) * (k - 12) / 6.0, level18),
    )
    forward = chain_from(rng, start, forward_target, c.follow_up_exit)
    participation = _calendar(back, forward, cohort.rand_month)

    # the cause of each spell out of work
    row, first, last = runs(~participation)
    length = last - first + 1
    m0 = cohort.rand_month[row]
    holds_rel0 = (first <= m0) & (m0 <= last)
    cause = np.where(
        length <= MAX_SICK_MONTHS,
        _draw(rng, c.causes_short, len(row)),
        _draw(rng, c.causes_long, len(row)),
    )
    group = cohort.group[row]
    at_rel0 = np.select(
        [group == FULL, group == ON_BENEFIT],
        [SICK, np.array([AAP, UNEMPLOYMENT, DISABILITY])[cohort.benefit[row]]],
        NO_CAUSE,
    )
    cause = np.where(holds_rel0, at_rel0, cause)
    # full sick leave for at most 12 months (those sick at rel 0: 12 months holding it)
    sick_first = np.where(holds_rel0, np.maximum(first, m0 - MAX_SICK_MONTHS + 1), first)
    sick_last = np.minimum(last, sick_first + MAX_SICK_MONTHS - 1)
    item, pos = expand(length)
    month = first[item] + pos
    month_cause = cause[item]
    beyond = (month_cause == SICK) & ((month < sick_first[item]) | (month > sick_last[item]))
    month_cause = np.where(beyond, AAP, month_cause)
    status = np.full((n, T), -1, dtype=np.int8)
    status[row[item], month] = month_cause
    full = status == SICK
    aap = status == AAP

    # graded sick leave in months in work, apart from full sick leave
    allowed = participation & ~_near(full)
    rel = np.arange(T)[None, :] - cohort.rand_month[:, None]
    before = rng.geometric(PARTLY_AROUND[0], n)[:, None] - 1
    after = rng.geometric(PARTLY_AROUND[1], n)[:, None] - 1
    around = (cohort.group == PARTLY)[:, None] & (rel >= -before) & (rel <= after)
    other = chain(rng, np.full((n, T), c.partly_sick_share), 0.3, eligible=allowed)
    partly = (around | other) & allowed
    short_absence = participation & ~_near(full | partly) & (rng.random((n, T)) < SHORT_ABSENCE)

    out = (~participation).astype(float)
    programme = chain(rng, PROGRAMME[0] + (PROGRAMME[1] - PROGRAMME[0]) * out, PROGRAMME[2])
    social = chain(
        rng,
        SOCIAL_ASSISTANCE[0] + (SOCIAL_ASSISTANCE[1] - SOCIAL_ASSISTANCE[0]) * out,
        SOCIAL_ASSISTANCE[2],
    )
    course = chain(rng, np.full((n, T), COURSE[0]), COURSE[1])
    education_oct = chain(rng, np.full((n, len(cal.YEARS)), EDUCATION_OCT[0]), 1 - EDUCATION_OCT[1])
    paths = Paths(
        disability=status == DISABILITY,
        aap=aap,
        work=participation | full,
        sick=partly,
        short_absence=short_absence,
        unemployment=status == UNEMPLOYMENT,
        social_assistance=social,
        programme=programme,
        course=course,
        education_oct=education_oct,
    )
    return StudyPaths(paths, full, participation, months_out, inside)


def _draw(rng: np.random.Generator, shares: tuple[float, ...], n: int) -> np.ndarray:
    return rng.choice(len(shares), size=n, p=np.asarray(shares) / np.sum(shares))
