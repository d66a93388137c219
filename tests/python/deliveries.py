"""Deliveries the tests write or read back.

- The gate tests' hand-made delivery: three persons, January-June 2013 in the
  employer/employee register, few enough rows to work every gate out by hand (see
  the docstrings of the tests that use it). `write_delivery` writes it, with rows
  appended per file.
- A generated delivery read back (`Delivery`): the raw lines of each file, the
  truth manifest of planted defects, and the sound rows (every row the manifest
  does not name), with the few rules the checks of such rows need.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

# --- the gate tests' hand-made delivery ---------------------------------------------

# The study of the hand-made deliveries: the IPS arms and centres, randomised from
# 2012 (before the IPS trial's own inclusion window), see the file.
HANDMADE_STUDY = Path(__file__).parents[1] / "fixtures" / "studies" / "handmade.yml"

COVERAGE = {
    "aa_arbeidsforhold": ("201301", "201306"),
    "ytelser": ("201301", "201306"),
    "sykepenger": ("201301", "201306"),
    "sykmeldinger": ("201301", "201306"),
    "tiltak": ("201301", "201306"),
    "utdanning_forlop": ("201301", "201306"),
    # social assistance stops a month early: June is unobserved (NULL)
    "sosialhjelp": ("201301", "201305"),
    "npr": ("201301", "201306"),
    # yearly sources: 2012 only; in_education_oct is carried into 2013
    "utdanning": ("201201", "201212"),
    "inntekt": ("201201", "201212"),
}

CLEAN: dict[str, list[str]] = {
    "participants": [
        "person_id;centre_id;arm;randomised_date;sex;birth_year;born_in_norway;diagnosis_group;death_date",
        "P0000001;1;IPS;20130215;K;1980;1;severe;",
        "P0000002;2;TAU;20130310;M;1975;1;moderate;",
        "P0000003;1;IPS;20130401;K;1990;0;;",
    ],
    "aa_arbeidsforhold": [
        "person_id;arbeidsforhold_id;orgnr;reg_month;start_date;end_date;stillingsprosent;arbeidsforhold_type",
        # P1: an open job, registered every month
        *(f"P0000001;A1;900000001;2013{m:02d};20120601;;50;ordinaert" for m in range(1, 7)),
        # P3: a job with a reported end
        "P0000003;A3;900000003;201301;20120101;20130228;100;ordinaert",
        "P0000003;A3;900000003;201302;20120101;20130228;100;ordinaert",
        # P3: a second job, reported end too
        "P0000003;A4;900000004;201304;20130401;20130531;40;ordinaert",
        "P0000003;A4;900000004;201305;20130401;20130531;40;ordinaert",
    ],
    "ytelser": [
        "person_id;utbetaling_id;ytelse;fom_date;tom_date;belop",
        "P0000001;U1;AAP;20130301;20130314;5000",
        "P0000002;U2;UFORETRYGD;20130401;20130430;12000",
    ],
    "sykepenger": [
        "person_id;sykefravaer_id;fom_date;tom_date;grad;diagnose",
        "P0000001;S1;20130401;20130420;100;P76",
    ],
    "sykmeldinger": [
        "person_id;sykmelding_id;fom_date;tom_date;grad;diagnose;utstedt_date",
        "P0000001;C1;20130401;20130410;100;P76;20130401",
        "P0000001;C2;20130411;20130420;100;P76;20130410",
    ],
    "sosialhjelp": [
        "person_id;month;belop",
        "P0000002;201302;3000",
    ],
    "tiltak": [
        "person_id;deltakelse_id;tiltakskode;fom_date;tom_date;deltakerstatus",
        "P0000003;T1;ARBFORB;20130101;20130331;FULLF",
    ],
    "utdanning": [
        "person_id;year;nus2000;i_utdanning",
        "P0000001;2012;401101;0",
        "P0000002;2012;601101;1",
        "P0000003;2012;201101;0",
    ],
    "utdanning_forlop": [
        "person_id;fom_date;tom_date;nus2000",
        "P0000002;20130101;20130630;601101",
    ],
    "inntekt": [
        "person_id;year;pensjonsgivende_inntekt",
        "P0000001;2012;150000",
        "P0000002;2012;0",
        "P0000003;2012;320000",
    ],
    "npr": [
        "person_id;episode_id;kontakttype;inn_date;ut_date",
        "P0000001;E1;phv_poli;20130105;20130105",
    ],
}


def coverage_lines() -> list[str]:
    return [
        "source;first_month;last_month",
        *(f"{source};{first};{last}" for source, (first, last) in COVERAGE.items()),
    ]


def write_delivery(folder: Path, extra_rows: dict[str, list[str]] | None = None) -> Path:
    """Write the clean delivery into `folder`, with `extra_rows` appended per file."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {**CLEAN, "coverage": coverage_lines()}
    for name, lines in files.items():
        rows = [*lines, *(extra_rows or {}).get(name, [])]
        (folder / f"{name}.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


# --- a generated delivery read back ------------------------------------------------

COLUMNS = {
    "participants": "person_id centre_id arm randomised_date sex birth_year born_in_norway "
    "diagnosis_group death_date",
    "aa_arbeidsforhold": "person_id arbeidsforhold_id orgnr reg_month start_date end_date "
    "stillingsprosent arbeidsforhold_type",
    "ytelser": "person_id utbetaling_id ytelse fom_date tom_date belop",
    "sykepenger": "person_id sykefravaer_id fom_date tom_date grad diagnose",
    "sykmeldinger": "person_id sykmelding_id fom_date tom_date grad diagnose utstedt_date",
    "sosialhjelp": "person_id month belop",
    "tiltak": "person_id deltakelse_id tiltakskode fom_date tom_date deltakerstatus",
    "utdanning": "person_id year nus2000 i_utdanning",
    "utdanning_forlop": "person_id fom_date tom_date nus2000",
    "inntekt": "person_id year pensjonsgivende_inntekt",
    "npr": "person_id episode_id kontakttype inn_date ut_date",
    "coverage": "source first_month last_month",
}


def parse_date(text: str) -> date | None:
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


class Delivery:
    """A delivery read back: raw lines per file, the manifest, the sound rows."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines: dict[str, list[str]] = {}
        for name in COLUMNS:
            text = (path / f"{name}.csv").read_text(encoding="utf-8")
            assert text.endswith("\n")
            self.lines[name] = text[:-1].split("\n")
        self.manifest = pd.read_csv(
            path / "truth" / "defects.csv", sep=";", dtype=str, keep_default_na=False
        )
        row_level = self.manifest[self.manifest["line"] != ""]
        self.defect_lines: dict[str, dict[int, tuple[str, str, str]]] = defaultdict(dict)
        for r in row_level.itertuples():
            self.defect_lines[r.source][int(r.line)] = (r.kind, r.column, r.key)
        self.sound: dict[str, list[dict[str, str]]] = {}
        for name, lines in self.lines.items():
            header = lines[0].split(";")
            skip = self.defect_lines.get(name, {})
            self.sound[name] = [
                dict(zip(header, line.split(";"), strict=True))
                for number, line in enumerate(lines[1:], start=2)
                if number not in skip
            ]
        self.persons = {r["person_id"] for r in self.sound["participants"]}

    def entity_keys(self, kind: str) -> set[str]:
        return set(self.manifest.loc[self.manifest["kind"] == kind, "key"])


def chain_episodes(items: list[tuple[date, date, str]]) -> list[tuple[date, date]]:
    """Certificates chained: one continues the episode when it starts at most one day
    after the latest end so far."""
    episodes: list[list[date]] = []
    for fom, tom, _ in sorted(items):
        if episodes and fom <= episodes[-1][1] + timedelta(days=1):
            episodes[-1][1] = max(episodes[-1][1], tom)
        else:
            episodes.append([fom, tom])
    return [(a, b) for a, b in episodes]
