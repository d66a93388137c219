"""The roll-out study end to end (studies/ipsnor.yml, design rollout).

`rtwpanel generate --study ipsnor` writes a population in the study's regions
with residence (bosted.csv), a planted target population and a planted effect
from each region's start (truth/region_month.csv, truth/rollout.json);
`rtwpanel run --study ipsnor` builds it, checks the gates and the expectations
and writes the roll-out report. Every planted row defect is on (bosted.csv's
too); the employment-register defects are off, as they change months in work by
design, so the warehouse's region-months must equal the truth cell by cell.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dbt_runs import rtwpanel
from report_tables import table
from rtwpanel.analysis.command import default_out
from rtwpanel.analysis.suppression import HIDDEN
from rtwpanel.options import REPORTS_DIR
from rtwpanel.study import load_study

pytestmark = pytest.mark.slow

STUDY = load_study("ipsnor")
PERSONS = 3000
# the default defects but those of aa_arbeidsforhold's registrations (docs/reliability.md)
ROW_DEFECTS = "aa_missing_end=0,aa_registered_after_end=0,aa_start_changed=0"


@pytest.fixture(scope="module")
def rollout_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path | str]:
    root = tmp_path_factory.mktemp("ipsnor")
    delivery, warehouse, out = root / "delivery", root / "ipsnor.duckdb", root / "report"
    generated = rtwpanel(
        "generate", "--study", "ipsnor", "--persons", str(PERSONS), "--defects", ROW_DEFECTS,
        "--out", str(delivery), warehouse=warehouse,
    )  # fmt: skip
    assert generated.returncode == 0, generated.stderr[-3000:]
    ran = rtwpanel(
        "run", "--study", "ipsnor", "--raw-dir", str(delivery), "--out", str(out),
        warehouse=warehouse,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    return {"delivery": delivery, "warehouse": warehouse, "out": out, "stdout": ran.stdout}


def query(run: dict, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(run["warehouse"]), read_only=True) as connection:
        return connection.execute(sql).df()


def test_the_run_passes_gates_and_names_the_report(rollout_run) -> None:
    out = rollout_run["stdout"]
    assert "gates: 47 pass, 0 warn, 0 fail" in out
    assert "analysis (ipsnor)" in out
    assert str(rollout_run["out"] / "report.html") in out
    # a roll-out randomised nobody: the marts by arm are empty
    assert query(rollout_run, "select count(*) as n from marts.mart_status_by_arm").n[0] == 0


def test_every_residence_row_is_loaded_or_set_aside_as_planted(rollout_run) -> None:
    delivery = rollout_run["delivery"]
    planted = pd.read_csv(delivery / "truth" / "defects.csv", sep=";", dtype=str)
    planted = planted[planted.source == "bosted"]
    lines = (delivery / "bosted.csv").read_text(encoding="utf-8").splitlines()
    set_aside = query(
        rollout_run,
        "select cast(source_line as varchar) as line, reason from dq.dq_quarantine"
        " where source = 'bosted'",
    )
    rows = query(
        rollout_run,
        "select raw_rows, loaded_rows, duplicate_rows, quarantined_rows"
        " from dq.dq_gate_sources where source = 'bosted'",
    ).iloc[0]
    quarantined = planted[planted.kind != "duplicate_row"]
    assert set(zip(set_aside.line, set_aside.reason, strict=True)) == set(
        zip(quarantined.line, quarantined.kind, strict=True)
    )
    assert rows.raw_rows == len(lines) - 1
    assert rows.duplicate_rows == (planted.kind == "duplicate_row").sum()
    assert rows.quarantined_rows == len(quarantined)
    assert rows.raw_rows == rows.loaded_rows + rows.duplicate_rows + rows.quarantined_rows
    assert rows.loaded_rows == len(lines) - 1 - len(planted)


def test_every_region_month_is_the_generators(rollout_run) -> None:
    """Target persons, the share in work, the start and the months since it, for each
    of 19 regions x 76 months."""
    truth = pd.read_csv(
        rollout_run["delivery"] / "truth" / "region_month.csv",
        sep=";",
        dtype={"region": str, "month": str, "start_month": str},
        keep_default_na=False,
    )
    marts = query(
        rollout_run,
        """
        select
            region, strftime(month, '%Y%m') as month,
            coalesce(strftime(start_month, '%Y%m'), '') as start_month,
            treated_since, n_persons, cast(round(share_employed * n_employed) as integer)
                as in_work
        from marts.mart_region_month
        """,
    )
    assert len(truth) == len(marts) == len(STUDY.rollout.regions) * 76
    both = truth.merge(marts, on=["region", "month"], validate="one_to_one")
    assert len(both) == len(truth)
    assert (both.start_month_x == both.start_month_y).all()
    assert (both.n_persons == both.n_target).all()
    assert (both.in_work == both.n_employed).all()
    started = both.start_month_x != ""
    months = pd.to_datetime(both.month, format="%Y%m").dt.to_period("M")
    start = pd.to_datetime(both.start_month_x[started], format="%Y%m").dt.to_period("M")
    since = (months[started] - start).map(lambda offset: offset.n)
    treated = both.treated_since[started]
    assert (treated[since >= 0] == since[since >= 0]).all()
    assert treated[since < 0].isna().all() and both.treated_since[~started].isna().all()


def test_the_report_sets_the_estimates_beside_the_planted_effect(rollout_run) -> None:
    out, delivery = rollout_run["out"], rollout_run["delivery"]
    planted = json.loads((delivery / "truth" / "rollout.json").read_text())
    recovery = table(out / "table_r_recovery.csv")
    overall = recovery["overall ATT"]
    assert float(overall["planted"]) == pytest.approx(planted["att"], abs=5e-5)  # 4 decimals
    low, high = float(overall["95 % low"]), float(overall["95 % high"])
    assert low < float(overall["estimated"]) < high
    # two-way fixed effects beside the same planted ATT: Table R2's primary coefficient
    twfe = recovery["TWFE"]
    assert twfe["planted"] == overall["planted"]
    assert twfe["estimated"] == next(iter(table(out / "table_r2.csv").values()))["TWFE"]
    html = (out / "report.html").read_text(encoding="utf-8")
    for region in STUDY.rollout.regions:
        assert region.name in html, region.code
    assert "TWFE" in html and "pre-trend" in html.lower()
    figure = (out / "figure_r1_event_study.svg").read_text(encoding="utf-8")
    # the figure states the pre-trend test of Table R3's note and draws the planted path
    f_test = re.search(r"F\((\d+), (\d+)\) = ([\d.]+), p = ([\d.]+)", html)
    assert f_test is not None and f"joint {f_test[0]}" in figure
    placebo = re.search(r"average pre-period theta\(e\) (-?[\d.]+), p = ([\d.]+)", html)
    assert placebo is not None
    assert f"average theta {placebo[1]}, placebo p = {placebo[2]} (499 assignments)" in figure
    # the primary outcome's placebo p in Table R2: (1 + k) / 500
    primary = next(iter(table(out / "table_r2.csv").values()))
    assert 0 < float(primary["CS placebo p"]) <= 1
    assert "planted (generator" in figure
    # 3,000 persons: some region-months rest on fewer than 5 target persons, and no
    # published number does
    hidden = sum(
        value == HIDDEN
        for key in ("table_r1", "table_r2", "table_r3", "table_r4", "table_r5")
        for row in table(out / f"{key}.csv").values()
        for value in row.values()
    )
    assert hidden > 0


def test_without_out_the_report_goes_to_the_studys_own_folder(rollout_run, tmp_path) -> None:
    """reports/ for ips, reports/<study> for another: the study named, else the one the
    warehouse was built for; so running a second study never mixes its report into
    the first one's folder."""
    assert default_out(rollout_run["warehouse"], None) == REPORTS_DIR / "ipsnor"
    assert default_out(rollout_run["warehouse"], "ips") == REPORTS_DIR
    assert default_out(tmp_path / "none.duckdb", None) == REPORTS_DIR
    assert default_out(tmp_path / "none.duckdb", "rtw-predictors") == (
        REPORTS_DIR / "rtw-predictors"
    )
    shown = rtwpanel("run", "--help", warehouse=tmp_path / "w.duckdb").stdout
    assert "reports/<study> for a study" in " ".join(shown.split())
