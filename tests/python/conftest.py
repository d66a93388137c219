"""Deliveries and builds that several test modules read, each made once per test run.

- `demo_build`: the demo delivery (data/demo) built by `dbt build`, published.
- `demo_warehouse`: a copy of it for one test, to rebuild or change.
- `clean_delivery`, `clean_build`: the generator's trial with every defect off, and
  its `dbt build` (models and data tests, no unit tests).
- `tiny_delivery`, `tiny_copy`, `tiny_staging_build`: the hand-made delivery
  tests/fixtures/deliveries/tiny, a copy of it to damage, and its staging build.
- `run_dbt`: plain `dbt` in a child process, on a delivery, into a folder of its own.

A shared build is read, never changed: a test that writes copies it first.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from dbt_runs import STAGING_NODES, TINY_DIR, plain_dbt
from rtwpanel import dbt_invocation
from rtwpanel.paths import DEMO_DIR


@pytest.fixture(scope="session")
def run_dbt() -> Callable[..., subprocess.CompletedProcess[str]]:
    """`run_dbt(args, raw_dir, workdir, variables=None)`: plain dbt as a data engineer types it (see
    plain_dbt); the warehouse is `workdir / 'rtw.duckdb'`, dbt's log `workdir / 'logs'`."""
    return plain_dbt


@pytest.fixture(scope="session")
def tiny_delivery() -> Path:
    """The hand-made delivery (its defects listed in test_staging_tiny). Never changed:
    to damage it, take `tiny_copy`."""
    return TINY_DIR


@pytest.fixture
def tiny_copy(tmp_path: Path) -> Path:
    """A copy of the tiny delivery, `tmp_path / 'delivery'`, for one test to change."""
    delivery = tmp_path / "delivery"
    shutil.copytree(TINY_DIR, delivery)
    return delivery


@pytest.fixture(scope="session")
def tiny_staging_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny delivery's staging models, quarantine and row counts with their data
    tests, built by plain dbt: the published warehouse file."""
    workdir = tmp_path_factory.mktemp("tiny_staging")
    args = ["build", "--select", *STAGING_NODES, "--indirect-selection", "cautious"]
    result = plain_dbt(args, TINY_DIR, workdir)
    assert result.returncode == 0, result.stdout[-4000:]
    return workdir / "rtw.duckdb"


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo delivery built whole by `dbt build` (unit tests, models, data tests,
    gates) and published: `<tmp>/warehouse/rtw.duckdb`. Open it read-only; to rebuild
    or change a warehouse, take `demo_warehouse` (or copy this file)."""
    if not (DEMO_DIR / "participants.csv").exists():
        pytest.skip("the demo delivery is not in data/demo")
    database = tmp_path_factory.mktemp("demo_build") / "warehouse" / "rtw.duckdb"
    result = dbt_invocation.run_dbt(
        ["build"], database, {"raw_dir": str(DEMO_DIR)}, database.parent / "target"
    )
    dbt_invocation.require_success(result, "dbt build of the demo delivery")
    assert result.outcome.get("outcome") == "published", result.outcome
    assert Path(result.outcome["warehouse"]) == database.resolve()
    return database


@pytest.fixture
def demo_warehouse(demo_build: Path, tmp_path: Path) -> Path:
    """A copy of the demo build as `tmp_path / 'warehouse' / 'rtw.duckdb'` (the same
    file name, so the same catalog), for one test to rebuild or change."""
    copy = tmp_path / "warehouse" / demo_build.name
    copy.parent.mkdir(parents=True)
    shutil.copyfile(demo_build, copy)
    return copy


@pytest.fixture(scope="session")
def clean_delivery(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generator's trial (default seed) with every defect off: `<tmp>/delivery`."""
    from rtwpanel.synthetic import generate_delivery, parse_defects

    delivery = tmp_path_factory.mktemp("clean") / "delivery"
    generate_delivery(delivery, defect_rates=parse_defects("none"))
    return delivery


@pytest.fixture(scope="session")
def clean_build(clean_delivery: Path) -> Path:
    """`dbt build` of the clean delivery, unit tests excluded (they pin the SQL rules on
    their own inputs), published beside it: `<tmp>/rtw.duckdb`."""
    database = clean_delivery.parent / "rtw.duckdb"
    result = dbt_invocation.run_dbt(
        ["build", "--exclude-resource-type", "unit_test"],
        database,
        dbt_vars={"raw_dir": str(clean_delivery)},
    )
    assert result.ok, result.failures
    return database
