"""The gate tests' hand-made delivery (deliveries.write_delivery): the writer itself."""

from __future__ import annotations

from pathlib import Path

from deliveries import CLEAN, write_delivery


def test_write_delivery_appends_rows_after_the_clean_ones(tmp_path: Path) -> None:
    folder = write_delivery(tmp_path, {"npr": ["P0000009;E9;phv_poli;20130105;20130105"]})
    lines = (folder / "npr.csv").read_text(encoding="utf-8").splitlines()
    assert lines[-1] == "P0000009;E9;phv_poli;20130105;20130105"
    assert len(lines) == len(CLEAN["npr"]) + 1
    assert (folder / "coverage.csv").read_text(encoding="utf-8").count("\n") == 11
