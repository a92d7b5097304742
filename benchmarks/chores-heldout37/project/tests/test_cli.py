from pathlib import Path

import pytest

from paddlelog import __version__
from paddlelog.cli import main

DATA = Path(__file__).resolve().parent.parent / "data" / "trips.csv"


def run(capsys, *args):
    assert main(["--file", str(DATA), *args]) == 0
    return capsys.readouterr().out.splitlines()


def test_trips_lists_every_trip(capsys):
    lines = run(capsys, "trips")
    assert len(lines) == 22
    assert lines[0].split()[:3] == ["2026-02-28", "River", "Wye"]
    assert "12.0 km" in lines[0] and "2:15" in lines[0] and "5.3 km/h" in lines[0]


def test_trips_since(capsys):
    lines = run(capsys, "trips", "--since", "1 June 2026")
    assert [line.split()[0] for line in lines] == ["2026-06-06", "2026-06-07", "2026-06-13", "2026-06-20"]


def test_waters_one_line_per_water(capsys):
    lines = run(capsys, "waters")
    assert lines[0].startswith("River Spey")
    assert lines[-1].startswith("all waters: 22 trips")


def test_effort_level_filter(capsys):
    lines = run(capsys, "effort", "--level", "epic")
    assert [line.split()[0] for line in lines] == ["2026-04-12"]


def test_version(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"paddlelog {__version__}"
