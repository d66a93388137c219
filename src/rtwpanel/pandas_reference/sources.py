"""The sound rows of each source, typed: the delivery contract's row-level defects removed.

Defective rows are dropped: an empty required field, a date, month, year or number that does
not parse, an end before its start, an unknown code or flag value, a person who is not a sound
participant. Which reason applies does not matter to the panel. Reversals are matched to
payments when the payments are counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from rtwpanel.pandas_reference.raw import read_chunks
from rtwpanel.pandas_reference.reference_data import (
    AA_TYPES,
    ARMS,
    DELTAKERSTATUSER,
    DIAGNOSIS_GROUPS,
    KONTAKTTYPER,
    SEXES,
    SOURCES,
    TILTAKSKODER,
    YTELSE_STATUS,
)


@dataclass(frozen=True)
class SourceRules:
    """How to type and check one file's rows. Every listed column is required (empty is
    a defect) unless it is named in `optional`."""

    columns: list[str]
    optional: frozenset[str] = frozenset()
    dates: list[str] = field(default_factory=list)
    months: list[str] = field(default_factory=list)
    years: list[str] = field(default_factory=list)
    integers: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    codes: dict[str, frozenset[str]] = field(default_factory=dict)
    start_end: tuple[str, str] | None = None
    known_person: bool = True
    # plausible values (the contract's `range`): a number outside is set aside
    ranges: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)


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
        optional=frozenset({"diagnosis_group", "death_date"}),
        dates=["randomised_date", "death_date"],
        years=["birth_year"],
        integers=["centre_id"],
        flags=["born_in_norway"],
        codes={"arm": ARMS, "sex": SEXES, "diagnosis_group": DIAGNOSIS_GROUPS},
        known_person=False,
    ),
    "aa_arbeidsforhold": SourceRules(
        columns=[
            "person_id",
            "arbeidsforhold_id",
            "orgnr",
            "reg_month",
            "start_date",
            "end_date",
            "stillingsprosent",
            "arbeidsforhold_type",
        ],
        optional=frozenset({"end_date"}),
        dates=["start_date", "end_date"],
        months=["reg_month"],
        numbers=["stillingsprosent"],
        codes={"arbeidsforhold_type": AA_TYPES},
        start_end=("start_date", "end_date"),
        ranges={"stillingsprosent": (0, 100)},
    ),
    "ytelser": SourceRules(
        columns=[
            "person_id",
            "utbetaling_id",
            "ytelse",
            "fom_date",
            "tom_date",
            "belop",
        ],
        dates=["fom_date", "tom_date"],
        integers=["belop"],
        codes={"ytelse": frozenset(YTELSE_STATUS)},
        start_end=("fom_date", "tom_date"),
    ),
    "sykepenger": SourceRules(
        columns=[
            "person_id",
            "sykefravaer_id",
            "fom_date",
            "tom_date",
            "grad",
            "diagnose",
        ],
        optional=frozenset({"diagnose"}),
        dates=["fom_date", "tom_date"],
        integers=["grad"],
        start_end=("fom_date", "tom_date"),
        ranges={"grad": (1, 100)},
    ),
    "sykmeldinger": SourceRules(
        columns=[
            "person_id",
            "sykmelding_id",
            "fom_date",
            "tom_date",
            "grad",
            "diagnose",
            "utstedt_date",
        ],
        optional=frozenset({"diagnose", "utstedt_date"}),
        dates=["fom_date", "tom_date", "utstedt_date"],
        integers=["grad"],
        start_end=("fom_date", "tom_date"),
        ranges={"grad": (1, 100)},
    ),
    "sosialhjelp": SourceRules(
        columns=["person_id", "month", "belop"],
        months=["month"],
        integers=["belop"],
        ranges={"belop": (0, None)},
    ),
    "tiltak": SourceRules(
        columns=[
            "person_id",
            "deltakelse_id",
            "tiltakskode",
            "fom_date",
            "tom_date",
            "deltakerstatus",
        ],
        optional=frozenset({"tom_date"}),
        dates=["fom_date", "tom_date"],
        codes={"tiltakskode": TILTAKSKODER, "deltakerstatus": DELTAKERSTATUSER},
        start_end=("fom_date", "tom_date"),
    ),
    "utdanning": SourceRules(
        columns=["person_id", "year", "nus2000", "i_utdanning"],
        optional=frozenset({"nus2000"}),
        years=["year"],
        flags=["i_utdanning"],
    ),
    "utdanning_forlop": SourceRules(
        columns=["person_id", "fom_date", "tom_date", "nus2000"],
        optional=frozenset({"tom_date", "nus2000"}),
        dates=["fom_date", "tom_date"],
        start_end=("fom_date", "tom_date"),
    ),
    "npr": SourceRules(
        columns=["person_id", "episode_id", "kontakttype", "inn_date", "ut_date"],
        dates=["inn_date", "ut_date"],
        codes={"kontakttype": KONTAKTTYPER},
        start_end=("inn_date", "ut_date"),
    ),
    "coverage": SourceRules(
        columns=["source", "first_month", "last_month"],
        months=["first_month", "last_month"],
        codes={"source": SOURCES},
        start_end=("first_month", "last_month"),
        known_person=False,
    ),
}

# Shapes a field must have in full (anything else does not parse).
_INTEGER = r"-?[0-9]{1,18}"
_NUMBER = r"-?[0-9]{1,15}(?:[.][0-9]{1,15})?"
_YEAR = r"[0-9]{4}"


def parse_dates(text: pd.Series) -> pd.Series:
    """Strict YYYYMMDD calendar dates; anything else is missing."""
    well_formed = text.str.fullmatch(r"[0-9]{8}")
    return pd.to_datetime(text.where(well_formed), format="%Y%m%d", errors="coerce")


def parse_numbers(text: pd.Series, pattern: str, dtype: str) -> pd.Series:
    """Numbers of the given shape; anything else is missing."""
    return pd.to_numeric(text.where(text.str.fullmatch(pattern)), errors="coerce").astype(dtype)


def typed_rows(
    raw: pd.DataFrame, rules: SourceRules, persons: pd.Index | None
) -> tuple[pd.DataFrame, np.ndarray]:
    """Type the text rows; return them with the mask of rows free of row-level defects."""
    out = pd.DataFrame(index=raw.index)
    bad = pd.Series(False, index=raw.index)
    for column in rules.columns:
        text = raw[column]
        empty = text == ""
        if column not in rules.optional:
            bad |= empty
        if column in rules.dates:
            out[column] = parse_dates(text)
        elif column in rules.months:
            out[column] = parse_dates(text.where(text.str.fullmatch(r"[0-9]{6}"), "") + "01")
        elif column in rules.years:
            out[column] = parse_numbers(text, _YEAR, "Int64")
        elif column in rules.integers:
            out[column] = parse_numbers(text, _INTEGER, "Int64")
        elif column in rules.numbers:
            out[column] = parse_numbers(text, _NUMBER, "Float64")
        elif column in rules.flags:
            out[column] = text.map({"0": 0, "1": 1}).astype("Int8")
        elif column in rules.codes:
            # a code list is small: categories keep a big file's codes compact
            known = rules.codes[column]
            out[column] = text.where(text.isin(known)).astype(pd.CategoricalDtype(sorted(known)))
        else:
            out[column] = text.where(~empty)
        # a non-empty field that did not parse (or a code not in its list)
        bad |= ~empty & out[column].isna()
    if rules.start_end:
        start, end = rules.start_end
        bad |= out[end] < out[start]
    for column, (low, high) in rules.ranges.items():
        if low is not None:
            bad |= (out[column] < low).fillna(False)
        if high is not None:
            bad |= (out[column] > high).fillna(False)
    if rules.known_person and persons is not None:
        bad |= ~raw["person_id"].isin(persons)
    sound = ~bad.to_numpy()
    return out[sound], sound


def drop_cancelled_payments(payments: pd.DataFrame) -> pd.DataFrame:
    """Payments that count. A reversal (negative amount) cancels one payment of the same
    person, benefit, period and negated amount; reversals and payments are paired one to
    one in file order, so a second reversal of one payment is an orphan and cancels
    nothing. Reversals themselves never count."""
    key = ["person_id", "ytelse", "fom_date", "tom_date", "amount"]
    frame = payments.assign(amount=payments["belop"].abs(), is_reversal=payments["belop"] < 0)
    frame["pair"] = frame.groupby([*key, "is_reversal"]).cumcount()
    reversals = frame.loc[frame["is_reversal"], [*key, "pair"]].assign(cancelled=True)
    kept = frame[~frame["is_reversal"]].merge(reversals, on=[*key, "pair"], how="left")
    counting = kept[kept["cancelled"].isna()]
    return counting[["person_id", "ytelse", "fom_date", "tom_date", "belop"]]


def load_source(raw_dir: Path, name: str, persons: pd.Index | None = None) -> pd.DataFrame:
    """The typed, sound rows of one source, in file order, exact copies dropped."""
    rules = RULES[name]
    parts, hashes = [], []
    for text, line_hashes in read_chunks(raw_dir, name, rules.columns):
        typed, sound = typed_rows(text, rules, persons)
        parts.append(typed)
        hashes.append(line_hashes[sound])
    if not parts:
        empty = pd.DataFrame({c: pd.Series([], dtype="str") for c in rules.columns})
        return typed_rows(empty, rules, persons)[0]
    rows = pd.concat(parts, ignore_index=True)
    # Both copies of a duplicated line are sound or both are not: dropping copies after
    # the checks is the same as before them.
    first_copy = ~pd.Series(np.concatenate(hashes)).duplicated().to_numpy()
    return rows[first_copy].reset_index(drop=True)
