"""`rtwpanel analyse` on a small simulated warehouse: every file, nothing small."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rtwpanel.analysis.simulated_marts import TrialSpec, simulate_trial, write_warehouse
from rtwpanel.analysis.suppression import HIDDEN
from rtwpanel.cli import main

TABLES = [f"table_{n:02d}" for n in (5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 21, 22, 23)]
COEFFICIENTS = [f"table_{n:02d}_coefficients" for n in (8, 9, 11, 12, 15)]
EXPECTED = (
    [
        f"{t}.{ext}"
        for t in [*TABLES, *COEFFICIENTS, "table_recovery", "figure_09_data"]
        for ext in ("csv", "md")
    ]
    + ["estimates.csv"]
    + [f"{f}.{ext}" for f in ("figure_09", "figure_09b_event_study") for ext in ("png", "svg")]
    + ["report.md", "report.html"]
)


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    root = tmp_path_factory.mktemp("analyse")
    # 150 persons: the last months after randomisation rest on a handful of persons
    fct, dim = simulate_trial(
        TrialSpec(n_persons=150, seed=11, first_month="2012-01-01", n_without_register_data=2)
    )
    database = write_warehouse(root / "rtw.duckdb", fct, dim)
    delivery = root / "delivery"
    (delivery / "truth").mkdir(parents=True)
    (delivery / "truth" / "effects.json").write_text(
        json.dumps({"effects": {"work_at_18_months": 0.1, "work_ramp_months": 0}})
    )
    out = root / "report"
    status = main(
        [
            "analyse",
            "--db",
            str(database),
            "--out",
            str(out),
            "--raw-dir",
            str(delivery),
            "--permutations",
            "99",
        ]
    )
    assert status == 0
    return out, fct


def test_every_expected_file_is_written(analysed: tuple[Path, pd.DataFrame]) -> None:
    out, _ = analysed
    missing = [name for name in EXPECTED if not (out / name).exists()]
    assert missing == []
    html = (out / "report.html").read_text()
    assert html.count("<svg") == 2
    assert "Table 8." in html and "Table 23." in html
    assert "Recovery" in (out / "report.md").read_text()


def test_small_months_of_figure_9_are_hidden(analysed: tuple[Path, pd.DataFrame]) -> None:
    out, fct = analysed
    data = pd.read_csv(out / "figure_09_data.csv", dtype=str).set_index("row")
    observed = fct.loc[fct["employed"].notna()]
    small = []
    for (rel, arm), group in observed.groupby(["rel_month", "arm"]):
        n, k = len(group), int(group["employed"].sum())
        if n < 5 or 0 < k < 5 or 0 < n - k < 5:
            small.append((str(rel), arm, f"{k / n:.3f}"))
    assert small, "the fixture should have small cells"
    for rel, arm, rate in small:
        assert data.at[rel, f"{arm} rate"] == HIDDEN
        assert data.at[rel, "difference"] == HIDDEN
        assert rate not in data.loc[rel, [f"{arm} rate", f"{arm} low", f"{arm} high"]].tolist()


def test_small_status_shares_are_hidden(analysed: tuple[Path, pd.DataFrame]) -> None:
    out, fct = analysed
    table = pd.read_csv(out / "table_06.csv", dtype=str).set_index("row")
    checked = 0
    for arm in ("TAU", "IPS"):
        rows = fct.loc[(fct["rel_month"] == 0) & (fct["arm"] == arm)]
        for label, column in (
            ("unemployment benefit", "on_unemployment_benefit"),
            ("sick-listed (of all)", "sick_listed"),
            ("education course", "in_education_course"),
        ):
            series = rows[column].dropna()
            k = int(series.sum())
            if 0 < k < 5:
                assert table.at[label, f"{arm} inclusion"] == HIDDEN
                checked += 1
            else:
                assert table.at[label, f"{arm} inclusion"] == f"{k / len(series):.3f}"
    assert checked > 0


def test_no_hidden_value_leaks_into_the_report(analysed: tuple[Path, pd.DataFrame]) -> None:
    out, _ = analysed
    report = (out / "report.md").read_text()
    for name in ("table_06", "figure_09_data"):
        for line in (out / f"{name}.md").read_text().splitlines():
            if line.startswith("|") and HIDDEN in line:
                assert line in report  # the report shows the same suppressed row


def test_outputs_are_deterministic(analysed: tuple[Path, pd.DataFrame], tmp_path: Path) -> None:
    out, _ = analysed
    database = out.parent / "rtw.duckdb"
    again = tmp_path / "again"
    assert (
        main(["analyse", "--db", str(database), "--out", str(again), "--permutations", "99"]) == 0
    )
    for name in ("table_08.csv", "table_13.csv", "figure_09.svg", "figure_09.png"):
        assert (out / name).read_bytes() == (again / name).read_bytes(), name


def test_planted_effect_is_recovered_on_a_large_panel(tmp_path: Path) -> None:
    from rtwpanel.analysis.clustered_ols import fit_ols
    from rtwpanel.analysis.data import after_months, load_marts
    from rtwpanel.analysis.design import lpm_design

    spec = TrialSpec(
        n_persons=20_000,
        seed=3,
        first_month="2013-10-01",
        effects={"employed": 0.08, "in_programme": -0.15},
        person_sd=0.08,
    )
    fct, dim = simulate_trial(spec)
    marts = load_marts(write_warehouse(tmp_path / "big.duckdb", fct, dim))
    after = after_months(marts.fct)
    # tolerance 0.015: about five standard errors at this size
    for outcome, planted in (("employed", 0.08), ("in_programme", -0.15), ("on_aap", 0.0)):
        estimate = fit_ols(lpm_design(after, outcome)).estimate("is_ips")
        assert estimate.coef == pytest.approx(planted, abs=0.015), outcome
        assert np.isfinite(estimate.se) and estimate.se < 0.01


def test_table_7_has_the_eleven_published_rows(analysed: tuple[Path, pd.DataFrame]) -> None:
    out, _ = analysed
    table = pd.read_csv(out / "table_07.csv").set_index("row")
    assert len(table) == 11
    assert {"sick-listed (of those in work)", "education course"} <= set(table.index)


def test_coefficient_tables_show_the_covariates_ips_first(
    analysed: tuple[Path, pd.DataFrame],
) -> None:
    out, _ = analysed
    for n in (8, 9, 11, 12, 15):
        rows = pd.read_csv(out / f"table_{n:02d}_coefficients.csv")["row"].tolist()
        assert rows[0].startswith(("is_ips", "ips_centre_")), n
        assert {"age_at_randomisation", "female", "const", "N", "clusters"} <= set(rows), n
        assert any(r.startswith("year_") for r in rows), n
    assert any(r.startswith("edu_") for r in pd.read_csv(out / "table_09_coefficients.csv")["row"])


def test_every_estimate_table_has_interval_and_clusters(
    analysed: tuple[Path, pd.DataFrame],
) -> None:
    out, _ = analysed
    for n in (7, 8, 9, 10, 11, 12, 13, 14, 15):
        columns = pd.read_csv(out / f"table_{n:02d}.csv").columns
        assert any(c.endswith("ci low") for c in columns), n
        assert any(c.endswith("ci high") for c in columns), n
        assert any(c.endswith("clusters") for c in columns), n


def test_csvs_hold_numbers_and_stars_stay_in_the_markdown(
    analysed: tuple[Path, pd.DataFrame],
) -> None:
    out, _ = analysed
    table = pd.read_csv(out / "table_08.csv", dtype=str).set_index("row")
    assert not table.stack().str.contains(r"\*").any()
    assert "***" in (out / "table_08.md").read_text()  # the planted effect on programme
    estimates = pd.read_csv(out / "estimates.csv")
    text = ["table", "sample", "outcome", "term", "clustering"]
    assert list(estimates.columns[:5]) == text
    for column in estimates.columns[5:]:
        assert pd.api.types.is_numeric_dtype(estimates[column]), column
    main_effect = estimates.query("table == 'table_08' and outcome == 'employed'")
    assert set(main_effect["clustering"]) == {"centre", "person"}
    assert main_effect["p_randomisation"].notna().any()


def test_the_command_default_draws_are_the_inference_default() -> None:
    from rtwpanel.analysis import command
    from rtwpanel.analysis.randomisation_inference import DEFAULT_PERMUTATIONS

    assert command.DEFAULT_PERMUTATIONS == DEFAULT_PERMUTATIONS
