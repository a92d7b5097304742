from pathlib import Path

import pytest

from cellar.cli import main

BOOK = Path(__file__).resolve().parent.parent / "data" / "cellar.csv"


def run(capsys, *args):
    assert main(["--file", str(BOOK), *args]) == 0
    return capsys.readouterr().out.splitlines()


def test_list_has_a_line_per_lot(capsys):
    lines = run(capsys, "list")
    assert len(lines) == 27
    assert lines[0].split()[0] == "red"
    assert lines[-1].split()[0] == "sparkling"


def test_list_region_ignores_case_and_accents(capsys):
    lines = run(capsys, "list", "--region", "RHONE")
    assert len(lines) == 3


# TODO: a test of ready without --year (it depends on today's date)
def test_ready_most_urgent_first(capsys):
    lines = run(capsys, "ready", "--year", "2026")
    assert lines[0].startswith("drink soon")
    assert lines[-1].startswith("ready")
    assert not any("Barolo" in line for line in lines)  # 2027-2039: wait


def test_ready_past_its_best(capsys):
    lines = run(capsys, "ready", "--year", "2033")
    assert lines[0].startswith("past its best")


def test_value_totals(capsys):
    lines = run(capsys, "value")
    assert [line.split()[0] for line in lines] == ["colour", "red", "sparkling", "white", "rosé", "total"]
    assert lines[-1].split()[:3] == ["total", "76", "63.50"]


def test_value_by_region(capsys):
    lines = run(capsys, "value", "--by", "region")
    assert lines[0].startswith("region")
    assert lines[1].split()[0] == "Champagne"


def test_by_region_still_works_with_a_warning(capsys):
    assert main(["--file", str(BOOK), "value", "--by-region"]) == 0
    captured = capsys.readouterr()
    assert "deprecated" in captured.err
    assert captured.out.startswith("region")


def test_version(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.startswith("cellar ")
