"""Read the marts (and only the marts) from a DuckDB file, read-only."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from rtwpanel.analysis.design import PHASE
from rtwpanel.errors import RtwError
from rtwpanel.marts_schema import FCT_PERSON_MONTH_COLUMNS, FCT_PERSON_MONTH_TEXT_COLUMNS
from rtwpanel.study import DEFAULT_STUDY, Study
from rtwpanel.synthetic.allocation import phase_of, read_schedule

NUMERIC_FCT = tuple(c for c in FCT_PERSON_MONTH_COLUMNS if c not in FCT_PERSON_MONTH_TEXT_COLUMNS)
# The panel as the analysis reads it: every column but the job counts and the
# sick-leave source.
FCT_COLUMNS = tuple(
    c
    for c in FCT_PERSON_MONTH_COLUMNS
    if c not in ("n_jobs", "max_stillingsprosent", "n_jobs_stipulated", "sick_listed_source")
)
# The study's columns (issue 18): a warehouse built before them lacks them; the
# evaluation then takes the arm and cluster from `arm` and `centre_id`
# (analysis.trial) and the statuses are unobserved.
STUDY_COLUMNS = (
    "is_treated",
    "cluster_id",
    "sick_leave_grade",
    "sick_leave_days",
    "sick_leave_full_days",
    "work_participation",
)
NUMERIC_DIM = (
    "is_treated",
    "is_ips",
    "centre_id",
    "months_out_of_work",
    "female",
    "birth_year",
    "age_at_randomisation",
    "born_in_norway",
    "income_2013_nok",
    "income_2013_g",
)


@dataclass(frozen=True)
class Marts:
    fct: pd.DataFrame  # marts.fct_person_month
    dim: pd.DataFrame  # marts.dim_participant
    database: Path


def load_marts(database: Path) -> Marts:
    import duckdb

    database = Path(database)
    if not database.exists():
        raise RtwError(f"no warehouse at {database}: run `rtwpanel build` first")
    try:
        con = duckdb.connect(str(database), read_only=True)
    except duckdb.Error as exc:
        raise RtwError(f"cannot open {database} read-only: {exc}") from exc
    try:
        present = {
            row[0]
            for row in con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'marts' and table_name = 'fct_person_month'"
            ).fetchall()
        }
        missing = [c for c in FCT_COLUMNS if c not in present and c not in STUDY_COLUMNS]
        if missing:
            raise RtwError(f"marts.fct_person_month lacks columns: {', '.join(missing)}")
        # only the columns the evaluation uses: the panel can be large
        columns = [c for c in FCT_COLUMNS if c in present]
        fct = con.execute(
            f"select {', '.join(columns)} from marts.fct_person_month order by person_id, month"
        ).fetch_df()
        for column in STUDY_COLUMNS:
            if column not in fct.columns and column not in ("is_treated", "cluster_id"):
                fct[column] = np.nan
        dim = con.execute("select * from marts.dim_participant order by person_id").fetch_df()
    except duckdb.Error as exc:
        raise RtwError(f"{database} lacks the marts the analysis reads: {exc}") from exc
    finally:
        con.close()
    return Marts(fct=_numeric(fct, NUMERIC_FCT), dim=_numeric(dim, NUMERIC_DIM), database=database)


def _numeric(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """Integers with NULLs become floats with NaN, so means and OLS see one dtype."""
    frame = frame.copy()
    for column in columns:
        if column in frame.columns:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(np.float64)
    for column in (
        "arm",
        "cluster_id",
        "period",
        "diagnosis_group",
        "education_level",
        "person_id",
    ):
        if column in frame.columns:
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def with_allocation_phase(
    fct: pd.DataFrame, dim: pd.DataFrame, study: Study | str = DEFAULT_STUDY
) -> pd.DataFrame:
    """The panel with each person's allocation phase (0, 1, ... as in the study's schedule)."""
    randomised = pd.to_datetime(dim["randomised_date"]).to_numpy().astype("datetime64[D]")
    phases = pd.Series(
        phase_of(randomised, read_schedule(study)), index=dim["person_id"].to_numpy()
    )
    return fct.assign(**{PHASE: fct["person_id"].map(phases).to_numpy()})


def after_months(fct: pd.DataFrame) -> pd.DataFrame:
    return fct.loc[fct["period"] == "after"]


def read_study_mart(
    database: Path, table: str, order_by: str, columns: list[str], study_name: str, empty: str
) -> pd.DataFrame:
    """One mart a study's evaluation reads (`schema.name`), ordered; RtwError naming
    the table and the study when the warehouse lacks it, it is empty (`empty` says
    what that means) or it lacks one of `columns`."""
    import duckdb

    database = Path(database)
    hint = f"was the warehouse built with --study {study_name}?"
    if not database.is_file():
        raise RtwError(f"{database}: no such warehouse file")
    schema, name = table.split(".")
    with duckdb.connect(str(database), read_only=True) as connection:
        present = connection.execute(
            "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
            [schema, name],
        ).fetchone()[0]
        if not present:
            raise RtwError(f"{database}: no table {table}: {hint}")
        frame = connection.execute(f"select * from {table} order by {order_by}").df()
    if frame.empty:
        raise RtwError(f"{database}: {table} is empty ({empty}): {hint}")
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        raise RtwError(f"{database}: {table} lacks the column(s) {', '.join(absent)}: {hint}")
    return frame
