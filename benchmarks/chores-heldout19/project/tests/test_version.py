import tomllib
from pathlib import Path

import pytest

import roastlog
from roastlog.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_version_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert roastlog.__version__ == project["version"]


def test_version_option(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"roastlog {roastlog.__version__}"
