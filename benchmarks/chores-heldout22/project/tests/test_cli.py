import pytest
from fuelbook.cli import main


def run(capsys, *argv):
    assert main(list(argv)) == 0
    return capsys.readouterr().out.splitlines()


def test_version(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == "fuelbook 2.3.1"


def test_log_lists_every_fill_up(capsys):
    lines = run(capsys, "log")
    assert len(lines) == 18
    assert lines[10].split()[:2] == ["2026-02-14", "52,010"]
    assert "partial" in lines[10]


def test_economy_a_line_per_tank(capsys):
    lines = run(capsys, "economy")
    assert len(lines) == 12 and lines[-1].startswith("average")
    assert next(line for line in lines if line.startswith("2026-02-07")).split()[-2] == "6.1"


def test_economy_since(capsys):
    lines = run(capsys, "economy", "--since", "2026-03-01")
    assert [line.split()[0] for line in lines] == ["2026-03-06", "2026-03-21", "2026-03-29", "average"]


def test_costs(capsys):
    lines = run(capsys, "costs", "--year", "2025")
    assert [line.split()[0] for line in lines[:-1]] == ["2025-11", "2025-12"]
    assert lines[-1] == "fuel per km: 8.97p"


def test_service(capsys):
    lines = run(capsys, "service", "--today", "2026-04-10")
    assert [line.split()[0] for line in lines] == ["overdue", "overdue", "soon", "soon", "ok"]


def test_old_csv_option_still_works(capsys):
    assert main(["--csv", "data/fillups.csv", "log"]) == 0
    captured = capsys.readouterr()
    assert "deprecated" in captured.err and len(captured.out.splitlines()) == 18
