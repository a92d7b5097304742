import tomllib
from pathlib import Path

import brinelog

ROOT = Path(__file__).resolve().parent.parent


def test_version_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert brinelog.__version__ == project["version"]


def test_help_mentions_every_command(capsys):
    # TODO: test --version output too, not only the help text
    from brinelog.cli import build_parser

    text = build_parser().format_help()
    assert all(name in text for name in ("jars", "brine", "summary", "ready"))
