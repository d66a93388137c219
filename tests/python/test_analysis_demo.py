"""`rtwpanel analyse` on the committed demo's build: the tables whole."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from rtwpanel.cli import main
from rtwpanel.paths import DEMO_DIR

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report(demo_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo_analysis") / "report"
    command = ["analyse", "--db", str(demo_build), "--out", str(out), "--raw-dir", str(DEMO_DIR)]
    assert main([*command, "--permutations", "999", "--no-wild-bootstrap"]) == 0
    return out


def test_table_7_has_eleven_rows(report: Path) -> None:
    assert len(pd.read_csv(report / "table_07.csv")) == 11


def test_model_tables_show_covariate_rows(report: Path) -> None:
    for n in (8, 9, 11, 12, 15):
        rows = pd.read_csv(report / f"table_{n:02d}_coefficients.csv")["row"].tolist()
        assert rows[0].startswith(("is_ips", "ips_centre_")), n
        assert {"age_at_randomisation", "female", "const"} <= set(rows), n
        assert any(r.startswith("year_") for r in rows), n
        assert any(r.startswith("centre_") for r in rows) or n == 12, n


def test_every_estimate_table_has_ci_and_clusters(report: Path) -> None:
    for n in (7, 8, 9, 10, 11, 12, 13, 14, 15):
        columns = pd.read_csv(report / f"table_{n:02d}.csv").columns
        for part in ("ci low", "ci high", "clusters"):
            assert any(c.endswith(part) for c in columns), (n, part)


def test_estimates_csv_is_numeric(report: Path) -> None:
    estimates = pd.read_csv(report / "estimates.csv")
    assert len(estimates) > 50
    for column in estimates.columns[5:]:
        assert pd.api.types.is_numeric_dtype(estimates[column]), column


def test_constant_bup_contacts_are_not_estimable(report: Path) -> None:
    text = (report / "table_15.md").read_text()
    assert "not estimable" in text
    assert "0.000 | 0.000" not in text


def test_randomisation_p_value_carries_its_monte_carlo_error(report: Path) -> None:
    table = pd.read_csv(report / "table_08.csv").set_index("row")
    mc_se = table.at["in work", "RI Monte Carlo SE"]
    p = table.at["in work", "p (randomisation)"]
    assert mc_se == pytest.approx((p * (1 - p) / 999) ** 0.5, abs=0.0005)
