"""Days and months of the register window as integers, vectorised with numpy.

A day is an integer day number (days since 1970-01-01, numpy's ``datetime64[D]``);
a month is an index ``t`` into the window, 0 = January 2010.
"""

from __future__ import annotations

import numpy as np

FIRST_MONTH = np.datetime64("2010-01", "M")
N_MONTHS = 76  # January 2010 .. April 2016
YEARS = np.arange(2010, 2016)  # October statuses delivered (education)

# first day of month t, for t = 0 .. N_MONTHS (one extra: the end of the window)
MONTH_START = (FIRST_MONTH + np.arange(N_MONTHS + 1)).astype("datetime64[D]").astype(np.int64)
DAYS_IN_MONTH = np.diff(MONTH_START)
WINDOW_END_DAY = int(MONTH_START[N_MONTHS] - 1)  # 30 April 2016


def month_index(year: int, month: int) -> int:
    """The index t of a calendar month."""
    return (year - 2010) * 12 + (month - 1)


def day(text: str) -> int:
    """The day number of an ISO date."""
    return int(np.datetime64(text, "D").astype(np.int64))


def yyyymmdd(days: np.ndarray) -> np.ndarray:
    """Day numbers as integers YYYYMMDD."""
    d = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    year = months.astype(np.int64) // 12 + 1970
    month = months.astype(np.int64) % 12 + 1
    dom = (d - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year * 10000 + month * 100 + dom


def yyyymm(t: np.ndarray) -> np.ndarray:
    """Month indices as integers YYYYMM."""
    t = np.asarray(t, dtype=np.int64)
    return (2010 + t // 12) * 100 + t % 12 + 1


def month_of_day(days: np.ndarray) -> np.ndarray:
    """The month index holding each day number."""
    return np.searchsorted(MONTH_START, np.asarray(days, dtype=np.int64), side="right") - 1


def day_in_month(
    t: np.ndarray, lo: np.ndarray | int, hi: np.ndarray | int, u: np.ndarray
) -> np.ndarray:
    """A day number in month t between day-of-month lo and hi (1-based, hi capped at the
    month's length), picked by uniform u in [0, 1)."""
    t = np.asarray(t, dtype=np.int64)
    length = DAYS_IN_MONTH[np.clip(t, 0, N_MONTHS - 1)]
    hi = np.minimum(hi, length)
    lo = np.minimum(lo, hi)
    dom = lo + np.floor(u * (hi - lo + 1)).astype(np.int64)
    return MONTH_START[np.clip(t, 0, N_MONTHS)] + dom - 1
