from pathlib import Path

import pytest
from tanklog.cli import main

DATA = Path(__file__).resolve().parent.parent / "data"


def run(capsys, *args):
    assert main(["--data", str(DATA), *args]) == 0
    return capsys.readouterr().out.splitlines()


def test_tanks(capsys):
    lines = run(capsys, "tanks")
    assert lines[1].split() == ["Shrimp", "tropical", "56.8", "L"]


def test_status(capsys):
    lines = run(capsys, "status", "--date", "2026-05-16")
    assert [line.split()[0] for line in lines] == ["Goldfish", "Reef", "Axolotl", "Community", "Shrimp"]
    assert lines[1].split()[1:3] == ["watch", "2026-05-15"]
    assert lines[2].endswith("(overdue)")


def test_change(capsys):
    lines = run(capsys, "change")
    assert lines[3] == "Reef       nitrate 30 ppm: change 50% (100 L), again after a day"


def test_version(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == "tanklog 1.4.2"
