"""The command line: every sub-command has --help; errors are one clear message."""

from __future__ import annotations

import pytest

from rtwpanel.cli import COMMANDS, main


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0
    assert "usage: rtwpanel" in capsys.readouterr().out


def test_a_missing_warehouse_is_one_message_not_a_traceback(
    tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["gates", "--db", str(tmp_path / "absent.duckdb")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("rtwpanel gates: error:")
    assert "Traceback" not in err


def test_an_unforeseen_error_is_one_message_unless_debug(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import rtwpanel.analysis.cost_benefit_command as command

    def broken(args: object) -> int:
        raise ValueError("a value no one foresaw")

    monkeypatch.setattr(command, "run", broken)
    assert main(["cost-benefit"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("rtwpanel cost-benefit: error: ValueError: a value no one foresaw")
    assert "--debug" in err
    assert "Traceback" not in err
    with pytest.raises(ValueError, match="no one foresaw"):
        main(["--debug", "cost-benefit"])
