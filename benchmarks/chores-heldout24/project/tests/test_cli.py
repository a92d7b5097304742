from pathlib import Path

import pytest

from kilnlog.cli import main

DATA = Path(__file__).resolve().parent.parent / "data"


def run(capsys, *args):
    assert main(["--file", str(DATA / "firings.csv"), *args]) == 0
    return capsys.readouterr().out.splitlines()


def test_log_prints_one_line_per_firing(capsys):
    lines = run(capsys, "log")
    assert len(lines) == 21
    assert lines[3].startswith("2026-01-24  glaze")
    assert "1239 °C" in lines[3]


def test_log_since(capsys):
    lines = run(capsys, "log", "--since", "2026-03-21")
    assert [line.split()[0] for line in lines] == ["2026-03-21", "2026-03-25", "2026-03-28", "2026-04-01", "2026-04-04"]


def test_check(capsys):
    lines = run(capsys, "check")
    assert len(lines) == 21
    assert lines[13].startswith("2026-03-11") and lines[13].endswith("underfired")
    assert [line.split()[0] for line in lines if line.endswith("overfired")] == ["2026-02-07"]


def test_check_in_fahrenheit(capsys):
    lines = run(capsys, "check", "--units", "f")
    assert "peak 2262 °F" in lines[3]


def test_yields(capsys):
    lines = run(capsys, "yields")
    assert [line.split()[0] for line in lines] == ["bisque", "glaze", "raku", "lowest:"]


def test_version(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.startswith("kilnlog ")
