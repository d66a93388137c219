"""The whole chain recovers the planted effect: generator -> dbt build -> Table 8.

A population-mode delivery of 12,000 persons is large enough that the IPS
effect on work is estimated to within about ±0.01 (one standard error), so the
stated tolerance of 0.035 (over three standard errors) fails only when
something in the chain biases the estimate.
"""

from __future__ import annotations

import time

import pytest

from rtwpanel.analysis.data import after_months, load_marts
from rtwpanel.analysis.recovery import planted_effects, read_effects
from rtwpanel.analysis.tables_lpm import Settings, table_08
from rtwpanel.build import build_and_publish
from rtwpanel.synthetic import generate_delivery
from rtwpanel.synthetic.planted import planted_in_sample

pytestmark = pytest.mark.slow

PERSONS = 12_000
TOLERANCE = 0.035


@pytest.fixture(scope="module")
def estimates(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("generated_trial")
    delivery = root / "delivery"
    generate_delivery(delivery, persons=PERSONS, mode="population", seed=97)
    database = root / "rtw.duckdb"
    build_and_publish(delivery, database)
    marts = load_marts(database)
    after = after_months(marts.fct)
    started = time.perf_counter()
    _, fitted = table_08(after, Settings(wild_bootstrap=True, permutations=0))
    bootstrap_seconds = time.perf_counter() - started
    effects = planted_effects(read_effects(delivery) or {})
    return after, fitted, effects, bootstrap_seconds


@pytest.mark.parametrize("outcome", ["employed", "in_programme", "aap_and_employed"])
def test_table_8_recovers_the_planted_effect(estimates, outcome: str) -> None:
    after, fitted, effects, _ = estimates
    rel = after.loc[after[outcome].notna(), "rel_month"].to_numpy(dtype=float)
    planted = planted_in_sample(effects, rel)[outcome]
    assert planted != 0, f"truth/effects.json names no effect on {outcome}"
    assert fitted[outcome].coef == pytest.approx(planted, abs=TOLERANCE)


def test_no_effect_where_none_was_planted(estimates) -> None:
    _, fitted, _, _ = estimates
    for outcome in ("on_disability", "on_aap", "on_social_assistance"):
        assert abs(fitted[outcome].coef) < TOLERANCE, outcome


def test_wild_bootstrap_runs_in_reasonable_time(estimates) -> None:
    *_, seconds = estimates
    # Six outcomes, each with CRV1, person clusters and all 6^6 Webb weight vectors.
    assert seconds < 120
