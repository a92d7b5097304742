"""Shared fixtures. Every test gets its own data dir and routes.toml (never the user's)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from importlib.resources import files
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

import agentrunner.config
import agentrunner.providers
from tests.support import fake_provider
from tests.support.postgres import Cluster, cluster_or_reason

TEMPLATE = files("agentrunner").joinpath("templates", "routes.toml").read_text("utf-8")
#: What every test runs with: the template, its local tier on the fast Gemma 270M instead of the
#: 1.5B coder model (tests of the coder model are marked `coder` and configure it themselves).
TEST_ROUTES = TEMPLATE.replace(
    'model = "qwen2.5-coder-1.5b"   # built-in alias (embedded Qwen2.5-Coder-1.5B); or model_path = "…/x.gguf"\n'
    "n_ctx = 8192\nmax_tokens = 1024\n",
    'model = "gemma3-270m"\nn_ctx = 4096\nmax_tokens = 512\n',
    1,
)
assert TEST_ROUTES != TEMPLATE, "the template's local tier changed: update TEST_ROUTES"

LOCAL_ONLY = """
[tiers.local]
provider = "llama-cpp"
model = "gemma3-270m"
n_ctx = 2048
max_tokens = 64
cost_per_hour = 0.05
"""

#: the local tier and a workspace folder ``ws`` with the agent's file tools and ``run`` (the
#: sandboxed pytest/ruff/py_compile allow-list): what tests of the general loop's work need.
WORKSPACE_TOOLS = """
[tiers.local]
provider = "llama-cpp"
model = "gemma3-270m"

[agent]
workspace = "ws"
tools = ["read_file", "write_file", "edit_file", "list_files", "grep", "glob", "run"]
"""


REAL_CACHE = Path.home() / ".cache"  # read once, before any test moves HOME

#: Environment variables through which agentrunner or its importers find the user's files or keys:
#: unset for every test, so no test reads (or writes) the developer's real history.
USER_ENVIRONMENT = (
    "CODEX_HOME",
    "GEMINI_CLI_HOME",
    "GEMINI_API_KEY",
    "GOOGLE_API_KEY",
    "LLM_USER_PATH",
    "CLAUDE_CONFIG_DIR",
    "ANTHROPIC_API_KEY",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "OLLAMA_HOST",
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
    "AGENTRUNNER_LEDGER_URL",
)

#: One tier on the fake provider, priced like the embedded model: CLI tests that need a call but
#: not inference run in milliseconds.
FAKE_LOCAL = """
[tiers.local]
provider = "fake"
model = "fake-1"
n_ctx = 2048
max_tokens = 64
cost_per_hour = 0.05
"""


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point agentrunner's data dir, config and HOME at tmp_path and unset the variables of
    USER_ENVIRONMENT; never touch the real ones. (HOME: the importers' default paths are under it.)"""
    for name in USER_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    if REAL_CACHE.is_dir():  # caches are not history: the assembled embedded model lives there
        (home / ".cache").symlink_to(REAL_CACHE, target_is_directory=True)
    monkeypatch.setenv("HOME", str(home))
    data_dir = tmp_path / ".agentrunner"
    monkeypatch.setenv("AGENTRUNNER_DIR", str(data_dir))
    config = tmp_path / "routes.toml"
    config.write_text(TEST_ROUTES, "utf-8")
    monkeypatch.setenv("AGENTRUNNER_CONFIG", str(config))
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def fake_local(monkeypatch: pytest.MonkeyPatch, write_config: Callable[[str], Path]) -> Path:
    """routes.toml with one tier, ``local``, on the fake provider (tests/support/fake_provider.py):
    for CLI tests that need a model call but not inference. Registered for this test only, so
    no other test sees the extra provider name."""
    monkeypatch.setitem(agentrunner.providers.PROVIDERS, fake_provider.NAME, fake_provider.TARGET)
    monkeypatch.setattr(agentrunner.config, "PROVIDER_NAMES", [*agentrunner.config.PROVIDER_NAMES, fake_provider.NAME])
    return write_config(FAKE_LOCAL)


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
def pg_cluster() -> Iterator[Cluster]:
    """One throwaway PostgreSQL cluster for the session (tests/support/postgres.py); the tests
    that use it are marked ``postgres`` and skip only when the binaries are not installed."""
    for cluster in cluster_or_reason():
        if isinstance(cluster, str):
            pytest.skip(cluster)
        yield cluster


@pytest.fixture
def pg_url(pg_cluster: Cluster) -> str:
    """A new, empty database on the session's cluster."""
    return pg_cluster.create_database()


@pytest.fixture(autouse=True)
def ledger_backend_from_environment(
    isolated_home: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``AGENTRUNNER_TEST_LEDGER=postgres pytest …``: every test whose ledger comes from the config
    (``Ledger.for_config``) gets a new PostgreSQL database instead of ledger.db — the whole suite,
    or a file of it, run against the team backend. (SQLite-only tests, which open files, fail.)"""
    if os.environ.get("AGENTRUNNER_TEST_LEDGER") == "postgres":
        monkeypatch.setenv("AGENTRUNNER_LEDGER_URL", str(request.getfixturevalue("pg_url")))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def config_ledger_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Once per backend for a test whose ledger comes from the config: ledger.db, then a new
    PostgreSQL database (``AGENTRUNNER_LEDGER_URL``). Returns the backend's name."""
    if request.param == "postgres":
        monkeypatch.setenv("AGENTRUNNER_LEDGER_URL", str(request.getfixturevalue("pg_url")))
    return str(request.param)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def ledger_location(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """Where a ledger lives, once per backend: a SQLite file, then a new PostgreSQL database."""
    if request.param == "sqlite":
        return tmp_path / "ledger.db"
    return str(request.getfixturevalue("pg_url"))


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


MIDNIGHT_MARGIN_S = 120.0


@pytest.fixture(autouse=True)
def not_across_midnight() -> None:
    """A test that starts in the last two minutes before midnight (UTC or local) first waits for
    midnight to pass. Many tests write rows "now" and then check today's and this month's caps,
    windows and file names; on a day boundary between the two they fail (CI in session 3, at 00:05
    on the 1st). Waiting for the new day makes "now is one day throughout" true; it costs at most
    two minutes once a day."""
    import time
    from datetime import UTC, datetime, timedelta

    def to_midnight(now: datetime) -> float:
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
        return (midnight - now).total_seconds()

    left = min(to_midnight(datetime.now(UTC)), to_midnight(datetime.now()))
    if left < MIDNIGHT_MARGIN_S:
        time.sleep(left + 1.0)
