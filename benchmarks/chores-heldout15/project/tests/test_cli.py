from pathlib import Path

import pytest

from clubrides.cli import main

DATA = str(Path(__file__).resolve().parent.parent / "data" / "rides.csv")


def test_rides_lists_every_ride(capsys):
    assert main(["--file", DATA, "rides"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 31


def test_rides_of_one_rider(capsys):
    main(["--file", DATA, "rides", "--rider", "kwame"])
    lines = capsys.readouterr().out.splitlines()
    assert lines and all("Kwame" in line for line in lines)


def test_totals_by_month(capsys):
    main(["--file", DATA, "totals", "--period", "month", "--rider", "Tomasz"])
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["2026-03", "2026-04"]


def test_leaderboard_prints_one_line_per_rider(capsys):
    main(["--file", DATA, "leaderboard"])
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5
    assert lines[0].startswith(" 1. ")


def test_leaderboard_of_an_empty_month(capsys):
    main(["--file", DATA, "leaderboard", "--month", "2025-01"])
    assert "no rides" in capsys.readouterr().out


def test_a_command_is_required():
    with pytest.raises(SystemExit):
        main([])


# TODO: what should happen when --file points at a CSV that does not exist?
