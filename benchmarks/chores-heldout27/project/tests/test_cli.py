from pathlib import Path

from saillog.cli import main

DATA = Path(__file__).resolve().parent.parent / "data"


def run(capsys, *args):
    assert main(["--file", str(DATA / "passages.csv"), *args]) == 0
    return capsys.readouterr().out.splitlines()


def test_log_prints_one_line_per_passage(capsys):
    lines = run(capsys, "log")
    assert len(lines) == 18
    assert lines[0].startswith("2026-04-04  Hamble → Cowes")
    assert "3.6 kn" in lines[0]


def test_log_since(capsys):
    lines = run(capsys, "log", "--since", "13 Jun 2026")
    assert [line[:10] for line in lines] == ["2026-06-13", "2026-06-14", "2026-06-15", "2026-06-27", "2026-06-28"]


def test_season(capsys):
    lines = run(capsys, "season")
    assert [line[:7] for line in lines[:3]] == ["2026-04", "2026-05", "2026-06"]
    assert lines[-1].startswith("busiest month: 2026-05")


def test_wind(capsys):
    lines = run(capsys, "wind")
    assert [line.split()[0] for line in lines] == ["light", "moderate", "fresh", "strong", "unknown"]
