"""aa_arbeidsforhold: employment relationships written as monthly registrations.

Each run of months in work is one relationship (ordinaert or maritimt), some with
a second job alongside; some persons also have freelance or simplified-settlement
assignments, which do not count as work. A relationship is registered in every
month it is active; its end date is reported from the end month on (fixed-term
contracts carry it from the start), and an ongoing one is registered up to the
last month of the window without an end.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rtwpanel.synthetic import calendar as cal
from rtwpanel.synthetic import fmt
from rtwpanel.synthetic.table import EntityDefect, Table, expand, rank_within, runs

T = cal.N_MONTHS
TYPES = ("ordinaert", "maritimt", "frilanser", "forenklet")
COUNTED = (0, 1)
PERCENT_TENTHS = np.array([1000, 800, 600, 500, 400, 375, 200])
PERCENT_P = np.array([0.45, 0.12, 0.1, 0.13, 0.08, 0.04, 0.08])
EARLIEST_START = cal.day("2000-01-01")


class Relationships:
    """Relationship-level arrays of one chunk (row = person row within the chunk)."""

    def __init__(self, **arrays: np.ndarray) -> None:
        self.__dict__.update(arrays)


def _relationships(
    rng: np.random.Generator, work: np.ndarray, extra_rate: float = 0.05
) -> Relationships:
    n = work.shape[0]
    row, first, last = runs(work)
    # a second job inside some runs of three months or more
    length = last - first + 1
    second = (length >= 3) & (rng.random(len(row)) < 0.12)
    s2_first = first[second] + np.floor(rng.random(second.sum()) * length[second]).astype(np.int64)
    s2_last = s2_first + np.floor(rng.random(second.sum()) * (last[second] - s2_first + 1)).astype(
        np.int64
    )
    # assignments that do not count as work, anywhere in the window
    freelance = np.flatnonzero(rng.random(n) < extra_rate)
    f_first = rng.integers(0, T, len(freelance))
    f_last = np.minimum(f_first + rng.integers(0, 12, len(freelance)), T - 1)
    rows = np.concatenate([row, row[second], freelance])
    firsts = np.concatenate([first, s2_first, f_first])
    lasts = np.concatenate([last, s2_last, f_last])
    m = len(rows)
    counted = np.concatenate(
        [np.ones(len(row) + second.sum(), bool), np.zeros(len(freelance), bool)]
    )
    kind = np.where(
        counted,
        np.where(rng.random(m) < 0.95, 0, 1),
        np.where(rng.random(m) < 0.6, 2, 3),
    )
    order = np.lexsort([kind, lasts, firsts, rows])
    rows, firsts, lasts, kind, counted = (a[order] for a in (rows, firsts, lasts, kind, counted))
    u = rng.random((4, m))
    start = np.where(
        firsts == 0,
        EARLIEST_START + np.floor(u[0] * (cal.MONTH_START[0] - EARLIEST_START)).astype(np.int64),
        cal.day_in_month(firsts, 1, 28, u[0]),
    )
    ongoing = lasts == T - 1
    end = np.where(ongoing, -1, cal.day_in_month(lasts, 1, 31, u[1]))
    end = np.where(ongoing | (end >= start), end, start)
    pct = PERCENT_TENTHS[rng.choice(len(PERCENT_TENTHS), size=m, p=PERCENT_P)]
    return Relationships(
        row=rows,
        first=firsts,
        last=lasts,
        kind=kind,
        counted=counted,
        start=start,
        end=end,
        ongoing=ongoing,
        pct=pct,
        orgnr=rng.integers(800_000_000, 1_000_000_000, m),
        fixed_term=(rng.random(m) < 0.2) & ~ongoing,
        serial=rank_within(rows),
    )


def build(
    rng: np.random.Generator,
    work: np.ndarray,
    person: np.ndarray,
    width: int,
    rates: dict[str, float],
) -> tuple[Table, dict[str, np.ndarray]]:
    """The table and the truth (employed, n_jobs, max_stillingsprosent in tenths)."""
    n = work.shape[0]
    rel = _relationships(rng, work)
    m = len(rel.row)

    # truth: counted relationships in their true months
    item, pos = expand(np.where(rel.counted, rel.last - rel.first + 1, 0))
    cell = rel.row[item] * T + rel.first[item] + pos
    n_jobs = np.bincount(cell, minlength=n * T).reshape(n, T)
    max_pct = np.zeros(n * T, dtype=np.int64)
    np.maximum.at(max_pct, cell, rel.pct[item])
    truth = {"employed": n_jobs > 0, "n_jobs": n_jobs, "max_pct": max_pct.reshape(n, T)}

    # entity-level defects on relationships that ended inside the window
    ended = ~rel.ongoing
    # a missing end: the last registration must fall before the window's last month
    # (else the relationship looks ongoing) and the stipulated end inside the window
    missing_end = (
        ended
        & (rel.last >= 3)
        & (rel.last + 3 <= T - 2)
        & (rng.random(m) < rates["aa_missing_end"])
    )
    after_end = (
        ended
        & ~missing_end
        & (rel.last <= T - 2)
        & (rng.random(m) < rates["aa_registered_after_end"])
    )
    # (draws of full length, so the sound rows do not depend on the defect rates)
    room = np.minimum(3, T - 1 - rel.last)
    extra_missing = rng.integers(0, 4, m)
    extra_after = 1 + np.floor(rng.random(m) * room).astype(np.int64)
    extra_months = np.where(missing_end, extra_missing, np.where(after_end, extra_after, 0))
    reg_last = rel.last + extra_months
    n_regs = reg_last - rel.first + 1
    start_changed = (
        ~missing_end & ~after_end & (n_regs >= 2) & (rng.random(m) < rates["aa_start_changed"])
    )
    n_changed = np.where(start_changed, 1 + np.floor(rng.random(m) * (n_regs - 1)), 0).astype(
        np.int64
    )
    early_start = rel.start - rng.integers(1, 120, m)

    # one row per registration month
    item, pos = expand(n_regs)
    reg_month = rel.first[item] + pos
    reported = (
        ~missing_end[item]
        & ~rel.ongoing[item]
        & (rel.fixed_term[item] | (reg_month >= rel.last[item]))
    )
    start = np.where(pos < n_changed[item], early_start[item], rel.start[item])
    key = fmt.keyed_ids("AF", person[rel.row], rel.serial, width, 2)
    keys_taken = key.take(pa.array(item))
    fields = {
        "person_id": fmt.person_ids(person[rel.row[item]], width),
        "arbeidsforhold_id": keys_taken,
        "orgnr": fmt.ints(rel.orgnr[item]),
        "reg_month": fmt.months(reg_month),
        "start_date": fmt.dates(start),
        "end_date": fmt.dates(np.where(reported, rel.end[item], -1)),
        "stillingsprosent": fmt.percent(rel.pct[item]),
        "arbeidsforhold_type": fmt.labels(rel.kind[item], TYPES),
    }
    entity = [
        EntityDefect(
            "aa_missing_end",
            key.filter(pa.array(missing_end)),
            fmt.ints(extra_months[missing_end]),
        ),
        EntityDefect(
            "aa_registered_after_end",
            key.filter(pa.array(after_end)),
            fmt.ints(extra_months[after_end]),
        ),
        EntityDefect(
            "aa_start_changed",
            key.filter(pa.array(start_changed)),
            fmt.ints(n_changed[start_changed]),
        ),
    ]
    for defect, label in zip(
        entity,
        (
            "registered months after the true end: ",
            "registrations after the reported end: ",
            "registrations with an earlier start: ",
        ),
        strict=True,
    ):
        defect.detail = pc.binary_join_element_wise(label, defect.detail, "")
    table = Table(
        source="aa_arbeidsforhold",
        fields=fields,
        person=person[rel.row[item]],
        key_column="arbeidsforhold_id",
        date_column="start_date",
        month_column="reg_month",
        code_column="arbeidsforhold_type",
        span=("start_date", "end_date"),
        span_start=start,
        entity_defects=entity,
    )
    return table, truth
