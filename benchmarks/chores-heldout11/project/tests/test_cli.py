import subprocess
import sys
from pathlib import Path

import pytest
from birdlog import __version__
from birdlog.cli import main

PROJECT = Path(__file__).parent.parent


@pytest.fixture(autouse=True)
def in_the_project(monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands read data/ from the current folder."""
    monkeypatch.chdir(PROJECT)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "birdlog", *args], cwd=PROJECT, capture_output=True, text=True, check=False
    )


def test_totals_most_first() -> None:
    result = run("totals")
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0].split()
    assert first[0] == "FIEL" and first[-1] == "35"


def test_totals_at_a_site(capsys) -> None:
    assert main(["totals", "--site", "Marsh hide"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["GRHE", "Grey", "Heron", "6"]
    assert len(lines) == 4


def test_firsts_defaults_to_the_latest_year(capsys) -> None:
    assert main(["firsts"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:2] == ["2026-01-03", "GRTI"]
    assert not any(line.startswith("2025") for line in lines)


def test_sites(capsys) -> None:
    assert main(["sites"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Beacon Hill")
    assert "last 2026-05-30" in lines[0]


def test_a_missing_file_is_one_line_on_stderr(capsys) -> None:
    assert main(["--file", "nope.csv", "sites"]) == 1
    assert capsys.readouterr().err.startswith("birdlog: ")


def test_version() -> None:
    assert run("--version").stdout.strip() == f"birdlog {__version__}"
