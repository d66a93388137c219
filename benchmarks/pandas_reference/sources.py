"""The sound rows of each source, typed: the delivery contract's row-level defects removed.

Defective rows (unparseable dates or months, an end before its start, an unknown person or
code, an orphan reversal) are dropped; which reason applies does not matter to the panel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pandas_reference.raw import read_rows
from pandas_reference.reference_data import (
    AA_TYPES,
    KONTAKTTYPER,
    TILTAKSKODER,
    YTELSE_STATUS,
)


@dataclass(frozen=True)
class SourceRules:
    """How to type and check one file's rows."""

    columns: list[str]
    required_dates: list[str] = field(default_factory=list)
    optional_dates: list[str] = field(default_factory=list)
    months: list[str] = field(default_factory=list)
    integers: list[str] = field(default_factory=list)
    floats: list[str] = field(default_factory=list)
    codes: dict[str, frozenset[str]] = field(default_factory=dict)
    start_end: tuple[str, str] | None = None
    known_person: bool = True


RULES: dict[str, SourceRules] = {
    "participants": SourceRules(
        columns=[
            "person_id",
            "centre_id",
            "arm",
            "randomised_date",
            "sex",
            "birth_year",
            "born_in_norway",
            "diagnosis_group",
            "death_date",
        ],
        required_dates=["randomised_date"],
        optional_dates=["death_date"],
        integers=["centre_id", "birth_year", "born_in_norway"],
        known_person=False,
    ),
    "aa_arbeidsforhold": SourceRules(
        columns=[
            "person_id",
            "arbeidsforhold_id",
            "reg_month",
            "start_date",
            "end_date",
            "stillingsprosent",
            "arbeidsforhold_type",
        ],
        required_dates=["start_date"],
        optional_dates=["end_date"],
        months=["reg_month"],
        floats=["stillingsprosent"],
        codes={"arbeidsforhold_type": AA_TYPES},
        start_end=("start_date", "end_date"),
    ),
    "ytelser": SourceRules(
        columns=["person_id", "ytelse", "fom_date", "tom_date", "belop"],
        required_dates=["fom_date", "tom_date"],
        integers=["belop"],
        codes={"ytelse": frozenset(YTELSE_STATUS)},
        start_end=("fom_date", "tom_date"),
    ),
    "sykepenger": SourceRules(
        columns=["person_id", "fom_date", "tom_date"],
        required_dates=["fom_date", "tom_date"],
        start_end=("fom_date", "tom_date"),
    ),
    "sykmeldinger": SourceRules(
        columns=["person_id", "fom_date", "tom_date"],
        required_dates=["fom_date", "tom_date"],
        start_end=("fom_date", "tom_date"),
    ),
    "sosialhjelp": SourceRules(
        columns=["person_id", "month", "belop"],
        months=["month"],
        integers=["belop"],
    ),
    "tiltak": SourceRules(
        columns=["person_id", "tiltakskode", "fom_date", "tom_date", "deltakerstatus"],
        required_dates=["fom_date"],
        optional_dates=["tom_date"],
        codes={"tiltakskode": TILTAKSKODER},
        start_end=("fom_date", "tom_date"),
    ),
    "utdanning": SourceRules(
        columns=["person_id", "year", "nus2000", "i_utdanning"],
        integers=["year", "i_utdanning"],
    ),
    "utdanning_forlop": SourceRules(
        columns=["person_id", "fom_date", "tom_date"],
        required_dates=["fom_date"],
        optional_dates=["tom_date"],
        start_end=("fom_date", "tom_date"),
    ),
    "npr": SourceRules(
        columns=["person_id", "kontakttype", "inn_date", "ut_date"],
        required_dates=["inn_date", "ut_date"],
        codes={"kontakttype": KONTAKTTYPER},
        start_end=("inn_date", "ut_date"),
    ),
    "coverage": SourceRules(
        columns=["source", "first_month", "last_month"],
        months=["first_month", "last_month"],
        known_person=False,
    ),
}


def parse_dates(text: pd.Series, pattern: str, fmt: str) -> tuple[pd.Series, pd.Series]:
    """Strictly parsed dates and a mask of non-empty values that do not parse."""
    well_formed = text.str.fullmatch(pattern)
    parsed = pd.to_datetime(text.where(well_formed), format=fmt, errors="coerce")
    return parsed, (text != "") & parsed.isna()


def typed_rows(raw: pd.DataFrame, rules: SourceRules, persons: pd.Index | None) -> pd.DataFrame:
    """Type the text rows and keep only those free of row-level defects."""
    out = pd.DataFrame(index=raw.index)
    bad = pd.Series(False, index=raw.index)
    for column in rules.columns:
        text = raw[column]
        if column in rules.required_dates or column in rules.optional_dates:
            out[column], unparseable = parse_dates(text, r"\d{8}", "%Y%m%d")
            bad |= unparseable
            if column in rules.required_dates:
                bad |= text == ""
        elif column in rules.months:
            out[column], unparseable = parse_dates(text + "01", r"\d{8}", "%Y%m%d")
            bad |= unparseable | (text == "")
        elif column in rules.integers:
            out[column] = pd.to_numeric(text.where(text != ""), errors="coerce").astype("Int64")
        elif column in rules.floats:
            out[column] = pd.to_numeric(text.where(text != ""), errors="coerce").astype("Float64")
        else:
            out[column] = text.where(text != "")
    for column, known in rules.codes.items():
        bad |= ~raw[column].isin(known)
    if rules.start_end:
        start, end = rules.start_end
        bad |= out[end] < out[start]
    if rules.known_person and persons is not None:
        bad |= ~raw["person_id"].isin(persons)
    return out[~bad].reset_index(drop=True)


def drop_cancelled_payments(payments: pd.DataFrame) -> pd.DataFrame:
    """Payments that count: any reversal of the same person, benefit, period and negated
    amount cancels the payment; reversals themselves (orphans included) never count."""
    key = ["person_id", "ytelse", "fom_date", "tom_date", "amount"]
    frame = payments.assign(amount=payments["belop"].abs())
    reversed_keys = frame.loc[frame["belop"] < 0, key].drop_duplicates().assign(cancelled=True)
    positive = frame[frame["belop"] >= 0].merge(reversed_keys, on=key, how="left")
    counting = positive[positive["cancelled"].isna()]
    return counting[["person_id", "ytelse", "fom_date", "tom_date", "belop"]]


def load_source(raw_dir: Path, name: str, persons: pd.Index | None = None) -> pd.DataFrame:
    """The typed, sound rows of one source."""
    rules = RULES[name]
    return typed_rows(read_rows(raw_dir, name, rules.columns), rules, persons)
