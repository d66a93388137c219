"""sykepenger and sykmeldinger: register spells and the certificates behind them.

A register spell runs from a day in the first half of its first month to a day
in the second half of its last month (at least 16 days: shorter absences are
paid by the employer and never reach the register). Its certificates chain
without gaps from the spell's first to its last day. A certificate-only absence
(1-15 days) lies inside one month, away from any spell. Separate episodes are
always more than a day apart, so they never chain by accident.

A mismatch moves the first and/or last day of the certificate chain by days to
a few weeks; the register spell keeps the true days.

With ``full`` (trials whose outcome is work participation), the spells of
``sick`` are graded (below 100) and each run of ``full`` months is a spell at
grade 100 from the first day of its first month to the last day of its last, so
that its months are sick leave at grade 100 on every day.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from rtwpanel.synthetic import calendar as cal
from rtwpanel.synthetic import fmt
from rtwpanel.synthetic.table import EntityDefect, Table, expand, rank_within, runs

T = cal.N_MONTHS
GRADES = np.array([100, 50, 80, 60, 40, 20])
GRADES_P = np.array([0.6, 0.22, 0.06, 0.05, 0.04, 0.03])
DIAGNOSES = ("P76", "P74", "P02", "P03", "P29", "P72", "P73", "L03", "L84", "A04")
DIAGNOSES_P = np.array([0.3, 0.2, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05])
CERT_LENGTHS = np.array([7, 14, 14, 21, 28, 31])
OUTWARD_MAX = 12  # two neighbouring spells are at least 29 days apart
INWARD_MAX = 20
MISMATCH_KINDS = ("start", "stop", "both")
PARTLY_P = GRADES_P[1:] / GRADES_P[1:].sum()


@dataclass(frozen=True)
class Spells:
    """Register spells on given days: rows (persons of the chunk), first and last day
    numbers, grades and diagnoses (indices into the build's ``codes``)."""

    row: np.ndarray
    fom: np.ndarray
    tom: np.ndarray
    grad: np.ndarray
    diagnosis: np.ndarray


def build(
    rng: np.random.Generator,
    sick: np.ndarray,
    short_absence: np.ndarray,
    person: np.ndarray,
    width: int,
    mismatch_rate: float,
    full: np.ndarray | None = None,
    codes: tuple[str, ...] = DIAGNOSES,
    codes_p: np.ndarray = DIAGNOSES_P,
    planted: Spells | None = None,
) -> tuple[Table, Table, np.ndarray, np.ndarray | None]:
    """(sykepenger, sykmeldinger, truth sick_listed, truth days at grade 100 by month
    or None without ``full``). ``codes`` and ``codes_p``: the diagnoses drawn for the
    spells of ``sick``; ``planted``: spells on given days besides them (a cohort
    study's episodes), whose months ``sick`` must leave free, a month apart."""
    row, first, last = runs(sick)
    m = len(row)
    u = rng.random((2, m))
    fom = cal.day_in_month(first, 1, 15, u[0])
    tom = cal.day_in_month(last, 16, 31, u[1])
    grad = GRADES[rng.choice(len(GRADES), size=m, p=GRADES_P)]
    diagnosis = rng.choice(len(codes), size=m, p=codes_p)
    if planted is not None:
        row = np.concatenate([row, planted.row])
        fom = np.concatenate([fom, planted.fom])
        tom = np.concatenate([tom, planted.tom])
        grad = np.concatenate([grad, planted.grad])
        diagnosis = np.concatenate([diagnosis, planted.diagnosis])
        order = np.lexsort([fom, row])
        row, fom, tom, grad, diagnosis = (a[order] for a in (row, fom, tom, grad, diagnosis))
        m = len(row)
    if full is not None:
        grad = GRADES[1:][rng.choice(len(PARTLY_P), size=m, p=PARTLY_P)]
        f_row, f_first, f_last = runs(full)
        row = np.concatenate([row, f_row])
        fom = np.concatenate([fom, cal.MONTH_START[f_first]])
        tom = np.concatenate([tom, cal.MONTH_START[f_last + 1] - 1])
        grad = np.concatenate([grad, np.full(len(f_row), 100)])
        diagnosis = np.concatenate([diagnosis, rng.choice(len(codes), size=len(f_row), p=codes_p)])
        order = np.lexsort([fom, row])
        row, fom, tom, grad, diagnosis = (a[order] for a in (row, fom, tom, grad, diagnosis))
        m = len(row)
    serial = rank_within(row)
    spell_id = fmt.keyed_ids("S", person[row], serial, width, 2)

    # certificate chain of each spell, possibly moved at either end
    c_fom, c_tom = fom.copy(), tom.copy()
    mismatch = rng.random(m) < mismatch_rate
    which = rng.choice(3, size=m)  # start, stop, both
    length = tom - fom + 1
    inward_room = (length - 6) // 2
    for end, moves in (("start", which != 1), ("stop", which != 0)):
        chosen = mismatch & moves
        outward = (rng.random(m) < 0.5) | (inward_room < 2)
        if end == "stop":
            outward &= tom + OUTWARD_MAX <= cal.WINDOW_END_DAY
            outward |= inward_room < 2
        shift = np.where(
            outward,
            rng.integers(2, OUTWARD_MAX + 1, m),
            np.minimum(rng.integers(2, INWARD_MAX + 1, m), np.maximum(inward_room, 2)),
        )
        if end == "start":
            c_fom = np.where(chosen, np.where(outward, fom - shift, fom + shift), c_fom)
        else:
            c_tom = np.where(chosen, np.where(outward, tom + shift, tom - shift), c_tom)

    # certificate-only absences
    s_row, s_t = np.nonzero(short_absence)
    s_len = rng.integers(1, 16, len(s_row))
    dim = cal.DAYS_IN_MONTH[s_t]
    s_fom = (
        cal.MONTH_START[s_t]
        + 1
        + np.floor(rng.random(len(s_row)) * (dim - s_len - 1)).astype(np.int64)
    )
    s_tom = s_fom + s_len - 1

    # certificates: chains over the episodes, one certificate per short absence
    e_row = np.concatenate([row, s_row])
    e_fom = np.concatenate([c_fom, s_fom])
    e_tom = np.concatenate([c_tom, s_tom])
    e_grad = np.concatenate([grad, np.full(len(s_row), 100)])
    e_diag = np.concatenate([diagnosis, rng.choice(len(codes), size=len(s_row), p=codes_p)])
    e_cert = np.concatenate(
        [CERT_LENGTHS[rng.integers(0, len(CERT_LENGTHS), m)], np.full(len(s_row), 16)]
    )
    n_cert = (e_tom - e_fom) // e_cert + 1
    item, pos = expand(n_cert)
    cert_fom = e_fom[item] + pos * e_cert[item]
    cert_tom = np.minimum(cert_fom + e_cert[item] - 1, e_tom[item])
    issued = cert_fom - np.where(pos > 0, rng.integers(0, 4, len(item)), 0)
    c_rows = e_row[item]
    order = np.lexsort([cert_fom, c_rows])
    c_rows, cert_fom, cert_tom, issued, item = (
        a[order] for a in (c_rows, cert_fom, cert_tom, issued, item)
    )
    c_serial = rank_within(c_rows)

    truth = np.zeros(sick.shape, dtype=bool)
    truth |= sick
    truth |= short_absence
    if planted is not None:
        p_first, p_last = cal.month_of_day(planted.fom), cal.month_of_day(planted.tom)
        p_item, p_pos = expand(p_last - p_first + 1)
        truth[planted.row[p_item], p_first[p_item] + p_pos] = True
    full_days = None
    if full is not None:
        truth |= full
        full_days = _days_at_100(
            np.concatenate([row, s_row]),
            np.concatenate([fom, s_fom]),
            np.concatenate([tom, s_tom]),
            np.concatenate([grad, np.full(len(s_row), 100)]),
            sick.shape,
        )

    sykepenger = Table(
        source="sykepenger",
        fields={
            "person_id": fmt.person_ids(person[row], width),
            "sykefravaer_id": spell_id,
            "fom_date": fmt.dates(fom),
            "tom_date": fmt.dates(tom),
            "grad": fmt.ints(grad),
            "diagnose": fmt.labels(diagnosis, codes),
        },
        person=person[row],
        key_column="sykefravaer_id",
        date_column="fom_date",
        span=("fom_date", "tom_date"),
        span_start=fom,
        entity_defects=[
            EntityDefect(
                "sick_leave_mismatch",
                spell_id.filter(pa.array(mismatch)),
                fmt.labels(which[mismatch], MISMATCH_KINDS),
            )
        ],
    )
    sykmeldinger = Table(
        source="sykmeldinger",
        fields={
            "person_id": fmt.person_ids(person[c_rows], width),
            "sykmelding_id": fmt.keyed_ids("M", person[c_rows], c_serial, width, 3),
            "fom_date": fmt.dates(cert_fom),
            "tom_date": fmt.dates(cert_tom),
            "grad": fmt.ints(e_grad[item]),
            "diagnose": fmt.labels(e_diag[item], codes),
            "utstedt_date": fmt.dates(issued),
        },
        person=person[c_rows],
        key_column="sykmelding_id",
        date_column="fom_date",
        span=("fom_date", "tom_date"),
        span_start=cert_fom,
    )
    return sykepenger, sykmeldinger, truth, full_days


def _days_at_100(
    row: np.ndarray, fom: np.ndarray, tom: np.ndarray, grad: np.ndarray, shape: tuple[int, int]
) -> np.ndarray:
    """Days of each person and month on sick leave at grade 100 (the spells and
    certificate-only absences never overlap)."""
    at_100 = grad == 100
    row, fom, tom = row[at_100], fom[at_100], tom[at_100]
    first, last = cal.month_of_day(fom), cal.month_of_day(tom)
    item, pos = expand(last - first + 1)
    month = first[item] + pos
    days = np.minimum(tom[item], cal.MONTH_START[month + 1] - 1) - np.maximum(
        fom[item], cal.MONTH_START[month]
    )
    out = np.zeros(shape, dtype=np.int64)
    np.add.at(out, (row[item], month), days + 1)
    return out
