from pathlib import Path

from laps.cli import main

DATA = Path(__file__).resolve().parent.parent / "data"


def run(capsys, *args):
    assert main(["--file", str(DATA / "swims.csv"), *args]) == 0
    return capsys.readouterr().out.splitlines()


def test_log_since(capsys):
    lines = run(capsys, "log", "--since", "2026-03-17")
    assert [line.split()[:2] for line in lines] == [
        ["2026-03-17", "backstroke"],
        ["2026-03-19", "freestyle"],
        ["2026-03-21", "breaststroke"],
        ["2026-03-23", "freestyle"],
    ]
    assert "2:16/100m" in lines[0]


def test_week(capsys):
    lines = run(capsys, "week")
    assert lines[0].startswith("2026-02-23  4 swims")
    assert len(lines) == 5


def test_goal(capsys):
    lines = run(capsys, "goal", "--goals", str(DATA / "goals.toml"), "--on", "2026-03-23")
    assert lines == ["March 2026: 19.2 of 30.0 km (64%) - behind"]
