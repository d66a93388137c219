"""A small simulated trial written straight into the marts' shape.

Not the register generator (that writes a raw delivery for dbt): this writes
`marts.*` directly, with a known planted effect, so the tests can check the
analysis and its inference quickly, without building a warehouse. (The Monte
Carlo benchmark runs on the register generator itself.)

Each 0/1 status is drawn as 1[U_it < p_it], where U_it is uniform with an
AR(1) Gaussian copula within the person, so months of one person are
correlated while E[status] = p_it exactly. p_it adds a person effect, a cluster
effect and, for the treated arm after randomisation, the planted effect.

The trial is a study's (`TrialSpec.study`, default IPS): its arm codes, its
cluster codes and, when `treated_share` is None, its allocation ratio by phase.
With the default study the draws are those of the IPS simulation before studies
were files, so the tests' panels did not change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from rtwpanel.marts_schema import (
    BINARY_STATUSES,
    DIM_PARTICIPANT_COLUMNS,
    FCT_PERSON_MONTH_COLUMNS,
    NPR_MEASURES,
    PARTICIPANT_ATTRIBUTES,
)
from rtwpanel.study import Study, load_study
from rtwpanel.synthetic.allocation import phase_of, read_schedule

CENTRE_WEIGHTS = np.array([1479, 2561, 2169, 716, 1297, 1819], dtype=float)
EDUCATION = ("grunnskole", "vgs_grunn", "vgs_fullfort", "hoyere")
SHARE_STATUSES = BINARY_STATUSES
NPR = NPR_MEASURES
FCT_COLUMNS = FCT_PERSON_MONTH_COLUMNS
DIM_COLUMNS = DIM_PARTICIPANT_COLUMNS
SICK_LEAVE_GRADES = (20, 50, 100)
OUT_OF_WORK_MONTHS = 24  # months before the month of randomisation behind months_out_of_work
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
    study: str | Path = "ips"  # a study's name or file: arms, clusters, allocation
    treated_share: float | None = 0.56  # None: the study's ratio in each allocation phase
    recruitment_days: int = 396  # persons randomised uniformly over this many days


def spec_study(spec: TrialSpec) -> Study:
    return load_study(spec.study)


def _months(spec: TrialSpec) -> pd.DatetimeIndex:
    return pd.date_range(spec.first_month, spec.last_month, freq="MS")


def _cluster_weights(n_clusters: int) -> np.ndarray:
    weights = CENTRE_WEIGHTS if n_clusters == len(CENTRE_WEIGHTS) else np.ones(n_clusters)
    return weights / weights.sum()


def simulate_participants(spec: TrialSpec, rng: np.random.Generator) -> pd.DataFrame:
    study = spec_study(spec)
    n = spec.n_persons
    codes = np.array(study.cluster_codes, dtype=object)
    cluster = rng.choice(len(codes), size=n, p=_cluster_weights(len(codes)))
    draw = rng.random(n)
    start = np.datetime64(study.inclusion[0].isoformat())
    randomised = start + rng.integers(0, spec.recruitment_days, n).astype("timedelta64[D]")
    if spec.treated_share is None:
        schedule = read_schedule(study)
        share = np.array([p.share_treated for p in schedule])[phase_of(randomised, schedule)]
    else:
        share = np.full(n, spec.treated_share)
    is_treated = (draw < share).astype(int)
    centre = pd.to_numeric(pd.Series(codes[cluster]), errors="coerce").to_numpy()
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
            "arm": np.where(is_treated == 1, study.treated.code, study.control.code),
            "is_treated": is_treated,
            "cluster_id": codes[cluster],
            "is_ips": is_treated,
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
            "months_out_of_work": np.nan,  # from the panel (simulate_trial)
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
    ips = people["is_treated"].to_numpy()[:, None]
    codes = list(spec_study(spec).cluster_codes)
    n_clusters = len(codes)
    centre = people["cluster_id"].map(codes.index).to_numpy()
    centre_effect = rng.normal(0, spec.centre_sd, size=(len(spec.base), n_clusters))

    status: dict[str, np.ndarray] = {}
    for k, (name, base) in enumerate(spec.base.items()):
        person_effect = rng.normal(0, spec.person_sd, size=n)
        p = base + person_effect[:, None] + centre_effect[k, centre][:, None]
        p = p + spec.effects.get(name, 0.0) * ips * after * ramp
        if name == "employed" and spec.effect_centre_sd > 0:
            spread = rng.normal(0, spec.effect_centre_sd, size=n_clusters)[centre]
            p = p + spread[:, None] * ips * after * ramp
        if spec.centre_month_sd > 0:
            p = p + rng.normal(0, spec.centre_month_sd, size=(n_clusters, t))[centre]
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
    # sick leave: a grade and days for the sick-listed months; work participation is
    # being in work and not 100 % sick-listed the whole month
    sick = status["sick_listed"] == 1
    grade = np.array(SICK_LEAVE_GRADES, dtype=float)[rng.integers(0, 3, size=(n, t))]
    days_in_month = months.days_in_month.to_numpy()[None, :]
    days = np.minimum(rng.integers(1, 32, size=(n, t)), days_in_month).astype(float)
    status["sick_leave_grade"] = np.where(sick, grade, 0.0)
    status["sick_leave_days"] = np.where(sick, days, 0.0)
    status["sick_leave_full_days"] = np.where(sick & (grade == 100), days, 0.0)
    whole_month_full = status["sick_leave_full_days"] >= days_in_month
    status["work_participation"] = employed * (1.0 - whole_month_full)

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
    # a trial's delivery has no residence (bosted.csv): no region, no roll-out
    frame["region"] = None
    frame["treated_since"] = np.nan
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


def months_out_of_work(fct: pd.DataFrame, dim: pd.DataFrame) -> pd.Series:
    """Of the 24 months before the month of randomisation, those with
    work_participation = 0; NULL when one of them is not observed."""
    window = fct.loc[fct["rel_month"].between(-OUT_OF_WORK_MONTHS, -1)]
    per_person = window.groupby("person_id")["work_participation"].agg(["count", "sum"])
    out = OUT_OF_WORK_MONTHS - per_person["sum"]
    out = out.where(per_person["count"] == OUT_OF_WORK_MONTHS)
    return dim["person_id"].map(out).astype(float)


def simulate_trial(spec: TrialSpec) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(fct_person_month, dim_participant) for one simulated trial."""
    rng = np.random.default_rng(spec.seed)
    dim = simulate_participants(spec, rng)
    fct = simulate_panel(spec, dim, rng)
    dim["months_out_of_work"] = months_out_of_work(fct, dim)
    return fct, dim


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
            "alter table marts.dim_participant alter centre_id type integer;"
            "alter table marts.fct_person_month alter centre_id type integer;"
        )
        _integer_statuses(con)
    return path


def _integer_statuses(con: object) -> None:
    """The contract: 0/1 statuses are integers, NULL where unobserved."""
    counts = ("n_jobs", "n_jobs_stipulated", "sick_leave_grade", "sick_leave_days")
    for name in (*SHARE_STATUSES, *NPR, *counts, "sick_leave_full_days"):
        con.execute(f"alter table marts.fct_person_month alter {name} type integer")  # type: ignore[attr-defined]
