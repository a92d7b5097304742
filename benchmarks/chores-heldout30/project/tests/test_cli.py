from pathlib import Path

from henhouse.cli import main

LOG = Path(__file__).resolve().parent.parent / "data" / "eggs.csv"


def run(capsys, *args):
    assert main(["--file", str(LOG), *args]) == 0
    return capsys.readouterr().out.splitlines()


def test_log_prints_every_egg(capsys):
    lines = run(capsys, "log")
    assert len(lines) == 40
    assert lines[0].split()[:5] == ["2026-03-02", "Marigold", "62.0", "g", "medium"]


def test_log_since(capsys):
    lines = run(capsys, "log", "--since", "2026-03-16")
    assert [line.split()[1] for line in lines] == ["Marigold", "Clementine", "Marigold", "Marigold"]


def test_week(capsys):
    lines = run(capsys, "week")
    assert [line.split()[:2] for line in lines[:3]] == [["2026-03-02", "21"], ["2026-03-09", "15"], ["2026-03-16", "4"]]
    assert lines[-1] == "best week: 2026-03-02 (18 eggs fit to sell)"


def test_hens(capsys):
    lines = run(capsys, "hens")
    assert [(line.split()[0], line.split()[-1]) for line in lines] == [
        ("Marigold", "laying"), ("Pepper", "slowing"), ("Clementine", "laying"), ("Dot", "lay"),
    ]
    assert lines[-1].endswith("off lay")


def test_grades(capsys):
    lines = run(capsys, "grades", "--since", "9/3/2026")
    assert [line.split()[-1] for line in lines] == ["0", "6", "12", "1"]
