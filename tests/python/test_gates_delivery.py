"""A small hand-made delivery for the gate tests, with defects planted by hand.

Three persons, January-June 2013 in the employer/employee register. The rows are
few enough to work every gate out by hand (see the docstrings of the tests that
use them). `write_delivery` writes it; the tests here check only the helper.
"""

from __future__ import annotations

from pathlib import Path

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


def test_write_delivery_appends_rows_after_the_clean_ones(tmp_path: Path) -> None:
    folder = write_delivery(tmp_path, {"npr": ["P0000009;E9;phv_poli;20130105;20130105"]})
    lines = (folder / "npr.csv").read_text(encoding="utf-8").splitlines()
    assert lines[-1] == "P0000009;E9;phv_poli;20130105;20130105"
    assert len(lines) == len(CLEAN["npr"]) + 1
    assert (folder / "coverage.csv").read_text(encoding="utf-8").count("\n") == 11
