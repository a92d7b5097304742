from pathlib import Path

import pytest

from courtbook import __version__
from courtbook.cli import main

DATA = Path(__file__).resolve().parent.parent / "data"


def run(capsys, *args):
    assert main(["--file", str(DATA / "bookings.csv"), *args]) == 0
    return capsys.readouterr().out.splitlines()


def test_bookings_lists_every_booking_then_a_total(capsys):
    lines = run(capsys, "bookings")
    assert len(lines) == 37
    assert lines[0].startswith("2026-03-02 Mon  10:00-11:30  court 3  Grace Hughes")
    assert lines[-1].startswith("36 bookings, £")


def test_bookings_of_one_court(capsys):
    lines = run(capsys, "bookings", "--court", "3")
    assert len(lines) == 10
    assert all("  court 3  " in line for line in lines[:-1])
    assert lines[-1].startswith("9 bookings")


def test_fees_has_a_line_per_member(capsys):
    lines = run(capsys, "fees", "--month", "2026-04")
    assert lines[0].split() == ["member", "bookings", "hours", "hire", "lights", "guests", "total"]
    assert len(lines) == 10
    assert lines[-1].split()[:2] == ["total", "12"]


def test_ladder(capsys):
    lines = run(capsys, "ladder")
    assert lines[1].split()[:3] == ["1", "Priya", "Shah"]
    assert len(lines) == 9


def test_version(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"courtbook {__version__}"


def test_a_missing_sheet_is_one_line_on_stderr(capsys, tmp_path):
    assert main(["--file", str(tmp_path / "nope.csv"), "bookings"]) == 1
    assert capsys.readouterr().err.startswith("courtbook: ")
