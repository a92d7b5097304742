from pathlib import Path

from runlog.cli import main

DATA = Path(__file__).resolve().parent.parent / "data"


def run(capsys, *args):
    assert main(["--file", str(DATA / "runs.csv"), *args]) == 0
    return capsys.readouterr().out.splitlines()


def test_week_prints_one_line_per_week(capsys):
    lines = run(capsys, "week")
    assert len(lines) == 5
    assert lines[0].startswith("2026-03-02")
    assert "34.1 km" in lines[0]


def test_week_kind_filter(capsys):
    lines = run(capsys, "week", "--kind", "long")
    assert len(lines) == 5
    assert all("1 runs" in line for line in lines)


def test_bests(capsys):
    lines = run(capsys, "bests")
    assert [line.split()[0] for line in lines] == ["5k", "10k", "half"]


def test_plan(capsys):
    lines = run(capsys, "plan", "--plan", str(DATA / "plan.toml"))
    assert len(lines) == 5
    assert lines[3].endswith("on track")
