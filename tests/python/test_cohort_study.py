"""The cohort study end to end (studies/rtw-predictors.yml, design cohort).

`rtwpanel generate --study rtw-predictors` writes a population whose chapter-P
sick-leave episodes follow a planted hazard model (truth/episodes.csv,
truth/hazard_model.json); `rtwpanel run` builds it, checks the gates and the
expectations and writes the cohort's report. The warehouse must find every
planted episode with its days and its outcome, and the Cox model must recover
every planted hazard ratio inside its 95 % interval.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from statistics import NormalDist

import duckdb
import pytest

from browser import CHROMIUM, chromium
from dbt_runs import rtwpanel
from report_tables import table
from rtwpanel.analysis.suppression import HIDDEN
from rtwpanel.study import load_study

pytestmark = pytest.mark.slow

STUDY = load_study("rtw-predictors")


@pytest.fixture(scope="module")
def cohort_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("rtw-predictors")
    delivery, warehouse, out = root / "delivery", root / "rtw.duckdb", root / "report"
    generated = rtwpanel(
        "generate", "--study", "rtw-predictors", "--out", str(delivery), warehouse=warehouse
    )
    assert generated.returncode == 0, generated.stderr[-3000:]
    ran = rtwpanel(
        "run", "--study", "rtw-predictors", "--raw-dir", str(delivery), "--out", str(out),
        warehouse=warehouse,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    return {"delivery": delivery, "warehouse": warehouse, "out": out, "stdout": ran.stdout}


def test_the_run_passes_gates_and_names_the_report(cohort_run) -> None:
    out = cohort_run["stdout"]
    assert "gates: 47 pass, 0 warn, 0 fail" in out
    assert "analysis (rtw-predictors)" in out
    assert str(cohort_run["out"] / "report.html") in out
    with duckdb.connect(str(cohort_run["warehouse"]), read_only=True) as connection:
        # a cohort study randomised nobody: the marts by arm are empty
        assert connection.execute("select count(*) from marts.mart_status_by_arm").fetchone() == (
            0,
        )


def test_every_planted_episode_is_found_with_its_days_and_outcome(cohort_run) -> None:
    truth = cohort_run["delivery"] / "truth" / "episodes.csv"
    with duckdb.connect(str(cohort_run["warehouse"]), read_only=True) as connection:
        planted, found, same, extra = connection.execute(
            f"""
            with planted as (
                select
                    person_id,
                    strptime(cast(fom_date as varchar), '%Y%m%d')::date as first_day,
                    strptime(cast(tom_date as varchar), '%Y%m%d')::date as last_day,
                    outcome, employed_at_start
                from read_csv('{truth}', delim = ';', header = true)
            )
            select
                (select count(*) from planted where employed_at_start = 1),
                count(cohort.episode_id),
                count(*) filter (
                    where cohort.last_day = planted.last_day and cohort.outcome = planted.outcome
                ),
                (select count(*) from marts.mart_cohort_episodes) - count(cohort.episode_id)
            from planted
            left join marts.mart_cohort_episodes as cohort
                on cohort.person_id = planted.person_id and cohort.first_day = planted.first_day
            where planted.employed_at_start = 1
            """
        ).fetchone()
    assert planted > 1500
    # a planted defect (a quarantined register row) can hide an episode; nothing else
    assert found >= 0.995 * planted, (found, planted)
    assert same >= 0.995 * planted, (same, planted)
    assert extra == 0, "the cohort holds episodes the generator did not plant"


def test_every_planted_hazard_ratio_is_inside_its_interval(cohort_run) -> None:
    """Family-wise: with 14 terms, 14 unbiased 95 % intervals all cover with
    probability 0.49, so each planted ratio must lie inside its Bonferroni interval
    (family-wise 95 %); the estimates must also be near it."""
    planted = json.loads((cohort_run["delivery"] / "truth" / "hazard_model.json").read_text())
    recovery = table(cohort_run["out"] / "table_c_recovery.csv")
    assert len(recovery) == len(planted["hazard_ratios"])
    z_family = NormalDist().inv_cdf(1 - 0.025 / len(recovery))
    for term, row in recovery.items():
        hr, estimate = float(row["planted HR"]), float(row["estimated HR"])
        low, high = float(row["95 % CI low"]), float(row["95 % CI high"])
        se = (math.log(high) - math.log(low)) / (2 * NormalDist().inv_cdf(0.975))
        assert abs(math.log(estimate / hr)) <= z_family * se, (term, row)
        # about 2,000 episodes: a log hazard ratio is known to about 0.1 at worst
        assert abs(math.log(estimate / hr)) < 0.3, (term, row)


def test_the_report_shows_curves_and_hides_small_cells(cohort_run) -> None:
    out = cohort_run["out"]
    html = (out / "report.html").read_text()
    assert STUDY.title in html
    for column in STUDY.cohort.curves_by:
        assert (out / f"figure_c_km_{column}.svg").is_file()
    assert (out / "figure_c_cumulative_incidence.svg").is_file()
    for key in ("table_c1", "table_c2", "table_c3", "table_c4", "table_c5"):
        assert (out / f"{key}.csv").is_file(), key
    # no visible number at risk rests on fewer than 5 persons, and the cells that do
    # rest on fewer (the incidence of a rare outcome early on, by level) are hidden
    hidden = 0
    for key in ("table_c4", "table_c5"):
        for label, row in table(out / f"{key}.csv").items():
            at_risk = row["at risk (episodes)"]
            assert at_risk == HIDDEN or int(at_risk) >= 5, (key, label)
            hidden += sum(value == HIDDEN for value in row.values())
    assert hidden > 0


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium missing: make chromium")
def test_the_report_renders_its_figures_and_tables_in_a_browser(cohort_run, tmp_path) -> None:
    """What a reader's browser shows: every figure drawn inline, the hazard-ratio
    table with a row per term, the gates, and nothing loaded from outside."""
    offline = [
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--proxy-server=127.0.0.1:9",
        "--dump-dom",
        (cohort_run["out"] / "report.html").as_uri(),
    ]
    dom = chromium(offline, tmp_path / "profile")
    figures = re.findall(r"<figure id=\"(figure_c_[a-z_]+)\"><svg", dom)
    expected = [f"figure_c_km_{c}" for c in STUDY.cohort.curves_by]
    assert figures == [*expected, "figure_c_cumulative_incidence"]
    # the last mention of its title is the table's own heading (the first is the contents)
    hazard_table = dom.split("Table C2. Hazard ratios")[-1].split("</table>", 1)[0]
    planted = json.loads((cohort_run["delivery"] / "truth" / "hazard_model.json").read_text())
    assert hazard_table.count("<tr>") - 1 == len(planted["hazard_ratios"])
    assert 'id="gates"' in dom and "0 fail" in dom
    loads = re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?https?:""", dom)
    assert loads == []
