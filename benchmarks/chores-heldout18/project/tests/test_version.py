import tomllib
from pathlib import Path

import tanklog


def test_version_matches_pyproject():
    pyproject = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())
    assert pyproject["project"]["version"] == tanklog.__version__
