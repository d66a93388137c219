"""Line numbers are exact on a multi-MB gzip file read by DuckDB's parallel reader.

The tiny delivery with `sosialhjelp` replaced by a 300,001-line gzip file
(about 7 MB uncompressed) in which defects sit at known physical lines.
"""

from __future__ import annotations

import gzip
import subprocess
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

N_ROWS = 300_000
BAD_MONTH_LINES = {2, 4_097, 150_001, 262_145, N_ROWS + 1}


def write_big_sosialhjelp(path: Path) -> None:
    lines = ["person_id;month;belop"]
    for line_number in range(2, N_ROWS + 2):
        month = "201413" if line_number in BAD_MONTH_LINES else f"2014{line_number % 12 + 1:02d}"
        # the amount carries the line number, so every line is distinct
        lines.append(f"P000000{line_number % 4 + 1};{month};{line_number}")
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


@pytest.mark.slow
def test_quarantined_lines_of_a_big_gzip_file_are_exact(
    tmp_path: Path,
    tiny_copy: Path,
    run_dbt: Callable[[list[str], Path, Path], subprocess.CompletedProcess[str]],
) -> None:
    delivery = tiny_copy
    (delivery / "sosialhjelp.csv").unlink()
    write_big_sosialhjelp(delivery / "sosialhjelp.csv.gz")

    # the raw lines are kept, to see that line n is the n-th physical line
    raw_lines = {"quarantine_raw_lines": True}
    result = run_dbt(["build", "--select", "+stg_sosialhjelp"], delivery, tmp_path, raw_lines)
    assert result.returncode == 0, result.stdout[-4000:]

    with duckdb.connect(str(tmp_path / "rtw.duckdb"), read_only=True) as con:
        quarantined = con.execute(
            "select source_line, reason, column_name, raw_line"
            " from staging.base_sosialhjelp__verdicts where row_status = 'quarantined'"
        ).fetchall()
        assert {row[0] for row in quarantined} == BAD_MONTH_LINES
        assert {row[1:3] for row in quarantined} == {("bad_month", "month")}
        # the raw line quarantined at line n is the n-th physical line
        assert all(row[3].endswith(f";201413;{row[0]}") for row in quarantined)
        # and every loaded row sits on its own line
        mismatched = con.execute(
            "select count(*) from staging.stg_sosialhjelp where belop <> source_line"
        ).fetchone()
        assert mismatched == (0,)
        counts = con.execute(
            "select count(*), max(source_line) from staging.base_sosialhjelp__verdicts"
        ).fetchone()
        assert counts == (N_ROWS, N_ROWS + 1)
