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
# columns whose source ends with December 2015 (empty after)
TO_DECEMBER_2015 = {
    "on_social_assistance", "npr_avtalespesialist", "npr_bup", "npr_phv_poli",
    "npr_phv_dag", "npr_phv_dogn_days",
}  # fmt: skip

_FLAG = pa.array(["0", "1"])


def lines(person: np.ndarray, width: int, statuses: dict[str, np.ndarray]) -> pa.Array:
    """One line per person and month (person-major), columns as COLUMNS."""
    n = len(person)
    month = np.tile(np.arange(T), n)
    late = np.tile(np.arange(T) > LAST_DECEMBER, n)
    fields = [fmt.person_ids(np.repeat(person, T), width), fmt.months(month)]
    for name in COLUMNS[2:]:
        values = np.asarray(statuses[name]).reshape(-1)
        if name == "max_stillingsprosent":
            text = fmt.percent(values)
        elif values.dtype == bool:
            text = _FLAG.take(pa.array(values.astype(np.int8)))
        else:
            text = fmt.ints(values)
        if name in TO_DECEMBER_2015:
            text = pc.if_else(pa.array(late), pa.scalar(None, pa.string()), text)
        fields.append(text)
    return fmt.join_lines(fields)
