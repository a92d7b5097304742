import tomllib
from pathlib import Path

import clubrides

ROOT = Path(__file__).resolve().parent.parent


def test_the_package_version_matches_pyproject():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert clubrides.__version__ == pyproject["project"]["version"]
