from pathlib import Path

import pytest

from seedbox.cli import main

DATA = Path(__file__).resolve().parent.parent / "data"


def run(capsys, *args):
    assert main(["--file", str(DATA / "seeds.csv"), *args]) == 0
    return capsys.readouterr().out.splitlines()


def test_packets_lists_every_packet(capsys):
    lines = run(capsys, "packets")
    assert len(lines) == 31
    assert lines[0].split()[:2] == ["Boltardy", "beetroot"]


def test_packets_source_takes_any_spelling(capsys):
    lines = run(capsys, "packets", "--source", "Swapped")
    assert len(lines) == 11
    assert all(" swap " in line for line in lines)


def test_viability_worst_first_with_totals(capsys):
    lines = run(capsys, "viability", "--today", "2026-04-01")
    assert lines[0].startswith("compost")
    assert lines[-1] == "compost 2 · retest 1 · poor 3 · fair 6 · untested 9 · good 10"


def test_swaps(capsys):
    lines = run(capsys, "swaps", "--today", "2026-04-01")
    assert lines[0].split()[:3] == ["Autumn", "King", "2"]
    assert not any("F1" in line for line in lines)


def test_a_missing_file_is_one_line(capsys, tmp_path):
    assert main(["--file", str(tmp_path / "none.csv"), "packets"]) == 2
    assert "none.csv" in capsys.readouterr().err


def test_version(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.startswith("seedbox ")
