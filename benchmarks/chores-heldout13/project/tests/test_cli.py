from pathlib import Path

import pytest

from brewlog import __version__
from brewlog.cli import main

DATA = Path(__file__).resolve().parent.parent / "data"


def run(capsys, *args):
    assert main(["--file", str(DATA / "batches.csv"), *args]) == 0
    return capsys.readouterr().out.splitlines()


def test_list_prints_every_batch(capsys):
    lines = run(capsys, "list")
    assert len(lines) == 14
    assert lines[0].split()[0] == "B01"
    assert "not tasted" in lines[-1]


def test_list_style_filter_ignores_case(capsys):
    lines = run(capsys, "list", "--style", "american ipa")
    assert [line.split()[0] for line in lines] == ["B04", "B07", "B13"]


def test_styles(capsys):
    lines = run(capsys, "styles")
    assert len(lines) == 10
    assert lines[0].startswith("American IPA")
    assert "3 batches" in lines[0]


def test_styles_min_batches(capsys):
    lines = run(capsys, "styles", "--min-batches", "2")
    assert [line.split()[0] for line in lines] == ["American", "American", "Irish"]


def test_best(capsys):
    lines = run(capsys, "best", "--top", "2")
    assert len(lines) == 2
    assert "B10" in lines[0] and lines[0].endswith("Outstanding")


def test_version(capsys):
    # TODO: also run the CLI as `python -m brewlog` in a subprocess
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"brewlog {__version__}"
