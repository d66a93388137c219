"""Structural errors stop `dbt build` before anything is built.

A copy of the hand-made tiny delivery is broken in many ways at once; the
checks report every problem in one error, each naming the file and the column
(and, for an identity number or an unreadable line, the line). No model is
built, and an identity-number-shaped value is never printed, neither on the
console nor in dbt's log.
"""

from __future__ import annotations

import gzip
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

RunDbt = Callable[[list[str], Path, Path], subprocess.CompletedProcess[str]]

IDENTITY_NUMBER = "01017012345"


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def break_and_build(
    run_dbt: RunDbt, tiny: Path, tmp_path: Path, damage: Callable[[Path], None]
) -> str:
    delivery = tmp_path / "delivery"
    shutil.copytree(tiny, delivery)
    damage(delivery)
    result = run_dbt(["build", "--select", "path:models/staging"], delivery, tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-3000:]
    assert "refused, nothing was built" in output, output[-3000:]
    # nothing was built (dbt may have created the empty schemas)
    database = tmp_path / "rtw.duckdb"
    if database.exists():
        with duckdb.connect(str(database), read_only=True) as con:
            tables = con.execute("select count(*) from information_schema.tables").fetchone()
        assert tables == (0,)
    log_text = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "logs").glob("*.log"))
    return output + log_text


def break_everything(delivery: Path) -> None:
    # missing file
    (delivery / "npr.csv").unlink()
    # missing column
    replace_in(delivery / "tiltak.csv", "deltakelse_id;", "deltakelse;")
    # a header but no data rows
    inntekt = delivery / "inntekt.csv"
    inntekt.write_text(inntekt.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    # nothing at all
    (delivery / "utdanning.csv").write_bytes(b"")
    # identity number inside a field, in a file with columns in another order
    replace_in(delivery / "aa_arbeidsforhold.csv", "A7;P0000003;", f"A7;fnr{IDENTITY_NUMBER};")
    # identity number as a whole field, in a gzip file
    ytelser = delivery / "ytelser.csv.gz"
    text = gzip.decompress(ytelser.read_bytes()).decode("utf-8")
    text = text.replace("P0000002;U5;", f"P0000002;{IDENTITY_NUMBER};", 1)
    ytelser.write_bytes(gzip.compress(text.encode("utf-8")))
    # 12 digits are not an identity number
    replace_in(delivery / "sosialhjelp.csv", "P0000001;201401;3000", "P0000001;201401;123456789012")
    # coverage without a row for a source
    replace_in(delivery / "coverage.csv", "sykmeldinger;201001;201604\n", "")
    # a line that is not UTF-8 (Latin-1 æøå)
    with (delivery / "sykepenger.csv").open("ab") as handle:
        handle.write(b"P0000001;S\xe6\xf8\xe5;20140401;20140430;100;P76\n")


@pytest.fixture(scope="module")
def broken_output(
    run_dbt: RunDbt, tiny_delivery: Path, tmp_path_factory: pytest.TempPathFactory
) -> str:
    return break_and_build(
        run_dbt, tiny_delivery, tmp_path_factory.mktemp("broken"), break_everything
    )


@pytest.mark.parametrize(
    "message",
    [
        "npr.csv: missing required file (neither npr.csv nor npr.csv.gz",
        "tiltak.csv: missing required column 'deltakelse_id'",
        "inntekt.csv: the file is empty (a header but no data rows)",
        "utdanning.csv: the file is empty (no header, no rows)",
        "aa_arbeidsforhold.csv: line 10, column 'person_id' holds a value shaped like"
        " a national identity number",
        "ytelser.csv.gz: line 6, column 'utbetaling_id' holds a value shaped like"
        " a national identity number",
        "coverage.csv: no row for source 'sykmeldinger' (column 'source')",
        "sykepenger.csv: unreadable, line 6 cannot be read",
    ],
)
def test_each_structural_error_is_named(broken_output: str, message: str) -> None:
    assert message in broken_output


def test_all_problems_are_reported_at_once(broken_output: str) -> None:
    assert "(8 structural error(s))" in broken_output
    # the 12-digit amount in sosialhjelp is not one of them
    assert "sosialhjelp.csv: line" not in broken_output


def test_identity_number_is_never_printed(broken_output: str) -> None:
    assert IDENTITY_NUMBER not in broken_output
