import tomllib
from pathlib import Path

import gradebook


def test_the_package_and_pyproject_agree():
    pyproject = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text("utf-8"))
    assert gradebook.__version__ == pyproject["project"]["version"]
