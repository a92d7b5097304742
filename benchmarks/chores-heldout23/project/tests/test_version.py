import tomllib
from pathlib import Path

import laps


def test_version_matches_pyproject():
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    with pyproject.open("rb") as handle:
        assert laps.__version__ == tomllib.load(handle)["project"]["version"]
