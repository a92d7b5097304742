from pathlib import Path

import pytest

from allot import __version__
from allot.cli import current_rent_year, main

DATA = Path(__file__).resolve().parent.parent / "data" / "plots.csv"


def run(capsys, *args):
    assert main(["--file", str(DATA), *args]) == 0
    return capsys.readouterr().out.splitlines()


def test_plots_site_filter(capsys):
    lines = run(capsys, "plots", "--site", "c")
    assert [line.split()[0] for line in lines] == ["C1", "C4", "C5"]
    assert "252.9 m²" in lines[1]


def test_rent_total_line(capsys):
    lines = run(capsys, "rent", "--year", "2025")
    assert len(lines) == 14
    assert lines[-1].startswith("total 2025-2026: £")
    assert lines[-1].endswith("from 13 plots")


def test_inspect_lists_worst_first(capsys):
    lines = run(capsys, "inspect", "--on", "2026-06-20")
    assert lines[0].split()[:3] == ["A3", "45%", "notice"]
    assert lines[-1] == "7 ok, 4 warning, 2 notice"


def test_current_rent_year():
    from datetime import date

    assert current_rent_year(date(2026, 9, 30)) == 2025
    assert current_rent_year(date(2026, 10, 1)) == 2026


def test_version(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"allot {__version__}"
