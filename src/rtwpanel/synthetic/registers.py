"""The other registers: social assistance, programmes, education, income, NPR."""

from __future__ import annotations

import numpy as np

from rtwpanel.synthetic import calendar as cal
from rtwpanel.synthetic import fmt
from rtwpanel.synthetic.params import Dynamics
from rtwpanel.synthetic.table import Table, expand, rank_within, runs

Array = np.ndarray
Rng = np.random.Generator

T = cal.N_MONTHS
LAST_DECEMBER = cal.month_index(2015, 12)  # social assistance, NPR, education to 2015
DAY_OFFSET = cal.day("1990-01-01")  # day numbers of the window fit in 16 bits after it
PROGRAMMES = (
    "ABIST", "APS", "PRAKSORD", "ARBFORB", "AVKLARAG", "INDOPPFAG",
    "GRUPPEAMO", "GRUFAGYRKE", "LONNTILS", "VASV",
)  # fmt: skip
PROGRAMMES_P = np.array([0.12, 0.1, 0.14, 0.1, 0.14, 0.14, 0.1, 0.05, 0.06, 0.05])
STATUSES = ("GJENN", "FULLF", "AVBRUTT", "IKKEM")
KONTAKTTYPER = ("avtalespesialist", "bup", "phv_poli", "phv_dag", "phv_dogn")
# highest completed education at inclusion: NUS2000 first digit and share (Table 5)
NUS_LEVELS = np.array([1, 2, 3, 4, 5, 6, 7, 8])
NUS_LEVELS_P = np.array([0.02, 0.49, 0.04, 0.23, 0.04, 0.13, 0.045, 0.005])
NUS_TAILS = np.array([11199, 11299, 21101, 41104, 51113, 31101, 55301, 99999])
COURSE_CODES = ("341101", "357111", "411102", "611101", "637101", "662101", "731101")


def sosialhjelp(rng: Rng, social: Array, person: Array, width: int) -> Table:
    """Monthly payments to December 2015; some months hold two payments (distinct
    amounts, so no genuine row is an exact duplicate of another)."""
    rows, t = np.nonzero(social[:, : LAST_DECEMBER + 1])
    base = rng.integers(2_000, 12_000, social.shape[0])
    first = base[rows] + rng.integers(-1_000, 1_000, len(rows))
    two = rng.random(len(rows)) < 0.1
    second = rng.integers(300, 5_000, two.sum())
    second = np.where(second == first[two], second + 1, second)
    rows = np.concatenate([rows, rows[two]])
    t = np.concatenate([t, t[two]])
    amount = np.concatenate([first, second])
    nth = np.concatenate([np.zeros(len(first), np.int64), np.ones(two.sum(), np.int64)])
    order = np.lexsort([nth, t, rows])
    rows, t, amount, nth = rows[order], t[order], amount[order], nth[order]
    return Table(
        source="sosialhjelp",
        fields={
            "person_id": fmt.person_ids(person[rows], width),
            "month": fmt.months(t),
            "belop": fmt.ints(amount),
        },
        person=person[rows],
        month_column="month",
    )


def tiltak(rng: Rng, programme: Array, person: Array, width: int) -> Table:
    """A participation per run of programme months (some runs in two parts), plus
    participations never turned up to (IKKEM), which do not count."""
    row, first, last = runs(programme)
    split = (last - first >= 3) & (rng.random(len(row)) < 0.15)
    middle = first[split] + 1 + np.floor(rng.random(split.sum()) * (last[split] - first[split] - 1))
    middle = middle.astype(np.int64)
    rows = np.concatenate([row, row[split]])
    firsts = np.concatenate([first, middle + 1])
    first_part_last = last.copy()
    first_part_last[split] = middle
    lasts = np.concatenate([first_part_last, last[split]])
    u = rng.random((2, len(rows)))
    fom = cal.day_in_month(firsts, 1, 28, u[0])
    open_ = lasts == T - 1
    tom = np.maximum(cal.day_in_month(lasts, 10, 31, u[1]), fom)
    tom = np.where(open_, -1, tom)
    status = np.where(open_, 0, np.where(rng.random(len(rows)) < 0.7, 1, 2))
    # never turned up
    n = programme.shape[0]
    no_show = np.flatnonzero(rng.random(n) < 0.08)
    ns_t = rng.integers(0, T - 3, len(no_show))
    ns_fom = cal.day_in_month(ns_t, 1, 28, rng.random(len(no_show)))
    rows = np.concatenate([rows, no_show])
    fom = np.concatenate([fom, ns_fom])
    tom = np.concatenate([tom, ns_fom + rng.integers(30, 60, len(no_show))])
    status = np.concatenate([status, np.full(len(no_show), 3)])
    code = rng.choice(len(PROGRAMMES), size=len(rows), p=PROGRAMMES_P)
    order = np.lexsort([status, fom, rows])
    rows, fom, tom, status, code = (a[order] for a in (rows, fom, tom, status, code))
    serial = rank_within(rows)
    return Table(
        source="tiltak",
        fields={
            "person_id": fmt.person_ids(person[rows], width),
            "deltakelse_id": fmt.keyed_ids("T", person[rows], serial, width, 2),
            "tiltakskode": fmt.labels(code, PROGRAMMES),
            "fom_date": fmt.dates(fom),
            "tom_date": fmt.dates(tom),
            "deltakerstatus": fmt.labels(status, STATUSES),
        },
        person=person[rows],
        key_column="deltakelse_id",
        date_column="fom_date",
        code_column="tiltakskode",
        span=("fom_date", "tom_date"),
        span_start=fom,
    )


def nus_codes(rng: Rng, n: int) -> Array:
    """Highest completed education (NUS2000, 6 digits) per person, as integers."""
    level = rng.choice(len(NUS_LEVELS), size=n, p=NUS_LEVELS_P)
    return NUS_LEVELS[level] * 100_000 + NUS_TAILS[level]


def utdanning(education_oct: Array, nus: Array, person: Array, width: int) -> Table:
    n, years = education_oct.shape
    rows = np.repeat(np.arange(n), years)
    year = np.tile(cal.YEARS, n)
    return Table(
        source="utdanning",
        fields={
            "person_id": fmt.person_ids(person[rows], width),
            "year": fmt.ints(year),
            "nus2000": fmt.ints(nus[rows]),
            "i_utdanning": fmt.ints(education_oct.ravel().astype(np.int64)),
        },
        person=person[rows],
    )


def utdanning_forlop(rng: Rng, course: Array, person: Array, width: int) -> Table:
    row, first, last = runs(course)
    u = rng.random((2, len(row)))
    fom = cal.day_in_month(first, 1, 28, u[0])
    tom = np.where(last == T - 1, -1, cal.day_in_month(last, 1, 31, u[1]))
    tom = np.where((tom >= 0) & (tom < fom), fom, tom)
    code = rng.integers(0, len(COURSE_CODES), len(row))
    return Table(
        source="utdanning_forlop",
        fields={
            "person_id": fmt.person_ids(person[row], width),
            "fom_date": fmt.dates(fom),
            "tom_date": fmt.dates(tom),
            "nus2000": fmt.labels(code, COURSE_CODES),
        },
        person=person[row],
        date_column="fom_date",
        span=("fom_date", "tom_date"),
        span_start=fom,
    )


def inntekt(
    rng: Rng,
    aap: Array,
    unemployment: Array,
    max_pct: Array,
    person: Array,
    width: int,
    dyn: Dynamics,
) -> Table:
    """Pensionable income 2010-2014: pay for the months in work, AAP and
    unemployment benefit, with person-level wage levels."""
    n = max_pct.shape[0]
    wage = dyn.wage_per_month * rng.lognormal(-0.045, 0.3, n)
    monthly = (
        wage[:, None] * max_pct / 1000.0
        + dyn.aap_per_month * aap
        + dyn.unemployment_per_month * unemployment
    )
    yearly = monthly[:, :60].reshape(n, 5, 12).sum(axis=2)
    yearly = np.maximum(0, np.round(yearly * rng.lognormal(0, 0.1, (n, 5)))).astype(np.int64)
    rows = np.repeat(np.arange(n), 5)
    year = np.tile(np.arange(2010, 2015), n)
    return Table(
        source="inntekt",
        fields={
            "person_id": fmt.person_ids(person[rows], width),
            "year": fmt.ints(year),
            "pensjonsgivende_inntekt": fmt.ints(yearly.ravel()),
        },
        person=person[rows],
    )


def npr(
    rng: Rng,
    rel: Array,
    birth_year: Array,
    person: Array,
    width: int,
    scale: float | Array = 1.0,
    blank: Array | None = None,
    extra_poli: Array | None = None,
) -> tuple[Table, dict[str, Array]]:
    """Contacts to December 2015, more frequent around inclusion; inpatient stays
    never overlap (a stay ends by the end of the month after its start, and no stay
    starts in the month after another's start). ``scale`` multiplies every rate (a
    general population sees specialists far less than the trial's; an array of
    persons x 1: each person's); ``blank`` (person
    x month) has no contact at all, and ``extra_poli`` adds outpatient contacts."""
    n = rel.shape[0]
    months = LAST_DECEMBER + 1
    intensity = rng.gamma(0.8, 1 / 0.8, n)[:, None] * (1.0 + np.exp(-np.abs(rel[:, :months]) / 6.0))
    intensity = intensity * scale
    if blank is not None:
        intensity = np.where(blank[:, :months], 0.0, intensity)
    year = 2010 + np.arange(months) // 12
    young = (year[None, :] - birth_year[:, None]) < 18
    poli = rng.poisson(0.5 * intensity)
    if extra_poli is not None:
        poli = poli + extra_poli[:, :months]
    counts = {
        "avtalespesialist": rng.poisson(0.06 * intensity),
        "bup": np.where(young, poli, 0),
        "phv_poli": np.where(young, 0, poli),
        "phv_dag": rng.poisson(0.03 * intensity),
    }
    stay = rng.random((n, months)) < 0.008 * intensity
    stay[:, 1:] &= ~stay[:, :-1]
    truth = {f"npr_{k}": np.pad(v, ((0, 0), (0, T - months))) for k, v in counts.items()}

    # contacts: one row each, on a day of the month
    parts_row, parts_t, parts_kind = [], [], []
    for kind, count in counts.items():
        r, t = np.nonzero(count)
        item, _ = expand(count[r, t])
        parts_row.append(r[item])
        parts_t.append(t[item])
        parts_kind.append(np.full(len(item), KONTAKTTYPER.index(kind)))
    rows = np.concatenate(parts_row)
    t = np.concatenate(parts_t)
    kind = np.concatenate(parts_kind)
    inn = cal.day_in_month(t, 1, 31, rng.random(len(rows)))
    ut = inn.copy()
    s_row, s_t = np.nonzero(stay)
    s_inn = cal.day_in_month(s_t, 1, 31, rng.random(len(s_row)))
    s_ut = np.minimum(s_inn + 1 + rng.geometric(1 / 14, len(s_row)), cal.MONTH_START[s_t + 2] - 1)
    nights = np.zeros((n, T), dtype=np.int64)
    for month in (s_t, s_t + 1):
        lo = np.maximum(s_inn, cal.MONTH_START[month])
        hi = np.minimum(s_ut, cal.MONTH_START[month + 1])
        np.add.at(nights, (s_row, month), np.maximum(hi - lo, 0))
    truth["npr_phv_dogn_days"] = nights
    rows = np.concatenate([rows, s_row])
    inn = np.concatenate([inn, s_inn])
    ut = np.concatenate([ut, s_ut])
    kind = np.concatenate([kind, np.full(len(s_row), 4)])
    key = ((rows << 16) | (inn - DAY_OFFSET)) << 3 | kind  # person, day, type
    order = np.argsort(key, kind="stable")
    rows, inn, ut, kind = rows[order], inn[order], ut[order], kind[order]
    serial = rank_within(rows)
    table = Table(
        source="npr",
        fields={
            "person_id": fmt.person_ids(person[rows], width),
            "episode_id": fmt.keyed_ids("E", person[rows], serial, width, 4),
            "kontakttype": fmt.labels(kind, KONTAKTTYPER),
            "inn_date": fmt.dates(inn),
            "ut_date": fmt.dates(ut),
        },
        person=person[rows],
        key_column="episode_id",
        date_column="inn_date",
        code_column="kontakttype",
        span=("inn_date", "ut_date"),
        span_start=inn,
    )
    return table, truth
