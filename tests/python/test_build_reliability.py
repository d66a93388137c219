"""Readers are never blocked and never see a half-built warehouse; reruns,
killed builds and new deliveries all end in the marts of a clean build."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from rtwpanel.build import build_and_publish
from rtwpanel.errors import RtwError
from rtwpanel.paths import DEMO_DIR
from rtwpanel.publish import building_dir

pytestmark = pytest.mark.slow

SNAPSHOT_SCHEMAS = ("marts", "dq")


def snapshot(database: Path) -> dict[str, list[tuple]]:
    """Every row of every mart and dq table, sorted: the thing that must not change."""
    with duckdb.connect(str(database), read_only=True) as connection:
        tables = connection.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ('marts', 'dq') order by 1, 2"
        ).fetchall()
        return {
            f"{schema}.{name}": sorted(
                connection.execute(f"select * from {schema}.{name}").fetchall(), key=repr
            )
            for schema, name in tables
        }


def mart_counts(database: Path) -> tuple[int, int]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(
            "select (select count(*) from marts.fct_person_month),"
            " (select count(*) from marts.dim_participant)"
        ).fetchone()


class Readers:
    """Analysts: open the published warehouse read-only, again and again."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self.seen: list[tuple[int, int]] = []
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._reopening, daemon=True),
            threading.Thread(target=self._holding, daemon=True),
        ]

    def __enter__(self) -> Readers:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def _reopening(self) -> None:
        while not self._stop.is_set():
            try:
                self.seen.append(mart_counts(self.database))
            except Exception as exc:  # any failure to read is what this test is about
                self.errors.append(repr(exc))
            time.sleep(0.05)

    def _holding(self) -> None:
        try:
            with duckdb.connect(str(self.database), read_only=True) as connection:
                while not self._stop.is_set():
                    self.seen.append(
                        connection.execute(
                            "select (select count(*) from marts.fct_person_month),"
                            " (select count(*) from marts.dim_participant)"
                        ).fetchone()
                    )
                    time.sleep(0.05)
        except Exception as exc:
            self.errors.append(repr(exc))


def start_build_process(raw_dir: Path, published: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "rtwpanel.cli",
            "build",
            "--raw-dir",
            str(raw_dir),
            "--db",
            str(published),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # so the kill reaches dbt too
    )


def kill_mid_build(raw_dir: Path, published: Path) -> None:
    """Start a build and kill it (and dbt) while it is writing its new file."""
    process = start_build_process(raw_dir, published)
    deadline = time.monotonic() + 120
    while not list(building_dir(published).glob(f"*/{published.name}")):
        assert process.poll() is None, "the build ended before it could be killed"
        assert time.monotonic() < deadline, "the build never started its new warehouse file"
        time.sleep(0.1)
    time.sleep(5)  # well inside the build: seeds and staging are being written
    assert process.poll() is None, "the build ended before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert list(building_dir(published).iterdir()), "a killed build leaves its file behind"


def corrected_delivery(source: Path, target: Path) -> Path:
    """A later delivery: the same files, with the rows the register 'corrected'
    (here: the quarantined lines of sosialhjelp dropped) and one month's social
    assistance raised."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("truth"))
    name = next(p.name for p in target.iterdir() if p.name.startswith("sosialhjelp"))
    path = target / name
    if name.endswith(".gz"):
        import gzip

        lines = gzip.decompress(path.read_bytes()).decode().splitlines()
        path.unlink()
        path = target / "sosialhjelp.csv"
    else:
        lines = path.read_text().splitlines()
    header, rows = lines[0], lines[1:]
    kept = rows[: len(rows) // 2]  # a delivery that holds fewer payments
    path.write_text("\n".join([header, *kept]) + "\n")
    return target


def test_readers_never_fail_and_builds_converge(demo_warehouse: Path) -> None:
    published = demo_warehouse  # a published build of the demo
    baseline = snapshot(published)
    complete_counts = mart_counts(published)
    assert complete_counts[0] > 0

    with Readers(published) as readers:
        # A build whose gate fails: nothing is published.
        with pytest.raises(RtwError, match="dbt build") as failed:
            build_and_publish(DEMO_DIR, published, dbt_vars={"gate_quarantine_share_fail": 0.0001})
        assert "gates of the build that was not published" in str(failed.value)
        assert "FAIL    quarantine_share" in str(failed.value)
        assert snapshot(published) == baseline

        # A build killed mid-way: the previous warehouse stays.
        kill_mid_build(DEMO_DIR, published)
        assert mart_counts(published) == complete_counts

        # Rebuilding after the kill gives the uninterrupted result (and is idempotent).
        build_and_publish(DEMO_DIR, published)
        assert not list(building_dir(published).iterdir()), "abandoned build files left"
        time.sleep(0.5)

    assert readers.errors == []
    assert len(readers.seen) > 20
    assert set(readers.seen) == {complete_counts}
    assert snapshot(published) == baseline

    history = list(csv.DictReader((published.parent / "gate_history.csv").open()))
    assert len({row["built_at"] + row["delivery_sha256"] for row in history}) >= 1
    assert {row["gate"] for row in history} >= {"row_reconciliation", "panel_completeness"}


def test_new_delivery_equals_build_from_scratch(tmp_path: Path, demo_warehouse: Path) -> None:
    later = corrected_delivery(DEMO_DIR, tmp_path / "later")
    published = demo_warehouse  # a published build of the demo
    first = snapshot(published)
    build_and_publish(later, published)

    scratch = tmp_path / "scratch" / "rtw.duckdb"
    build_and_publish(later, scratch)

    assert snapshot(published) == snapshot(scratch)
    assert snapshot(published) != first, "the later delivery should change the marts"
    history = list(csv.DictReader((published.parent / "gate_history.csv").open()))
    assert len({row["delivery_sha256"] for row in history}) == 2
