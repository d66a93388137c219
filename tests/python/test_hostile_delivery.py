"""A hostile delivery and a careless operator, refused before anything is built.

Each test plants one kind of fault in a copy of the hand-made tiny delivery and
asserts that `dbt build` refuses it, naming the file (and line and column where
there is one) and never the offending value, on the console or in dbt's log.
The faults that are set aside row by row rather than refused are planted
together in one build: tests/python/test_hostile_rows.py.
"""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import duckdb
import pytest

from dbt_runs import TINY_DIR as TINY
from dbt_runs import plain_dbt as run_dbt

IDENTITY_NUMBER = "01017012345"
IDENTITY_WRITTEN = "010170 12345"


def copy_tiny(tmp_path: Path) -> Path:
    delivery = tmp_path / "delivery"
    shutil.copytree(TINY, delivery)
    return delivery


def refused(tmp_path: Path, delivery: Path, variables: dict[str, object] | None = None) -> str:
    """Build the staging layer; assert it was refused with nothing built; console + log."""
    result = run_dbt(["build", "--select", "path:models/staging"], delivery, tmp_path, variables)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-3000:]
    assert "refused, nothing was built" in output, output[-3000:]
    database = tmp_path / "rtw.duckdb"
    if database.exists():
        with duckdb.connect(str(database), read_only=True) as con:
            assert con.execute("select count(*) from information_schema.tables").fetchone() == (0,)
    log_text = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "logs").glob("*.log"))
    results = tmp_path / "target" / "run_results.json"
    results_text = results.read_text(encoding="utf-8") if results.exists() else ""
    return output + log_text + results_text


def append_line(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


@pytest.fixture(scope="module")
def refused_shape(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Stray files (refused by the variable), a file both plain and gzipped, a line too long
    with an identity number in it, and the written form of an identity number: one refusal."""
    tmp_path = tmp_path_factory.mktemp("refused_shape")
    delivery = copy_tiny(tmp_path)
    shutil.copy(delivery / "ytelser.csv.gz", delivery / "ytelser.csv.bak")
    shutil.copy(delivery / "participants.csv", delivery / "participants.csv.new")
    (delivery / "utdanning.csv.gz").write_bytes(
        gzip.compress((delivery / "utdanning.csv").read_bytes())
    )
    long_free_text = "P76 " * 750_000 + IDENTITY_NUMBER
    append_line(delivery / "sykepenger.csv", f"P0000001;S9;20140401;20140430;100;{long_free_text}")
    append_line(delivery / "npr.csv", f"P0000001;{IDENTITY_WRITTEN};phv_poli;20140105;20140105")
    return refused(tmp_path, delivery, {"unrecognised_files": "refuse"})


@pytest.mark.parametrize(
    "message",
    [
        "participants.csv.new: not a file of the delivery contract",
        "ytelser.csv.bak: not a file of the delivery contract",
        "utdanning.csv: both utdanning.csv and utdanning.csv.gz are present",
        "sykepenger.csv: line too long, line 6 is longer than the reader's limit of 2097152 bytes",
        "npr.csv: line 6, column 'episode_id' holds a value shaped like a national identity number",
    ],
)
def test_each_fault_is_named(refused_shape: str, message: str) -> None:
    assert message in refused_shape


def test_all_faults_are_reported_at_once(refused_shape: str) -> None:
    assert "(5 structural error(s))" in refused_shape


def test_a_line_too_long_is_not_called_unreadable_nor_echoed(refused_shape: str) -> None:
    assert "must be UTF-8" not in refused_shape
    assert "P76 P76" not in refused_shape
    assert IDENTITY_NUMBER not in refused_shape


def test_the_written_form_of_an_identity_number_is_not_printed(refused_shape: str) -> None:
    assert IDENTITY_WRITTEN not in refused_shape


def test_corrupt_gzip_files_are_refused_by_name_before_they_are_read(tmp_path: Path) -> None:
    delivery = copy_tiny(tmp_path)
    # one flipped bit in the deflate stream: decompresses into other digits, CRC differs
    ytelser = bytearray((delivery / "ytelser.csv.gz").read_bytes())
    ytelser[40] ^= 0x01
    (delivery / "ytelser.csv.gz").write_bytes(bytes(ytelser))
    # 64 scrambled bytes, which once read as an identity number at a line far down
    npr_text = (delivery / "npr.csv").read_bytes()
    (delivery / "npr.csv").unlink()
    npr = bytearray(gzip.compress(npr_text + b"P0000001;E9;phv_poli;20140105;20140105\n" * 2000))
    npr[200:264] = bytes((index * 37 + 11) % 256 for index in range(64))
    (delivery / "npr.csv.gz").write_bytes(bytes(npr))
    output = refused(tmp_path, delivery)
    assert "(2 structural error(s))" in output
    assert "ytelser.csv.gz: corrupt gzip file" in output
    assert "npr.csv.gz: corrupt gzip file" in output
    assert "identity number" not in output


def test_check_delivery_false_keeps_the_identity_and_reader_protection(tmp_path: Path) -> None:
    delivery = copy_tiny(tmp_path)
    (delivery / "tiltak.csv").unlink()  # the shape is not checked: no error for this
    append_line(delivery / "npr.csv", f"P0000001;E{IDENTITY_NUMBER};phv_poli;20140105;20140105")
    append_line(delivery / "inntekt.csv", "P0000001;2014;" + "9" * 2_200_000)
    output = refused(tmp_path, delivery, {"check_delivery": False})
    assert "(2 structural error(s))" in output
    assert "npr.csv: line 6, column 'episode_id' holds a value shaped like" in output
    assert "inntekt.csv: line too long, line 5" in output
    assert "tiltak.csv: missing" not in output
    assert IDENTITY_NUMBER not in output
    assert "99999999" not in output
