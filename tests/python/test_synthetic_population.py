"""Population mode: bounded memory, reproducible output, and the model's calibration
on 30,000 persons (where sampling error is about 0.005 on a share)."""

from __future__ import annotations

import gzip
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from published_figures import (
    SICK_OF_THOSE_IN_WORK,
    TABLE_6,
    load_panel,
    sick_leave_at_inclusion,
    target,
)
from rtwpanel.synthetic import generate_delivery

PERSONS = 30_000  # three chunks of 10,000
MEMORY_LIMIT = 1.5 * 2**30  # one chunk in flight per worker; does not grow with persons

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def population(tmp_path_factory) -> tuple[Path, int]:
    """Generated in a child process (two workers), with the largest resident memory of
    that process and its workers, as the child itself measures it. Not getrusage on
    this side, nor the child's RUSAGE_SELF: Linux carries ru_maxrss across exec, so both
    would report this test process's own size; the child's VmHWM starts at its exec."""
    out = tmp_path_factory.mktemp("population")
    code = (
        "import re, resource, sys; from rtwpanel.synthetic import generate_delivery; "
        f"generate_delivery(sys.argv[1], persons={PERSONS}, mode='population', workers=2); "
        "own = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1]); "
        "print(max(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(out)], check=True, capture_output=True, text=True
    )
    peak_kib = int(done.stdout.split()[-1])
    assert peak_kib > 0
    return out, peak_kib * 1024


def test_memory_stays_bounded(population: tuple[Path, int]) -> None:
    _, peak = population
    assert peak < MEMORY_LIMIT, f"peak resident memory {peak / 2**30:.2f} GiB"


def test_same_seed_same_bytes_whatever_the_workers(population, tmp_path) -> None:
    first, _ = population
    generate_delivery(tmp_path, persons=PERSONS, mode="population", workers=1)
    names = sorted(str(p.relative_to(first)) for p in first.rglob("*") if p.is_file())
    assert names == sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    for name in names:
        assert (first / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_gzip_delivery_holds_the_same_lines(population, tmp_path) -> None:
    """--gzip: every participant and register file is name.csv.gz, one gzip stream of
    members written by both workers, decompressing to the plain file's bytes."""
    plain, _ = population
    generate_delivery(tmp_path, persons=PERSONS, mode="population", workers=2, gzip_level=1)
    gzipped = sorted(p.name for p in tmp_path.glob("*.csv.gz"))
    assert gzipped == sorted(f"{p.name}.gz" for p in plain.glob("*.csv") if p.stem != "coverage")
    for name in gzipped:
        lines = gzip.decompress((tmp_path / name).read_bytes())
        assert lines == (plain / name.removesuffix(".gz")).read_bytes(), name
    for name in ("coverage.csv", "truth/person_month.csv.gz", "truth/defects.csv"):
        assert (tmp_path / name).read_bytes() == (plain / name).read_bytes(), name


@pytest.fixture(scope="module")
def panel(population) -> pd.DataFrame:
    return load_panel(population[0])


# The model's distance from the published shares (Table 6); differences between
# the arms where no effect is planted are compared with the arms' average.
@pytest.mark.parametrize("status", sorted(TABLE_6))
def test_model_shares_near_the_published_ones(panel: pd.DataFrame, status: str) -> None:
    for when in (0, 18):
        for arm in ("TAU", "IPS"):
            values = panel.loc[(panel["rel_month"] == when) & (panel["arm"] == arm), status]
            goal = target(status, TABLE_6[status][when == 18], arm)
            sampling = 3 * math.sqrt(goal * (1 - goal) / len(values))
            assert abs(values.mean() - goal) < 0.035 + sampling, (when, arm, values.mean(), goal)


def test_sick_leave_with_and_without_a_registered_job(panel: pd.DataFrame) -> None:
    of_work, in_work = sick_leave_at_inclusion(panel)
    sampling = 3 * math.sqrt(SICK_OF_THOSE_IN_WORK * (1 - SICK_OF_THOSE_IN_WORK) / len(of_work))
    assert abs(of_work.mean() - SICK_OF_THOSE_IN_WORK) < 0.02 + sampling, of_work.mean()
    # published: (0.072 - 0.091 * 0.188) / 0.072 = 0.76 of the sick-listed had no job
    assert 0.6 < 1 - in_work.mean() < 0.9, in_work.mean()


def effect(panel: pd.DataFrame, status: str, rel: int | None = None) -> float:
    rows = panel[panel["rel_month"] == rel] if rel is not None else panel[panel["rel_month"] >= 1]
    means = rows.groupby("arm")[status].mean()
    return means["IPS"] - means["TAU"]


def test_planted_effects(panel: pd.DataFrame) -> None:
    """Standard error of an arm difference at one month: about 0.007 here."""
    at_18 = effect(panel, "employed", 18)
    assert 0.07 < at_18 < 0.12
    # rising over the first year
    assert 0 < effect(panel, "employed", 3) < effect(panel, "employed", 9) < at_18 + 0.02
    assert -0.21 < effect(panel, "in_programme") < -0.15
    assert 0.01 < effect(panel, "aap_and_employed", 18) < 0.05
    for status in ("on_disability", "on_aap", "on_social_assistance", "npr_phv_poli"):
        assert abs(effect(panel, status)) < 0.02, status
    for status in ("employed", "on_aap", "in_programme"):  # nothing before randomisation
        assert abs(effect(panel, status, -6)) < 0.025, status
