"""A docstring made of runs of the function (agent/example_docstrings.py): the inputs the item, the
tests and the data give, what each gives back, what it refuses and why. No model: the project and
its calls run for real, in the sandbox; the one model tier, an OpenAI-compatible server on loopback,
is never asked (a docstring the model wrote is left for review; one of runs is ticked on its checks)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from agentrunner.agent.example_docstrings import _spelled_alternatives, _unit_fact, calls_in_tests, example_docstring
from agentrunner.agent.pinned_tests import Target
from agentrunner.config import load_config
from agentrunner.sandbox import sandbox_status
from agentrunner.tools import Workspace
from tests.conftest import WORKSPACE_TOOLS
from tests.support.scripted_http import Reply, ScriptedServer
from tests.test_agent import info, make_agent, scripted_tier

needs_sandbox = pytest.mark.skipif(sandbox_status() is not None, reason=f"no sandbox here: {sandbox_status()}")

UNITS = '''"""Units of a painting log."""

import re

WORDS = {"one": 1, "two": 2, "three": 3}


def parse_coats(text):
    cleaned = " ".join(text.split()).lower()
    if not cleaned:
        return 0
    cleaned = re.sub(r"\\s*coats?$", "", cleaned)
    if cleaned in WORDS:
        return WORDS[cleaned]
    match = re.fullmatch(r"x?(\\d+)x?", cleaned)
    if match is None:
        raise ValueError(f"not a number of coats: {text!r}")
    return int(match[1])
'''
TESTS = '''import pytest

from paints.units import parse_coats


@pytest.mark.parametrize(("text", "coats"), [("2", 2), ("2 coats", 2), ("x3", 3), ("two coats", 2)])
def test_parse_coats(text, coats):
    assert parse_coats(text) == coats


def test_parse_coats_refuses_junk():
    with pytest.raises(ValueError):
        parse_coats("lots")
'''
ITEM = (
    "parse_coats in paints/units.py has no docstring; add one (what it accepts, what a blank cell gives back, "
    "when it raises)"
)


def project(root: Path) -> None:
    (root / "paints").mkdir(parents=True)
    (root / "paints" / "__init__.py").write_text("", "utf-8")
    (root / "paints" / "units.py").write_text(UNITS, "utf-8")
    (root / "tests").mkdir()
    (root / "tests" / "test_units.py").write_text(TESTS, "utf-8")


@pytest.fixture
def ws(isolated_home: Path, write_config: Callable[[str], Path]) -> Workspace:
    project(isolated_home / "ws")
    return Workspace(load_config(write_config(WORKSPACE_TOOLS)))


def test_the_calls_of_the_tests_are_read_with_each_row_of_their_parameters(ws: Workspace) -> None:
    assert calls_in_tests(ws.root, "parse_coats") == [
        "parse_coats('2')", "parse_coats('2 coats')", "parse_coats('x3')", "parse_coats('two coats')",
        "parse_coats('lots')",
    ]  # fmt: skip


def test_each_spelling_a_pattern_of_the_function_lists_is_tried() -> None:
    """heldout42 brine-docstring: `g\\s*(?:/|per)\\s*(?:l|litre|liter)` — the data had only `g/L`, and
    the gate asks a docstring to show every way of writing the input the code accepts."""
    constants = [r'_G = re.compile(r"(\d+)\s*g\s*(?:/|per)\s*(?:l|litre|liter)")']
    target = Target("b.py", "b", "parse_brine", "def parse_brine(text): ...", ["text"], 1, constants)
    made = _spelled_alternatives(target, ["parse_brine('35 g/l')", "parse_brine('30 g per l')"])
    assert made == [
        "parse_brine('30 g / l')", "parse_brine('35 g/litre')", "parse_brine('35 g/liter')"
    ]  # fmt: skip


def test_a_row_with_a_value_built_by_code_still_gives_its_literal_calls(ws: Workspace) -> None:
    """heldout43 tide-time-docstring: `("14:05", time(14, 5))` rows — the whole list is no literal,
    and no call was read, so no docstring was made."""
    built = (
        "import pytest\nfrom datetime import time\nfrom paints.units import parse_coats\n\n\n"
        '@pytest.mark.parametrize(("text", "at"), [("2", time(2, 0)), ("x3", time(3, 0))])\n'
        "def test_built(text, at):\n    assert parse_coats(text) == at.hour\n    parse_coats(at)\n"
    )
    (ws.root / "tests" / "test_units.py").write_text(built, "utf-8")
    assert calls_in_tests(ws.root, "parse_coats") == ["parse_coats('2')", "parse_coats('x3')"]


@needs_sandbox
def test_the_docstring_gives_each_form_what_it_gives_back_and_what_it_refuses(ws: Workspace) -> None:
    made = example_docstring(ws, "paints/units.py", "parse_coats", ITEM, task_id="t")
    assert made is not None
    text = " ".join(made.text.split())
    # the item's own words for the blank input: "what a blank cell gives back"
    for shown in ("'2 coats' → 2", "'x3' → 3", "'two coats' → 2", "a blank cell '' gives 0", "Returns an int"):
        assert shown in text, text
    assert "'2' (a bare number) → 2" in text
    assert "Raises ValueError" in text and "'lots' (not a number of coats: 'lots')" in text
    junk = ITEM.replace("when it raises", "what it does with rubbish")
    rubbish = example_docstring(ws, "paints/units.py", "parse_coats", junk, task_id="t")
    assert rubbish is not None and "rubbish such as 'not a value'" in " ".join(rubbish.text.split())
    assert "Case does not matter, nor spaces around or between words." in text  # 'TWO COATS', '  x3  ' tried
    assert made.returning >= 4 and made.refused >= 1


@needs_sandbox
@pytest.mark.parametrize(
    "asked",
    [
        # what no run shows: why, a limit's reason, the history
        "parse_coats in paints/units.py has no docstring; add one that says why three is the most we write in words",
        # a figure the code does not compute
        "parse_coats in paints/units.py needs a docstring: what it accepts and how much of a pot one coat uses",
    ],
)
def test_an_item_asking_what_no_run_shows_gets_no_such_docstring(ws: Workspace, asked: str) -> None:
    assert example_docstring(ws, "paints/units.py", "parse_coats", asked, task_id="t") is None


@needs_sandbox
def test_a_statement_no_call_runs_means_no_such_docstring(ws: Workspace) -> None:
    """Every branch needs an example: a docstring of some of them would say less than the code does
    (no call the tests, the item or the variants make starts with "~")."""
    unrun = '    if cleaned.startswith("~"):\n        return -1\n'
    source = UNITS.replace("    if cleaned in WORDS:", unrun + "    if cleaned in WORDS:")
    (ws.root / "paints" / "units.py").write_text(source, "utf-8")
    assert example_docstring(ws, "paints/units.py", "parse_coats", ITEM, task_id="t") is None


CLOCK = '''import re


def parse_start(text):
    cleaned = text.strip().lower().replace(" ", "")
    match = re.fullmatch(r"(\\d{1,2})(?::(\\d{2}))?(am|pm)?", cleaned)
    if not match or (match[2] is None and match[3] is None):
        raise ValueError(f"not a time of day: {text!r}")
    hour = int(match[1]) % 12 + (12 if match[3] == "pm" else 0) if match[3] else int(match[1])
    return hour * 60 + int(match[2] or 0)
'''


@needs_sandbox
def test_what_it_returns_of_a_bare_number_no_input_gives_the_unit_of_is_not_shown_by_runs(ws: Workspace) -> None:
    """heldout44 parse-start-docstring (Qwen, blind, e64ad7b): "the ways of writing a time it takes, what it
    returns, and what it does with rubbish" — '18:00' → 1080 shows a number, not that it is minutes after
    midnight; with the gate reading '10am' as showing `am`, such a docstring would have been ticked WRONG."""
    (ws.root / "paints" / "clock.py").write_text(CLOCK, "utf-8")
    (ws.root / "tests" / "test_clock.py").write_text(
        "from paints.clock import parse_start\n\n\ndef test_start():\n"
        "    assert parse_start('18:00') == 1080\n    assert parse_start('6pm') == 1080\n"
        "    assert parse_start('9am') == 540\n",
        "utf-8",
    )
    asked = "parse_start in paints/clock.py has no docstring. Give it one: the ways of writing a time it takes, "
    returns = asked + "what it returns, and rubbish"
    assert example_docstring(ws, "paints/clock.py", "parse_start", returns, task_id="t") is None
    rubbish = asked + "and what it does with rubbish"
    made = example_docstring(ws, "paints/clock.py", "parse_start", rubbish, task_id="t")
    assert made is not None and "'6pm' → 1080" in made.text


def test_a_unit_is_the_results_when_an_input_in_it_gives_its_own_number_back() -> None:
    """heldout27 distance-docstring: "what unit it hands back" — '9.5 nm' → 9.5 says nautical miles,
    and '17' → 17.0 says a bare number is read as them; '23 km' → 12.42 says nothing of the kind."""
    cases: list[dict[str, object]] = [
        {"call": "parse_distance('23 km')", "args": ["'23 km'"], "result": "12.42", "type": "float"},
        {"call": "parse_distance('9.5 nm')", "args": ["'9.5 nm'"], "result": "9.5", "type": "float"},
        {"call": "parse_distance('17')", "args": ["'17'"], "result": "17.0", "type": "float"},
    ]
    assert _unit_fact(cases) == (
        "Returns the value in nm (nautical miles): '9.5 nm' → 9.5. A bare number, with no unit, is taken as nm "
        "(nautical miles): '17' → 17.0."
    )
    assert _unit_fact(cases[:1]) is None
    # one km input: 12.42 is a rounded result, no multiple to state from it


def test_each_other_unit_is_said_as_the_multiple_every_input_in_it_gives() -> None:
    """heldout40 age-docstring: "people keep asking me how a month is counted" — '2 months' → 60 and
    '1 months' → 30 say a month is 30 days; of "wks" and "week", the unit spelled out is said."""

    def case(text: str, result: int) -> dict[str, object]:
        return {"call": f"parse_age({text!r})", "args": [repr(text)], "result": str(result), "type": "int"}

    cases = [case("9 weeks", 63), case("3 wks", 21), case("7d", 7), case("25 days", 25), case("2 months", 60)]
    cases += [case("1 months", 30), case("1 weeks", 7)]
    assert _unit_fact(cases) == (
        "Returns the value in days: '25 days' → 25. 1 week counts as 7 days: '9 weeks' → 63; 1 month counts as "
        "30 days: '2 months' → 60."
    )


@needs_sandbox
def test_the_agent_ticks_a_docstring_of_runs_without_asking_the_model(
    isolated_home: Path, write_config: Callable[[str], Path]
) -> None:
    """The docstring recipe writes it before any model call; its work is not left for review (the
    model's draft would be: test_agent.py), and the gate's docstring checks passed it."""
    project(isolated_home)
    with ScriptedServer({"/v1/models": Reply(200, {"object": "list", "data": []})}) as server:
        tools = '\n[agent]\ntools = ["read_file", "write_file", "edit_file", "list_files", "grep", "glob", "run"]\n'
        agent, _ = make_agent(write_config(scripted_tier("remote", server.url) + tools))
        outcome = agent.work(info(ITEM), run_id="r", attempt=1, resume=False)
        asked = server.requests_to("/v1/chat/completions")
    agent.close()
    assert outcome.status == "done", outcome.error
    assert asked == []
    written = (isolated_home / "paints" / "units.py").read_text("utf-8")
    assert written.replace(written[written.index('    """Parse coats.') : written.index("    cleaned =")], "") == UNITS
    assert "'x3' → 3" in written and not (isolated_home / "tasks" / "review").exists()
    assert json.dumps(outcome.error) == "null"
