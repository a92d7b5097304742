import tomllib
from pathlib import Path

import birdlog


def test_the_package_version_is_the_project_version() -> None:
    project = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text(encoding="utf-8"))
    assert birdlog.__version__ == project["project"]["version"]
