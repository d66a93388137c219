"""A study is a file: a made-up third trial through the same warehouse and evaluation.

The trial has its own arm codes (ACT / WAIT), its own cluster codes (N1-N4, a
randomisation stratum), three allocation phases and a subgroup, declared in a
study file outside `studies/`. Its cohort is the demo's persons relabelled; the
registers are the demo's. Nothing else changes: the installed commands build
and evaluate it.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest

from dbt_runs import rtwpanel
from rtwpanel.errors import RtwError
from rtwpanel.paths import DEMO_DIR
from rtwpanel.study import load_study

pytestmark = pytest.mark.slow

STUDY = """\
name: trial3
title: A made-up trial of job coaching
design: rct
arms:
  treated: {code: ACT, name: Coaching, description: Job coaching}
  control: {code: WAIT, name: Waiting list, description: Waiting list}
cluster:
  meaning: region
  codes: [N1, N2, N3, N4]
  stratum: true
allocation:
  - {from: 2013-10-01, treated: 2, control: 1}
  - {from: 2014-01-01, treated: 1, control: 1}
  - {from: 2014-06-01, treated: 1, control: 2}
inclusion: {from: 2013-10-01, to: 2014-12-31}
primary_outcome: employed
outcomes:
  - {column: employed, name: in work}
  - {column: work_participation, name: work participation}
horizons: [6, 12]
subgroups:
  - name: younger
    label: younger than 35
    rules: [{variable: age_at_randomisation, op: "<", value: 35}]
"""
ARMS = {"IPS": "ACT", "TAU": "WAIT"}
# one participant whose arm the study does not declare: quarantined, not loaded
STRAY_ROW = "P9999999;N1;IPS;20140101;K;1980;1;;"


@pytest.fixture(scope="module")
def trial(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("trial3")
    study = root / "trial3.yml"
    study.write_text(STUDY, encoding="utf-8")
    delivery = root / "delivery"
    shutil.copytree(DEMO_DIR, delivery, ignore=shutil.ignore_patterns("truth"))
    with open(DEMO_DIR / "participants.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    header, body = rows[0], rows[1:]
    arm, centre = header.index("arm"), header.index("centre_id")
    for row in body:
        row[arm] = ARMS[row[arm]]
        row[centre] = f"N{(int(row[centre]) - 1) % 4 + 1}"
    lines = [";".join(header), *(";".join(row) for row in body), STRAY_ROW]
    (delivery / "participants.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    warehouse = root / "warehouse" / "rtw.duckdb"
    built = rtwpanel(
        "build", "--study", str(study), "--raw-dir", str(delivery), warehouse=warehouse
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    return {"study": study, "delivery": delivery, "warehouse": warehouse, "root": root}


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def test_the_marts_carry_the_studys_arms_and_clusters(trial: dict[str, Path]) -> None:
    rows = query(
        trial["warehouse"],
        "select arm, is_treated, count(*) from marts.dim_participant group by all order by all",
    )
    n_demo = len((DEMO_DIR / "participants.csv").read_text(encoding="utf-8").splitlines()) - 1
    assert {arm: treated for arm, treated, _ in rows} == {"ACT": 1, "WAIT": 0}
    assert sum(n for *_, n in rows) == n_demo
    clusters = query(trial["warehouse"], "select distinct cluster_id from marts.dim_participant")
    assert {c for (c,) in clusters} == {"N1", "N2", "N3", "N4"}
    # the panel carries the same labels, person by person
    (disagree,) = query(
        trial["warehouse"],
        "select count(*) from marts.fct_person_month f join marts.dim_participant d "
        "using (person_id) where f.is_treated <> d.is_treated or f.cluster_id <> d.cluster_id",
    )[0]
    assert disagree == 0


def test_an_arm_the_study_does_not_declare_is_quarantined(trial: dict[str, Path]) -> None:
    n_lines = len((trial["delivery"] / "participants.csv").read_text().splitlines())
    rows = query(
        trial["warehouse"],
        "select source_line, reason, column_name from dq.dq_quarantine "
        "where source = 'participants'",
    )
    assert rows == [(n_lines, "unknown_code", "arm")]
    (loaded,) = query(
        trial["warehouse"],
        "select count(*) from marts.dim_participant where person_id = 'P9999999'",
    )[0]
    assert loaded == 0


def test_the_build_records_the_study_file(trial: dict[str, Path]) -> None:
    (study, sha) = query(trial["warehouse"], "select study, study_sha256 from meta.build_info")[0]
    assert Path(study) == trial["study"].resolve()
    assert sha == hashlib.sha256(trial["study"].read_bytes()).hexdigest()


def test_a_broken_study_file_is_refused_naming_the_key(tmp_path: Path) -> None:
    path = tmp_path / "trial3.yml"
    path.write_text(STUDY.replace("treated: 1, control: 2", "treated: -1, control: 2"))
    with pytest.raises(RtwError, match=r"key allocation\.2\.treated"):
        load_study(path)
    result = rtwpanel(
        "build", "--study", str(path), "--raw-dir", str(DEMO_DIR),
        warehouse=tmp_path / "w" / "rtw.duckdb",
    )  # fmt: skip
    assert result.returncode == 1
    assert "allocation.2.treated" in result.stderr and str(path) in result.stderr


def test_the_evaluation_makes_its_tables_in_its_own_terms(trial: dict[str, Path]) -> None:
    out = trial["root"] / "report"
    analysed = rtwpanel(
        "analyse", "--study", str(trial["study"]), "--db", str(trial["warehouse"]),
        "--out", str(out), "--permutations", "99", "--no-wild-bootstrap",
        warehouse=trial["warehouse"],
    )  # fmt: skip
    assert analysed.returncode == 0, analysed.stdout[-3000:] + analysed.stderr[-3000:]
    for table in ("table_05", "table_06", "table_07", "table_08", "table_13", "figure_09_data"):
        assert (out / f"{table}.csv").exists(), table
    baseline = (out / "table_05.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "Coaching" in baseline and "Waiting list" in baseline
    # the status table at inclusion and at the study's horizons, 6 and 12 months
    header = (out / "table_06.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[1:] == [
        f"{arm} {when}{n}"
        for when in ("inclusion", "6 months", "12 months")
        for arm in ("Waiting list", "Coaching")
        for n in ("", " N")
    ], header
    report = (out / "report.md").read_text(encoding="utf-8")
    assert report.startswith("# A made-up trial of job coaching")
    # the demo's registers have no truth for this study, and no cost side: said, not hidden
    assert "Tables 21-23" in report
