"""truth/person_month.csv.gz: the true statuses of each person and month."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rtwpanel.synthetic import calendar as cal
from rtwpanel.synthetic import fmt

T = cal.N_MONTHS
LAST_DECEMBER = cal.month_index(2015, 12)
COLUMNS = (
    "person_id", "month", "employed", "n_jobs", "max_stillingsprosent", "sick_listed",
    "on_aap", "on_disability", "on_unemployment_benefit", "on_social_assistance",
    "in_programme", "in_education_oct", "in_education_course", "npr_avtalespesialist",
    "npr_bup", "npr_phv_poli", "npr_phv_dag", "npr_phv_dogn_days",
)  # fmt: skip
# columns of a trial whose outcome is work participation (after COLUMNS)
PARTICIPATION_COLUMNS = ("sick_leave_full_days", "work_participation")
# columns whose source ends with December 2015 (empty after)
TO_DECEMBER_2015 = {
    "on_social_assistance", "npr_avtalespesialist", "npr_bup", "npr_phv_poli",
    "npr_phv_dag", "npr_phv_dogn_days",
}  # fmt: skip

FLAGS = (
    "sick_listed", "on_aap", "on_disability", "on_unemployment_benefit", "in_programme",
    "in_education_oct", "in_education_course",
)  # fmt: skip
NPR_COUNTS = ("npr_avtalespesialist", "npr_bup", "npr_phv_poli", "npr_phv_dag")
MAX_JOBS = 8
MAX_COUNT = 4  # NPR contacts per month and type held in the lookup; more are formatted
MAX_NIGHTS = 32


def _blocks() -> tuple[pa.Array, pa.Array, pa.Array]:
    """Text of column groups by code, so a month's line is a few lookups, not 18
    formatted fields: employment (n_jobs, percent), flags, NPR."""
    pct = [f"{t // 10}" if t % 10 == 0 else f"{t // 10}.{t % 10}" for t in range(1001)]
    employment = [f"{int(j > 0)};{j};{p}" for j in range(MAX_JOBS) for p in pct]
    flags = []
    for social in ("0", "1", ""):  # on_social_assistance: 0, 1, unobserved
        for bits in range(2 ** len(FLAGS)):
            values = [str(bits >> i & 1) for i in range(len(FLAGS))]
            values.insert(FLAGS.index("in_programme"), social)
            flags.append(";".join(values))
    npr = [
        ";".join([*(str(code // MAX_COUNT**i % MAX_COUNT) for i in range(4)), str(nights)])
        for nights in range(MAX_NIGHTS)
        for code in range(MAX_COUNT**4)
    ]
    npr.append(";;;;")  # unobserved
    return pa.array(employment), pa.array(flags), pa.array(npr)


_EMPLOYMENT, _FLAGS, _NPR = _blocks()


def lines(
    person: np.ndarray, width: int, statuses: dict[str, np.ndarray], extra: tuple[str, ...] = ()
) -> pa.Array:
    """One line per person and month (person-major), columns as COLUMNS, then the
    ``extra`` statuses (integers)."""
    n = len(person)
    late = np.tile(np.arange(T) > LAST_DECEMBER, n)
    fields = [fmt.person_ids(np.repeat(person, T), width), fmt.months(np.tile(np.arange(T), n))]

    n_jobs = np.asarray(statuses["n_jobs"]).reshape(-1)
    pct = np.asarray(statuses["max_stillingsprosent"]).reshape(-1)
    if n_jobs.max(initial=0) >= MAX_JOBS:
        raise ValueError("more simultaneous jobs than the truth lookup holds")
    fields.append(_EMPLOYMENT.take(pa.array(n_jobs * 1001 + pct)))

    code = np.zeros(n * T, dtype=np.int64)
    for i, name in enumerate(FLAGS):
        code |= np.asarray(statuses[name]).reshape(-1).astype(np.int64) << i
    social = np.asarray(statuses["on_social_assistance"]).reshape(-1).astype(np.int64)
    code += np.where(late, 2, social) << len(FLAGS)
    fields.append(_FLAGS.take(pa.array(code)))

    counts = [np.asarray(statuses[name]).reshape(-1) for name in NPR_COUNTS]
    nights = np.asarray(statuses["npr_phv_dogn_days"]).reshape(-1)
    code = sum(c * MAX_COUNT**i for i, c in enumerate(counts)) + nights * MAX_COUNT**4
    many = (np.max(counts, axis=0) >= MAX_COUNT) | (nights >= MAX_NIGHTS)
    code = np.where(late, len(_NPR) - 1, np.where(many, 0, code))
    npr = _NPR.take(pa.array(code))
    many &= ~late
    if many.any():  # rare busy months, formatted one field at a time
        rows = np.flatnonzero(many)
        text = fmt.join_lines([fmt.ints(c[rows]) for c in [*counts, nights]])
        text = pc.utf8_slice_codeunits(text, 0, -1)  # without the newline
        npr = pc.replace_with_mask(npr, pa.array(many), text)
    fields.append(npr)
    for name in extra:
        fields.append(fmt.ints(np.asarray(statuses[name]).reshape(-1).astype(np.int64)))
    return fmt.join_lines(fields)
