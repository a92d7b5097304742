import tomllib
from pathlib import Path

import fleetlog

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def test_the_package_and_pyproject_agree_on_the_version():
    with open(PYPROJECT, "rb") as handle:
        assert tomllib.load(handle)["project"]["version"] == fleetlog.__version__
