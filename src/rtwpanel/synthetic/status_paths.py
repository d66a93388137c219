"""Monthly status paths: one Markov chain per status, steered by target curves.

Each status is a two-state chain whose monthly entry probability is chosen so
that the expected share in the status follows its target curve (by month
relative to randomisation), given an exit hazard that sets the spell lengths.
Statuses depend on each other where the registers do: AAP only without
disability, work less likely on AAP, sick leave in work or without a job (sick pay goes on
after a job ends) but not on disability, unemployment benefit only without AAP
or disability.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rtwpanel.synthetic import calendar as cal
from rtwpanel.synthetic.cohort import CENTRE_NAMES, Cohort
from rtwpanel.synthetic.params import Curve, Effects, Params

T = cal.N_MONTHS
CENTRE_STREAM = 1_000  # random stream of the centre shifts, apart from every chunk's


@dataclass
class Paths:
    """Boolean person x month matrices (education_oct: person x year 2010-2015)."""

    disability: np.ndarray
    aap: np.ndarray
    work: np.ndarray
    sick: np.ndarray
    short_absence: np.ndarray
    unemployment: np.ndarray
    social_assistance: np.ndarray
    programme: np.ndarray
    course: np.ndarray
    education_oct: np.ndarray


def _curve(curve: Curve, rel: np.ndarray) -> np.ndarray:
    return np.interp(rel, curve.rel, curve.share)


def chain(
    rng: np.random.Generator,
    target: np.ndarray,
    exit_hazard: float,
    eligible: np.ndarray | None = None,
) -> np.ndarray:
    """A two-state chain per row whose expected share follows ``target`` (n x T)."""
    n, months = target.shape
    target = np.clip(target, 0.0, 0.98)
    u = rng.random((n, months))
    state = np.zeros((n, months), dtype=bool)
    state[:, 0] = u[:, 0] < target[:, 0]
    if eligible is not None:
        state[:, 0] &= eligible[:, 0]
    for t in range(months - 1):
        p, q = target[:, t], target[:, t + 1]
        # exit faster than the hazard when the share must fall faster
        exit_p = np.maximum(exit_hazard, 1.0 - q / np.maximum(p, 1e-9))
        enter_p = np.clip((q - p * (1.0 - exit_p)) / np.maximum(1.0 - p, 1e-9), 0.0, 1.0)
        was = state[:, t]
        state[:, t + 1] = np.where(was, u[:, t + 1] >= exit_p, u[:, t + 1] < enter_p)
        if eligible is not None:
            state[:, t + 1] &= eligible[:, t + 1]
    return state


def _near(state: np.ndarray) -> np.ndarray:
    """The months in a state and the months next to one."""
    near = state.copy()
    near[:, 1:] |= state[:, :-1]
    near[:, :-1] |= state[:, 1:]
    return near


def work_ramp(rel: np.ndarray, effects: Effects) -> np.ndarray:
    """Share of the full work effect reached by rel month (0 before randomisation)."""
    if effects.work_ramp_months <= 0:  # full strength from the first month after
        return (rel > 0).astype(float)
    return np.clip(rel / effects.work_ramp_months, 0.0, 1.0)


def programme_shape(rel: np.ndarray) -> np.ndarray:
    """Share of the full programme effect: half in month 1, full to 12, half from 18."""
    return np.interp(rel, (0, 1, 2, 12, 18), (0.0, 0.5, 1.0, 1.0, 0.5))


def centre_shifts(params: Params) -> np.ndarray:
    """Shift of the work probability by centre (row c - 1) and calendar month, drawn from
    the seed alone, so that every chunk of a delivery sees the same centres."""
    rng = np.random.default_rng([params.seed, CENTRE_STREAM])
    n = len(CENTRE_NAMES)
    level = rng.normal(0.0, params.centres.work_sd, (n, 1))
    return level + rng.normal(0.0, params.centres.work_month_sd, (n, T))


def simulate(rng: np.random.Generator, cohort: Cohort, params: Params) -> Paths:
    dyn, eff = params.dynamics, params.effects
    rel = np.arange(T)[None, :] - cohort.rand_month[:, None]
    ips = cohort.is_ips[:, None]

    p_dis = _curve(dyn.disability, rel) + ips * eff.disability * (rel > 0)
    disability = chain(rng, p_dis, dyn.disability_exit)

    p_aap = _curve(dyn.aap, rel) + ips * eff.aap * (rel > 0)
    aap = chain(rng, p_aap / (1.0 - p_dis), dyn.aap_exit, eligible=~disability)

    # work given AAP status: P(work | AAP) = ratio * P(work | no AAP); the IPS effect
    # is split so that aap_and_work of it falls on persons on AAP
    ratio = dyn.work_ratio_on_aap
    p_work = _curve(dyn.work, rel)
    work_no_aap = p_work / (1.0 - p_aap * (1.0 - ratio))
    ramp = work_ramp(rel, eff) * ips
    effect_on_aap = eff.aap_and_work * ramp / np.maximum(p_aap, 0.05)
    effect_no_aap = (eff.work_at_18_months - eff.aap_and_work) * ramp / np.maximum(1 - p_aap, 0.05)
    target_work = np.where(aap, ratio * work_no_aap + effect_on_aap, work_no_aap + effect_no_aap)
    target_work = target_work + centre_shifts(params)[cohort.centre - 1]
    work = chain(rng, target_work, dyn.work_exit)

    eligible_sick = work.copy()
    eligible_sick[:, 0] = False  # spells start inside the window
    sick = chain(rng, _curve(dyn.sick_given_work, rel), dyn.sick_exit, eligible=eligible_sick)
    # certificate-only absences: a month in work away from any register spell
    short_absence = work & ~_near(sick) & (rng.random(work.shape) < dyn.short_absence)

    p_ue = _curve(dyn.unemployment, rel)
    unemployment = chain(
        rng,
        p_ue / np.maximum(1.0 - p_aap - p_dis, 0.1),
        dyn.unemployment_exit,
        eligible=~aap & ~disability,
    )

    p_sa = _curve(dyn.social_assistance, rel) + ips * eff.social_assistance * (rel > 0)
    social_assistance = chain(rng, p_sa, dyn.social_assistance_exit)

    p_prog = _curve(dyn.programme, rel) + ips * eff.programme * programme_shape(rel)
    programme = chain(rng, np.maximum(p_prog, 0.01), dyn.programme_exit)

    course = chain(rng, _curve(dyn.course, rel), dyn.course_exit)

    october = np.array([cal.month_index(int(y), 10) for y in cal.YEARS])
    p_edu = _curve(dyn.education_oct, rel[:, october])
    education_oct = chain(rng, p_edu, 1.0 - dyn.education_oct_stay)

    # sick-listed without a registered job (sick pay goes on after a job ends); drawn
    # last, so that no other path depends on it
    no_job = ~work & ~disability
    no_job[:, 0] = False
    sick_no_job = chain(rng, _curve(dyn.sick_given_no_work, rel), dyn.sick_exit, eligible=no_job)
    short_absence &= ~_near(sick_no_job)
    sick = sick | sick_no_job

    return Paths(
        disability=disability,
        aap=aap,
        work=work,
        sick=sick,
        short_absence=short_absence,
        unemployment=unemployment,
        social_assistance=social_assistance,
        programme=programme,
        course=course,
        education_oct=education_oct,
    )
