"""The analyst examples in analysis/: dbt compiles them, and each one, run on the
demo warehouse, answers with numbers that can be checked against the panel by hand.

The demo build is copied under another file name (so another catalog name) and
compiled against there, and the compiled SQL is run with the file attached under
yet another name: the analyses name no catalog."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from rtwpanel.dbt_invocation import require_success, run_dbt
from rtwpanel.paths import DEMO_DIR, PROJECT_DIR

ANALYSES = ["employment_rate_by_arm_and_month", "aap_and_work", "months_lost_to_stipulation"]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def compiled(
    demo_build: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, str]]:
    """The demo warehouse as panel.duckdb, the analyses compiled on it: the file and SQL."""
    folder = tmp_path_factory.mktemp("analyses")
    database = folder / "panel.duckdb"
    shutil.copyfile(demo_build, database)
    target = folder / "target"
    variables = {"raw_dir": str(DEMO_DIR)}
    require_success(
        run_dbt(["compile", "--select", "resource_type:analysis"], database, variables, target),
        "dbt compile",
    )
    found = {
        path.stem: path.read_text()
        for path in (target / "compiled" / "rtwpanel" / "analysis").glob("*.sql")
    }
    return database, found


def run(database: Path, sql: str) -> list[tuple]:
    """As an analyst would: the warehouse attached read-only under a name of their own."""
    with duckdb.connect() as con:
        con.execute(f"attach '{database}' as w (read_only)")
        con.execute("use w")
        return con.execute(sql).fetchall()


def test_every_analysis_compiles(compiled: tuple[Path, dict[str, str]]) -> None:
    _, found = compiled
    assert sorted(found) == sorted(ANALYSES)
    assert sorted(p.stem for p in (PROJECT_DIR / "analysis").glob("*.sql")) == sorted(ANALYSES)
    for sql in found.values():
        assert "{{" not in sql and "marts" in sql
        assert '"panel"' not in sql, "no catalog in the compiled analyses"


def test_employment_rate_is_employed_over_observed(
    compiled: tuple[Path, dict[str, str]],
) -> None:
    database, found = compiled
    rows = run(database, found["employment_rate_by_arm_and_month"])
    assert {arm for arm, *_ in rows} == {"IPS", "TAU"}
    for _arm, _rel_month, observed, employed, rate in rows:
        assert 0 <= employed <= observed
        assert rate == pytest.approx(employed / observed)
    # the same share as the mart built for it, month by month
    mart = {
        (arm, rel): share
        for arm, rel, share in run(
            database, "select arm, rel_month, share_employed from marts.mart_status_by_arm"
        )
    }
    for arm, rel_month, _observed, _employed, rate in rows:
        assert rate == pytest.approx(mart[(arm, rel_month)])


def test_aap_and_work_lists_exactly_those_with_such_a_month(
    compiled: tuple[Path, dict[str, str]],
) -> None:
    database, found = compiled
    rows = run(database, found["aap_and_work"])
    expected = run(
        database,
        "select person_id, count(*) from marts.fct_person_month"
        " where on_aap = 1 and employed = 1 group by person_id",
    )
    assert rows, "the demo delivery has persons combining AAP and work"
    assert {r[0]: r[2] for r in rows} == dict(expected)
    for _person, _arm, both, on_aap, employed, _first in rows:
        assert both <= min(on_aap, employed)


def test_months_lost_never_exceed_the_months_removed(
    compiled: tuple[Path, dict[str, str]],
) -> None:
    database, found = compiled
    rows = run(database, found["months_lost_to_stipulation"])
    removed = run(
        database,
        "select person_id, sum(n_reg_months_removed) from dq.dq_stipulated_end_dates"
        " where is_counted = 1 and n_reg_months_removed > 0 group by person_id",
    )
    assert rows
    assert {r[0]: r[2] for r in rows} == dict(removed)
    # a lost month is a panel month without work between a stipulated end and the
    # last registration: check the person who lost most, month by month
    person_id, _n_rel, _n_removed, lost = rows[0]
    direct = run(
        database,
        f"""
        select count(distinct p.month)
        from marts.fct_person_month as p
        inner join dq.dq_stipulated_end_dates as s
            on p.person_id = s.person_id
            and p.month > s.stipulated_end_date and p.month <= s.last_reg_month
        where p.person_id = '{person_id}' and s.is_counted = 1 and p.employed = 0
        """,
    )
    assert direct[0][0] == lost
