"""The panel rules, one function per status family; each returns columns over the panel rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rtwpanel.pandas_reference.reference_data import (
    AA_COUNTED_TYPES,
    TILTAK_NOT_PARTICIPATING,
    YTELSE_STATUS,
)
from rtwpanel.pandas_reference.spine import (
    Spine,
    month_end,
    month_number,
    month_start,
    status_column,
)

Columns = dict[str, pd.api.extensions.ExtensionArray]
Coverage = tuple[int, int]


def employment_relationships(aa: pd.DataFrame, coverage_last: int, lag_months: int) -> pd.DataFrame:
    """One row per relationship: latest start, effective end, stipulated or not."""
    ordered = aa.sort_values(["arbeidsforhold_id", "reg_month"], kind="stable")
    latest = ordered.groupby("arbeidsforhold_id").tail(1).set_index("arbeidsforhold_id")
    # The reported end of the latest registration that reports one.
    reported = ordered.dropna(subset=["end_date"]).groupby("arbeidsforhold_id")["end_date"].last()
    rel = latest[["person_id", "start_date", "stillingsprosent", "arbeidsforhold_type"]].copy()
    rel["last_reg"] = month_number(latest["reg_month"])
    rel["end"] = reported.reindex(rel.index)
    stipulated = rel["end"].isna() & (rel["last_reg"] < coverage_last)
    stipulated_end = pd.Series(month_end(rel["last_reg"] - lag_months), index=rel.index)
    start_month_end = pd.Series(month_end(month_number(rel["start_date"])), index=rel.index)
    clamped = stipulated & (stipulated_end < rel["start_date"])
    rel.loc[stipulated, "end"] = stipulated_end[stipulated]
    rel.loc[clamped, "end"] = start_month_end[clamped]
    rel["stipulated"] = stipulated
    return rel


def employment(aa: pd.DataFrame, spine: Spine, coverage: Coverage, lag_months: int) -> Columns:
    rel = employment_relationships(aa, coverage[1], lag_months)
    rel = rel[rel["arbeidsforhold_type"].isin(AA_COUNTED_TYPES)].reset_index(drop=True)
    active = spine.spell_rows(rel["person_id"], rel["start_date"], rel["end"])
    active = active.join(rel[["stillingsprosent", "stipulated"]], on="spell")
    by_row = active.groupby("row").agg(
        n_jobs=("spell", "size"),
        max_stillingsprosent=("stillingsprosent", "max"),
        n_jobs_stipulated=("stipulated", "sum"),
    )
    observed = spine.observed(*coverage)
    n_jobs = status_column(by_row["n_jobs"], spine, observed, "Int32")
    return {
        "employed": status_column((by_row["n_jobs"] > 0).astype("int8"), spine, observed),
        "n_jobs": n_jobs,
        "max_stillingsprosent": status_column(
            by_row["max_stillingsprosent"].fillna(0), spine, observed, "Float64"
        ),
        "n_jobs_stipulated": status_column(by_row["n_jobs_stipulated"], spine, observed, "Int32"),
    }


def certificate_episodes(certificates: pd.DataFrame) -> pd.DataFrame:
    """Chain each person's certificates: one continues an episode when its first day is at
    most one day after the episode's latest last day so far."""
    ordered = certificates.sort_values(["person_id", "fom_date", "tom_date"], kind="stable")
    reach = ordered.groupby("person_id")["tom_date"].cummax()
    previous_reach = reach.groupby(ordered["person_id"]).shift(1)
    starts = previous_reach.isna() | (ordered["fom_date"] > previous_reach + pd.Timedelta(days=1))
    episode = starts.cumsum()
    return (
        ordered.groupby(episode)
        .agg(
            person_id=("person_id", "first"),
            fom_date=("fom_date", "min"),
            tom_date=("tom_date", "max"),
        )
        .reset_index(drop=True)
    )


def unmatched_episodes(episodes: pd.DataFrame, spells: pd.DataFrame) -> pd.DataFrame:
    """Certificate episodes that overlap no register spell (their own days count)."""
    pairs = episodes.reset_index(names="episode").merge(
        spells[["person_id", "fom_date", "tom_date"]],
        on="person_id",
        suffixes=("", "_spell"),
    )
    overlapping = pairs[
        (pairs["fom_date"] <= pairs["tom_date_spell"])
        & (pairs["tom_date"] >= pairs["fom_date_spell"])
    ]
    return episodes[~episodes.index.isin(overlapping["episode"])]


def sick_leave(
    spells: pd.DataFrame,
    certificates: pd.DataFrame | None,
    spine: Spine,
    coverage: Coverage,
) -> Columns:
    register_rows = spine.spell_rows(spells["person_id"], spells["fom_date"], spells["tom_date"])
    register = pd.Series(1, index=register_rows["row"].unique())
    certificate = pd.Series(dtype="int8")
    if certificates is not None:
        own = unmatched_episodes(certificate_episodes(certificates), spells)
        own_rows = spine.spell_rows(own["person_id"], own["fom_date"], own["tom_date"])
        certificate = pd.Series(1, index=own_rows["row"].unique())
    observed = spine.observed(*coverage)
    # source code: 2 register (it prevails), 1 certificate only, 0 none
    code = pd.concat([certificate, register * 2]).groupby(level=0).max()
    codes = status_column(code, spine, observed)
    source = pd.Categorical.from_codes(
        np.where(
            codes.to_numpy(dtype="int8", na_value=0) == 2,
            0,
            np.where(codes == 1, 1, -1),
        ),
        categories=["register", "certificate"],
    )
    return {"sick_listed": (codes > 0).astype("Int8"), "sick_listed_source": source}


def benefits(payments: pd.DataFrame, spine: Spine, coverage: Coverage) -> Columns:
    observed = spine.observed(*coverage)
    status = payments["ytelse"].map(YTELSE_STATUS)
    rows = spine.spell_rows(payments["person_id"], payments["fom_date"], payments["tom_date"])
    rows["status"] = status.to_numpy()[rows["spell"].to_numpy()]
    columns: Columns = {}
    for name in ("on_aap", "on_disability", "on_unemployment_benefit"):
        hit = rows.loc[rows["status"] == name, "row"].unique()
        columns[name] = status_column(pd.Series(1, index=hit), spine, observed)
    return columns


def social_assistance(rows_in: pd.DataFrame, spine: Spine, coverage: Coverage) -> Columns:
    rows = spine.rows_of(rows_in["person_id"], month_number(rows_in["month"]))
    paid = rows_in.loc[rows.index, "belop"].groupby(rows.to_numpy()).sum()
    positive = (paid > 0).astype("int8")
    return {"on_social_assistance": status_column(positive, spine, spine.observed(*coverage))}


def programme(tiltak: pd.DataFrame, spine: Spine, coverage: Coverage) -> Columns:
    taking_part = tiltak[~tiltak["deltakerstatus"].isin(TILTAK_NOT_PARTICIPATING)].reset_index(
        drop=True
    )
    rows = spine.spell_rows(
        taking_part["person_id"], taking_part["fom_date"], taking_part["tom_date"]
    )
    hit = pd.Series(1, index=rows["row"].unique())
    return {"in_programme": status_column(hit, spine, spine.observed(*coverage))}


def education_october(utdanning: pd.DataFrame, spine: Spine, coverage: Coverage) -> Columns:
    """i_utdanning of the month's year; after the last covered year, that year's value."""
    last_year = coverage[1] // 12
    months = spine.row_month
    years = np.minimum(months // 12, last_year)
    person = np.repeat(np.arange(len(spine.persons)), spine.n_months)
    known = utdanning.dropna(subset=["year"])
    position = spine.persons.get_indexer(known["person_id"])
    first_year = min(spine.first // 12, last_year)
    span = last_year - first_year + 1
    inside = (position >= 0) & (known["year"] >= first_year) & (known["year"] <= last_year)
    keys = position[inside.to_numpy()] * span + (known.loc[inside, "year"].to_numpy() - first_year)
    flag = known.loc[inside, "i_utdanning"].fillna(0).astype("int8").groupby(keys).max()
    lookup = np.zeros(len(spine.persons) * span, dtype="int8")
    lookup[flag.index.to_numpy()] = flag.to_numpy()
    values = lookup[person * span + (years - first_year)]
    observed = months >= coverage[0]
    return {"in_education_oct": pd.arrays.IntegerArray(values, ~observed)}


def education_course(forlop: pd.DataFrame, spine: Spine, coverage: Coverage) -> Columns:
    rows = spine.spell_rows(forlop["person_id"], forlop["fom_date"], forlop["tom_date"])
    hit = pd.Series(1, index=rows["row"].unique())
    return {"in_education_course": status_column(hit, spine, spine.observed(*coverage))}


def specialist_care(npr: pd.DataFrame, spine: Spine, coverage: Coverage) -> Columns:
    observed = spine.observed(*coverage)
    columns: Columns = {}
    starts = spine.rows_of(npr["person_id"], month_number(npr["inn_date"]))
    kind = npr.loc[starts.index, "kontakttype"].to_numpy()
    for name in ("avtalespesialist", "bup", "phv_poli", "phv_dag"):
        counts = starts[kind == name].value_counts()
        columns[f"npr_{name}"] = status_column(counts, spine, observed, "Int32")
    stays = npr[npr["kontakttype"] == "phv_dogn"].reset_index(drop=True)
    rows = spine.spell_rows(stays["person_id"], stays["inn_date"], stays["ut_date"])
    month = spine.first + rows["row"].to_numpy() % spine.n_months
    spell = rows["spell"].to_numpy()
    inn = stays["inn_date"].to_numpy().astype("datetime64[D]")[spell]
    ut = stays["ut_date"].to_numpy().astype("datetime64[D]")[spell]
    # An inpatient day is a night (liggedøgn): the discharge day does not count.
    next_month = month_end(month) + np.timedelta64(1, "D")
    days = (np.minimum(ut, next_month) - np.maximum(inn, month_start(month))).astype("int64")
    per_row = pd.Series(days).groupby(rows["row"].to_numpy()).sum()
    columns["npr_phv_dogn_days"] = status_column(per_row, spine, observed, "Int32")
    return columns
