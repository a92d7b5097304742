"""Shared fixtures. Every test gets its own data dir and routes.toml (never the user's)."""

from __future__ import annotations

import os
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

TEMPLATE = files("agentrunner").joinpath("templates", "routes.toml").read_text("utf-8")

LOCAL_ONLY = """
[tiers.local]
provider = "llama-cpp"
model = "gemma3-270m"
n_ctx = 2048
max_tokens = 64
cost_per_hour = 0.05
"""


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point agentrunner's data dir and config at tmp_path; never touch the real ones."""
    data_dir = tmp_path / ".agentrunner"
    monkeypatch.setenv("AGENTRUNNER_DIR", str(data_dir))
    config = tmp_path / "routes.toml"
    config.write_text(TEMPLATE, "utf-8")
    monkeypatch.setenv("AGENTRUNNER_CONFIG", str(config))
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def write_config(isolated_home: Path) -> Callable[[str], Path]:
    """Replace the test's routes.toml with the given text; returns its path."""

    def write(text: str) -> Path:
        path = isolated_home / "routes.toml"
        path.write_text(text, "utf-8")
        return path

    return write


@pytest.fixture
def cli() -> Callable[..., Result]:
    """Invoke the CLI in-process with a fixed terminal width (stable output)."""
    from agentrunner.cli import app

    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=input, env={"COLUMNS": "120", "TERM": "dumb"})

    return invoke


@pytest.fixture(scope="session")
def embedded_model_path() -> Path:
    from agentrunner.providers.llamacpp import embedded_model_path as resolve

    return resolve()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("AGENTRUNNER_RUN_SLOW") or config.getoption("-m") == "slow":
        return
    skip_slow = pytest.mark.skip(reason="slow variant: run with -m slow or AGENTRUNNER_RUN_SLOW=1")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip_slow)
