from pathlib import Path

from hivelog.cli import main

DATA = Path(__file__).resolve().parent.parent / "data"


def run(capsys, *args):
    files = ["--file", str(DATA / "inspections.csv"), "--harvests", str(DATA / "harvests.csv")]
    assert main([*files, *args]) == 0
    return capsys.readouterr().out.splitlines()


def test_status(capsys):
    lines = run(capsys, "status")
    assert [line.split()[0] for line in lines] == ["Bramble", "Clover", "Heather", "Linden"]
    assert "no queen seen (1x)" in lines[2]
    assert lines[2].endswith("mites 0.7% (low)")


def test_mites(capsys):
    lines = run(capsys, "mites")
    assert [line.split()[-1] for line in lines] == ["moderate", "moderate", "low", "treat"]
    assert "2026-05-30" in lines[3] and "3.7%" in lines[3]


def test_due(capsys):
    lines = run(capsys, "due", "--today", "2026-06-22")
    assert len(lines) == 4
    assert lines[0].startswith("Bramble") and "overdue" in lines[0]


def test_harvest(capsys):
    lines = run(capsys, "harvest", "--year", "2025")
    assert len(lines) == 5
    assert lines[-1].split()[:2] == ["total", "67.8"]
