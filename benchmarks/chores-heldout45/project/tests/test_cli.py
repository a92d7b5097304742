from pathlib import Path

import pytest
from obslog import __version__
from obslog.cli import main

LOG = Path(__file__).resolve().parent.parent / "data" / "observations.csv"


def run(capsys, *args):
    assert main(["--file", str(LOG), *args]) == 0
    return capsys.readouterr().out.splitlines()


def test_log_prints_one_line_per_observation(capsys):
    lines = run(capsys, "log")
    assert len(lines) == 37
    assert lines[0].startswith("2026-01-09 18:40  Saturn")
    assert "48x" in lines[0] and lines[0].endswith("ok")


def test_log_target_takes_any_spelling(capsys):
    lines = run(capsys, "log", "--target", "saturn ")
    assert len(lines) == 4
    assert [line.split()[-1] for line in lines] == ["ok", "high", "ok", "ok"]


def test_log_since_keeps_the_small_hours_with_their_night(capsys):
    lines = run(capsys, "log", "--since", "2026-02-15")
    assert lines[0].startswith("2026-03-07 20:10")


def test_nights(capsys):
    lines = run(capsys, "nights")
    assert lines[0].startswith("2026-01-09  Back Garden      5 obs   4 targets  seeing 3.0")
    assert lines[0].endswith("fair")
    assert all(line.split()[-1] in {"superb", "good", "fair", "poor", "unrated"} for line in lines)


def test_nights_since(capsys):
    lines = run(capsys, "nights", "--since", "14 Feb 2026")
    assert lines[0].startswith("2026-02-14  Back Garden")
    assert lines[-1].startswith("2026-03-19")


def test_targets_most_seen_first(capsys):
    lines = run(capsys, "targets")
    assert lines[0].split()[:2] == ["Jupiter", "8"]
    assert lines[1].split()[:2] == ["Saturn", "4"]


def test_version(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"obslog {__version__}"
