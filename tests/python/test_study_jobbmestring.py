"""The second trial end to end: its committed demo through the installed commands.

`rtwpanel build --study jobbmestring` on data/demo-jobbmestring must pass the
gates, and `rtwpanel analyse --study jobbmestring` must write a report in the
study's terms whose 12-month work-participation shares are near the published
ones and whose recovery table covers the effect the generator realised
(truth/effects.json, computed from the generated persons).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest

from dbt_runs import rtwpanel
from rtwpanel.paths import PROJECT_DIR
from rtwpanel.study import load_study

pytestmark = pytest.mark.slow

DEMO = PROJECT_DIR / "data" / "demo-jobbmestring"
STUDY = load_study("jobbmestring")


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("jobbmestring")
    warehouse = root / "warehouse" / "rtw.duckdb"
    built = rtwpanel(
        "build", "--study", "jobbmestring", "--raw-dir", str(DEMO), warehouse=warehouse
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    out = root / "report"
    # few draws: the inference itself is tested elsewhere; this is the study's path
    analysed = rtwpanel(
        "analyse", "--study", "jobbmestring", "--db", str(warehouse), "--out", str(out),
        "--permutations", "99", "--no-wild-bootstrap",
        warehouse=warehouse,
    )  # fmt: skip
    assert analysed.returncode == 0, analysed.stdout[-3000:] + analysed.stderr[-3000:]
    return {"warehouse": warehouse, "out": out}


def rows(path: Path) -> dict[str, dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return {row["row"]: row for row in csv.DictReader(handle)}


def test_the_delivery_passes_every_gate(evaluated: dict[str, Path]) -> None:
    with duckdb.connect(str(evaluated["warehouse"]), read_only=True) as connection:
        statuses = connection.execute(
            "select status, count(*) from dq.dq_gate_summary group by status"
        ).fetchall()
    assert dict(statuses).keys() == {"pass"}, statuses


def test_twelve_month_work_participation_is_near_the_published_shares(
    evaluated: dict[str, Path],
) -> None:
    published = STUDY.published["work_participation_12"]
    row = rows(evaluated["out"] / "table_published.csv")["work participation, all, h = 12"]
    treated = float(row[f"{STUDY.treated.name} share"])
    control = float(row[f"{STUDY.control.name} share"])
    n_treated = int(row[f"{STUDY.treated.name} persons"])
    n_control = int(row[f"{STUDY.control.name} persons"])
    # three binomial standard errors at the arm's size (about 0.06 at 600 persons)
    for share, target, n in ((treated, published["treated"], n_treated),
                             (control, published["control"], n_control)):  # fmt: skip
        tolerance = 3 * (target * (1 - target) / n) ** 0.5
        assert abs(share - target) < tolerance, (share, target, tolerance)


def test_the_recovery_table_covers_the_realised_effect(evaluated: dict[str, Path]) -> None:
    truth = json.loads((DEMO / "truth" / "effects.json").read_text())["planted_rct"]["realised"]
    table = rows(evaluated["out"] / "table_recovery.csv")
    expected = {
        f"{group} / h = {horizon}": value["difference"]
        for group, horizons in truth.items()
        for horizon, value in horizons.items()
    }
    assert set(expected) <= set(table), sorted(table)
    for key, realised in expected.items():
        row = table[key]
        assert float(row["realised difference (planted)"]) == pytest.approx(realised, abs=5e-4)
        assert float(row["ci low"]) <= realised <= float(row["ci high"]), row


def test_the_report_speaks_of_the_study(evaluated: dict[str, Path]) -> None:
    report = (evaluated["out"] / "report.md").read_text(encoding="utf-8")
    assert report.startswith(f"# {STUDY.title}")
    baseline = (evaluated["out"] / "table_05.csv").read_text(encoding="utf-8").splitlines()[0]
    assert STUDY.treated.name in baseline and STUDY.control.name in baseline
    assert "IPS" not in baseline and "TAU" not in baseline
    # what the study lacks is said, not silently left out
    assert "Tables 21-23" in report and "cost_benefit" in report
