from pathlib import Path

from forage import __version__
from forage.cli import main

DATA = Path(__file__).resolve().parent.parent / "data" / "finds.csv"


def run(capsys, *args):
    assert main(["--file", str(DATA), *args]) == 0
    return capsys.readouterr().out.splitlines()


def test_finds_lists_every_basket(capsys):
    lines = run(capsys, "finds")
    assert len(lines) == 19
    assert lines[0].startswith("2025-08-23  chanterelle")


def test_finds_species_filter(capsys):
    lines = run(capsys, "finds", "--species", "porcini")
    assert len(lines) == 6
    assert all(" cep " in line for line in lines)


def test_totals(capsys):
    lines = run(capsys, "totals")
    assert lines[0].split()[0] == "cep"
    assert "3.09 kg" in lines[0]


def test_days(capsys):
    lines = run(capsys, "days")
    assert "2025-09-27    1.35 kg  a feast" in lines


def test_version():
    assert __version__ == "0.6.2"
