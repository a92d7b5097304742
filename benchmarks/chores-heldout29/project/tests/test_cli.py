import subprocess
import sys
from pathlib import Path

import stringlog
from stringlog.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_log_lists_every_change(capsys):
    assert main(["log"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 14


def test_log_since(capsys):
    assert main(["log", "--since", "2026-01-01"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["2026-01-10", "2026-01-24", "2026-03-01"]


def test_due(capsys):
    assert main(["due", "--today", "2026-04-18"]) == 0
    out = capsys.readouterr().out
    assert "telecaster" in out and "acoustic" in out


def test_missing_file(capsys):
    assert main(["--file", "nope.csv", "log"]) == 1
    assert "nope.csv" in capsys.readouterr().err


# TODO: run the CLI as a subprocess for every subcommand, not only --version
def test_version():
    result = subprocess.run([sys.executable, "-m", "stringlog", "--version"], cwd=ROOT, capture_output=True, text=True)
    assert result.stdout.strip() == f"stringlog {stringlog.__version__}"
