"""A roll-out study's population (design rollout): persons living in the study's
regions, some moving between them, a target population planted in the registers,
and a planted effect on being in work once the programme has started where a
target person lives.

Everyone has residence (bosted.csv) covering the whole window: a first spell from
before 2010 and, for movers, a new spell from the day of each move (the old one
ends the day before). A person's region in a month is the region of the spell
covering its last day. Persons die at a small rate (their last spell ends on the
day of death); the dead have residence and a line in participants.csv, nothing
else, and are not in the panel.

The target population is planted, not found: ``target_share`` of persons get a
specialist mental-health contact (npr.csv) and/or a sick-leave spell with a
chapter-P diagnosis inside the study's baseline window. Everyone else has no NPR
contact in the baseline and only diagnoses outside chapter P on any sick leave,
so the study's target rule finds exactly the planted persons (in the months they
are of age).

Being in work comes from a latent propensity per person: a stationary Gaussian
AR(1) over months (``persistence``) turned into a uniform u. In work but for the
programme (employed_cf) is u < p, with p = base (the target population's, or the
others') + the region's level (drawn from the seed, one per region) + a common
trend: the same for every region, so parallel trends hold by construction. A
target person of age living in a region whose start g is at or before month t is
in work when u < p + effect(t - g), effect(e) = min(at_start + per_month e, max).
Everything else (AAP, disability, sick leave, ...) runs at simple population
levels, higher in the target population.

The truth is the effect as realised: per region and month, the target persons
observed there and how many of them are in work with and without the programme;
``planted_truth`` turns these into ATT(g,t) and their aggregations weighted as
``rtwpanel.analysis.rollout`` weights its estimates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import ndtr

from rtwpanel.errors import RtwError
from rtwpanel.study import Study
from rtwpanel.synthetic import benefits, employment, fmt, registers, sick_leave
from rtwpanel.synthetic import calendar as cal
from rtwpanel.synthetic.cohort import Cohort
from rtwpanel.synthetic.episode_cohort import CODES, CODES_P, OTHER_CODES, P_CODES
from rtwpanel.synthetic.params import Params
from rtwpanel.synthetic.sick_leave import Spells
from rtwpanel.synthetic.status_paths import chain
from rtwpanel.synthetic.table import Table, rank_within

T = cal.N_MONTHS
NEVER = 10**6  # start month of a region that never starts
REGION_STREAM = 2_000  # random stream of the region levels, apart from every chunk's
BOSTED_COLUMNS = ("person_id", "region", "fom_date", "tom_date")
BOSTED_COVERAGE = ("bosted", 201001, 201604)
TRUTH_FILES = ("rollout.json", "region_month.csv", "target.csv")
TARGET_HEADER = "person_id;npr_contact;sick_leave\n"
REGION_MONTH_HEADER = (
    "region;month;start_month;n_target;n_employed;n_employed_cf;employed_share;realised_effect\n"
)
DEATH_SHARE = 0.01  # die inside the window (not in the panel)
EARLIEST_RESIDENCE = cal.day("1990-01-01")
# the planted chapter-P diagnoses and their shares (codes as episode_cohort writes them)
P_SHARES = {"P76": 0.35, "P74": 0.25, "P78": 0.15, "P02": 0.1, "P03": 0.05, "P29": 0.04,
            "P72": 0.03, "P73": 0.03}  # fmt: skip
LATER_P_SHARE = 0.2  # target persons with a chapter-P spell after the baseline as well
NPR_SCALE = (0.25, 0.03)  # specialist contact rates: the target population, the others
# monthly status levels (target population, others) and exit hazards
LEVELS = {
    "disability": (0.08, 0.03, 0.003),
    "aap": (0.12, 0.02, 0.04),
    "sick": (0.05, 0.02, 0.5),
    "unemployment": (0.04, 0.02, 0.2),
    "social_assistance": (0.08, 0.02, 0.2),
    "programme": (0.05, 0.01, 0.15),
    "course": (0.02, 0.02, 0.2),
}
SECTION_KEYS = {
    "persons", "birth_years", "target_share", "planted", "move_rate_per_year",
    "region_shares", "employment", "effect",
}  # fmt: skip
EMPLOYMENT_KEYS = {"base", "base_others", "region_sd", "trend_per_year", "persistence"}
EFFECT_KEYS = {"at_start", "per_month", "max"}
PLANTED_KEYS = {"npr_contact", "sick_leave"}


@dataclass(frozen=True)
class RolloutModel:
    """A roll-out study's ``synthetic:`` section, read and checked, with what the
    generator needs of the study's design."""

    study: str
    persons: int
    regions: tuple[str, ...]  # codes, in the study's order
    start: tuple[int, ...]  # month index of each region's start; NEVER: never
    shares: tuple[float, ...]  # of the population, per region (sum 1)
    birth_years: tuple[int, int]
    target_share: float
    npr_share: float  # of the target population planted with a specialist contact
    sick_leave_share: float  # ... with chapter-P sick leave (at least one of the two)
    ages: tuple[int, int]
    baseline: tuple[int, int]  # day numbers, both included
    chapter: str
    move_rate_per_year: float
    base: float  # p of the target population
    base_others: float
    region_sd: float
    trend_per_year: float
    persistence: float
    at_start: float
    per_month: float
    max_effect: float
    panel: tuple[int, int]  # first and last month index of the study's panel
    control_group: str
    event_window: tuple[int, int]
    outcome: str
    seed_day: str  # the first region's start, YYYYMMDD: the default seed

    def effect(self, e: np.ndarray) -> np.ndarray:
        """The planted rise of the threshold e months after the region's start."""
        return np.where(e >= 0, np.minimum(self.at_start + self.per_month * e, self.max_effect), 0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "persons": self.persons,
            "birth_years": list(self.birth_years),
            "target_share": self.target_share,
            "planted": {"npr_contact": self.npr_share, "sick_leave": self.sick_leave_share},
            "move_rate_per_year": self.move_rate_per_year,
            "region_shares": dict(zip(self.regions, self.shares, strict=True)),
            "employment": {
                "base": self.base,
                "base_others": self.base_others,
                "region_sd": self.region_sd,
                "trend_per_year": self.trend_per_year,
                "persistence": self.persistence,
            },
            "effect": {
                "at_start": self.at_start,
                "per_month": self.per_month,
                "max": self.max_effect,
            },
        }


def load_rollout_model(study: Study) -> RolloutModel:
    """The roll-out study's synthetic section; RtwError naming the file and key."""
    import yaml

    design = study.rollout
    if design is None:
        raise RtwError(f"{study.path}: design {study.design} has no roll-out to generate")
    section = (yaml.safe_load(study.path.read_text(encoding="utf-8")) or {}).get("synthetic")
    where = f"{study.path}: key synthetic"
    if not isinstance(section, dict):
        raise RtwError(f"{where}: is missing (the generator needs the population and effect)")

    def mapping(node: Any, key: str, keys: set[str]) -> dict:
        if not isinstance(node, dict):
            raise RtwError(f"{where}.{key}: must be a mapping of {', '.join(sorted(keys))}")
        for name in node:
            if name not in keys:
                raise RtwError(
                    f"{where}.{key}.{name}: is not read by the generator "
                    f"(keys: {', '.join(sorted(keys))})"
                )
        return node

    def number(node: Any, key: str, low: float = 0.0, high: float | None = None) -> float:
        bad = isinstance(node, bool) or not isinstance(node, int | float)
        if bad or node < low or (high is not None and node > high):
            span = f"from {low:g}" + (f" to {high:g}" if high is not None else "")
            raise RtwError(f"{where}.{key}: must be a number {span}")
        return float(node)

    for name in section:
        if name not in SECTION_KEYS:
            raise RtwError(
                f"{where}.{name}: is not read by the generator "
                f"(keys: {', '.join(sorted(SECTION_KEYS))})"
            )
    persons = section.get("persons")
    if isinstance(persons, bool) or not isinstance(persons, int) or persons < 1:
        raise RtwError(f"{where}.persons: must be a whole number of at least 1")
    years = section.get("birth_years")
    if (
        not isinstance(years, list)
        or len(years) != 2
        or any(isinstance(y, bool) or not isinstance(y, int) for y in years)
        or not 1900 <= years[0] <= years[1] <= 2010
    ):
        raise RtwError(f"{where}.birth_years: must be [first, last] years, first <= last")
    employment_ = mapping(section.get("employment"), "employment", EMPLOYMENT_KEYS)
    effect = mapping(section.get("effect"), "effect", EFFECT_KEYS)
    planted = mapping(section.get("planted"), "planted", PLANTED_KEYS)
    rule = design.target
    npr_share = number(planted.get("npr_contact"), "planted.npr_contact", 0.0, 1.0)
    p_share = number(planted.get("sick_leave"), "planted.sick_leave", 0.0, 1.0)
    if npr_share + p_share < 1.0:
        raise RtwError(
            f"{where}.planted: npr_contact + sick_leave must be at least 1 "
            "(every target person has one of the two)"
        )
    if not rule.npr_contact and p_share < 1.0:
        raise RtwError(f"{where}.planted.sick_leave: must be 1, the target has no npr_contact rule")
    if rule.sick_leave_chapter is None and npr_share < 1.0:
        raise RtwError(f"{where}.planted.npr_contact: must be 1, the target has no sick-leave rule")
    chapter = rule.sick_leave_chapter or "P"
    if chapter != "P" or any(code.startswith(chapter) for code in OTHER_CODES):
        raise RtwError(
            f"{study.path}: key rollout.target.sick_leave_chapter: the generator plants "
            "chapter P diagnoses only"
        )

    codes = [r.code for r in design.regions]
    given = section.get("region_shares")
    if not isinstance(given, dict):
        raise RtwError(f"{where}.region_shares: must map every region's code to its weight")
    for code in given:
        if not isinstance(code, str):
            raise RtwError(f"{where}.region_shares.{code}: write the code as text, e.g. '01'")
        if code not in codes:
            raise RtwError(f"{where}.region_shares.{code}: is not a region of the study")
    for code in codes:
        if code not in given:
            raise RtwError(f"{where}.region_shares.{code}: is missing (every region needs one)")
        if number(given[code], f"region_shares.{code}") <= 0:
            raise RtwError(f"{where}.region_shares.{code}: must be a number above 0")
    weights = np.array([float(given[code]) for code in codes])

    window = (cal.day("2010-01-01"), cal.WINDOW_END_DAY)
    first, last = (cal.day(d.isoformat()) for d in study.inclusion)
    if first < window[0] or last > window[1]:
        raise RtwError(
            f"{study.path}: key inclusion: the generator's register window is "
            "2010-01-01 to 2016-04-30"
        )
    b0, b1 = (cal.day(d.isoformat()) for d in rule.baseline)
    if max(b0, window[0]) + 200 > min(b1, window[1], cal.MONTH_START[registers.LAST_DECEMBER + 1]):
        raise RtwError(
            f"{study.path}: key rollout.target.baseline: the generator needs at least 200 "
            "days of it inside 2010-01-01 to 2015-12-31 (NPR ends in December 2015)"
        )
    starts = tuple(
        NEVER if r.start is None else int(cal.month_index(r.start.year, r.start.month))
        for r in design.regions
    )
    first_start = design.first_start or dt.date(2010, 1, 1)
    return RolloutModel(
        study=study.name,
        persons=persons,
        regions=tuple(codes),
        start=starts,
        shares=tuple(float(w) for w in weights / weights.sum()),
        birth_years=(years[0], years[1]),
        target_share=number(section.get("target_share"), "target_share", 0.0, 1.0),
        npr_share=npr_share,
        sick_leave_share=p_share,
        ages=rule.ages,
        baseline=(b0, b1),
        chapter=chapter,
        move_rate_per_year=number(section.get("move_rate_per_year"), "move_rate_per_year", 0, 0.5),
        base=number(employment_.get("base"), "employment.base", 0.0, 1.0),
        base_others=number(employment_.get("base_others"), "employment.base_others", 0.0, 1.0),
        region_sd=number(employment_.get("region_sd"), "employment.region_sd", 0.0, 0.3),
        trend_per_year=number(
            employment_.get("trend_per_year"), "employment.trend_per_year", -0.1, 0.1
        ),
        persistence=number(employment_.get("persistence"), "employment.persistence", 0.0, 0.999),
        at_start=number(effect.get("at_start"), "effect.at_start", 0.0, 1.0),
        per_month=number(effect.get("per_month"), "effect.per_month", 0.0, 1.0),
        max_effect=number(effect.get("max"), "effect.max", 0.0, 1.0),
        panel=_months_of(first, last),
        control_group=design.control_group,
        event_window=design.event_window,
        outcome=design.primary_outcome,
        seed_day=first_start.strftime("%Y%m%d"),
    )


def region_levels(model: RolloutModel, seed: int) -> np.ndarray:
    """Each region's level of p (probability scale), drawn from the seed alone, so
    that every chunk of a delivery sees the same regions."""
    rng = np.random.default_rng([seed, REGION_STREAM])
    return rng.normal(0.0, model.region_sd, len(model.regions))


@dataclass
class Persons:
    """One chunk of the population: the participants' lines and who is planted."""

    cohort: Cohort
    target: np.ndarray  # bool: in the planted target population
    npr: np.ndarray  # bool: planted a specialist contact in the baseline
    sick_leave: np.ndarray  # bool: planted chapter-P sick leave in the baseline


def make_persons(rng: np.random.Generator, first: int, n: int, model: RolloutModel) -> Persons:
    """Persons born in ``birth_years``; nobody is randomised."""
    death = np.full(n, -1, dtype=np.int64)
    dead = np.flatnonzero(rng.random(n) < DEATH_SHARE)
    death[dead] = rng.integers(cal.MONTH_START[0], cal.WINDOW_END_DAY + 1, len(dead))
    cohort = Cohort(
        first=first,
        centre=np.zeros(n, dtype=np.int64),
        is_ips=np.zeros(n, dtype=bool),
        randomised=np.full(n, -1, dtype=np.int64),
        rand_month=np.full(n, -10_000, dtype=np.int64),  # no month near a randomisation
        female=rng.random(n) < 0.5,
        birth_year=rng.integers(model.birth_years[0], model.birth_years[1] + 1, n),
        born_in_norway=rng.random(n) < 0.84,
        diagnosis=np.full(n, 2, dtype=np.int64),  # no clinical interview
        death=death,
    )
    target = rng.random(n) < model.target_share
    # npr only, chapter-P sick leave only, or both, in the planted shares
    u = rng.random(n)
    npr = target & (u < model.npr_share)
    sick = target & (u >= 1.0 - model.sick_leave_share)
    return Persons(cohort, target, npr, sick)


@dataclass
class Residence:
    region: np.ndarray  # persons x months: index into model.regions
    row: np.ndarray  # spells, by person then first day
    code: np.ndarray
    fom: np.ndarray
    tom: np.ndarray  # -1: still living there


def residence(rng: np.random.Generator, cohort: Cohort, model: RolloutModel) -> Residence:
    """Residence spells of every person of the chunk and the region of each month."""
    n = cohort.size
    shares = np.asarray(model.shares)
    n_regions = len(shares)
    home = rng.choice(n_regions, size=n, p=shares)
    born = (cohort.birth_year - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    earliest = np.maximum(EARLIEST_RESIDENCE, born.astype(np.int64))
    fom0 = earliest + np.floor(rng.random(n) * (cal.MONTH_START[0] - earliest)).astype(np.int64)
    # at most one move a month, on any day of it (the new region holds the month's end)
    monthly = 1.0 - (1.0 - model.move_rate_per_year) ** (1.0 / 12.0)
    rows, t = np.nonzero(rng.random((n, T)) < monthly)
    day = cal.day_in_month(t, 1, 31, rng.random(len(rows)))
    u = rng.random(len(rows))
    alive = (cohort.death[rows] < 0) | (day <= cohort.death[rows])
    rows, t, day, u = rows[alive], t[alive], day[alive], u[alive]
    new = np.empty(len(rows), dtype=np.int64)
    current = home.copy()
    nth = rank_within(rows)
    for k in range(int(nth.max(initial=-1)) + 1):
        # the k-th move of each mover: another region, drawn by the shares
        chosen = np.flatnonzero(nth == k)
        cur = current[rows[chosen]]
        weight = np.tile(shares, (len(chosen), 1))
        weight[np.arange(len(chosen)), cur] = 0.0
        cum = np.cumsum(weight, axis=1)
        pick = np.minimum((cum <= (u[chosen] * cum[:, -1])[:, None]).sum(axis=1), n_regions - 1)
        pick = np.where(pick == cur, (cur + n_regions - 1) % n_regions, pick)  # rounding only
        new[chosen] = pick
        current[rows[chosen]] = pick
    marks = np.full((n, T), -1, dtype=np.int64)
    marks[rows, t] = new
    last = np.maximum.accumulate(np.where(marks >= 0, np.arange(T)[None, :], -1), axis=1)
    moved = np.take_along_axis(marks, np.maximum(last, 0), axis=1)
    region = np.where(last >= 0, moved, home[:, None])

    s_row = np.concatenate([np.arange(n), rows])
    s_code = np.concatenate([home, new])
    s_fom = np.concatenate([fom0, day])
    order = np.lexsort([s_fom, s_row])
    s_row, s_code, s_fom = s_row[order], s_code[order], s_fom[order]
    s_tom = np.empty(len(s_row), dtype=np.int64)
    same = s_row[1:] == s_row[:-1]
    s_tom[:-1] = np.where(same, s_fom[1:] - 1, -1)
    if len(s_row):
        s_tom[-1] = -1
    ends = s_tom < 0
    s_tom[ends] = cohort.death[s_row[ends]]  # the last spell ends on the day of death
    return Residence(region, s_row, s_code, s_fom, s_tom)


def bosted(res: Residence, cohort: Cohort, model: RolloutModel, width: int) -> Table:
    person = cohort.first + res.row
    return Table(
        source="bosted",
        fields={
            "person_id": fmt.person_ids(person, width),
            "region": fmt.labels(res.code, model.regions),
            "fom_date": fmt.dates(res.fom),
            "tom_date": fmt.dates(res.tom),
        },
        person=person,
        date_column="fom_date",
        code_column="region",
        span=("fom_date", "tom_date"),
        span_start=res.fom,
    )


def latent(rng: np.random.Generator, n: int, persistence: float) -> np.ndarray:
    """Uniform propensities, persons x months: a stationary Gaussian AR(1) through
    the normal distribution function."""
    z = rng.standard_normal((n, T))
    scale = np.sqrt(1.0 - persistence**2)
    for t in range(1, T):
        z[:, t] = persistence * z[:, t - 1] + scale * z[:, t]
    return ndtr(z)


def _months_of(first: int, last: int) -> tuple[int, int]:
    return int(cal.month_of_day(np.array([first]))[0]), int(cal.month_of_day(np.array([last]))[0])


def _planted_spells(
    rng: np.random.Generator, rows: np.ndarray, lo: int, hi: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A chapter-P spell for each row, starting on a day of [lo, hi]: (fom, tom, grad,
    diagnosis as an index into CODES)."""
    m = len(rows)
    fom = rng.integers(lo, hi + 1, m)
    tom = fom + rng.integers(16, 120, m)  # 17 days or more: past the employer period
    grad = np.where(rng.random(m) < 0.6, 100, rng.choice([40, 50, 60, 80], size=m))
    shares = np.array([P_SHARES[c] for c in P_CODES])
    pick = rng.choice(len(P_CODES), size=m, p=shares / shares.sum())
    return fom, tom, grad, len(OTHER_CODES) + pick


@dataclass
class Chunk:
    tables: list[Table]  # the register files and residence, defects to be injected
    person: np.ndarray  # persons with register data (the panel's)
    statuses: dict[str, np.ndarray]
    counts: np.ndarray  # 3 x regions x months: target persons observed, employed, employed_cf
    target_lines: bytes  # truth/target.csv rows


def chunk_tables(
    persons: Persons, params: Params, seed_key: tuple[int, ...], width: int, model: RolloutModel
) -> Chunk:
    """The sound tables of one chunk of a roll-out study and its truth."""

    def rng(stream: int) -> np.random.Generator:
        return np.random.default_rng([*seed_key, stream])

    cohort = persons.cohort
    res = residence(rng(12), cohort, model)
    keep = np.flatnonzero(cohort.alive)
    n = len(keep)
    person = cohort.first + keep
    target = persons.target[keep]
    region = res.region[keep]
    months = np.arange(T)
    age = (2010 + months // 12)[None, :] - cohort.birth_year[keep][:, None]
    observed = target[:, None] & (age >= model.ages[0]) & (age <= model.ages[1])

    # in work: the latent propensity below the region's p, raised where the programme is
    levels = region_levels(model, params.seed)
    p = (
        np.where(target, model.base, model.base_others)[:, None]
        + levels[region]
        + model.trend_per_year * months[None, :] / 12.0
    )
    since = months[None, :] - np.asarray(model.start)[region]
    effect = np.where(observed, model.effect(since), 0.0)
    u = latent(rng(13), n, model.persistence)
    employed_cf = u < p
    work = u < p + effect

    paths = _statuses(rng(1), target, work)
    rates = params.defect_rates
    aa, emp = employment.build(rng(2), work, person, width, rates)
    ytelser = benefits.build(
        rng(3), paths["aap"], paths["disability"], paths["unemployment"], person, width
    )

    # chapter-P sick leave: in the baseline for those planted so, and after it for a
    # fifth of the target population; the random spells leave their months free
    spells_rng = rng(11)
    b0, b1 = model.baseline
    lo = max(b0, int(cal.MONTH_START[0])) + 31
    hi = min(b1, int(cal.MONTH_START[registers.LAST_DECEMBER + 1]) - 1) - 150
    baseline_rows = np.flatnonzero(persons.sick_leave[keep])
    later_lo, later_hi = min(b1, cal.WINDOW_END_DAY) + 40, cal.WINDOW_END_DAY - 160
    later_rows = np.flatnonzero(target & (spells_rng.random(n) < LATER_P_SHARE))
    if later_lo > later_hi:
        later_rows = later_rows[:0]
    parts = [
        (baseline_rows, *_planted_spells(spells_rng, baseline_rows, lo, hi)),
        (later_rows, *_planted_spells(spells_rng, later_rows, later_lo, later_hi)),
    ]
    for rows, fom, tom, _, _ in parts:
        first, last = cal.month_of_day(fom)[:, None], cal.month_of_day(tom)[:, None]
        paths["sick"][rows] &= ~((months >= first - 2) & (months <= last + 1))
        paths["short_absence"][rows] &= ~((months >= first - 1) & (months <= last + 1))
    planted = Spells(*(np.concatenate([part[i] for part in parts]) for i in range(5)))
    sykepenger, sykmeldinger, sick, _ = sick_leave.build(
        rng(4),
        paths["sick"],
        paths["short_absence"],
        person,
        width,
        rates["sick_leave_mismatch"],
        codes=CODES,
        codes_p=CODES_P,
        planted=planted,
    )
    nus = registers.nus_codes(rng(5), n)

    # specialist contacts: none in the baseline months outside the target population;
    # one to three outpatient contacts in the baseline for those planted so
    npr_rng = rng(14)
    m0, m1 = _months_of(b0, b1)
    m0, m1 = max(m0, 0), min(m1, registers.LAST_DECEMBER)
    full0 = m0 + int(cal.MONTH_START[m0] < b0)  # months wholly inside the baseline
    full1 = m1 - int(cal.MONTH_START[m1 + 1] - 1 > b1)
    blank = ~target[:, None] & (months >= m0) & (months <= m1)
    extra = np.zeros((n, T), dtype=np.int64)
    marked = np.flatnonzero(persons.npr[keep])
    contacts = npr_rng.integers(1, 4, len(marked))
    for k in range(3):
        has = marked[contacts > k]
        np.add.at(extra, (has, npr_rng.integers(full0, full1 + 1, len(has))), 1)
    scale = np.where(target, *NPR_SCALE)[:, None]
    npr, npr_truth = registers.npr(
        rng(6),
        np.full((n, T), -10_000),
        cohort.birth_year[keep],
        person,
        width,
        scale=scale,
        blank=blank,
        extra_poli=extra,
    )
    tables = [
        aa,
        ytelser,
        sykepenger,
        sykmeldinger,
        registers.sosialhjelp(rng(7), paths["social_assistance"], person, width),
        registers.tiltak(rng(8), paths["programme"], person, width),
        registers.utdanning(paths["education_oct"], nus, person, width),
        registers.utdanning_forlop(rng(9), paths["course"], person, width),
        registers.inntekt(
            rng(10),
            paths["aap"],
            paths["unemployment"],
            emp["max_pct"],
            person,
            width,
            params.dynamics,
        ),
        npr,
    ]
    year_of_month = np.minimum(months // 12, len(cal.YEARS) - 1)
    statuses = {
        "employed": emp["employed"],
        "n_jobs": emp["n_jobs"],
        "max_stillingsprosent": emp["max_pct"],
        "sick_listed": sick,
        "on_aap": paths["aap"],
        "on_disability": paths["disability"],
        "on_unemployment_benefit": paths["unemployment"],
        "on_social_assistance": paths["social_assistance"],
        "in_programme": paths["programme"],
        "in_education_oct": paths["education_oct"][:, year_of_month],
        "in_education_course": paths["course"],
        **npr_truth,
        "employed_cf": employed_cf,
    }

    # the realised effect's parts: per region and month, over the target persons there
    cell = (region * T + months[None, :])[observed]
    size = len(model.regions) * T
    counts = np.stack(
        [
            np.bincount(cell, minlength=size),
            np.bincount(cell, weights=emp["employed"][observed], minlength=size),
            np.bincount(cell, weights=employed_cf[observed], minlength=size),
        ]
    ).astype(np.int64)
    ids = fmt.person_ids(person[target], width).to_pylist()
    flags = zip(persons.npr[keep][target], persons.sick_leave[keep][target], strict=True)
    lines = "".join(f"{i};{int(a)};{int(b)}\n" for i, (a, b) in zip(ids, flags, strict=True))
    return Chunk(
        tables=[*tables, bosted(res, cohort, model, width)],
        person=person,
        statuses=statuses,
        counts=counts.reshape(3, len(model.regions), T),
        target_lines=lines.encode(),
    )


def _statuses(
    rng: np.random.Generator, target: np.ndarray, work: np.ndarray
) -> dict[str, np.ndarray]:
    """The other monthly statuses at population levels (higher in the target population)."""
    n = len(target)

    def level(name: str) -> np.ndarray:
        high, low, _ = LEVELS[name]
        return np.repeat(np.where(target, high, low)[:, None], T, axis=1)

    def path(name: str, eligible: np.ndarray | None = None) -> np.ndarray:
        return chain(rng, level(name), LEVELS[name][2], eligible=eligible)

    disability = path("disability")
    aap = path("aap", eligible=~disability)
    in_work = work.copy()
    in_work[:, 0] = False  # spells start inside the window
    sick = path("sick", eligible=in_work)
    short_absence = work & (rng.random((n, T)) < 0.01) & ~sick
    return {
        "disability": disability,
        "aap": aap,
        "sick": sick,
        "short_absence": short_absence,
        "unemployment": path("unemployment", eligible=~(aap | disability | work)),
        "social_assistance": path("social_assistance"),
        "programme": path("programme"),
        "course": path("course"),
        "education_oct": rng.random((n, len(cal.YEARS))) < 0.05,
    }


def _label(t: int) -> str:
    return f"{2010 + t // 12}-{t % 12 + 1:02d}"


def planted_truth(model: RolloutModel, counts: np.ndarray, seed: int) -> tuple[dict, str]:
    """truth/rollout.json and truth/region_month.csv from the summed chunk counts.

    ATT(g,t) is the person-weighted mean over the regions of group g (start month
    g) of the realised effect, i.e. their target persons' sum of employed -
    employed_cf over their number; a cell exists where the estimator has one (the
    group and its control set have persons at t and at the base month). The
    overall ATT weights every post cell by its group's size (persons per month of
    its regions, over every month of the panel), theta(e) the cells with t - g = e
    the same way (rollout.overall_att and event_study)."""
    first, last = model.panel
    n, employed, employed_cf = (c[:, first : last + 1].astype(float) for c in counts)
    months = last - first + 1
    start = np.asarray(model.start) - first
    start = np.where(start >= months, NEVER, start)  # after the panel: never treated
    usable = start >= 1
    never = start == NEVER
    diff = employed - employed_cf
    groups = sorted(int(g) for g in np.unique(start[usable & ~never]))
    sizes = {g: float(n[start == g].sum(axis=0).mean()) for g in groups}
    cells = []
    for g in groups:
        treated = start == g
        for t in range(1, months):
            b = g - 1 if t >= g else t - 1
            if model.control_group == "never_treated":
                control = never
            else:
                control = usable & (never | (start > max(t, b))) & ~treated
            if min(n[treated, t].sum(), n[treated, b].sum()) <= 0:
                continue
            if min(n[control, t].sum(), n[control, b].sum()) <= 0:
                continue
            att = float(diff[treated, t].sum() / n[treated, t].sum())
            cells.append((g, t, t - g, att, float(n[treated, t].sum())))
    post = [c for c in cells if c[1] >= c[0]]
    weight = np.array([sizes[c[0]] for c in post])
    overall = float(weight @ np.array([c[3] for c in post]) / weight.sum()) if post else None
    event = {}
    lo, hi = model.event_window
    for e in range(lo, hi + 1):
        chosen = [c for c in cells if c[2] == e]
        if chosen:
            w = np.array([sizes[c[0]] for c in chosen])
            event[str(e)] = float(w @ np.array([c[3] for c in chosen]) / w.sum())
    levels = region_levels(model, seed)
    document = {
        "outcome": model.outcome,
        "att": overall,
        "event_study": event,
        "control_group": model.control_group,
        "event_window": list(model.event_window),
        "group_sizes": {_label(g + first): sizes[g] for g in groups},
        "group_time": [
            {
                "group": _label(g + first),
                "month": _label(t + first),
                "e": e,
                "att": att,
                "target_persons": int(persons),
            }
            for g, t, e, att, persons in post
        ],
        "regions": {
            code: {
                "start": None if s == NEVER else _label(s),
                "share": share,
                "level": float(level),
            }
            for code, s, share, level in zip(
                model.regions, model.start, model.shares, levels, strict=True
            )
        },
        "planted": {**model.as_dict()["employment"], "effect": model.as_dict()["effect"]},
    }
    rows = []
    for r in np.argsort(np.asarray(model.regions), kind="stable"):
        s = model.start[r]
        for t in range(first, last + 1):
            k = counts[0, r, t]
            share = repr(float(counts[1, r, t] / k)) if k else ""
            realised = repr(float((counts[1, r, t] - counts[2, r, t]) / k)) if k else ""
            rows.append(
                f"{model.regions[r]};{cal.yyyymm(np.array([t]))[0]};"
                f"{'' if s == NEVER else cal.yyyymm(np.array([s]))[0]};{k};{counts[1, r, t]};"
                f"{counts[2, r, t]};{share};{realised}\n"
            )
    return document, REGION_MONTH_HEADER + "".join(rows)
