from pathlib import Path

import pytest

from creel import __version__
from creel.cli import main

LOG = Path(__file__).resolve().parent.parent / "data" / "catches.csv"


def run(capsys, *args):
    assert main(["--file", str(LOG), *args]) == 0
    return capsys.readouterr().out.splitlines()


def test_log_prints_every_fish_oldest_first(capsys):
    lines = run(capsys, "log")
    assert len(lines) == 31
    assert lines[0].startswith("2026-04-04  Mill Pond")
    assert lines[-1].startswith("2026-05-10  Hollow Lake")


def test_log_since(capsys):
    lines = run(capsys, "log", "--since", "9 May 2026")
    assert len(lines) == 5


def test_bests_one_line_per_species(capsys):
    lines = run(capsys, "bests")
    species = [line.split()[0] for line in lines]
    assert species == sorted(species) and "crucian" in species and len(species) == 10
    assert "22lb 14oz" in lines[species.index("carp")]


def test_bags_on_one_water(capsys):
    lines = run(capsys, "bags", "--water", "hollow lake")
    assert len(lines) == 5
    # TODO: check the totals of a whole session once the water names in the log are tidied up


def test_specimens(capsys):
    lines = run(capsys, "specimens")
    assert lines[0].split()[:2] == ["specimen", "carp"]
    assert sum(line.startswith("specimen") for line in lines) == 4


def test_version(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"creel {__version__}"


def test_a_bad_row_is_one_line_and_exit_1(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("date,water,species,weight,length,bait,kept\n2026-04-04,Mill Pond,roach,heavy,,,\n", "utf-8")
    assert main(["--file", str(bad), "log"]) == 1
    assert "not a weight" in capsys.readouterr().err
