from pathlib import Path

from moorlog.cli import main

DATA = Path(__file__).resolve().parent.parent / "data"


def run(capsys, *args):
    assert main(["--file", str(DATA / "moorings.csv"), *args]) == 0
    return capsys.readouterr().out.splitlines()


def test_stays(capsys):
    lines = run(capsys, "stays")
    assert len(lines) == 17
    assert "Sea Wren" in lines[0] and lines[0].endswith("£47.60")


def test_stays_pontoon(capsys):
    lines = run(capsys, "stays", "--pontoon", "b")
    assert len(lines) == 7


def test_fees_total(capsys):
    lines = run(capsys, "fees")
    assert lines[-1].split() == ["total", "£1,310.74"]


def test_tides(capsys):
    lines = run(capsys, "tides")
    assert lines[0].endswith("springs")
    assert lines[-1] == "range falling"
