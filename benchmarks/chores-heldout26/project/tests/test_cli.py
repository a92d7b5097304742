from pathlib import Path

from filmlog.cli import main

LOG = Path(__file__).resolve().parent.parent / "data" / "rolls.csv"


def run(capsys, *args):
    assert main(["--log", str(LOG), *args]) == 0
    return capsys.readouterr().out.splitlines()


def test_rolls_lists_every_roll_oldest_first(capsys):
    lines = run(capsys, "rolls")
    assert len(lines) == 15
    assert lines[0].startswith("2026-01-10  HP5 Plus")
    assert "(+2/3)" in lines[8]


def test_rolls_since(capsys):
    lines = run(capsys, "rolls", "--since", "2026-03-14")
    assert [line[:10] for line in lines] == ["2026-03-14", "2026-03-14", "2026-03-21", "2026-03-28",
                                             "2026-04-04", "2026-04-11"]


def test_stocks(capsys):
    lines = run(capsys, "stocks")
    assert lines[2].split()[:4] == ["HP5", "Plus", "5", "rolls"]


def test_fixer(capsys):
    lines = run(capsys, "fixer", "--mixed", "2026-03-01", "--today", "2026-04-11")
    assert lines == ["mixed 2026-03-01: 7 of 24 rolls, 41 days old -> fresh"]
