"""A cohort study's population (design cohort): persons of working age with
month-by-month statuses, and planted sick-leave episodes with a chapter-P
diagnosis whose durations and outcomes come from the hazard model (hazards.py).

Everyone's statuses are two-state chains at population levels (work about 0.7,
AAP and disability a few per cent) and their sick leave has diagnoses outside
chapter P, so the study's cohort is exactly the planted episodes. A planted
episode starts on a day of the index window for a person in work then; the
twelve months before are in work, with AAP in six of them only for those the
model marks, and with specialist mental-health contacts only for those it marks.
The episode lasts its drawn number of days and ends in its cause's status in the
month after: in work and not sick-listed (return to work), on AAP, or on
disability benefit, unless the register window ends first (censored).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rtwpanel.errors import RtwError
from rtwpanel.synthetic import calendar as cal
from rtwpanel.synthetic.cohort import Cohort
from rtwpanel.synthetic.hazards import CAUSES, EMPLOYER_DAYS, GROUP_CODES, GROUPS, HazardModel
from rtwpanel.synthetic.sick_leave import Spells
from rtwpanel.synthetic.status_paths import Paths, chain

T = cal.N_MONTHS
# diagnoses of sick leave outside chapter P (musculoskeletal, general, respiratory)
OTHER_CODES = ("L03", "L84", "L86", "A04", "R05", "R74")
OTHER_P = np.array([0.25, 0.25, 0.15, 0.15, 0.1, 0.1])
P_CODES = tuple(code for group in GROUPS for code in GROUP_CODES[group])
CODES = OTHER_CODES + P_CODES
CODES_P = np.concatenate([OTHER_P, np.zeros(len(P_CODES))])
# the education level of a NUS2000 first digit (seed ref_nus_levels)
LEVEL_OF_DIGIT = {
    0: "grunnskole",
    1: "grunnskole",
    2: "grunnskole",
    3: "vgs_grunn",
    4: "vgs_fullfort",
    5: "vgs_fullfort",
    6: "hoyere",
    7: "hoyere",
    8: "hoyere",
}
# predictors the generator writes at random, with no planted effect: their planted
# hazard ratio must be 1
UNPLANTED = ("income_g_year_before", "sick_leave_days_3y", "stillingsprosent")
CENSORED = "censored"
EPISODE_HEADER = "person_id;fom_date;tom_date;diagnosis;cause;outcome;employed_at_start\n"


@dataclass
class Episodes:
    """The planted episodes of a chunk (one per person at most)."""

    row: np.ndarray  # persons of the chunk (index into the kept persons)
    fom: np.ndarray
    tom: np.ndarray  # the last day seen in the registers (the window's end at most)
    code: np.ndarray  # index into CODES
    cause: np.ndarray  # index into CAUSES: the event that ended the episode
    observed: np.ndarray  # False: the registers end before the month after the episode


def make_persons(rng: np.random.Generator, first: int, n: int) -> Cohort:
    """Persons born 1948-1995 (18 to 66 in 2013-2015); nobody is randomised."""
    death = np.full(n, -1, dtype=np.int64)
    dead = np.flatnonzero(rng.random(n) < 0.002)
    death[dead] = rng.integers(cal.MONTH_START[0], cal.WINDOW_END_DAY, len(dead))
    never = np.full(n, -10_000, dtype=np.int64)  # no randomisation: no month near it
    return Cohort(
        first=first,
        centre=np.zeros(n, dtype=np.int64),
        is_ips=np.zeros(n, dtype=bool),
        randomised=np.full(n, -1, dtype=np.int64),
        rand_month=never,
        female=rng.random(n) < 0.5,
        birth_year=rng.integers(1948, 1996, n),
        born_in_norway=rng.random(n) < 0.84,
        diagnosis=np.full(n, 2, dtype=np.int64),  # no clinical interview
        death=death,
    )


def _level(nus: np.ndarray) -> np.ndarray:
    digit = nus // 100_000
    return np.array([LEVEL_OF_DIGIT.get(int(d), "") for d in digit], dtype=object)


def log_hazard(model: HazardModel, x: dict[str, np.ndarray]) -> np.ndarray:
    """The linear predictor of return to work: sum of log HR x term."""
    for column in UNPLANTED:
        if model.hazard_ratios.get(column, 1.0) != 1.0:
            raise RtwError(
                f"study {model.study}: the generator writes {column} with no effect; "
                "its planted hazard ratio must be 1"
            )
    lp = np.zeros(len(next(iter(x.values()))))
    for term, ratio in model.hazard_ratios.items():
        if ratio == 1.0:
            continue
        column, _, level = term.partition("=")
        if level:
            value = (x[column] == level).astype(float)
        else:
            value = x[column] / model.per.get(term, 1.0)
        lp += np.log(ratio) * value
    return lp


def simulate(
    rng: np.random.Generator, persons: Cohort, keep: np.ndarray, nus: np.ndarray, model: HazardModel
) -> tuple[Paths, Episodes, dict[str, np.ndarray]]:
    """Statuses of the kept persons, their planted episodes, and the NPR marks
    (blank: no contact; extra: outpatient contacts) the episodes need."""
    n = len(keep)

    def flat(share: float) -> np.ndarray:
        return np.full((n, T), share)

    disability = chain(rng, flat(0.04), 0.003)
    work = chain(rng, flat(0.72), 0.015, eligible=~disability)
    aap = chain(rng, flat(0.05), 0.04, eligible=~disability)
    sick = chain(rng, flat(0.02), 0.5, eligible=~disability)
    short_absence = (rng.random((n, T)) < 0.01) & ~sick
    unemployment = chain(rng, flat(0.02), 0.2, eligible=~(aap | disability | work))
    paths = Paths(
        disability=disability,
        aap=aap,
        work=work,
        sick=sick,
        short_absence=short_absence,
        unemployment=unemployment,
        social_assistance=chain(rng, flat(0.03), 0.2),
        programme=chain(rng, flat(0.02), 0.15),
        course=chain(rng, flat(0.02), 0.2),
        education_oct=rng.random((n, len(cal.YEARS))) < 0.05,
    )

    # the planted episodes: who, when, with what
    first_day, last_day = (cal.day(d) for d in model.index_window)
    fom_all = rng.integers(first_day, last_day + 1, n)
    age = cal.yyyymmdd(fom_all) // 10000 - persons.birth_year[keep]
    chosen = (rng.random(n) < model.episode_share) & (age >= 18) & (age <= 66)
    row = np.flatnonzero(chosen)
    m = len(row)
    fom = fom_all[row]
    group = rng.choice(len(GROUPS), size=m, p=[model.group_shares[g] for g in GROUPS])
    within = rng.random(m)
    code = np.empty(m, dtype=np.int64)
    for g, name in enumerate(GROUPS):
        options = GROUP_CODES[name]
        pick = np.minimum((within * len(options)).astype(np.int64), len(options) - 1)
        code[group == g] = np.array([CODES.index(c) for c in options])[pick[group == g]]
    npr_flag = rng.random(m) < model.npr_share
    aap_flag = rng.random(m) < model.aap_share
    x = {
        "age": age[row].astype(float),
        "female": persons.female[keep][row].astype(float),
        "born_in_norway": persons.born_in_norway[keep][row].astype(float),
        "education_level": _level(nus[row]),
        "diagnosis_group": np.array(GROUPS, dtype=object)[group],
        "npr_contacts_1y": npr_flag.astype(float),
        "aap_year_before": aap_flag.astype(float),
    }
    lp = log_hazard(model, x)

    # days after the employer period to each cause (Weibull, inverse transform)
    waits = np.empty((len(CAUSES), m))
    for c, cause in enumerate(CAUSES):
        linear = lp if cause == "return_to_work" else 0.0
        e = rng.exponential(1.0, m)
        waits[c] = model.scale_days[cause] * (e / np.exp(linear)) ** (1.0 / model.shape[cause])
    cause = waits.argmin(axis=0)
    days = EMPLOYER_DAYS + waits.min(axis=0)
    exhausted = days > model.max_days
    cause = np.where(exhausted, CAUSES.index("aap"), cause)
    duration = np.where(exhausted, model.max_days, np.ceil(days)).astype(np.int64)
    tom = np.minimum(fom + duration - 1, cal.WINDOW_END_DAY)
    t0, t1 = cal.month_of_day(fom), cal.month_of_day(tom)
    observed = (fom + duration - 1 <= cal.WINDOW_END_DAY) & (t1 + 1 < T)

    # the statuses around each episode
    month = np.arange(T)[None, :]
    lo, hi = t0[:, None], t1[:, None]
    before = (month >= lo - 12) & (month < lo)
    during = (month >= lo) & (month <= hi)
    quiet = (month >= lo - 13) & (month <= hi)
    after = month > hi
    for name, mask, value in (
        ("work", before | during, True),
        ("disability", quiet, False),
        ("aap", quiet, False),
        ("unemployment", before | during, False),
        ("sick", (month >= lo - 2) & (month <= hi + 1), False),
        ("short_absence", (month >= lo - 1) & (month <= hi + 1), False),
    ):
        state = getattr(paths, name)
        state[row] = np.where(mask, value, state[row])
    paths.aap[row] |= aap_flag[:, None] & (month >= lo - 12) & (month <= lo - 7)
    ends = {
        "return_to_work": [
            ("work", after & (month <= hi + 6), True),
            ("aap", after & (month <= hi + 3), False),
            ("disability", after & (month <= hi + 3), False),
        ],
        "aap": [
            ("aap", after & (month <= hi + 18), True),
            ("work", after & (month <= hi + 18), False),
            ("disability", after & (month <= hi + 18), False),
        ],
        "disability": [
            ("disability", after, True),
            ("work", after, False),
            ("aap", after, False),
            ("unemployment", after, False),
            ("sick", after, False),
            ("short_absence", after, False),
        ],
    }
    for c, name in enumerate(CAUSES):
        rows = cause == c
        for status, mask, value in ends[name]:
            state = getattr(paths, status)
            state[row[rows]] = np.where(mask[rows], value, state[row[rows]])
    paths.unemployment &= ~(paths.aap | paths.disability | paths.work)

    # specialist contacts: none in the year before an index date but those marked
    months = np.arange(T)
    blank = np.zeros((n, T), dtype=bool)
    blank[row] = (months[None, :] >= lo - 13) & (months[None, :] <= lo)
    extra = np.zeros((n, T), dtype=np.int64)
    marked = np.flatnonzero(npr_flag)
    contacts = rng.integers(1, 4, len(marked))
    for k in range(3):
        has = contacts > k
        when = t0[marked[has]] - rng.integers(1, 12, has.sum())
        np.add.at(extra, (row[marked[has]], when), 1)
    episodes = Episodes(
        row=row,
        fom=fom,
        tom=tom,
        code=code,
        cause=cause,
        observed=observed,
    )
    return paths, episodes, {"blank": blank, "extra": extra}


def spells(rng: np.random.Generator, episodes: Episodes) -> Spells:
    """The register spells of the planted episodes: graded (below 100) in two of five."""
    m = len(episodes.row)
    grad = np.where(rng.random(m) < 0.6, 100, rng.choice([40, 50, 60, 80], size=m))
    return Spells(episodes.row, episodes.fom, episodes.tom, grad, episodes.code)


def episode_lines(
    episodes: Episodes, person_ids: list[str], employed_at_start: np.ndarray
) -> bytes:
    """truth/episodes.csv rows: each planted episode, its cause and what the
    registers show (the cause, or censored where the window ends first)."""
    fom = cal.yyyymmdd(episodes.fom)
    tom = cal.yyyymmdd(episodes.tom)
    out = []
    for i in range(len(episodes.row)):
        cause = CAUSES[episodes.cause[i]]
        outcome = cause if episodes.observed[i] else CENSORED
        out.append(
            f"{person_ids[i]};{fom[i]};{tom[i]};{CODES[episodes.code[i]]};{cause};{outcome};"
            f"{int(employed_at_start[i])}\n"
        )
    return "".join(out).encode()
