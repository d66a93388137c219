"""A small simulated trial written straight into the marts' shape.

Not the register generator (that writes a raw delivery for dbt): this writes
`marts.*` directly, with a known planted effect, so the tests can check the
analysis and its inference quickly, without building a warehouse. (The Monte
Carlo benchmark runs on the register generator itself.)

Each 0/1 status is drawn as 1[U_it < p_it], where U_it is uniform with an
AR(1) Gaussian copula within the person, so months of one person are
correlated while E[status] = p_it exactly. p_it adds a person effect, a centre
effect and, for IPS after randomisation, the planted effect.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from rtwpanel.marts_schema import (
    BINARY_STATUSES,
    FCT_PERSON_MONTH_COLUMNS,
    NPR_MEASURES,
    PARTICIPANT_ATTRIBUTES,
)

CENTRE_WEIGHTS = np.array([1479, 2561, 2169, 716, 1297, 1819], dtype=float)
EDUCATION = ("grunnskole", "vgs_grunn", "vgs_fullfort", "hoyere")
SHARE_STATUSES = BINARY_STATUSES
NPR = NPR_MEASURES
FCT_COLUMNS = FCT_PERSON_MONTH_COLUMNS
DIM_COLUMNS = (
    "person_id",
    "arm",
    "is_ips",
    "centre_id",
    "sex",
    "female",
    "birth_year",
    "age_at_randomisation",
    "born_in_norway",
    "diagnosis_group",
    "education_level",
    "income_2013_nok",
    "income_2013_g",
    "randomised_date",
    "has_register_data",
    "excluded_reason",
)
G_2013_AVERAGE = 84_204.0


@dataclass(frozen=True)
class TrialSpec:
    n_persons: int = 410
    seed: int = 1
    first_month: str = "2010-01-01"
    last_month: str = "2016-04-01"
    # planted effects of IPS on monthly probabilities after randomisation
    effects: dict[str, float] = field(
        default_factory=lambda: {"employed": 0.10, "in_programme": -0.18}
    )
    ramp_months: int = 0  # effect grows linearly to full size over this many months
    base: dict[str, float] = field(
        default_factory=lambda: {
            "employed": 0.27,
            "on_aap": 0.5,
            "on_disability": 0.13,
            "on_unemployment_benefit": 0.03,
            "on_social_assistance": 0.13,
            "in_programme": 0.25,
            "in_education_course": 0.04,
        }
    )
    person_sd: float = 0.15  # spread of the person effect on p
    centre_sd: float = 0.04  # spread of the centre effect on p
    rho: float = 0.9  # month-to-month correlation of the copula
    centre_month_sd: float = 0.0  # common shocks to p within a centre and month
    effect_centre_sd: float = 0.0  # centre-to-centre spread of the employment effect
    n_without_register_data: int = 0


def _months(spec: TrialSpec) -> pd.DatetimeIndex:
    return pd.date_range(spec.first_month, spec.last_month, freq="MS")


def simulate_participants(spec: TrialSpec, rng: np.random.Generator) -> pd.DataFrame:
    n = spec.n_persons
    centre = rng.choice(6, size=n, p=CENTRE_WEIGHTS / CENTRE_WEIGHTS.sum()) + 1
    is_ips = (rng.random(n) < 0.56).astype(int)
    start = np.datetime64("2013-10-01")
    randomised = start + rng.integers(0, 396, n).astype("timedelta64[D]")
    rand_year = randomised.astype("datetime64[Y]").astype(int) + 1970
    age = np.clip(np.round(rng.normal(34.7, 9.5, n)), 18, 64).astype(int)
    female = (rng.random(n) < 0.49).astype(int)
    education = rng.choice(len(EDUCATION) + 1, size=n, p=[0.48, 0.04, 0.26, 0.18, 0.04])
    diagnosis = rng.choice(3, size=n, p=[0.4, 0.35, 0.25])
    income = np.round(np.maximum(rng.normal(2.0, 1.2, n), 0) * G_2013_AVERAGE)
    has_data = np.ones(n, dtype=bool)
    has_data[: spec.n_without_register_data] = False
    return pd.DataFrame(
        {
            "person_id": [f"P{i:07d}" for i in range(n)],
            "arm": np.where(is_ips == 1, "IPS", "TAU"),
            "is_ips": is_ips,
            "centre_id": centre,
            "sex": np.where(female == 1, "K", "M"),
            "female": female,
            "birth_year": rand_year - age,
            "age_at_randomisation": age,
            "born_in_norway": (rng.random(n) < 0.86).astype(int),
            "diagnosis_group": pd.Series(
                np.array(["moderate", "severe", None], dtype=object)[diagnosis], dtype=object
            ),
            "education_level": pd.Series(
                np.array([*EDUCATION, None], dtype=object)[education], dtype=object
            ),
            "income_2013_nok": income,
            "income_2013_g": income / G_2013_AVERAGE,
            "randomised_date": pd.to_datetime(randomised),
            "has_register_data": has_data,
            "excluded_reason": np.where(has_data, None, "no register data"),
        }
    )


def copula_uniforms(rng: np.random.Generator, n: int, t: int, rho: float) -> np.ndarray:
    z = np.empty((n, t))
    z[:, 0] = rng.standard_normal(n)
    scale = np.sqrt(1 - rho**2)
    for j in range(1, t):
        z[:, j] = rho * z[:, j - 1] + scale * rng.standard_normal(n)
    return stats.norm.cdf(z)


def simulate_panel(spec: TrialSpec, dim: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    people = dim.loc[dim["has_register_data"]].reset_index(drop=True)
    months = _months(spec)
    n, t = len(people), len(months)
    month_index = months.year.to_numpy() * 12 + months.month.to_numpy() - 1
    rand = pd.to_datetime(people["randomised_date"])
    rand_index = (rand.dt.year * 12 + rand.dt.month - 1).to_numpy()
    rel = month_index[None, :] - rand_index[:, None]
    after = rel >= 1
    ramp = np.ones_like(rel, dtype=float)
    if spec.ramp_months > 0:
        ramp = np.clip(rel / spec.ramp_months, 0, 1)
    ips = people["is_ips"].to_numpy()[:, None]
    centre = people["centre_id"].to_numpy() - 1
    centre_effect = rng.normal(0, spec.centre_sd, size=(len(spec.base), 6))

    status: dict[str, np.ndarray] = {}
    for k, (name, base) in enumerate(spec.base.items()):
        person_effect = rng.normal(0, spec.person_sd, size=n)
        p = base + person_effect[:, None] + centre_effect[k, centre][:, None]
        p = p + spec.effects.get(name, 0.0) * ips * after * ramp
        if name == "employed" and spec.effect_centre_sd > 0:
            spread = rng.normal(0, spec.effect_centre_sd, size=6)[centre]
            p = p + spread[:, None] * ips * after * ramp
        if spec.centre_month_sd > 0:
            p = p + rng.normal(0, spec.centre_month_sd, size=(6, t))[centre]
        u = copula_uniforms(rng, n, t, spec.rho)
        status[name] = (u < np.clip(p, 0, 1)).astype(float)

    employed = status["employed"]
    status["sick_listed"] = employed * (rng.random((n, t)) < 0.08)
    status["aap_and_employed"] = status["on_aap"] * employed
    years = months.year.to_numpy()
    oct_draw = rng.random((n, years.max() - years.min() + 1)) < 0.08
    status["in_education_oct"] = oct_draw[:, years - years.min()].astype(float)
    social_end = np.datetime64("2015-12-01")
    unobserved = months.to_numpy() > social_end
    status["on_social_assistance"][:, unobserved] = np.nan
    for name in NPR:
        counts = rng.poisson(0.3, size=(n, t)).astype(float)
        counts[:, unobserved] = np.nan
        status[name] = counts

    rows = n * t
    person_rep = np.repeat(np.arange(n), t)
    frame = pd.DataFrame(
        {
            "person_id": people["person_id"].to_numpy()[person_rep],
            "month": np.tile(months.to_numpy(), n),
            "year": np.tile(months.year.to_numpy(), n),
            "calendar_month": np.tile(months.month.to_numpy(), n),
            "rel_month": rel.reshape(rows),
            "period": np.where(after.reshape(rows), "after", "before"),
        }
    )
    for column in PARTICIPANT_ATTRIBUTES:
        frame[column] = people[column].to_numpy()[person_rep]
    for name, values in status.items():
        frame[name] = values.reshape(rows)
    frame["n_jobs"] = frame["employed"]
    frame["max_stillingsprosent"] = np.where(frame["employed"] == 1, 100.0, np.nan)
    frame["n_jobs_stipulated"] = 0.0
    frame["sick_listed_source"] = np.where(frame["sick_listed"] == 1, "register", None)
    return frame[list(FCT_COLUMNS)]


def status_by_arm(fct: pd.DataFrame) -> pd.DataFrame:
    grouped = fct.groupby(["arm", "rel_month"])
    out = grouped["person_id"].nunique().rename("n_persons").to_frame()
    for name in SHARE_STATUSES:
        out[f"share_{name}"] = grouped[name].mean()
    return out.reset_index()


def before_after(fct: pd.DataFrame) -> pd.DataFrame:
    grouped = fct.groupby(["arm", "period"])
    out = grouped["person_id"].nunique().rename("n_persons").to_frame()
    out["n_person_months"] = grouped.size()
    for name in SHARE_STATUSES:
        out[f"mean_{name}"] = grouped[name].mean()
    return out.reset_index()


def simulate_trial(spec: TrialSpec) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(fct_person_month, dim_participant) for one simulated trial."""
    rng = np.random.default_rng(spec.seed)
    dim = simulate_participants(spec, rng)
    return simulate_panel(spec, dim, rng), dim


def write_warehouse(path: Path, fct: pd.DataFrame, dim: pd.DataFrame) -> Path:
    """Write the four marts into a fresh DuckDB file."""
    import duckdb

    path = Path(path)
    path.unlink(missing_ok=True)
    tables = {
        "fct_person_month": fct,
        "dim_participant": dim[list(DIM_COLUMNS)],
        "mart_status_by_arm": status_by_arm(fct),
        "mart_before_after": before_after(fct),
    }
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        for name, frame in tables.items():
            con.register("frame", frame)
            con.execute(f"create table marts.{name} as select * from frame")
            con.unregister("frame")
        con.execute(
            "alter table marts.fct_person_month alter month type date;"
            "alter table marts.dim_participant alter randomised_date type date;"
        )
        _integer_statuses(con)
    return path


def _integer_statuses(con: object) -> None:
    """The contract: 0/1 statuses are integers, NULL where unobserved."""
    for name in (*SHARE_STATUSES, *NPR, "n_jobs", "n_jobs_stipulated"):
        con.execute(f"alter table marts.fct_person_month alter {name} type integer")  # type: ignore[attr-defined]
