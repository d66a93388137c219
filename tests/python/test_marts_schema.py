"""Python's copy of the marts' columns (rtwpanel.marts_schema) against dbt's own lists.

The status manifest (macro panel_statuses) is rendered by dbt, the mart's documented
columns are read from dbt's manifest.json: a status added or renamed on one side and
not the other fails here, before any analysis reads a column that is not there.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rtwpanel import marts_schema
from rtwpanel.dbt_invocation import require_success, run_dbt

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict], dict[str, dict]]:
    """The status manifest as dbt renders it, and dbt's nodes (manifest.json)."""
    folder = tmp_path_factory.mktemp("marts_schema")
    target = folder / "target"
    result = run_dbt(
        ["compile", "--quiet", "--inline", "{{ tojson(rtwpanel.panel_statuses()) }}"],
        folder / "rtw.duckdb",
        {"check_delivery": False},
        target,
    )
    require_success(result, "dbt compile of the status manifest")
    rendered = [line for line in result.log_tail if line.startswith("[{")]
    assert len(rendered) == 1, result.log_tail[-20:]
    manifest = json.loads(Path(target / "manifest.json").read_text())
    return json.loads(rendered[0]), manifest["nodes"]


@pytest.fixture(scope="module")
def dbt_lists(compiled) -> tuple[list[dict], list[str]]:
    """The status manifest, and fct_person_month's columns in the yml."""
    statuses, nodes = compiled
    return statuses, list(nodes["model.rtwpanel.fct_person_month"]["columns"])


def test_binary_statuses_are_the_manifests_flags(dbt_lists) -> None:
    statuses, _ = dbt_lists
    flags = tuple(status["column"] for status in statuses if status["kind"] == "flag")
    assert flags == marts_schema.BINARY_STATUSES


def test_npr_measures_are_the_npr_statuses(dbt_lists) -> None:
    statuses, _ = dbt_lists
    npr = tuple(status["column"] for status in statuses if status["source"] == "npr")
    assert npr == marts_schema.NPR_MEASURES


def test_columns_are_the_documented_ones_ending_with_the_statuses(dbt_lists) -> None:
    statuses, documented = dbt_lists
    assert list(marts_schema.FCT_PERSON_MONTH_COLUMNS) == documented
    n_statuses = len(statuses)
    assert documented[-n_statuses:] == [status["column"] for status in statuses]


def test_text_columns_hold_every_label_and_no_number(dbt_lists) -> None:
    statuses, _ = dbt_lists
    text = set(marts_schema.FCT_PERSON_MONTH_TEXT_COLUMNS)
    assert text <= set(marts_schema.FCT_PERSON_MONTH_COLUMNS)
    for status in statuses:
        assert (status["column"] in text) == (status["kind"] == "label"), status["column"]


@pytest.mark.parametrize("model", ["fct_sick_leave_episodes", "mart_cohort_episodes"])
def test_episode_columns_are_the_documented_ones(compiled, model: str) -> None:
    """The columns a cohort study's predictors may name (rtwpanel.study) are the
    episodes marts' documented columns, in their order."""
    documented = list(compiled[1][f"model.rtwpanel.{model}"]["columns"])
    assert list(marts_schema.EPISODE_COLUMNS) == documented


def test_every_mart_is_an_enforced_contract_with_a_type_per_column(compiled) -> None:
    """The marts' column lists and types are dbt contracts: a build whose SQL returns
    another column or type fails before it writes (docs/contracts.md)."""
    _, nodes = compiled
    marts = {
        key: node
        for key, node in nodes.items()
        if node["resource_type"] == "model" and node["fqn"][1] == "marts"
    }
    assert len(marts) >= 7
    portable = {"string", "integer", "bigint", "double", "date", "boolean"}
    for key, node in marts.items():
        assert node["config"]["contract"]["enforced"] is True, key
        types = {name: column.get("data_type") for name, column in node["columns"].items()}
        assert types and set(types.values()) <= portable, (key, types)
    person_month = marts["model.rtwpanel.fct_person_month"]["columns"]
    assert tuple(person_month) == marts_schema.FCT_PERSON_MONTH_COLUMNS
    assert {person_month[c]["data_type"] for c in marts_schema.BINARY_STATUSES} == {"integer"}
    assert person_month["rel_month"]["data_type"] == "integer"
