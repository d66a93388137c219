"""build_panel: a delivery folder in, `marts.fct_person_month` as a DataFrame out."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from rtwpanel.pandas_reference import statuses
from rtwpanel.pandas_reference.reference_data import AA_STIPULATION_LAG_MONTHS, NUS_LEVELS
from rtwpanel.pandas_reference.sources import drop_cancelled_payments, load_source
from rtwpanel.pandas_reference.spine import Spine, month_end, month_number, month_start

PANEL_COLUMNS = [
    "person_id", "month", "year", "calendar_month", "rel_month", "period", "arm", "is_ips",
    "centre_id", "female", "age_at_randomisation", "diagnosis_group", "education_level",
    "employed", "n_jobs", "max_stillingsprosent", "n_jobs_stipulated", "sick_listed",
    "sick_listed_source", "on_aap", "on_disability", "on_unemployment_benefit",
    "on_social_assistance", "in_programme", "in_education_oct", "in_education_course",
    "npr_avtalespesialist", "npr_bup", "npr_phv_poli", "npr_phv_dag", "npr_phv_dogn_days",
    "aap_and_employed",
]  # fmt: skip


def read_coverage(raw_dir: Path) -> dict[str, tuple[int, int]]:
    coverage = load_source(raw_dir, "coverage")
    return {
        row.source: (int(month_number(pd.Series([row.first_month]))[0]),
                     int(month_number(pd.Series([row.last_month]))[0]))
        for row in coverage.itertuples()
    }  # fmt: skip


def education_level_at(participants: pd.DataFrame, utdanning: pd.DataFrame) -> pd.Series:
    """Level of the last `utdanning` year whose 1 October is on or before randomisation."""
    known = utdanning.dropna(subset=["year"]).merge(
        participants[["person_id", "randomised_date"]], on="person_id"
    )
    october = pd.to_datetime({"year": known["year"], "month": 10, "day": 1})
    known = known[october <= known["randomised_date"]]
    last = known.sort_values(["person_id", "year"], kind="stable").groupby("person_id").tail(1)
    level = last["nus2000"].str.slice(0, 1).map(NUS_LEVELS)
    return pd.Series(level.to_numpy(), index=last["person_id"].to_numpy())


def person_frame(raw_dir: Path, window_last: int) -> tuple[pd.DataFrame, pd.Index]:
    """Participants (sound rows, first of each person_id) and the persons in the panel."""
    participants = load_source(raw_dir, "participants")
    participants = participants.drop_duplicates("person_id").reset_index(drop=True)
    window_end = pd.Timestamp(month_end(np.array([window_last]))[0])
    # A death before the end of the register window leaves no usable register data.
    with_data = participants["death_date"].isna() | (participants["death_date"] > window_end)
    return participants, pd.Index(participants.loc[with_data, "person_id"]).sort_values()


def build_panel(
    raw_dir: Path | str,
    use_certificates: bool = True,
    lag_months: int = AA_STIPULATION_LAG_MONTHS,
) -> pd.DataFrame:
    """fct_person_month from a delivery folder: one row per person with register data per
    month of the employer register's coverage, ordered by person and month."""
    raw_dir = Path(raw_dir)
    coverage = read_coverage(raw_dir)
    first, last = coverage["aa_arbeidsforhold"]
    participants, panel_persons = person_frame(raw_dir, last)
    known = pd.Index(participants["person_id"])
    spine = Spine(panel_persons, first, last)

    def load(name: str) -> pd.DataFrame:
        return load_source(raw_dir, name, known)

    sick_coverage = coverage["sykepenger"]
    if use_certificates:
        sick_coverage = (
            max(sick_coverage[0], coverage["sykmeldinger"][0]),
            min(sick_coverage[1], coverage["sykmeldinger"][1]),
        )
    utdanning = load("utdanning")
    columns: statuses.Columns = {}
    columns |= statuses.employment(
        load("aa_arbeidsforhold"), spine, coverage["aa_arbeidsforhold"], lag_months
    )
    columns |= statuses.sick_leave(
        load("sykepenger"),
        load("sykmeldinger") if use_certificates else None,
        spine,
        sick_coverage,
    )
    payments = drop_cancelled_payments(load("ytelser")).reset_index(drop=True)
    columns |= statuses.benefits(payments, spine, coverage["ytelser"])
    columns |= statuses.social_assistance(load("sosialhjelp"), spine, coverage["sosialhjelp"])
    columns |= statuses.programme(load("tiltak"), spine, coverage["tiltak"])
    columns |= statuses.education_october(utdanning, spine, coverage["utdanning"])
    columns |= statuses.education_course(
        load("utdanning_forlop"), spine, coverage["utdanning_forlop"]
    )
    columns |= statuses.specialist_care(load("npr"), spine, coverage["npr"])
    on_aap, employed = columns["on_aap"], columns["employed"]
    columns["aap_and_employed"] = (on_aap * employed).astype("Int8")

    people = participants.set_index("person_id").loc[panel_persons]
    people["education_level"] = education_level_at(participants, utdanning).reindex(people.index)
    # Assemble once, in contract order, without copying the (large) columns again.
    columns |= _person_columns(people, spine)
    return pd.DataFrame({name: columns[name] for name in PANEL_COLUMNS}, copy=False)


def _person_columns(people: pd.DataFrame, spine: Spine) -> statuses.Columns:
    """Month and person attributes of every panel row."""
    n = spine.n_months
    months = spine.row_month
    randomised = month_number(people["randomised_date"]).to_numpy()
    rel_month = months - np.repeat(randomised, n)

    def each(values: pd.Series, dtype: str) -> pd.api.extensions.ExtensionArray:
        return pd.array(np.repeat(values.to_numpy(), n), dtype=dtype)

    def category(values: pd.Series) -> pd.Categorical:
        per_person = pd.Categorical(values)
        return pd.Categorical.from_codes(np.repeat(per_person.codes, n), per_person.categories)

    return {
            "person_id": pd.Categorical.from_codes(
                np.repeat(np.arange(len(people)), n), categories=people.index
            ),
            "month": np.tile(month_start(np.arange(spine.first, spine.last + 1)), len(people)),
            "year": (months // 12).astype("int16"),
            "calendar_month": (months % 12 + 1).astype("int8"),
            "rel_month": rel_month.astype("int16"),
            "period": pd.Categorical.from_codes((rel_month >= 1).astype("int8"),
                                                categories=["before", "after"]),
            "arm": category(people["arm"]),
            "is_ips": each((people["arm"] == "IPS").astype("int8"), "int8"),
            "centre_id": each(people["centre_id"], "Int16"),
            "female": each((people["sex"] == "K").astype("int8"), "int8"),
            "age_at_randomisation": each(
                people["randomised_date"].dt.year - people["birth_year"], "Int16"
            ),
            "diagnosis_group": category(people["diagnosis_group"]),
            "education_level": category(people["education_level"]),
    }  # fmt: skip
