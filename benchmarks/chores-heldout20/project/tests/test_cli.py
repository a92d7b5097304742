from pathlib import Path

from boulderlog.cli import main

DATA = Path(__file__).resolve().parent.parent / "data"


def run(capsys, *args):
    assert main(["--file", str(DATA / "climbs.csv"), *args]) == 0
    return capsys.readouterr().out.splitlines()


def test_log_wall_in_any_case(capsys):
    # TODO: a wall with no climbs on it should say so instead of printing nothing
    lines = run(capsys, "log", "--wall", "CAVE")
    assert len(lines) == 7
    assert all("(Cave)" in line or "(cave)" in line for line in lines)


def test_sessions(capsys):
    lines = run(capsys, "sessions")
    assert len(lines) == 9
    assert lines[0].startswith("2026-03-02")
    assert "hardest V3" in lines[0] and lines[0].endswith("380 pts")


def test_sessions_since(capsys):
    lines = run(capsys, "sessions", "--since", "2026-04-01")
    assert [line.split()[0] for line in lines] == ["2026-04-03", "2026-04-07", "2026-04-10"]


def test_pyramid(capsys):
    lines = run(capsys, "pyramid")
    assert lines[0].startswith("V6")
    assert lines[-1] == "working grade: V5"
