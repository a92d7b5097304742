from pathlib import Path

import pytest

from brushlog.cli import main

LOG = Path(__file__).resolve().parent.parent / "data" / "sessions.csv"


def run(capsys, *args):
    assert main(["--file", str(LOG), *args]) == 0
    return capsys.readouterr().out.splitlines()


def test_sessions_lists_every_session(capsys):
    lines = run(capsys, "sessions")
    assert len(lines) == 30
    assert lines[0].startswith("2026-02-02  Goblin archers")


def test_sessions_since(capsys):
    lines = run(capsys, "sessions", "--since", "2026-03-22")
    assert [line[:10] for line in lines] == ["2026-03-22", "2026-03-25", "2026-03-28"]


def test_projects(capsys):
    lines = run(capsys, "projects")
    assert len(lines) == 6
    assert lines[0].startswith("Bone dragon")
    knight = next(line for line in lines if line.startswith("Knight commander"))
    assert "display" in knight and knight.endswith("STALLED")


def test_paints_most_time_first(capsys):
    lines = run(capsys, "paints")
    assert lines[0].split()[-1] == "4h10"
    assert "Matt White" in lines[-1] and lines[-1].endswith("0h20")


def test_week_of_one_project(capsys):
    lines = run(capsys, "week", "--project", "KNIGHT COMMANDER")
    assert len(lines) == 4
    assert lines[-1].split()[:2] == ["2026-02-23", "1h20"]


def test_version(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.startswith("brushlog ")


# TODO: test the error message for a --file that does not exist
