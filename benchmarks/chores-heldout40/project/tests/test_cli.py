from pathlib import Path

from curdlog.cli import main

DATA = Path(__file__).resolve().parent.parent / "data"


def run(capsys, *args):
    assert main(["--file", str(DATA / "batches.csv"), *args]) == 0
    return capsys.readouterr().out.splitlines()


def test_batches_lists_every_batch(capsys):
    lines = run(capsys, "batches")
    assert len(lines) == 26
    assert lines[0].startswith("B01  2025-09-06  Cheddar")


def test_batches_since(capsys):
    lines = run(capsys, "batches", "--since", "2026-02-01")
    assert [line.split()[0] for line in lines] == ["B22", "B23", "B24", "B25", "B26"]


def test_cave_on_a_day(capsys):
    lines = run(capsys, "cave", "--on", "2026-03-14")
    assert len(lines) == 10
    assert "B12  Gouda           112 d  ready now" in lines
    assert lines[-1].endswith("ready 2026-04-29")


def test_loss_only_opened_wheels(capsys):
    lines = run(capsys, "loss")
    assert len(lines) == 13
    assert lines[0].endswith("good")


def test_yield(capsys):
    lines = run(capsys, "yield", "--since", "2026-03-01")
    assert lines == ["B26  Caerphilly      12.3%  rennet 3.26 ml per 10 L"]
