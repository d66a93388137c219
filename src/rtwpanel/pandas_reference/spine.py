"""The person x month grid and the step every spell rule shares: spell -> panel rows.

Months are counted as integers (`year * 12 + month - 1`), and panel row `i` is person
`i // n_months` in month `first + i % n_months`, so a status is a vector over the rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


def month_number(dates: pd.Series) -> pd.Series:
    """Whole months since year 0 of each date (NaN stays missing)."""
    return dates.dt.year * 12 + dates.dt.month - 1


def month_start(numbers: np.ndarray) -> np.ndarray:
    """First day (datetime64[D]) of each month number."""
    return (
        (np.asarray(numbers, dtype="int64") - 1970 * 12)
        .astype("datetime64[M]")
        .astype("datetime64[D]")
    )


def month_end(numbers: np.ndarray) -> np.ndarray:
    """Last day (datetime64[D]) of each month number."""
    return month_start(np.asarray(numbers, dtype="int64") + 1) - np.timedelta64(1, "D")


@dataclass(frozen=True)
class Spine:
    """Persons with register data, and the months of the employer register's coverage."""

    persons: pd.Index
    first: int
    last: int

    @property
    def n_months(self) -> int:
        return self.last - self.first + 1

    @property
    def n_rows(self) -> int:
        return len(self.persons) * self.n_months

    @property
    def row_month(self) -> np.ndarray:
        """The month number of every panel row."""
        return np.tile(np.arange(self.first, self.last + 1), len(self.persons))

    def observed(self, first: int, last: int) -> np.ndarray:
        """Rows whose month lies in a source's coverage [first, last]."""
        months = self.row_month
        return (months >= first) & (months <= last)

    def rows_of(self, person_ids: pd.Series, months: pd.Series) -> pd.Series:
        """Panel row of each (person, month); rows outside the panel are dropped."""
        position = self.persons.get_indexer(person_ids)
        months = np.asarray(months, dtype="int64")
        inside = (position >= 0) & (months >= self.first) & (months <= self.last)
        rows = position[inside].astype("int64") * self.n_months + (months[inside] - self.first)
        return pd.Series(rows, index=person_ids.index[inside])

    def spell_rows(
        self,
        person_ids: pd.Series,
        start: pd.Series,
        end: pd.Series,
    ) -> pd.DataFrame:
        """One row per (spell, month it is active in the panel).

        A spell is active in month m when it starts on or before m's last day and ends
        (NaT: open) on or after m's first day, i.e. when start's month <= m <= end's month.
        Returns the columns `spell` (the spell's index label) and `row` (panel row).
        """
        position = self.persons.get_indexer(person_ids)
        lo = np.maximum(month_number(start).to_numpy(dtype="float64"), self.first)
        hi = np.minimum(month_number(end).to_numpy(dtype="float64", na_value=np.nan), self.last)
        hi = np.where(np.isnan(hi), self.last, hi)
        keep = (position >= 0) & (lo <= hi)
        lo, hi, position = (
            lo[keep].astype("int64"),
            hi[keep].astype("int64"),
            position[keep],
        )
        labels = person_ids.index.to_numpy()[keep]
        lengths = hi - lo + 1
        which = np.repeat(np.arange(len(lo)), lengths)
        step = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        rows = position[which].astype("int64") * self.n_months + (lo[which] + step - self.first)
        return pd.DataFrame({"spell": labels[which], "row": rows})


def status_column(
    values: pd.Series, spine: Spine, observed: np.ndarray, dtype: str = "Int8"
) -> pd.api.extensions.ExtensionArray:
    """Spread values indexed by panel row over the whole panel: 0 where there is no record,
    NULL where the month lies outside the source's coverage."""
    numpy_type = "float64" if dtype.startswith("Float") else dtype.lower()
    full = np.zeros(spine.n_rows, dtype=numpy_type)
    full[values.index.to_numpy(dtype="int64")] = values.to_numpy(dtype=numpy_type)
    return (
        pd.arrays.FloatingArray(full, ~observed)
        if numpy_type == "float64"
        else (pd.arrays.IntegerArray(full, ~observed))
    )
