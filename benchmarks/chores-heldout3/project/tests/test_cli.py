from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import shelf
from shelf.cli import main


def test_overdue_command(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["overdue", "--data", str(data_dir), "--today", "2026-03-02"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("Bram Okafor: Crime and Punishment")


def test_fees_command(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fees", "--data", str(data_dir), "--today", "2026-03-02"]) == 0
    out = capsys.readouterr().out
    assert "Ada Whitfield" in out and "$9.75" in out


def test_nothing_to_report(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["overdue", "--data", str(data_dir), "--today", "2025-12-01"]) == 0
    assert capsys.readouterr().out == "nothing overdue\n"


def test_a_command_is_required() -> None:
    with pytest.raises(SystemExit):
        main([])


def test_version_matches_pyproject() -> None:
    pyproject = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text("utf-8"))
    assert shelf.__version__ == pyproject["project"]["version"]
