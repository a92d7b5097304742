from __future__ import annotations

from pathlib import Path

import pytest
from meteo.cli import main


def test_summary_table(export: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary", str(export)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["station", "day", "n", "min", "max", "mean"]
    assert lines[2].split()[:3] == ["HILLTOP", "2026-03-01", "21"]
    assert "-3.3 °C" in lines[2]


def test_summary_markdown_has_the_gaps(export: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary", str(export), "--markdown", "--station", "HILLTOP"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Weather report\n")
    assert "| HILLTOP | 2026-03-02 | 24 |" in out
    assert "- HILLTOP: 2026-03-01 07:00 to 2026-03-01 11:00 (240 min)" in out


def test_gaps_command(export: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gaps", str(export), "--max-gap", "180"]) == 0
    assert capsys.readouterr().out.splitlines() == ["HILLTOP  2026-03-01 07:00 -> 2026-03-01 11:00  240 min"]


def test_a_missing_file_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gaps", str(tmp_path / "nope.csv")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("meteo: ") and len(err.strip().splitlines()) == 1
