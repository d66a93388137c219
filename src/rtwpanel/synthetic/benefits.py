"""ytelser: benefit payments written from the AAP, disability and unemployment paths.

AAP and unemployment benefit are paid for fixed 14-day periods (a person's first
and last payment cover only the days of the spell); before March 2010 AAP is paid
under one of its predecessor codes. Disability benefit is paid per calendar
month. Some payments are wrong and corrected: the wrong amount, its reversal and
the right amount for the same period, so the reversal cancels a payment and the
month still counts.
"""

from __future__ import annotations

import numpy as np

from rtwpanel.synthetic import calendar as cal
from rtwpanel.synthetic import fmt
from rtwpanel.synthetic.table import Table, expand, rank_within, runs

T = cal.N_MONTHS
CODES = (
    "AAP",
    "REHABILITERINGSPENGER",
    "ATTFORINGSPENGER",
    "TIDSBEGR_UFORESTONAD",
    "UFOREPENSJON",
    "UFORETRYGD",
    "DAGPENGER",
)
AAP, UFOREPENSJON, UFORETRYGD, DAGPENGER = 0, 4, 5, 6
GRID_ANCHOR = cal.day("2009-12-28")  # a Monday: payment periods run two weeks from here
AAP_START = cal.day("2010-03-01")
UFORETRYGD_FROM = cal.month_index(2015, 1)
CORRECTED_SHARE = 0.01
DAY_OFFSET = cal.day("1990-01-01")  # day numbers of the window fit in 16 bits after it


def _fortnightly(
    rng: np.random.Generator,
    state: np.ndarray,
    code_of_row: np.ndarray,
    amount_of_row: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """14-day payments covering each run of months in ``state``."""
    row, first, last = runs(state)
    u = rng.random((2, len(row)))
    begin = np.where(first == 0, cal.MONTH_START[0], cal.day_in_month(first, 1, 14, u[0]))
    finish = np.where(last == T - 1, cal.WINDOW_END_DAY, cal.day_in_month(last, 15, 31, u[1]))
    k0 = (begin - GRID_ANCHOR) // 14
    k1 = (finish - GRID_ANCHOR) // 14
    item, pos = expand(k1 - k0 + 1)
    period = GRID_ANCHOR + 14 * (k0[item] + pos)
    fom = np.maximum(period, begin[item])
    tom = np.minimum(period + 13, finish[item])
    rows = row[item]
    code = code_of_row[rows].copy()
    if (code != DAGPENGER).any():
        # predecessor codes end with February 2010: split a period across 1 March
        split = (code != DAGPENGER) & (fom < AAP_START) & (tom >= AAP_START)
        rows = np.concatenate([rows, rows[split]])
        fom = np.concatenate([fom, np.full(split.sum(), AAP_START)])
        tom = np.concatenate([np.where(split, AAP_START - 1, tom), tom[split]])
        code = code_of_row[rows]
        code = np.where((code != DAGPENGER) & (fom >= AAP_START), AAP, code)
    days = tom - fom + 1
    amount = np.round(amount_of_row[rows] * days / 14).astype(np.int64)
    return rows, code, fom, tom, amount


def build(
    rng: np.random.Generator,
    aap: np.ndarray,
    disability: np.ndarray,
    unemployment: np.ndarray,
    person: np.ndarray,
    width: int,
) -> Table:
    n = aap.shape[0]
    predecessor = rng.choice([1, 2, 3], size=n, p=[0.5, 0.3, 0.2])
    aap_amount = rng.integers(6_500, 13_000, n).astype(float)
    ue_amount = rng.integers(6_000, 14_000, n).astype(float)
    a_rows, a_code, a_fom, a_tom, a_amt = _fortnightly(rng, aap, predecessor, aap_amount)
    u_rows, u_code, u_fom, u_tom, u_amt = _fortnightly(
        rng, unemployment, np.full(n, DAGPENGER), ue_amount
    )
    d_rows, d_t = np.nonzero(disability)
    d_code = np.where(d_t < UFORETRYGD_FROM, UFOREPENSJON, UFORETRYGD)
    d_amt = rng.integers(14_000, 24_000, n)[d_rows]
    rows = np.concatenate([a_rows, u_rows, d_rows])
    code = np.concatenate([a_code, u_code, d_code])
    fom = np.concatenate([a_fom, u_fom, cal.MONTH_START[d_t]])
    tom = np.concatenate([a_tom, u_tom, cal.MONTH_START[d_t + 1] - 1])
    amount = np.concatenate([a_amt, u_amt, d_amt])
    step = np.zeros(len(rows), dtype=np.int64)  # 0 wrong payment, 1 reversal, 2 payment

    # corrected payments: wrong amount, its reversal, then the right amount
    corrected = np.flatnonzero(rng.random(len(rows)) < CORRECTED_SHARE)
    wrong = amount[corrected] + rng.choice([-1, 1], len(corrected)) * rng.integers(
        100, 2_000, len(corrected)
    )
    wrong = np.where(wrong <= 0, amount[corrected] + 150, wrong)
    step[:] = 2
    rows = np.concatenate([rows, rows[corrected], rows[corrected]])
    code = np.concatenate([code, code[corrected], code[corrected]])
    fom = np.concatenate([fom, fom[corrected], fom[corrected]])
    tom = np.concatenate([tom, tom[corrected], tom[corrected]])
    amount = np.concatenate([amount, wrong, -wrong])
    step = np.concatenate(
        [step, np.zeros(len(corrected), np.int64), np.ones(len(corrected), np.int64)]
    )
    in_pair = np.zeros(len(rows), dtype=bool)
    in_pair[corrected] = True
    in_pair[len(in_pair) - 2 * len(corrected) :] = True

    # by person, first day, code, step: one integer key sorts faster than lexsort
    key = (((rows << 16) | (fom - DAY_OFFSET)) << 3 | code) << 2 | step
    order = np.argsort(key, kind="stable")
    rows, code, fom, tom, amount, in_pair = (
        a[order] for a in (rows, code, fom, tom, amount, in_pair)
    )
    serial = rank_within(rows)
    fields = {
        "person_id": fmt.person_ids(person[rows], width),
        "utbetaling_id": fmt.keyed_ids("Y", person[rows], serial, width, 4),
        "ytelse": fmt.labels(code, CODES),
        "fom_date": fmt.dates(fom),
        "tom_date": fmt.dates(tom),
        "belop": fmt.ints(amount),
    }
    return Table(
        source="ytelser",
        fields=fields,
        person=person[rows],
        key_column="utbetaling_id",
        date_column="fom_date",
        code_column="ytelse",
        span=("fom_date", "tom_date"),
        span_start=fom,
        amount=amount,
        copyable=~in_pair & (amount > 0),
    )
