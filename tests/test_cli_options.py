"""Every numeric and enum option of every command is validated: bad values are one line and exit 2,
never a traceback and never a silently wrong value (issue 13 §6). A hypothesis test drives every
command with random arguments and option values and allows only the documented exit codes.

No model runs here: the routes.toml of these tests has tiers that are unavailable at once (an
Anthropic tier whose key variable is unset, a llama.cpp tier whose model file does not exist), and
the one test that needs a call uses the fake provider (tests/support/fake_provider.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer
from click.testing import Result
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import agentrunner.config
import agentrunner.providers
from agentrunner.chat import ChatRequest, Message
from agentrunner.config import load_config
from agentrunner.gateway import CallContext, Gateway
from agentrunner.ledger import Ledger
from tests.support import fake_provider

UNAVAILABLE = """\
[tiers.local]
provider = "llama-cpp"
model = "nothing-here"
model_path = "/nonexistent/model.gguf"
max_tokens = 64

[tiers.premium]
provider = "anthropic"
model = "claude-sonnet-4-5"
api_key_env = "AGENTRUNNER_TEST_NO_SUCH_KEY"
max_tokens = 512
price = { input_per_mtok = 3.0, output_per_mtok = 15.0 }
"""


@pytest.fixture
def unavailable(write_config: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("AGENTRUNNER_TEST_NO_SUCH_KEY", raising=False)
    return write_config(UNAVAILABLE)


def _one_line_usage_error(result: Result) -> str:
    """The error of a refused invocation: exit 2, no traceback, the message on its last line."""
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.output.strip().splitlines()[-1]


# ── the cases of issue 13 ──────────────────────────────────────────────────────────────────────


def test_init_on_a_file_is_one_line(cli: Callable[..., Result]) -> None:
    result = cli("init", "/etc/passwd")
    assert _one_line_usage_error(result) == (
        "error: /etc/passwd: not a directory; give the folder to write routes.toml and tasks/ into"
    )


def test_init_where_it_cannot_write_is_one_line(cli: Callable[..., Result], tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = cli("init", str(blocker / "sub"))
    assert _one_line_usage_error(result).startswith(f"error: {blocker / 'sub'}: cannot write the project here:")


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "-0.01"])
def test_run_max_cost_must_be_a_finite_amount(cli: Callable[..., Result], unavailable: Path, value: str) -> None:
    result = cli("run", "--max-cost", value, "--dry-run")
    line = _one_line_usage_error(result)
    assert "--max-cost" in line, result.output


@pytest.mark.parametrize("value", ["-5", "0", "99999999999"])
def test_ask_max_tokens_out_of_range(cli: Callable[..., Result], unavailable: Path, value: str) -> None:
    result = cli("ask", "hi", "--tier", "local", "--max-tokens", value)
    assert "--max-tokens" in _one_line_usage_error(result)


def test_ask_max_tokens_above_the_tiers_is_refused(cli: Callable[..., Result], unavailable: Path) -> None:
    result = cli("ask", "hi", "--tier", "local", "--max-tokens", "100000")
    assert _one_line_usage_error(result) == (
        "error: --max-tokens 100000 is more than tier 'local' allows (max_tokens = 64 in routes.toml)"
    )


def test_no_request_asks_a_tier_for_more_than_its_max_tokens(
    monkeypatch: pytest.MonkeyPatch, write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    """The gateway clamps (the Python API, not only the CLI): the fake provider answers with at
    most max_tokens words of its reply."""
    monkeypatch.setitem(agentrunner.providers.PROVIDERS, fake_provider.NAME, fake_provider.TARGET)
    monkeypatch.setattr(agentrunner.config, "PROVIDER_NAMES", [*agentrunner.config.PROVIDER_NAMES, "fake"])
    path = write_config(
        '[tiers.local]\nprovider = "fake"\nmodel = "fake-1"\nmax_tokens = 3\ncost_per_hour = 0.05\n'
        'options = { replies = ["one two three four five six"], latency_ms = 1 }\n'
    )
    config = load_config(path)
    gateway = Gateway(config, Ledger(tmp_path / "data" / "ledger.db"))
    request = ChatRequest(messages=[Message(role="user", content="count")], max_tokens=99_999_999_999)
    response = gateway.call("local", request, CallContext(step_kind="act"))
    assert response.text == "one two three"


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["ledger", "list", "--status", "weird"], "--status"),
        (["ledger", "list", "-n", "-1"], "-n"),
        (["ledger", "list", "-n", "0"], "-n"),
        (["ledger", "list", "-n", "99999999999999999999"], "-n"),
        (["ledger", "export", "--format", "xml"], "--format"),
        (["run", "--jobs", "0", "--dry-run"], "--jobs"),
        (["run", "--jobs", "100000", "--dry-run"], "--jobs"),
        (["run", "--max-items", "-1", "--dry-run"], "--max-items"),
        (["route", "x", "--cost-cap", "nan"], "--cost-cap"),
        (["route", "x", "--cost-cap", "-1"], "--cost-cap"),
        (["route", "x", "--max-tokens", "0"], "--max-tokens"),
        (["route", "x", "--prompt-tokens", "-3"], "--prompt-tokens"),
        (["route", "x", "--kind", "dance"], "--kind"),
        (["compare", "routes.toml", "--quality-floor", "nan"], "--quality-floor"),
        (["compare", "routes.toml", "--quality-floor", "1.5"], "--quality-floor"),
        (["compare", "routes.toml", "--limit", "-1"], "--limit"),
        (["compare", "routes.toml", "--sample", "0"], "--sample"),
        (["compare", "routes.toml", "--seed", "-1"], "--seed"),
        (["compare", "routes.toml", "--step-kind", "acts"], "--step-kind"),
        (["tune", "--step-kind", "plan", "--step-kind", "dance"], "--step-kind"),
        (["tune", "--max-evals", "0"], "--max-evals"),
        (["tune", "--restarts", "-1"], "--restarts"),
        (["tune", "--quality-floor", "inf"], "--quality-floor"),
        (["router", "train", "--folds", "1"], "--folds"),
        (["router", "calibrate", "--holdout", "0"], "--holdout"),
        (["router", "calibrate", "--holdout", "1"], "--holdout"),
        (["router", "calibrate", "--holdout", "nan"], "--holdout"),
        (["router", "calibrate", "--quality-floor", "-0.5"], "--quality-floor"),
        (["router", "calibrate", "--confidence", "0"], "--confidence"),
        (["router", "calibrate", "--confidence", "2"], "--confidence"),
        (["router", "eval", "--seed", "99999999999"], "--seed"),
        (["import", "codex", "--max-request-chars", "-1"], "--max-request-chars"),
        (["report", "--by", "colour"], "--by"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else value,
)
def test_bad_option_values_are_usage_errors(
    cli: Callable[..., Result], unavailable: Path, args: list[str], option: str
) -> None:
    result = cli(*args)
    assert option in _one_line_usage_error(result) or option in result.output, result.output


# ── every command, random arguments ────────────────────────────────────────────────────────────


def _commands() -> list[tuple[list[str], Any]]:
    """(path, click command) for every leaf command of the app."""
    from agentrunner.cli import app

    found: list[tuple[list[str], Any]] = []

    def walk(command: Any, path: list[str]) -> None:
        if hasattr(command, "commands"):
            for name, sub in sorted(command.commands.items()):
                walk(sub, [*path, name])
        else:
            found.append((path, command))

    walk(typer.main.get_command(app), [])
    return found


# `serve` runs until it is stopped: random options that parse would start a server and never return
# (its own option checks are tested in the gateway's tests).
LONG_RUNNING = {"serve"}
COMMANDS = [(path, command) for path, command in _commands() if path[0] not in LONG_RUNNING]
# Commands that write where they are told or read a folder tree: given only paths under the
# test's own folder (a random path could be "/" — `import codex /` would walk the whole disk).
PATH_VALUES = ["routes.toml", "tasks", "tasks/t.md", "nowhere/x.md", "out/file.html", "", ".", "/dev/null"]
ODD_NUMBERS = ["0", "1", "-1", "2", "0.5", "-0.5", "nan", "inf", "-inf", "1e308", "99999999999999999999", "3"]
ODD_TEXT = ["", " ", "ok", "error", "tier", "local", "premium", "act", "1d", "2026-01-01", "yesterday", "x" * 300,
            "é", "\u2028", "--", "-", "*", "import:*", "a=b", "local=m"]
values = st.one_of(st.sampled_from(ODD_NUMBERS), st.sampled_from(ODD_TEXT), st.sampled_from(PATH_VALUES),
                   st.integers(-(2**70), 2**70).map(str), st.floats(allow_nan=True).map(repr))


def _plausible(param: Any) -> st.SearchStrategy[str]:
    """Values of the option's own type (by its default), so that commands also get past parsing."""
    default = param.default
    if isinstance(default, int) and not isinstance(default, bool):
        return st.integers(0, 5).map(str)
    if isinstance(default, float):
        return st.floats(0, 1).map(lambda value: f"{value:.3f}")
    return st.sampled_from(ODD_TEXT[:12] + PATH_VALUES[:4])


@st.composite
def invocations(draw: st.DrawFn) -> list[str]:
    path, command = draw(st.sampled_from(COMMANDS))
    args = list(path)
    for param in command.params:
        if param.name == "help" or not draw(st.booleans()):
            continue
        value = st.one_of(_plausible(param), values) if draw(st.integers(0, 3)) else values
        if param.param_type_name == "argument":
            count = 1 if param.nargs == 1 else draw(st.integers(0, 2))
            args += [draw(value) for _ in range(count)]
        elif getattr(param, "is_flag", False):
            args.append(param.opts[0])
        else:
            args += [param.opts[0], draw(value)]
    if path[0] in ("run",) and "--dry-run" not in args:
        args.append("--dry-run")  # plan and route only: no tier is available anyway
    return args


ALLOWED_EXIT_CODES = {0, 1, 2, 3}  # done · failed · usage/config error · budget (docs: run's exit codes)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(args=invocations())
def test_every_command_with_random_options_exits_cleanly(
    cli: Callable[..., Result], unavailable: Path, args: list[str]
) -> None:
    result = cli(*args)
    event(f"{args[0]}: exit {result.exit_code}")
    assert result.exit_code in ALLOWED_EXIT_CODES, (args, result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, repr(result.exception))
    assert "Traceback" not in result.output, (args, result.output)
    if result.exit_code == 2:
        assert result.output.strip(), args  # a usage error says what is wrong


def test_the_property_test_covers_every_command() -> None:
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"init", "ask", "run", "ledger list", "router calibrate", "import codex", "tune"} <= names
    assert math.isfinite(len(names)) and len(names) >= 20
