"""The pandas reference implementation of the panel rules.

First on a hand-made delivery (three persons, January-June 2013) whose answers are worked
out by hand below; then, when the warehouse and the generator are installed, against
`marts.fct_person_month` itself, every row and column.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from deliveries import HANDMADE_STUDY
from rtwpanel.pandas_reference import PANEL_COLUMNS, build_panel
from rtwpanel.paths import DEMO_DIR

# fmt: off
DELIVERY: dict[str, list[str]] = {
    "participants": [
        "person_id;centre_id;arm;randomised_date;sex;birth_year;born_in_norway;diagnosis_group;death_date",
        "P1;2;IPS;20130315;K;1980;1;severe;",
        # died before the end of the window: no register data, not in the panel
        "P2;3;TAU;20130201;M;1975;1;moderate;20121201",
        "P3;5;TAU;20130110;M;1990;0;;",
    ],
    "coverage": [
        "source;first_month;last_month",
        "aa_arbeidsforhold;201301;201306",
        "ytelser;201301;201306",
        "sykepenger;201301;201306",
        "sykmeldinger;201301;201306",
        "tiltak;201301;201306",
        "utdanning_forlop;201301;201306",
        "sosialhjelp;201301;201304",
        "npr;201301;201305",
        "utdanning;201001;201212",
        "inntekt;201001;201212",
    ],
    "aa_arbeidsforhold": [
        # columns in another order than the contract lists them, plus an extra column
        "arbeidsforhold_id;person_id;orgnr;reg_month;start_date;end_date;stillingsprosent;arbeidsforhold_type;extra",
        # A1: no end, last registered 201305 < 201306 -> stipulated end 2013-02-28
        *[f"A1;P1;900000001;2013{m:02d};20100101;;100;ordinaert;x" for m in range(1, 6)],
        # A2: stipulated end 2013-02-28 falls before the start -> clamped to 2013-04-30
        "A2;P1;900000002;201304;20130415;;50;ordinaert;x",
        "A2;P1;900000002;201305;20130415;;50;ordinaert;x",
        # A3: start changes (latest wins: 20130201); ends disagree (latest: 20130430)
        "A3;P1;900000003;201302;20130101;;40;maritimt;x",
        "A3;P1;900000003;201303;20130201;20130331;50;maritimt;x",
        "A3;P1;900000003;201304;20130201;20130430;60;maritimt;x",
        "A3;P1;900000003;201305;20130201;;60;maritimt;x",
        "A3;P1;900000003;201306;20130201;;60;maritimt;x",
        # A4: a freelance assignment does not count as work
        *[f"A4;P1;900000004;2013{m:02d};20130101;;100;frilanser;x" for m in range(1, 7)],
        # A5: still reported in the last covered month -> open
        *[f"A5;P3;900000005;2013{m:02d};20120601;;80;ordinaert;x" for m in range(1, 7)],
        # defects: unknown type, unknown person, end before start
        "A6;P3;900000006;201301;20130101;;100;svart;x",
        "A7;P9;900000007;201301;20130101;;100;ordinaert;x",
        "A8;P3;900000008;201306;20130301;20130201;100;ordinaert;x",
        # defects: a percentage that is not a number, an empty key
        "A9;P3;900000009;201301;20130101;;abc;ordinaert;x",
        ";P3;900000010;201301;20130101;;100;ordinaert;x",
    ],
    "ytelser": [
        "person_id;utbetaling_id;ytelse;fom_date;tom_date;belop",
        "P1;U1;AAP;20130110;20130123;5000",
        "P1;U2;AAP;20130124;20130206;5000",
        # reversed: counts for nothing
        "P1;U3;AAP;20130301;20130314;5000",
        "P1;U4;AAP;20130301;20130314;-5000",
        # orphan reversal
        "P1;U5;AAP;20130401;20130414;-3000",
        "P1;U6;UFORETRYGD;20130501;20130531;10000",
        "P1;U7;XYZ;20130601;20130630;100",
        "P1;U8;DAGPENGER;20130610;20130623;4000",
        "P1;U9;DAGPENGER;20130320;20130310;4000",
        "P1;U10;DAGPENGER;2013-03-01;20130310;4000",
        "P9;U11;AAP;20130110;20130123;5000",
    ],
    "sykepenger": [
        "person_id;sykefravaer_id;fom_date;tom_date;grad;diagnose",
        "P1;S1;20130110;20130205;100;P76",
        "P3;S2;20130401;20130402;100;P76",
    ],
    "sykmeldinger": [
        "person_id;sykmelding_id;fom_date;tom_date;grad;diagnose;utstedt_date",
        # one episode 0108-0210 overlapping S1: the register's days count instead
        "P1;C1;20130108;20130120;100;P76;20130108",
        "P1;C2;20130121;20130210;100;P76;20130121",
        # no register spell: the certificates' own days count
        "P1;C3;20130429;20130503;100;P76;20130429",
        "P1;C4;20130601;20130605;100;P76;20130601",
        "P1;C5;20130607;20130610;100;P76;20130607",
        # one chain 0301-0402 (C8 continues C6, not C7), overlapping S2: March does not count
        "P3;C6;20130301;20130331;100;P76;20130301",
        "P3;C7;20130305;20130310;100;P76;20130305",
        "P3;C8;20130401;20130402;100;P76;20130401",
    ],
    "sosialhjelp": [
        "person_id;month;belop",
        "P1;201301;1000",
        # negative social assistance is implausible (the contract's range): set aside,
        # not summed, so January's 1000 stands
        "P1;201301;-1000",
        "P1;201302;500",
        "P1;201305;700",
        "P3;201313;700",
    ],
    "tiltak": [
        "person_id;deltakelse_id;tiltakskode;fom_date;tom_date;deltakerstatus",
        "P1;T1;ABIST;20130201;20130315;FULLF",
        "P1;T2;APS;20130501;;GJENN",
        "P1;T3;ARBFORB;20130101;20130131;IKKEM",
        "P3;T4;NOSUCH;20130101;20130630;GJENN",
        # wrong number of fields
        "P3;T5;ABIST;20130101;20130630;GJENN;oops",
        # unknown participation status
        "P3;T6;ABIST;20130101;20130630;PAUSE",
    ],
    "utdanning": [
        "person_id;year;nus2000;i_utdanning",
        "P1;2011;312000;0",
        "P1;2012;412000;1",
        "P3;2012;912000;0",
        # a flag that is neither 0 nor 1, a year that is not YYYY
        "P3;2012;412000;2",
        "P3;12;412000;1",
    ],
    "utdanning_forlop": [
        "person_id;fom_date;tom_date;nus2000",
        "P1;20130110;20130112;412000",
        "P3;20130215;;412000",
    ],
    "inntekt": [
        "person_id;year;pensjonsgivende_inntekt",
        "P1;2012;300000",
    ],
    "npr": [
        "person_id;episode_id;kontakttype;inn_date;ut_date",
        "P1;E1;phv_poli;20130105;20130105",
        "P1;E2;phv_poli;20130120;20130120",
        "P1;E2;phv_poli;20130120;20130120",  # exact duplicate
        "P1;E3;avtalespesialist;20130301;20130301",
        # nights 28-31 January and 1-2 February: the discharge day is not a night
        "P1;E4;phv_dogn;20130128;20130203",
        "P1;E5;phv_dag;20130601;20130601",
    ],
}

N = None  # not observed
# P1, January-June 2013 (randomised March 2013)
P1 = {
    "rel_month": [-2, -1, 0, 1, 2, 3],
    "period": ["before", "before", "before", "after", "after", "after"],
    "employed": [1, 1, 1, 1, 0, 0],
    "n_jobs": [1, 2, 1, 2, 0, 0],
    "max_stillingsprosent": [100.0, 100.0, 60.0, 60.0, 0.0, 0.0],
    "n_jobs_stipulated": [1, 1, 0, 1, 0, 0],
    "sick_listed": [1, 1, 0, 1, 1, 1],
    "sick_listed_source": ["register", "register", N, "certificate", "certificate", "certificate"],
    "on_aap": [1, 1, 0, 0, 0, 0],
    "on_disability": [0, 0, 0, 0, 1, 0],
    "on_unemployment_benefit": [0, 0, 0, 0, 0, 1],
    "on_social_assistance": [1, 1, 0, 0, N, N],
    "in_programme": [0, 1, 1, 0, 1, 1],
    "in_education_oct": [1, 1, 1, 1, 1, 1],
    "in_education_course": [1, 0, 0, 0, 0, 0],
    "npr_avtalespesialist": [0, 0, 1, 0, 0, N],
    "npr_bup": [0, 0, 0, 0, 0, N],
    "npr_phv_poli": [2, 0, 0, 0, 0, N],
    "npr_phv_dag": [0, 0, 0, 0, 0, N],
    "npr_phv_dogn_days": [4, 2, 0, 0, 0, N],
    "aap_and_employed": [1, 1, 0, 0, 0, 0],
}
# P3, randomised January 2013
P3 = {
    "rel_month": [0, 1, 2, 3, 4, 5],
    "period": ["before", "after", "after", "after", "after", "after"],
    "employed": [1] * 6,
    "n_jobs": [1] * 6,
    "max_stillingsprosent": [80.0] * 6,
    "n_jobs_stipulated": [0] * 6,
    "sick_listed": [0, 0, 0, 1, 0, 0],
    "sick_listed_source": [N, N, N, "register", N, N],
    "on_aap": [0] * 6,
    "on_disability": [0] * 6,
    "on_unemployment_benefit": [0] * 6,
    "on_social_assistance": [0, 0, 0, 0, N, N],
    "in_programme": [0] * 6,
    "in_education_oct": [0] * 6,
    "in_education_course": [0, 1, 1, 1, 1, 1],
    "npr_avtalespesialist": [0, 0, 0, 0, 0, N],
    "npr_bup": [0, 0, 0, 0, 0, N],
    "npr_phv_poli": [0, 0, 0, 0, 0, N],
    "npr_phv_dag": [0, 0, 0, 0, 0, N],
    "npr_phv_dogn_days": [0, 0, 0, 0, 0, N],
    "aap_and_employed": [0] * 6,
}
# fmt: on


def write_delivery(folder: Path, files: dict[str, list[str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, lines in files.items():
        (folder / f"{name}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def as_python(values: pd.Series) -> list[object]:
    """Plain values with None for every kind of missing, for comparison with hand answers."""
    return [None if pd.isna(v) else v for v in values.astype(object)]


@pytest.fixture(scope="module")
def hand_panel(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    return build_panel(write_delivery(tmp_path_factory.mktemp("hand"), DELIVERY))


def test_panel_has_the_contract_columns_and_grain(hand_panel: pd.DataFrame) -> None:
    assert list(hand_panel.columns) == PANEL_COLUMNS
    assert as_python(hand_panel["person_id"]) == ["P1"] * 6 + ["P3"] * 6
    months = pd.to_datetime(hand_panel["month"]).dt.strftime("%Y-%m-%d").tolist()
    assert months == [f"2013-{m:02d}-01" for m in range(1, 7)] * 2
    assert hand_panel["year"].tolist() == [2013] * 12
    assert hand_panel["calendar_month"].tolist() == list(range(1, 7)) * 2


def test_person_attributes(hand_panel: pd.DataFrame) -> None:
    first = hand_panel.groupby("person_id", observed=True).first()
    assert as_python(first["arm"]) == ["IPS", "TAU"]
    assert as_python(first["is_ips"]) == [1, 0]
    assert as_python(first["centre_id"]) == [2, 5]
    assert as_python(first["female"]) == [1, 0]
    assert as_python(first["age_at_randomisation"]) == [33, 23]
    assert as_python(first["diagnosis_group"]) == ["severe", None]
    # P1: 2012 (1 October 2012 <= 15 March 2013) has NUS 4 -> vgs_fullfort; P3: NUS 9 -> NULL
    assert as_python(first["education_level"]) == ["vgs_fullfort", None]


@pytest.mark.parametrize("column", [c for c in P1 if c not in {"period"}] + ["period"])
def test_statuses_match_hand_worked_answers(hand_panel: pd.DataFrame, column: str) -> None:
    assert as_python(hand_panel[column].iloc[:6]) == P1[column], "P1"
    assert as_python(hand_panel[column].iloc[6:]) == P3[column], "P3"


def test_without_certificates_only_the_register_counts(tmp_path: Path) -> None:
    panel = build_panel(write_delivery(tmp_path, DELIVERY), use_certificates=False)
    assert as_python(panel["sick_listed"].iloc[:6]) == [1, 1, 0, 0, 0, 0]
    assert as_python(panel["sick_listed_source"].iloc[:6]) == ["register"] * 2 + [None] * 4


def test_a_gzipped_file_reads_the_same(tmp_path: Path, hand_panel: pd.DataFrame) -> None:
    import gzip

    folder = write_delivery(tmp_path, DELIVERY)
    plain = folder / "ytelser.csv"
    with gzip.open(folder / "ytelser.csv.gz", "wt", encoding="utf-8") as out:
        out.write(plain.read_text(encoding="utf-8"))
    plain.unlink()
    pd.testing.assert_frame_equal(build_panel(folder), hand_panel)


def test_quoted_fields_read_as_csv_quotes_them(tmp_path: Path) -> None:
    from rtwpanel.pandas_reference.raw import read_chunks

    # the lines of the dbt unit test quoted_fields_are_read_as_csv_quotes_them
    header = "person_id;sykefravaer_id;fom_date;tom_date;grad;diagnose"
    lines = [
        'P1;S1;20140101;20140114;100;"F32; F41"',
        'P1;S2;20140115;20140128;50;"say ""F32"""',
        '"P1";"S3";"20140201";"20140214";"100";""',
        'P1;S4;20140301;20140314;100;"F32',
        'P1;S5;20140301;20140314;100;"F32"x',
        'P1;S6;20140301;20140314;100;F3"2',
        'P1;S7;"20140301;20140314";100;F32',
        'P1;"S8;x";20140401;20140414;100;F32',
    ]
    (tmp_path / "sykepenger.csv").write_text("\n".join([header, *lines]) + "\n")
    columns = ["sykefravaer_id", "grad", "diagnose"]
    rows = pd.concat([chunk for chunk, _ in read_chunks(tmp_path, "sykepenger", columns)])
    assert rows.values.tolist() == [
        ["S1", "100", "F32; F41"],
        ["S2", "50", 'say "F32"'],
        ["S3", "100", ""],
        ["S6", "100", 'F3"2'],
        ["S8;x", "100", "F32"],
    ]


def test_a_quoted_header_names_the_columns(tmp_path: Path) -> None:
    from rtwpanel.pandas_reference.raw import read_header

    (tmp_path / "npr.csv").write_text('"person_id";"episode_id";kontakttype\nP1;E1;x\n')
    assert read_header(tmp_path / "npr.csv") == ["person_id", "episode_id", "kontakttype"]


def test_stipulation_lag_is_a_parameter(tmp_path: Path) -> None:
    # lag 1: A1 ends 2013-04-30 (Jan-Apr), A2 ends 2013-04-30 (no clamp needed)
    panel = build_panel(write_delivery(tmp_path, DELIVERY), lag_months=1)
    assert as_python(panel["n_jobs"].iloc[:6]) == [1, 2, 2, 3, 0, 0]
    assert np.array_equal(panel["n_jobs_stipulated"].iloc[:6].to_numpy(), [1, 1, 1, 2, 0, 0])


# --- the same panel as the warehouse -----------------------------------------------------


def warehouse_panel(raw_dir: Path, database: Path) -> pd.DataFrame:
    """marts.fct_person_month built by dbt from the delivery (models and seeds only: the
    quality gates are not what this test is about)."""
    from rtwpanel.dbt_invocation import require_success, run_dbt

    result = run_dbt(
        ["build", "--select", "+fct_person_month", "--exclude-resource-type", "test", "unit_test"],
        database,
        # the hand-made deliveries randomise from 2013, before the IPS trial's window
        dbt_vars={"raw_dir": str(raw_dir.resolve()), "study": str(HANDMADE_STUDY)},
        target_dir=database.parent / "target",
    )
    require_success(result, f"dbt build on {raw_dir}")
    return read_panel(database)


def read_panel(database: Path) -> pd.DataFrame:
    """marts.fct_person_month of a warehouse file: the columns the reference computes
    (not yet the study columns is_treated, cluster_id, the sick-leave grade and days and
    work_participation, which the dbt unit tests pin)."""
    import duckdb

    connection = duckdb.connect(str(database), read_only=True)
    try:
        columns = ", ".join(PANEL_COLUMNS)
        return connection.execute(f"select {columns} from marts.fct_person_month").df()
    finally:
        connection.close()


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """Values as plain Python (numbers as float, text as str, every missing as None),
    rows ordered by person and month, so two engines' types do not matter."""

    def plain(value: object) -> object:
        if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            return None
        if isinstance(value, pd.Timestamp | np.datetime64):
            return pd.Timestamp(value).strftime("%Y-%m-%d")
        if isinstance(value, bool | int | float | np.integer | np.floating):
            return float(value)
        return str(value)

    out = pd.DataFrame(
        {column: [plain(v) for v in frame[column].astype(object)] for column in frame.columns}
    )
    return out.sort_values(["person_id", "month"], kind="stable").reset_index(drop=True)


def assert_same_panel(reference: pd.DataFrame, warehouse: pd.DataFrame) -> None:
    assert list(warehouse.columns) == PANEL_COLUMNS
    ours, theirs = comparable(reference), comparable(warehouse)
    assert len(ours) == len(theirs), "row counts differ"
    keys = ["person_id", "month"]
    assert ours[keys].equals(theirs[keys]), "person-months differ"
    differences = []
    for column in PANEL_COLUMNS:
        differ = ours[column].ne(theirs[column]) & ~(ours[column].isna() & theirs[column].isna())
        if differ.any():
            sample = pd.concat(
                [ours.loc[differ, [*keys, column]], theirs.loc[differ, column].rename("warehouse")],
                axis=1,
            ).head(5)
            differences.append(f"{column}: {int(differ.sum())} rows differ\n{sample}")
    assert not differences, "\n".join(differences)


@pytest.mark.slow
def test_same_panel_as_the_warehouse_on_the_hand_made_delivery(tmp_path: Path) -> None:
    raw_dir = write_delivery(tmp_path / "delivery", DELIVERY)
    warehouse = warehouse_panel(raw_dir, tmp_path / "rtw.duckdb")
    assert_same_panel(build_panel(raw_dir), warehouse)


@pytest.mark.slow
def test_same_panel_as_the_warehouse_on_the_demo_delivery(demo_build: Path) -> None:
    assert_same_panel(build_panel(DEMO_DIR), read_panel(demo_build))


@pytest.mark.slow
def test_same_panel_as_the_warehouse_on_a_generated_population(tmp_path: Path) -> None:
    """About 3,000 persons with the generator's default defects in every source."""
    import subprocess

    raw_dir = tmp_path / "delivery"
    rtwpanel = Path(sys.executable).parent / "rtwpanel"
    command = ["generate", "--mode", "population", "--persons", "3000", "--seed", "7"]
    subprocess.run(
        [str(rtwpanel), *command, "--out", str(raw_dir)],
        check=True,
        capture_output=True,
    )
    warehouse = warehouse_panel(raw_dir, tmp_path / "rtw.duckdb")
    assert len(warehouse) > 200_000
    assert_same_panel(build_panel(raw_dir), warehouse)


def test_reading_in_chunks_gives_the_same_panel(
    tmp_path: Path, hand_panel: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rtwpanel.pandas_reference import raw

    # Three lines per chunk: duplicates and reversals now sit in different chunks.
    monkeypatch.setattr(raw, "CHUNK_LINES", 3)
    chunked = build_panel(write_delivery(tmp_path, DELIVERY))
    pd.testing.assert_frame_equal(chunked, hand_panel)
