"""The synthetic delivery against the delivery contract and its own truth.

A small reference implementation of the panel rules (spec panel.md) reads the
sound rows (every row not named in truth/defects.csv) and must reproduce
truth/person_month.csv.gz exactly; the defect rows must break the contract the
way the manifest says, and every entity-level anomaly in the sound rows must be
a planted one.
"""

from __future__ import annotations

import gzip
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from deliveries import COLUMNS, Delivery, chain_episodes, parse_date
from rtwpanel.synthetic import generate_delivery

MONTHS = [(2010 + i // 12, i % 12 + 1) for i in range(76)]
MONTH_INDEX = {y * 100 + m: i for i, (y, m) in enumerate(MONTHS)}
MONTH_START = [date(y, m, 1) for y, m in MONTHS] + [date(2016, 5, 1)]
DATE_COLUMNS = {"start_date", "end_date", "fom_date", "tom_date", "utstedt_date", "inn_date",
                "ut_date", "randomised_date", "death_date"}  # fmt: skip
OPTIONAL = {"end_date", "tom_date_tiltak", "utstedt_date", "death_date", "diagnosis_group"}
MONTH_COLUMNS = {"reg_month", "month", "first_month", "last_month"}
CODES = {
    "arbeidsforhold_type": {"ordinaert", "maritimt", "frilanser", "forenklet"},
    "ytelse": {
        "AAP",
        "REHABILITERINGSPENGER",
        "ATTFORINGSPENGER",
        "TIDSBEGR_UFORESTONAD",
        "UFOREPENSJON",
        "UFORETRYGD",
        "DAGPENGER",
    },
    "tiltakskode": {
        "ABIST",
        "APS",
        "PRAKSORD",
        "ARBFORB",
        "AVKLARAG",
        "INDOPPFAG",
        "GRUPPEAMO",
        "GRUFAGYRKE",
        "LONNTILS",
        "VASV",
        "INDJOBSTOT",
    },
    "deltakerstatus": {"GJENN", "FULLF", "AVBRUTT", "IKKEM"},
    "kontakttype": {"avtalespesialist", "bup", "phv_poli", "phv_dag", "phv_dogn"},
    "arm": {"IPS", "TAU"},
    "sex": {"K", "M"},
    "born_in_norway": {"0", "1"},
    "i_utdanning": {"0", "1"},
    "diagnosis_group": {"severe", "moderate", ""},
}
SPANS = {"start_date": "end_date", "fom_date": "tom_date", "inn_date": "ut_date"}
KEYS = {
    "aa_arbeidsforhold": ("arbeidsforhold_id", "reg_month"),
    "ytelser": ("utbetaling_id",),
    "sykepenger": ("sykefravaer_id",),
    "sykmeldinger": ("sykmelding_id",),
    "tiltak": ("deltakelse_id",),
    "utdanning": ("person_id", "year"),
    "inntekt": ("person_id", "year"),
    "npr": ("episode_id",),
    "participants": ("person_id",),
}

ORDER = {
    "aa_arbeidsforhold": ("person_id", "arbeidsforhold_id", "reg_month"),
    "ytelser": ("person_id", "utbetaling_id"),
    "sykepenger": ("person_id", "sykefravaer_id"),
    "sykmeldinger": ("person_id", "sykmelding_id"),
    "sosialhjelp": ("person_id", "month"),
    "tiltak": ("person_id", "deltakelse_id"),
    "utdanning": ("person_id", "year"),
    "utdanning_forlop": ("person_id", "fom_date"),
    "inntekt": ("person_id", "year"),
    "npr": ("person_id", "episode_id"),
    "participants": ("person_id",),
}


def valid_month(text: str) -> bool:
    return len(text) == 6 and text.isdigit() and int(text[:4]) >= 2000 and 1 <= int(text[4:]) <= 12


def months_of(start: date, end: date | None) -> range:
    """Month indices of the window in which [start, end] is active."""
    first = 0 if start < MONTH_START[0] else MONTH_INDEX[start.year * 100 + start.month]
    if end is None:
        return range(first, 76)
    if end < MONTH_START[0]:
        return range(0)
    last = 75 if end >= MONTH_START[76] else MONTH_INDEX[end.year * 100 + end.month]
    return range(first, last + 1)


def month_end_before(yyyymm: str, lag: int) -> date:
    """The last day of the month ``lag`` months before month ``yyyymm``."""
    months = int(yyyymm[:4]) * 12 + int(yyyymm[4:]) - 1 - lag + 1  # the month after
    return date(months // 12, months % 12 + 1, 1) - timedelta(days=1)


def reference_panel(d: Delivery) -> dict[str, dict[str, np.ndarray]]:
    """The panel rules applied to the sound rows: status arrays per person."""
    persons = sorted(r["person_id"] for r in d.sound["participants"] if r["death_date"] == "")
    out = {p: defaultdict(lambda: np.zeros(76, dtype=np.int64)) for p in persons}

    # employment: effective end per relationship
    rels: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in d.sound["aa_arbeidsforhold"]:
        rels[r["arbeidsforhold_id"]].append(r)
    for regs in rels.values():
        regs.sort(key=lambda r: r["reg_month"])
        latest = regs[-1]
        if latest["arbeidsforhold_type"] not in ("ordinaert", "maritimt"):
            continue
        start = parse_date(latest["start_date"])
        reported = [r for r in regs if r["end_date"]]
        if reported:
            end = parse_date(reported[-1]["end_date"])
        elif latest["reg_month"] < "201604":
            end = month_end_before(latest["reg_month"], 3)
            if end < start:
                end = month_end_before(start.strftime("%Y%m"), 0)
        else:
            end = None
        person = out[latest["person_id"]]
        pct = round(float(latest["stillingsprosent"]) * 10)
        for t in months_of(start, end):
            person["n_jobs"][t] += 1
            person["max_pct"][t] = max(person["max_pct"][t], pct)

    # benefits after reversals
    payments: dict[tuple, list[int]] = defaultdict(list)
    for r in d.sound["ytelser"]:
        payments[(r["person_id"], r["ytelse"], r["fom_date"], r["tom_date"])].append(
            int(r["belop"])
        )
    status = {"AAP": "aap", "REHABILITERINGSPENGER": "aap", "ATTFORINGSPENGER": "aap",
              "TIDSBEGR_UFORESTONAD": "aap", "UFOREPENSJON": "dis", "UFORETRYGD": "dis",
              "DAGPENGER": "ue"}  # fmt: skip
    for (person, ytelse, fom, tom), amounts in payments.items():
        positive = [a for a in amounts if a > 0]
        for a in amounts:
            if a < 0:
                positive.remove(-a)  # a sound reversal always has its payment
        if positive:
            for t in months_of(parse_date(fom), parse_date(tom)):
                out[person][status[ytelse]][t] = 1

    # sick leave: certificate episodes, matched or not
    spells = defaultdict(list)
    for r in d.sound["sykepenger"]:
        spells[r["person_id"]].append((parse_date(r["fom_date"]), parse_date(r["tom_date"])))
    certs = defaultdict(list)
    for r in d.sound["sykmeldinger"]:
        certs[r["person_id"]].append(
            (parse_date(r["fom_date"]), parse_date(r["tom_date"]), r["sykmelding_id"])
        )
    for person, items in spells.items():
        for fom, tom in items:
            for t in months_of(fom, tom):
                out[person]["sick"][t] = 1
    for person, items in certs.items():
        for fom, tom in chain_episodes(items):
            if not any(s <= tom and e >= fom for s, e in spells.get(person, [])):
                for t in months_of(fom, tom):
                    out[person]["sick"][t] = 1

    sums = defaultdict(int)
    for r in d.sound["sosialhjelp"]:
        sums[(r["person_id"], MONTH_INDEX[int(r["month"])])] += int(r["belop"])
    for (person, t), total in sums.items():
        out[person]["sa"][t] = int(total > 0)
    for r in d.sound["tiltak"]:
        if r["deltakerstatus"] != "IKKEM":
            end = parse_date(r["tom_date"]) if r["tom_date"] else None
            for t in months_of(parse_date(r["fom_date"]), end):
                out[r["person_id"]]["prog"][t] = 1
    for r in d.sound["utdanning_forlop"]:
        end = parse_date(r["tom_date"]) if r["tom_date"] else None
        for t in months_of(parse_date(r["fom_date"]), end):
            out[r["person_id"]]["course"][t] = 1
    for r in d.sound["utdanning"]:
        year = int(r["year"])
        months = range((year - 2010) * 12, 76 if year == 2015 else (year - 2009) * 12)
        for t in months:
            out[r["person_id"]]["edu"][t] = int(r["i_utdanning"])
    for r in d.sound["npr"]:
        inn, ut = parse_date(r["inn_date"]), parse_date(r["ut_date"])
        person = out[r["person_id"]]
        if r["kontakttype"] != "phv_dogn":
            person[r["kontakttype"]][MONTH_INDEX[inn.year * 100 + inn.month]] += 1
            continue
        day = inn
        while day < ut:  # nights: the discharge day does not count
            if day < MONTH_START[72]:
                person["phv_dogn"][MONTH_INDEX[day.year * 100 + day.month]] += 1
            day += timedelta(days=1)
    return out


def read_truth(path: Path) -> pd.DataFrame:
    with gzip.open(path / "truth" / "person_month.csv.gz", "rt", encoding="utf-8") as handle:
        return pd.read_csv(handle, sep=";", dtype={"person_id": str, "month": int})


def reference_frame(d: Delivery) -> pd.DataFrame:
    ref = reference_panel(d)
    names = {
        "employed": None, "n_jobs": "n_jobs", "max_stillingsprosent": "max_pct",
        "sick_listed": "sick", "on_aap": "aap", "on_disability": "dis",
        "on_unemployment_benefit": "ue", "on_social_assistance": "sa", "in_programme": "prog",
        "in_education_oct": "edu", "in_education_course": "course",
        "npr_avtalespesialist": "avtalespesialist", "npr_bup": "bup",
        "npr_phv_poli": "phv_poli", "npr_phv_dag": "phv_dag", "npr_phv_dogn_days": "phv_dogn",
    }  # fmt: skip
    rows = []
    for person in sorted(ref):
        values = ref[person]
        for t, (y, m) in enumerate(MONTHS):
            row = {"person_id": person, "month": y * 100 + m}
            for column, key in names.items():
                if column == "employed":
                    row[column] = int(values["n_jobs"][t] > 0)
                elif column == "max_stillingsprosent":
                    row[column] = values["max_pct"][t] / 10
                else:
                    row[column] = int(values[key][t])
                if t >= 72 and (column == "on_social_assistance" or column.startswith("npr_")):
                    row[column] = np.nan
            rows.append(row)
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def clean(clean_delivery: Path) -> Delivery:
    """The trial with every defect off (the generator's default seed)."""
    return Delivery(clean_delivery)


@pytest.fixture(scope="module")
def defective(tmp_path_factory) -> Delivery:
    out = tmp_path_factory.mktemp("defective")
    generate_delivery(out)  # the demo's parameters
    return Delivery(out)


def compare(d: Delivery) -> pd.DataFrame:
    """Truth minus reference, cell by cell (0 where equal)."""
    truth = read_truth(d.path).sort_values(["person_id", "month"]).reset_index(drop=True)
    ref = reference_frame(d).sort_values(["person_id", "month"]).reset_index(drop=True)
    assert list(truth.columns) == list(ref.columns)
    assert truth[["person_id", "month"]].equals(ref[["person_id", "month"]])
    diff = truth.drop(columns=["person_id", "month"]).fillna(-1) - ref.drop(
        columns=["person_id", "month"]
    ).fillna(-1)
    return pd.concat([truth[["person_id", "month"]], diff], axis=1)


def test_clean_delivery_has_an_empty_manifest(clean: Delivery) -> None:
    assert len(clean.manifest) == 0


def test_truth_equals_panel_rules_on_clean_delivery(clean: Delivery) -> None:
    diff = compare(clean)
    values = diff.drop(columns=["person_id", "month"])
    bad = diff[(values != 0).any(axis=1)]
    assert bad.empty, bad.head(20).to_string()


def test_truth_equals_panel_rules_on_sound_rows_except_stipulated_ends(
    defective: Delivery,
) -> None:
    """Only a missing end date (the stipulation rule) may change the panel, and then only
    by removing employment months of persons holding such a relationship."""
    diff = compare(defective)
    employment = ["employed", "n_jobs", "max_stillingsprosent"]
    others = diff.drop(columns=["person_id", "month", *employment])
    assert (others == 0).all().all(), diff[(others != 0).any(axis=1)].head(20).to_string()
    changed = diff[(diff[employment] != 0).any(axis=1)]
    missing = {k.split("-")[0].replace("AF", "P") for k in defective.entity_keys("aa_missing_end")}
    assert set(changed["person_id"]) <= missing
    assert (changed["n_jobs"] >= 0).all()  # the rule only removes months
    assert len(changed) > 0  # and here it does remove some


def test_sound_rows_conform_to_the_contract(defective: Delivery) -> None:
    for name, rows in defective.sound.items():
        header = defective.lines[name][0].split(";")
        assert header == COLUMNS[name].split(), name
        seen_lines = set()
        keys = set()
        for number, line in enumerate(defective.lines[name][1:], start=2):
            if number in defective.defect_lines.get(name, {}):
                continue
            assert line not in seen_lines, f"{name}:{number} is a duplicate not in the manifest"
            seen_lines.add(line)
            assert len(line.split(";")) == len(header), f"{name}:{number}"
        for r in rows:
            where = f"{name}: {r}"
            if name != "coverage":
                assert r["person_id"] in defective.persons, where
            for column, value in r.items():
                if column in DATE_COLUMNS and (value or column not in OPTIONAL | {"tom_date"}):
                    assert parse_date(value) is not None, where
                if column in MONTH_COLUMNS:
                    assert valid_month(value), where
                if column in CODES:
                    assert value in CODES[column], where
            for start, end in SPANS.items():
                if r.get(end):
                    assert parse_date(r[end]) >= parse_date(r[start]), where
            if name == "aa_arbeidsforhold":
                assert len(r["orgnr"]) == 9 and r["orgnr"].isdigit()
                assert 0 < float(r["stillingsprosent"]) <= 100
            if name == "utdanning":
                assert len(r["nus2000"]) == 6 and r["nus2000"].isdigit()
            if name == "npr":
                kind = r["kontakttype"]
                assert (
                    (r["ut_date"] > r["inn_date"])
                    if kind == "phv_dogn"
                    else (r["ut_date"] == r["inn_date"])
                ), where
            if name in KEYS:
                key = tuple(r[k] for k in KEYS[name])
                assert key not in keys, f"{name}: key {key} twice"
                keys.add(key)
        # sorted by person (participants' numbers first, persons outside the cohort last)
        persons = [line.split(";")[0] for line in defective.lines[name][1:]]
        if name != "coverage":
            assert persons == sorted(persons), name
        # and within a person by the source's key
        if name in ORDER:
            keys = [tuple(r[c] for c in ORDER[name]) for r in rows]
            assert keys == sorted(keys), name


def test_defect_rows_break_the_contract_as_the_manifest_says(defective: Delivery) -> None:
    payments = {
        (r["person_id"], r["ytelse"], r["fom_date"], r["tom_date"], int(r["belop"]))
        for r in defective.sound["ytelser"]
    }
    for source, lines in defective.defect_lines.items():
        header = defective.lines[source][0].split(";")
        for number, (kind, column, _) in lines.items():
            line = defective.lines[source][number - 1]
            fields = line.split(";")
            where = f"{source}:{number} {kind} {line}"
            if kind == "wrong_field_count":
                assert len(fields) != len(header), where
                continue
            assert len(fields) == len(header), where
            r = dict(zip(header, fields, strict=True))
            if kind == "duplicate_row":
                assert line in defective.lines[source][1 : number - 1], where
            elif kind == "bad_date":
                assert parse_date(r[column]) is None, where
            elif kind == "bad_month":
                assert not valid_month(r[column]), where
            elif kind == "end_before_start":
                start = {v: k for k, v in SPANS.items()}[column]
                assert parse_date(r[column]) < parse_date(r[start]), where
            elif kind == "unknown_person":
                assert r["person_id"] not in defective.persons, where
            elif kind == "unknown_code":
                assert r[column] not in CODES[column], where
            elif kind == "orphan_reversal":
                belop = int(r["belop"])
                key = (r["person_id"], r["ytelse"], r["fom_date"], r["tom_date"], -belop)
                assert belop < 0 and key not in payments, where
            else:
                pytest.fail(f"unknown kind {where}")
            if kind != "unknown_person":  # otherwise sound: one defect per row
                assert r["person_id"] in defective.persons, where


def test_truth_equals_panel_rules_on_another_studys_clean_delivery(tmp_path: Path) -> None:
    """The second trial (studies/jobbmestring.yml), every defect off: every status of its
    truth but work participation (tested in test_synthetic_jobbmestring) is what the
    panel rules give on its rows."""
    from rtwpanel.synthetic import DEFECT_KINDS
    from rtwpanel.synthetic.truth import PARTICIPATION_COLUMNS

    generate_delivery(tmp_path, study="jobbmestring", defect_rates=dict.fromkeys(DEFECT_KINDS, 0.0))
    d = Delivery(tmp_path)
    truth = read_truth(tmp_path).drop(columns=list(PARTICIPATION_COLUMNS))
    truth = truth.sort_values(["person_id", "month"]).reset_index(drop=True)
    ref = reference_frame(d).sort_values(["person_id", "month"]).reset_index(drop=True)
    assert list(truth.columns) == list(ref.columns)
    assert truth[["person_id", "month"]].equals(ref[["person_id", "month"]])
    diff = truth.drop(columns=["person_id", "month"]).fillna(-1) - ref.drop(
        columns=["person_id", "month"]
    ).fillna(-1)
    bad = truth[(diff != 0).any(axis=1)]
    assert bad.empty, bad.head(20).to_string()
