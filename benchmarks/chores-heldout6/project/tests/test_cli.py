import subprocess
import sys
from pathlib import Path

from fleetlog.cli import main

ROOT = Path(__file__).resolve().parent.parent
LOG = str(ROOT / "data" / "fuel.csv")
CONFIG = str(ROOT / "data" / "service.toml")


def test_summary_lists_every_vehicle(capsys):
    assert main(["summary", LOG]) == 0
    rows = [line.split()[0] for line in capsys.readouterr().out.splitlines()[2:]]
    assert rows == ["TRK-07", "VAN-01", "VAN-02"]


def test_summary_of_one_vehicle(capsys):
    assert main(["summary", LOG, "--vehicle", "van-02"]) == 0
    rows = capsys.readouterr().out.splitlines()[2:]
    assert [row.split()[0] for row in rows] == ["VAN-02"]


def test_due_on_a_given_day(capsys):
    assert main(["due", LOG, "--config", CONFIG, "--today", "2025-11-01"]) == 0
    due = {tuple(line.split()[:2]) for line in capsys.readouterr().out.splitlines()}
    assert due == {("VAN-01", "oil"), ("VAN-02", "oil"), ("VAN-02", "inspection"), ("TRK-07", "tyres")}


def test_a_missing_log_is_an_error_not_a_traceback(tmp_path, capsys):
    assert main(["summary", str(tmp_path / "nope.csv")]) == 2
    assert "fleetlog:" in capsys.readouterr().err


def test_python_dash_m(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "fleetlog", "--version"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert result.stdout.startswith("fleetlog ")
