from __future__ import annotations

from pathlib import Path

import pytest

from stockroom.cli import main


def test_summary_command(export_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary", str(export_csv)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("12 items · 3,698 units")


def test_reorder_command(export_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reorder", str(export_csv), "--weeks", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["SKU", "name", "order"]
    assert [line.split()[0] for line in lines[1:]] == ["SC-5001", "HX-2001", "NT-3002", "HG-7002"]


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary", str(tmp_path / "nope.csv")]) == 2
    assert "nope.csv" in capsys.readouterr().err
