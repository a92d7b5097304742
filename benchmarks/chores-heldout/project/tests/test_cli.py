from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from timesheet.cli import main

PROJECT = Path(__file__).resolve().parent.parent

# TODO: cover `invoice --discount` once accounting settles on how discounts are shown


def test_summary_by_project(export_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary", str(export_csv)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "project      hours",
        "acme-web     41h00",
        "harbour-app  27h45",
        "internal      4h00",
        "total        72h45",
    ]


def test_invoice_for_one_project(export_csv: Path, rates_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["invoice", str(export_csv), "--rates", str(rates_csv), "--project", "harbour-app"]) == 0
    out = capsys.readouterr().out
    assert "harbour-app  ben     18h45  90.00  1,687.50 EUR" in out.splitlines()
    assert out.splitlines()[-1].split() == ["total", "2,505.00", "EUR"]


def test_a_bad_export_is_one_line_and_exit_1(tmp_path: Path) -> None:
    export = tmp_path / "bad.csv"
    export.write_text("date,person,project,hours\n2026-11-02,ana,p,1\n2026-13-01,ana,p,1\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "timesheet", "summary", str(export)],
        cwd=PROJECT, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == f"timesheet: {export}: line 3: bad date '2026-13-01' (expected YYYY-MM-DD)"
