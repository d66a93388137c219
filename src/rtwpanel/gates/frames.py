"""The frames the Great Expectations suites validate, read from the marts.

GX's SQL path does not run on DuckDB, so the checks run on pandas frames. Each
frame is small whatever the number of persons: the big fact table is reduced
in DuckDB (distinct flag values, counts per rel_month, shares per month) before
it reaches pandas. Suite `<name>.json` validates frame `<name>`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rtwpanel.gates.warehouse import require_relation
from rtwpanel.marts_schema import BINARY_STATUSES

if TYPE_CHECKING:
    import duckdb
    import pandas as pd


def status_by_arm(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """marts.mart_status_by_arm as it is: shares by arm and rel_month."""
    require_relation(connection, "marts", "mart_status_by_arm")
    return connection.execute("select * from marts.mart_status_by_arm order by arm, rel_month").df()


def panel_flag_values(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every distinct combination of the panel's 0/1 columns (a few hundred rows at most)."""
    require_relation(connection, "marts", "fct_person_month")
    columns = ", ".join(BINARY_STATUSES)
    return connection.execute(
        f"select distinct {columns}, n_jobs_stipulated <= n_jobs as stipulated_within_jobs "
        f"from marts.fct_person_month order by all"
    ).df()


def rel_month_distribution(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Person-months and persons per rel_month and period."""
    require_relation(connection, "marts", "fct_person_month")
    return connection.execute(
        "select rel_month, period, count(*) as n_person_months, "
        "count(distinct person_id) as n_persons "
        "from marts.fct_person_month group by rel_month, period order by rel_month, period"
    ).df()


def monthly_status_changes(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per calendar month, each status share and its change from the month before.

    A change is missing (not checked) where either month is unobserved.
    """
    require_relation(connection, "marts", "fct_person_month")
    shares = ", ".join(f"avg({status}) as share_{status}" for status in BINARY_STATUSES)
    frame = connection.execute(
        f"select month, count(*) as n_persons, {shares} "
        f"from marts.fct_person_month group by month order by month"
    ).df()
    for status in BINARY_STATUSES:
        frame[f"change_{status}"] = frame[f"share_{status}"].diff().abs()
    return frame


def participants(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """marts.dim_participant as it is (one row per person)."""
    require_relation(connection, "marts", "dim_participant")
    return connection.execute("select * from marts.dim_participant order by person_id").df()


def region_month(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """marts.mart_region_month as it is (regions x months; empty but for a roll-out)."""
    require_relation(connection, "marts", "mart_region_month")
    return connection.execute("select * from marts.mart_region_month order by region, month").df()


FRAMES: dict[str, Callable[[duckdb.DuckDBPyConnection], pd.DataFrame]] = {
    "status_by_arm": status_by_arm,
    "panel_flag_values": panel_flag_values,
    "rel_month_distribution": rel_month_distribution,
    "monthly_status_changes": monthly_status_changes,
    "participants": participants,
    "region_month": region_month,
}
