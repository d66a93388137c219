"""The committed demo delivery is exactly what the generator writes by default."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from rtwpanel.cli import main
from rtwpanel.paths import DEMO_DIR
from rtwpanel.synthetic import DEFAULT_SEED


def files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_regenerating_the_demo_gives_the_committed_bytes(tmp_path, capsys) -> None:
    assert main(["generate", "--out", str(tmp_path)]) == 0
    assert "408 with register data" in capsys.readouterr().out
    assert files(tmp_path) == files(DEMO_DIR)


def test_demo_is_small_and_complete() -> None:
    demo = files(DEMO_DIR)
    assert sum(len(b) for b in demo.values()) < 10_000_000
    expected = {
        "participants.csv", "coverage.csv", "aa_arbeidsforhold.csv", "ytelser.csv",
        "sykepenger.csv", "sykmeldinger.csv", "sosialhjelp.csv", "tiltak.csv",
        "utdanning.csv", "utdanning_forlop.csv", "inntekt.csv", "npr.csv",
        "truth/person_month.csv.gz", "truth/effects.json", "truth/defects.csv",
    }  # fmt: skip
    assert set(demo) == expected
    effects = json.loads(demo["truth/effects.json"])
    assert effects["seed"] == DEFAULT_SEED and effects["mode"] == "trial"
    assert effects["effects"]["work_at_18_months"] == 0.095
    # the truth is gzip without a timestamp (byte-reproducible)
    assert demo["truth/person_month.csv.gz"][4:8] == b"\0\0\0\0"
    assert gzip.decompress(demo["truth/person_month.csv.gz"]).count(b"\n") == 408 * 76 + 1


def test_another_seed_gives_another_delivery(tmp_path) -> None:
    assert main(["generate", "--out", str(tmp_path), "--seed", "7", "--defects", "none"]) == 0
    assert (tmp_path / "ytelser.csv").read_bytes() != (DEMO_DIR / "ytelser.csv").read_bytes()
    assert (
        tmp_path / "truth" / "defects.csv"
    ).read_text() == "source;line;kind;key;column;detail\n"


def test_generate_help(capsys) -> None:
    try:
        main(["generate", "--help"])
    except SystemExit as exc:
        assert exc.code == 0
    assert "--defects" in capsys.readouterr().out


def test_trial_mode_refuses_another_size(tmp_path, capsys) -> None:
    assert main(["generate", "--out", str(tmp_path), "--persons", "50"]) == 1
    assert "population" in capsys.readouterr().err
