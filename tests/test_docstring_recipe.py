"""The docstring recipe (agent/docstrings.py): the model writes the text, code puts it in place;
the gate's docstring check judges it, and a refused one is written again once with the reason
(issue 12: asked for a docstring, the 1.5B model in the general loop often wrote no edit that
applied — heldout10 docstring-jars-filled, heldout11 docstring-season-label). The model is played
by prepared JSON answers."""

from __future__ import annotations

import ast
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agentrunner.agent.docstrings import find_function, with_docstring
from agentrunner.agent.recipes import Docstring, _used_names_shown, recipe_for
from agentrunner.config import load_config
from agentrunner.tools import Workspace
from tests.support.recipe_context import AnswersContext, item

CONFIG = '[tiers.local]\nprovider = "llama-cpp"\nmodel = "gemma3-270m"\n\n[agent]\nworkspace = "ws"\n'
SEASONS = (
    '"""Seasons."""\n\n\ndef season_label(day):\n    if day.month <= 2:\n        return f"winter {day.year - 1}"\n'
    '    return "other"\n\n\nclass Log:\n    def add(self, row):\n        """Old."""\n        return row\n'
)
ITEM = "season_label in birds/seasons.py has no docstring. Add one, and explain how a winter over New Year is labelled"



@pytest.fixture
def ws(isolated_home: Path, write_config: Callable[[str], Path]) -> Workspace:
    (isolated_home / "ws" / "birds").mkdir(parents=True)
    (isolated_home / "ws" / "birds" / "seasons.py").write_text(SEASONS, "utf-8")
    return Workspace(load_config(write_config(CONFIG)))


@pytest.mark.parametrize(
    ("title", "context", "function"),
    [
        (ITEM, "", "season_label"),
        ("`days_overdue` in shelf/loans.py has no docstring — add one (and say what it counts)", "", "days_overdue"),
        ("Give `parse_cell` in gradebook/roster.py a proper docstring", "The format is in the README", "parse_cell"),
        ("water_ml() in plantcare/amounts.py has no docstring: add one", "", "water_ml"),
        # heldout20 top-points-docstring (blind, went to the general loop): said as a wish
        ("top_points (boulderlog/scoring.py) could do with a docstring", "mention the flash bonus", "top_points"),
        ("`top_points` in boulderlog/scoring.py lacks a docstring", "", "top_points"),
        ("top_points in boulderlog/scoring.py deserves a docstring", "", "top_points"),
        # heldout23 parse-pool-docstring (blind, went to the general loop, which changed nothing)
        ("parse_pool (laps/sessions.py) wants a docstring: what it accepts, what comes back", "", "parse_pool"),
        # heldout36 germination-docstring: "a test" of seeds is no test to write (went to the general loop)
        (
            "parse_germination in seedbox/parse.py has no docstring. Add one: which ways of writing a test it reads",
            "",
            "parse_germination",
        ),
    ],
)
def test_a_docstring_for_one_function_of_one_module_takes_the_recipe(title: str, context: str, function: str) -> None:
    found = recipe_for(item(title, context))
    assert found is not None and found[0].name == "docstring" and found[1]["function"] == function


def test_a_function_named_without_its_module_is_found_in_the_project(ws: Workspace) -> None:
    """heldout12 docstring-expected-score: "expected_score (ratings module) has no docstring. Add
    one …" named no file; the 1.5B model in the general loop then missed half of what was asked."""
    by_word = "season_label (the seasons module) has no docstring. Add one that says how New Year is labelled"
    by_file = "season_label in seasons.py needs a docstring"
    unnamed = "season_label has no docstring. Add one that says how New Year is labelled"
    for title in (by_word, by_file, unnamed):
        found = recipe_for(item(title), ws.root)
        assert found is not None and found[0].name == "docstring", title
        assert found[1] == {"path": "birds/seasons.py", "function": "season_label"}, title
        if title != by_file:
            assert recipe_for(item(title)) is None  # no project to look in
    (ws.root / "birds" / "more.py").write_text("def season_label(day):\n    return 1\n", "utf-8")
    assert recipe_for(item(unnamed), ws.root) is None  # two modules define it: which one is not guessed
    assert recipe_for(item(by_word), ws.root) is not None


@pytest.mark.parametrize(
    ("title", "context"),
    [
        ("Document the public methods of `Inventory` in `stockroom/models.py`", ""),  # several
        ("docstring for `f` in pkg/a.py and fix its rounding", ""),  # other work
        ("docstring for `f` in pkg/a.py", "and fix the rounding while you are there"),
        ("Add docstrings to every function of pkg/a.py", ""),
        ("docstring for `f` in pkg/a.py and a test", ""),
        ("`f` in pkg/a.py has no docstring; add one and write tests for it", ""),
        ("`f` in pkg/a.py has no docstring; add one, tests too", ""),
        ("Say in the docstring of `total` (`pkg/mod.py`) what it returns for no values", ""),  # an edit of one
        ("`total` (`pkg/mod.py`) wants its docstring to say what it returns for no values", ""),
    ],
)
def test_other_docstring_items_do_not(title: str, context: str) -> None:
    found = recipe_for(item(title, context))
    assert found is None or found[0].name != "docstring"


def run(ws: Workspace, answers: list[str]) -> tuple[Any, AnswersContext]:
    recipe, params = recipe_for(item(ITEM)) or (None, {})
    assert isinstance(recipe, Docstring)
    (step,) = recipe.plan(item(ITEM), params)
    ctx = AnswersContext(ws, [json.dumps({"docstring": answer}) for answer in answers], ITEM)
    return recipe.act(ctx, step), ctx


def test_the_text_goes_in_as_the_first_statement_and_nothing_else_changes(ws: Workspace) -> None:
    text = "The season a day belongs to.\n\nA winter runs over New Year: January is labelled with the year before."
    result, ctx = run(ws, [text])
    assert result.error is None, result.error
    after = (ws.root / "birds" / "seasons.py").read_text("utf-8")
    assert after == with_docstring(SEASONS, "season_label", text)
    assert '    """The season a day belongs to.\n\n    A winter runs over New Year' in after
    assert after.replace(after[after.index('    """The') : after.index('    if day')], "") == SEASONS
    assert "def season_label(day):" in ctx.requests[0].messages[0].content  # shown the function


def test_a_docstring_that_leaves_out_what_was_asked_is_written_again_once(ws: Workspace) -> None:
    second = "The season label: a winter over New Year is labelled with the year before."
    result, ctx = run(ws, ["Return a label.", second])
    assert result.error is None and len(ctx.requests) == 2
    assert "refused" in ctx.requests[1].messages[0].content
    result, _ = run(ws, ["Return a label.", "Return the label."])
    assert result.error is not None and "does not say" in result.error


def test_an_answer_cut_off_by_its_token_limit_is_asked_again_shorter(ws: Workspace) -> None:
    """heldout18 change-percent-docstring (Qwen, blind, 8fee5b3): "The function handles the case where
    …" said again and again until the 900 tokens ran out; the JSON was cut off and the item failed."""
    from agentrunner.chat import ChatResponse

    class CutOff(AnswersContext):
        def call(self, request: Any) -> ChatResponse:
            if not self.requests:
                self.requests.append(request)
                cut = '{"docstring": "The function handles the case where the'
                return ChatResponse(text=cut, finish_reason="length")
            return super().call(request)

    second = json.dumps({"docstring": "The season label: a winter over New Year is labelled with the year before."})
    ctx = CutOff(ws, [second], ITEM)
    recipe, params = recipe_for(item(ITEM), ws.root) or (None, None)
    assert isinstance(recipe, Docstring) and params is not None
    (step,) = recipe.plan(item(ITEM), params)
    result = recipe.act(ctx, step)  # type: ignore[arg-type]
    assert result.error is None and len(ctx.requests) == 2
    assert "ran past 900 tokens, saying the same things again, and was cut off" in ctx.requests[1].messages[0].content


def test_a_cut_off_answer_keeps_its_sentences_before_it_repeats_itself() -> None:
    from agentrunner.agent.recipes import _salvaged_docstring

    loop = "The function handles the case where the percentage is 5. " * 3
    answer = '{"docstring": "The percentage of water to change. It is rounded up to steps of 5. ' + loop + 'The fun'
    assert _salvaged_docstring(answer) == (
        "The percentage of water to change. It is rounded up to steps of 5. "
        "The function handles the case where the percentage is 5."
    )
    assert _salvaged_docstring('{"docstring": "Only one sentence. And a cut') is None
    assert _salvaged_docstring("not JSON at all") is None


def test_an_existing_docstring_is_replaced_and_a_method_is_found_by_its_class() -> None:
    after = with_docstring(SEASONS, "Log.add", "Add one row to the log and return it.")
    assert after is not None and "Old." not in after
    assert '        """Add one row to the log and return it."""\n' in after
    assert with_docstring(SEASONS, "missing", "x") is None


def test_the_docstring_prompt_shows_the_constants_and_functions_the_function_uses() -> None:
    """heldout18 change-percent-docstring (Qwen, session 22): shown only the function, Qwen wrote
    "between `MIN_PERCENT` and `MAX_PERCENT`" where the item asked for the least and the most it
    suggests. The module's constants it reads come with their values (and comments), the module's
    functions it calls with their summaries; other names do not."""
    source = (
        'import math\n\nSTEP = 5\nLEAST = 10  # a routine change\nMOST = 50\nUNUSED = 7\nLONG = (\n    1,\n)\n\n\n'
        'def needed(n: float) -> float:\n    """The share to replace, in percent."""\n    return n * 2\n\n\n'
        "def change(n: float) -> int:\n"
        "    return max(LEAST, min(MOST, math.ceil(needed(n) / STEP) * STEP + len(LONG)))\n"
    )
    node = find_function(ast.parse(source), "change")
    assert node is not None
    shown = _used_names_shown(source, node)
    assert shown.splitlines() == [
        "What it uses from the same module (say the values, not the names):",
        "STEP = 5",
        "LEAST = 10  # a routine change",
        "MOST = 50",
        "def needed(n: float) -> float  # The share to replace, in percent.",
    ]
    lone = find_function(ast.parse("def f(x):\n    return x\n"), "f")
    assert lone is not None and _used_names_shown("def f(x):\n    return x\n", lone) == ""
