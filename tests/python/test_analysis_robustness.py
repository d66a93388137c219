"""`rtwpanel robustness`: one rebuild per variant, one row per variant.

dbt is replaced by a stand-in that writes a simulated warehouse whose planted
effect depends on the variables it is given, so the table must show each
variant's own estimate.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pytest

from rtwpanel.analysis import robustness
from rtwpanel.analysis.simulated_marts import TrialSpec, simulate_trial, write_warehouse
from rtwpanel.cli import main


def test_one_row_per_variant(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, object]] = []

    def fake_build(
        raw_dir: Path, database: Path, dbt_vars: Mapping[str, object] | None = None
    ) -> None:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
        variables = dict(dbt_vars or {})
        calls.append(variables)
        lag = int(variables.get("aa_stipulation_lag_months", 3))  # type: ignore[arg-type]
        effect = 0.05 * lag if variables.get("use_certificates", True) else -0.1
        fct, dim = simulate_trial(
            TrialSpec(
                n_persons=1500,
                seed=2,
                first_month="2013-10-01",
                effects={"employed": effect},
                person_sd=0.05,
            )
        )
        write_warehouse(Path(database), fct, dim)

    import rtwpanel.build

    monkeypatch.setattr(rtwpanel.build, "build_and_publish", fake_build)
    delivery = tmp_path / "delivery"
    delivery.mkdir()
    out = tmp_path / "out"
    work = tmp_path / "work"
    command = ["robustness", "--raw-dir", str(delivery), "--out", str(out), "--work-dir", str(work)]
    assert main([*command, "--keep"]) == 0

    assert calls == [dict(v.dbt_vars) for v in robustness.VARIANTS]
    table = pd.read_csv(out / "table_robustness.csv", dtype=str).set_index("row")
    assert list(table.index) == [v.name for v in robustness.VARIANTS]
    coefs = {name: float(c.rstrip("*")) for name, c in table["in work: coef"].items()}
    planted = [0.0, 0.05, 0.10, 0.15, -0.1]
    for (name, coef), effect in zip(coefs.items(), planted, strict=True):
        assert coef == pytest.approx(effect, abs=0.04), name
    assert len(list(work.glob("*/rtw.duckdb"))) == 5, "--keep keeps the variant warehouses"
    assert not list(out.glob("**/*.duckdb")), (
        "person-level warehouses never go to the report folder"
    )

    calls.clear()
    assert main(command) == 0
    assert not work.exists(), "without --keep the variant warehouses are removed"
    assert not list(out.glob("**/*.duckdb"))


def test_the_saved_table_reaches_the_report_of_the_same_delivery_only(tmp_path: Path) -> None:
    from rtwpanel.analysis.table import Table

    values = pd.DataFrame({"in work: coef": ["0.050**"], "N": [1200]}, index=["variant a"])
    support = pd.DataFrame({"in work: coef": [300.0], "N": [300.0]}, index=["variant a"])
    table = Table(key="table_robustness", title="t", values=values, support=support)
    robustness.save_table(table, tmp_path / robustness.SAVED, "sha-of-this-delivery")

    again = robustness.saved_table(tmp_path, "sha-of-this-delivery")
    assert again is not None
    assert again.values.to_dict() == table.values.to_dict()
    assert again.support.to_dict() == table.support.to_dict()
    assert robustness.saved_table(tmp_path, "sha-of-another-delivery") is None
    assert robustness.saved_table(tmp_path / "nowhere", "sha-of-this-delivery") is None
