"""The Monte Carlo benchmark runs on the project's own generator, and the report shows
its computed results."""

from __future__ import annotations

import importlib.util
import json

import pandas as pd

from rtwpanel.analysis.monte_carlo_section import monte_carlo_markdown, results_table
from rtwpanel.paths import PROJECT_DIR
from rtwpanel.synthetic import generate_delivery
from rtwpanel.synthetic.params import Effects

SCRIPT = PROJECT_DIR / "benchmarks" / "monte_carlo.py"


def benchmark_script():
    """benchmarks/monte_carlo.py, loaded from its file (a script, not a package module)."""
    spec = importlib.util.spec_from_file_location("monte_carlo", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_replication_is_the_delivery_the_generator_writes(tmp_path) -> None:
    seed = 4242
    generate_delivery(tmp_path, seed=seed)
    truth = pd.read_csv(tmp_path / "truth" / "person_month.csv.gz", sep=";", dtype={"month": str})
    people = pd.read_csv(tmp_path / "participants.csv", sep=";", dtype=str)
    randomised = pd.to_datetime(people.set_index("person_id")["randomised_date"], format="%Y%m%d")
    month = pd.to_datetime(truth["month"], format="%Y%m")
    rand = truth["person_id"].map(randomised)
    truth["rel_month"] = (month.dt.year - rand.dt.year) * 12 + month.dt.month - rand.dt.month
    expected = truth.loc[truth["rel_month"] >= 1, "employed"].to_numpy()

    frame = benchmark_script().after_months(seed, Effects())
    assert len(frame) == len(expected)
    assert (frame["employed"].to_numpy() == expected).all()
    assert frame["centre_id"].nunique() == 6


def test_report_renders_the_computed_results_with_their_mc_se(tmp_path) -> None:
    results = {
        "replications": 400,
        "permutations": 999,
        "seed": 1000,
        "seconds": 1234.0,
        "centres": {"work_sd": 0.04, "work_month_sd": 0.02},
        "mean_true_effect": 0.0735,
        "rows": [
            {
                "method": "CRV1 + normal",
                "rejection": 0.1175,
                "rejection_mc_se": 0.0161,
                "coverage": 0.9,
                "coverage_mc_se": 0.015,
            }
        ],
    }
    path = tmp_path / "monte_carlo.json"
    path.write_text(json.dumps(results))
    section = monte_carlo_markdown(path)
    assert "| CRV1 + normal | 0.117 (0.016) | 0.900 (0.015) |" in section
    assert results_table(results) in section
    assert "No results yet" in monte_carlo_markdown(tmp_path / "absent.json")
