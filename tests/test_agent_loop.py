"""The general loop's logic (agent/loop.py) and the recipes' fallbacks, with a scripted model.

The model is played by :class:`ScriptedContext`, our own stand-in for the graph's act context that
returns prepared replies: what is under test is the loop (parsing, tools, loop detection, the
lint-and-test turn), not a provider. Real-model runs are in tests/test_agent_loop_model.py.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agentrunner.agent.context import command_code
from agentrunner.agent.guide import system_prompt
from agentrunner.agent.loop import _trim_history, run_loop
from agentrunner.agent.recipes import GENERAL, ItemInfo, Rename, general_step, recipe_for
from agentrunner.agent.replies import definition_owners, parse_reply, path_of
from agentrunner.agent.validators import default_validators, run_validators
from agentrunner.chat import ChatRequest, ChatResponse, Message, ToolCall
from agentrunner.config import load_config
from agentrunner.sandbox import sandbox_status
from agentrunner.tools import ToolResult, Workspace

CONFIG = """
[tiers.local]
provider = "llama-cpp"
model = "gemma3-270m"

[agent]
workspace = "ws"
"""

STATS = "def mean(values):\n    return sum(values) / len(values)\n\n\ndef top(values):\n    return max(values)\n"

needs_sandbox = pytest.mark.skipif(sandbox_status() is not None, reason=f"no sandbox here: {sandbox_status()}")


class ScriptedContext:
    """Plays the model: each call returns the next prepared reply (text or native tool calls)."""

    def __init__(self, workspace: Workspace, replies: list[str | ChatResponse], title: str, context: str = "") -> None:
        self.workspace = workspace
        self.item = ItemInfo(id="i1", title=title, context=context, tags=[], file="tasks/t.md")
        self.max_tool_calls = 6
        self.replies = list(replies)
        self.requests: list[ChatRequest] = []

    def call(self, request: ChatRequest) -> ChatResponse:
        self.requests.append(request)
        # out of replies: a stubborn model says the same again (the loop's fresh starts ask again)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        return reply if isinstance(reply, ChatResponse) else ChatResponse(text=reply)

    def tool(self, name: str, arguments: dict[str, Any]) -> ToolResult:
        return self.workspace.call(name, arguments)


def stats_workspace(
    home: Path,
    write_config: Callable[[str], Path],
    stats: str = STATS,
    tests: str = "from pkg.stats import mean\n\n\ndef test_mean():\n    assert mean([1, 2]) == 1.5\n",
) -> Workspace:
    """A project with one package module, ``pkg/stats.py``, and its test file."""
    root = home / "ws"
    (root / "pkg").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "pkg" / "__init__.py").write_text("", "utf-8")
    (root / "pkg" / "stats.py").write_text(stats, "utf-8")
    (root / "tests" / "test_stats.py").write_text(tests, "utf-8")
    return Workspace(load_config(write_config(CONFIG)))


@pytest.fixture
def ws(isolated_home: Path, write_config: Callable[[str], Path]) -> Workspace:
    return stats_workspace(isolated_home, write_config)


def loop(ctx: ScriptedContext, reads: list[str], writes: list[str]) -> Any:
    return run_loop(ctx, ctx.item.title, reads, writes, 512)


def test_parse_reply_reads_every_action_format() -> None:
    text = (
        "I'll fix it.\n\npkg/stats.py\n```python\n<<<<<<< SEARCH\n    return max(values)\n=======\n"
        "    return max(values, default=None)\n>>>>>>> REPLACE\n```\n\n"
        "**docs/summary.md**\n```markdown\n# Summary\n```\n\n"
        "```python\nprint('an example, no path: not a file')\n```\n"
        "READ pkg/__init__.py\nGREP TODO\nRUN pytest -q\n"
        '<tool_call>\n{"name": "glob", "arguments": {"pattern": "*.py"}}\n'
        "</tool_call>\nDONE fixed top\n"
    )
    reply = parse_reply(text)
    assert [(a.tool, a.arguments.get("path")) for a in reply.actions] == [
        ("edit_file", "pkg/stats.py"),
        ("write_file", "docs/summary.md"),
        ("read_file", "pkg/__init__.py"),
        ("grep", None),
        ("run", None),
        ("glob", None),
    ]
    assert reply.actions[0].arguments["new"] == "    return max(values, default=None)\n"
    assert reply.actions[1].arguments["content"] == "# Summary\n"
    assert reply.done == "fixed top"
    assert [path_of(x) for x in (".gitignore", "`Makefile`", "File: a/b.txt", "Here it is:", "mean")] == [
        ".gitignore", "Makefile", "a/b.txt", None, None
    ]  # fmt: skip


def test_one_turn_edit_and_done(ws: Workspace) -> None:
    ctx = ScriptedContext(
        ws,
        ["pkg/stats.py\n<<<<<<< SEARCH\ndef mean(values):\n=======\ndef mean(values: list[float]) -> float:\n"
         ">>>>>>> REPLACE\nDONE added hints to mean"],
        "Add type hints to `mean` in `pkg/stats.py`",
    )  # fmt: skip
    result = loop(ctx, [], ["pkg/stats.py"])
    assert result.error is None and result.text == "added hints to mean"
    assert "def mean(values: list[float]) -> float:" in (ws.root / "pkg/stats.py").read_text("utf-8")
    prompt = ctx.requests[0].messages[3].content
    assert "   1\tdef mean(values):" in prompt and "pkg/stats.py" in prompt  # the named file, numbered
    assert "Expected output" not in prompt and ctx.requests[0].tools == []


def test_a_failed_edit_comes_back_with_the_lines_to_copy(ws: Workspace) -> None:
    ctx = ScriptedContext(
        ws,
        [
            "pkg/stats.py\n<<<<<<< SEARCH\ndef average(values):\n=======\ndef mean(values):  # x\n>>>>>>> REPLACE",
            "pkg/stats.py\n<<<<<<< SEARCH\ndef mean(values):\n=======\ndef mean(values):  # x\n>>>>>>> REPLACE\nDONE",
        ],
        "Comment `mean` in `pkg/stats.py`",
    )
    result = loop(ctx, [], ["pkg/stats.py"])
    assert result.error is None and len(ctx.requests) == 2
    feedback = ctx.requests[1].messages[-1].content
    assert "FAILED" in feedback and "1\tdef mean(values):" in feedback
    assert "def mean(values):  # x" in (ws.root / "pkg/stats.py").read_text("utf-8")


def test_repeated_and_cycling_calls_stop_the_step(ws: Workspace) -> None:
    repeated = ScriptedContext(ws, ["READ pkg/stats.py", "READ pkg/stats.py"], "Look at `pkg/stats.py`")
    result = loop(repeated, [], [])
    # each repeat starts over fresh (loop.MAX_FRESH_STARTS = 2), the model repeats again: stopped
    assert "repeated the same tool call read_file" in (result.error or "") and len(repeated.requests) == 2 + 2
    cycling = ScriptedContext(ws, ["READ pkg/stats.py", "GREP mean", "READ pkg/stats.py"], "Look around")
    assert "repeated" in (loop(cycling, [], []).error or "") and len(cycling.requests) == 3 + 2
    # the same call again after a file changed is progress, not a loop
    progress = ScriptedContext(
        ws,
        [
            "READ pkg/stats.py",
            "pkg/stats.py\n<<<<<<< SEARCH\ndef top(values):\n=======\ndef top(values):  # max\n>>>>>>> REPLACE",
            "READ pkg/stats.py",
            "DONE",
        ],
        "Comment `top` in `pkg/stats.py`",
    )
    assert loop(progress, [], []).error is None and len(progress.requests) == 4


def test_native_tool_calls_are_run_and_answered(ws: Workspace) -> None:
    call = ToolCall(id="c1", name="write_file", arguments={"path": ".gitignore", "content": "__pycache__/\n*.pyc\n"})
    ctx = ScriptedContext(ws, [ChatResponse(tool_calls=[call]), "DONE"], "Write a .gitignore")
    result = loop(ctx, [], [".gitignore"])
    assert result.error is None and (ws.root / ".gitignore").read_text("utf-8") == "__pycache__/\n*.pyc\n"
    second = ctx.requests[1].messages
    assert second[-2].tool_calls[0].id == "c1" and second[-1].role == "tool" and second[-1].tool_call_id == "c1"


def test_failing_tests_are_the_next_turn_and_block_done(ws: Workspace) -> None:
    """The lint-and-test turn: a test the step wrote is run before DONE is accepted."""
    bad = (
        "tests/test_top.py\n```python\nfrom pkg.stats import top\n\n\ndef test_top():\n"
        "    assert top([1, 3]) == 1\n```\nDONE"
    )
    good = (
        "tests/test_top.py\n<<<<<<< SEARCH\n    assert top([1, 3]) == 1\n=======\n    assert top([1, 3]) == 3\n"
        ">>>>>>> REPLACE\nDONE"
    )
    ctx = ScriptedContext(ws, [bad, good], "Write a pytest test for `top` in `tests/test_top.py`")
    result = loop(ctx, ["pkg/stats.py"], ["tests/test_top.py"])
    assert result.error is None, result.error
    assert "The tests fail" in ctx.requests[1].messages[-1].content
    stubborn = ScriptedContext(ws, [bad.replace("test_top", "test_top2"), "DONE"] * 3, "Write a test")
    failed = loop(stubborn, [], ["tests/test_top2.py"])
    # the failing test is not left behind (the verification then fails the item: no output)
    assert "The tests fail" in stubborn.requests[1].messages[-1].content
    assert failed.error is not None or not (ws.root / "tests" / "test_top2.py").exists()


class NoPytestContext(ScriptedContext):
    """The run tool's interpreter has no pytest (a venv without the dev extras)."""

    def tool(self, name: str, arguments: dict[str, Any]) -> ToolResult:
        if name == "run":
            return ToolResult(True, f"exit code 1\n{sys.executable}: No module named pytest\n")
        return super().tool(name, arguments)


def test_pytest_missing_is_no_test_failure_for_the_model(ws: Workspace) -> None:
    """A heldout run on a venv without pytest told the model "The tests fail: No module named
    pytest" after each write; it could not fix that and wrote docs/notes.md instead."""
    write = (
        'pkg/stats.py\n```python\ndef mean(values):\n    """The mean."""\n'
        "    return sum(values) / len(values)\n```\nDONE"
    )
    ctx = NoPytestContext(ws, [write], "Add a docstring to `mean` in pkg/stats.py")
    result = loop(ctx, ["pkg/stats.py"], ["pkg/stats.py"])
    assert result.error is None, result.error
    assert all("The tests fail" not in str(m.content) for r in ctx.requests for m in r.messages)


def test_a_missing_output_is_asked_for_once_then_the_step_stops(ws: Workspace) -> None:
    """A model that answers twice without an action will not start (Gemma 270M on the chores
    benchmark burnt its whole turn budget and timed out)."""
    ctx = ScriptedContext(ws, ["It is a statistics module."] * 6, "Summarise `pkg/stats.py` into `docs/summary.md`")
    result = loop(ctx, ["pkg/stats.py"], ["docs/summary.md"])
    assert "docs/summary.md does not exist yet" in ctx.requests[1].messages[-1].content
    assert "answered twice without an action" in (result.error or "") and len(ctx.requests) == 2 * (1 + 2)
    talk_then_work = ScriptedContext(
        ws,
        [
            "It is a statistics module.",
            "READ pkg/stats.py",
            "More talk.",
            "docs/summary.md\n```\n# Stats\nmean\n```\nDONE",
        ],
        "Summarise `pkg/stats.py` into `docs/summary.md`",
    )
    assert loop(talk_then_work, ["pkg/stats.py"], ["docs/summary.md"]).error is None


def test_done_with_the_named_output_unwritten_is_told_so_and_goes_on(ws: Workspace) -> None:
    """heldout23 goal-docs (blind): "docs/goals.md for users: … Link it from the README" — Qwen
    wrote laps/goals.py out again as it was and said DONE; the step ended, and the page was never
    asked for. A DONE while an output the step names does not exist is sent back once, saying so."""
    stats = (ws.root / "pkg" / "stats.py").read_text("utf-8")
    as_is = f"pkg/stats.py\n```python\n{stats}```\nDONE documented"
    page = "docs/stats.md\n```\n# Stats\n\n`mean` is the sum over the count.\n```\nDONE wrote the page"
    title = "docs/stats.md for users: what `mean` in pkg/stats.py works out"
    ctx = ScriptedContext(ws, [as_is, page], title)
    result = loop(ctx, ["pkg/stats.py"], ["docs/stats.md"])
    assert result.error is None, result.error
    assert "docs/stats.md does not exist yet" in ctx.requests[1].messages[-1].content
    assert (ws.root / "docs" / "stats.md").is_file()
    (ws.root / "docs" / "stats.md").unlink()
    stubborn = ScriptedContext(ws, [as_is, "DONE documented"], title)
    loop(stubborn, ["pkg/stats.py"], ["docs/stats.md"])
    assert len(stubborn.requests) == 2 and not (ws.root / "docs" / "stats.md").exists()  # asked once, then ends


def test_general_step_outputs(ws: Workspace) -> None:
    def step(title: str) -> tuple[list[str], list[str]]:
        spec = general_step(0, title, ItemInfo(id="i", title=title, context="", tags=[], file="t.md"), ws.root)
        return spec.reads, spec.writes

    assert step("Write a .gitignore for this Python project") == ([], [".gitignore"])
    assert step("Summarise `pkg/stats.py` into `docs/summary.md`") == (["pkg/stats.py"], ["docs/summary.md"])
    assert step("Bump the version in pyproject.toml to 0.2.0") == ([], ["pyproject.toml"])
    assert step("Add a `Makefile` with a test target") == ([], ["Makefile"])
    assert step("Fix the failing test in `tests/test_stats.py`") == (["tests/test_stats.py"], [])
    # heldout10 gitignore-exports failed for not writing `*.db` and `.env`: the patterns it ignores
    item = ".gitignore: keep the `exports/` folder, local SQLite databases (`*.db`) and the `.env` file out of git"
    assert step(item) == (["exports/"], [".gitignore"])
    assert step("Write notes on `*.csv` files into `docs/data.md`") == ([], ["docs/data.md"])
    # "… to stats.py" with the project's one stats.py in pkg/: that file, never a new one at the top
    assert step("Add a `median` function to stats.py") == ([], ["pkg/stats.py"])


def test_an_attribute_or_an_answer_items_file_is_no_output(ws: Workspace) -> None:
    """Session 4 (chores test-item-value, and honesty's note): `Item.value` was taken for a file to
    write, and an answer item's "in `x.py`" made x.py an output it had to change."""

    def step(title: str) -> tuple[list[str], list[str]]:
        spec = general_step(0, title, ItemInfo(id="i", title=title, context="", tags=[], file="t.md"), ws.root)
        return spec.reads, spec.writes

    assert step("Add a test for `Stats.mean` to `tests/test_stats.py`") == ([], ["tests/test_stats.py"])
    assert step("Explain what `mean` in `pkg/stats.py` does") == (["pkg/stats.py"], [])
    assert step("Add a docstring to `mean` in `pkg/stats.py`") == ([], ["pkg/stats.py"])
    assert step("Add a `py.typed` marker to `pkg`") == ([], ["py.typed"])


def test_the_module_a_definition_moves_out_of_is_an_output(ws: Workspace) -> None:
    """Session 7 baseline (chores move-function, ticked WRONG): Qwen created the new module with a
    copy of the function and left the old module as it was; the old module was only an input, so
    nothing required it to change. A move changes the module it moves out of."""

    def step(title: str) -> tuple[list[str], list[str]]:
        spec = general_step(0, title, ItemInfo(id="i", title=title, context="", tags=[], file="t.md"), ws.root)
        return spec.reads, spec.writes

    title = "Move `mean` out of `pkg/stats.py` into a new module `pkg/means.py`; `stats.py` imports it from there"
    assert step(title) == ([], ["pkg/stats.py", "pkg/means.py"])
    assert step("Move `mean` from `pkg/stats.py` to `pkg/means.py`") == ([], ["pkg/stats.py", "pkg/means.py"])
    # a file named only as where something comes from, with no move, stays an input
    assert step("Add `mean` to `pkg/means.py`, copied from `pkg/stats.py`") == (["pkg/stats.py"], ["pkg/means.py"])


def test_rename_across_a_folder_or_the_project(ws: Workspace) -> None:
    """A folder is not a file: the rename recipe renames in its .py files and in the files that
    import from it (the tests), and every changed file still compiles."""
    title = "Rename `mean` to `average` across the package `pkg/`"
    found = recipe_for(ItemInfo(id="i", title=title, context="", tags=[], file="t.md"))
    assert found is not None and found[0].name == "rename" and found[1]["path"] == "pkg/"
    recipe, params = found
    (step,) = recipe.plan(ItemInfo(id="i", title=title, context="", tags=[], file="t.md"), params)
    ctx = ScriptedContext(ws, ['{"old": "mean", "new": "average"}'], title)
    result = recipe.act(ctx, step)
    assert result.error is None and sorted(result.writes) == ["pkg/stats.py", "tests/test_stats.py"]
    assert all(check(result, ws.root).ok for check in recipe.validators(step))
    assert "from pkg.stats import average" in (ws.root / "tests/test_stats.py").read_text("utf-8")
    # a module's function: its callers follow (held-out rename-rate-for kept the callers' old name)
    title = "rename `top` → `largest` (pkg/stats.py) and update everything that uses it"
    (ws.root / "pkg" / "report.py").write_text("from .stats import top\n\n\ndef best(v):\n    return top(v)\n", "utf-8")
    found = recipe_for(ItemInfo(id="i", title=title, context="", tags=[], file="t.md"))
    assert found is not None and found[1] == {"path": "pkg/stats.py", "names": ["top", "largest"]}
    (step,) = found[0].plan(ItemInfo(id="i", title=title, context="", tags=[], file="t.md"), found[1])
    result = found[0].act(ScriptedContext(ws, ['{"old": "top", "new": "largest"}'], title), step)
    assert result.error is None and result.writes == ["pkg/stats.py", "pkg/report.py"]
    assert "return largest(v)" in (ws.root / "pkg/report.py").read_text("utf-8")
    # a file that only spells the import in a string is no caller (make run renamed inside
    # tests/test_verification.py's string literals, and the item failed)
    spelt = 'SOURCE = "from .stats import largest\\nlargest(1)"\n'
    (ws.root / "pkg" / "other.py").write_text(spelt, "utf-8")
    title2 = "rename `largest` → `biggest` (pkg/stats.py) and update everything that uses it"
    found = recipe_for(ItemInfo(id="i", title=title2, context="", tags=[], file="t.md"))
    assert found is not None
    (step,) = found[0].plan(ItemInfo(id="i", title=title2, context="", tags=[], file="t.md"), found[1])
    result = found[0].act(ScriptedContext(ws, ['{"old": "largest", "new": "biggest"}'], title2), step)
    assert result.error is None and "pkg/other.py" not in result.writes
    assert (ws.root / "pkg" / "other.py").read_text("utf-8") == spelt
    assert all(check(result, ws.root).ok for check in found[0].validators(step))
    # the pages that name it follow too; a changelog keeps its history (heldout11 rename-species-totals)
    (ws.root / "docs").mkdir()
    (ws.root / "docs" / "usage.md").write_text("Call `biggest(values)` for the top value.\n", "utf-8")
    (ws.root / "CHANGES.md").write_text("- `biggest` added.\n", "utf-8")
    title3 = "rename `biggest` → `maximum` (pkg/stats.py) and update everything that uses it"
    found = recipe_for(ItemInfo(id="i", title=title3, context="", tags=[], file="t.md"))
    assert found is not None
    (step,) = found[0].plan(ItemInfo(id="i", title=title3, context="", tags=[], file="t.md"), found[1])
    result = found[0].act(ScriptedContext(ws, ['{"old": "biggest", "new": "maximum"}'], title3), step)
    assert result.error is None and result.writes[-1] == "docs/usage.md" and "CHANGES.md" not in result.writes
    assert (ws.root / "docs" / "usage.md").read_text("utf-8") == "Call `maximum(values)` for the top value.\n"
    # a line naming both names describes the rename (a to-do item quoted in a page): it stays, and a
    # page with only such lines is not the rename's (make run, session 21: the recipe rewrote the
    # example list's own item in docs/agent.md to "Rename `compute_total` to `compute_total`")
    quoted = "- [ ] Rename `maximum` to `peak` in `pkg/stats.py`\n"
    (ws.root / "docs" / "tasks.md").write_text(quoted, "utf-8")
    usage = "Call `maximum(values)` for the top value.\n" + quoted
    (ws.root / "docs" / "usage.md").write_text(usage, "utf-8")
    title4 = "Rename `maximum` to `peak` in `pkg/stats.py`"
    found = recipe_for(ItemInfo(id="i", title=title4, context="", tags=[], file="t.md"))
    assert found is not None
    (step,) = found[0].plan(ItemInfo(id="i", title=title4, context="", tags=[], file="t.md"), found[1])
    result = found[0].act(ScriptedContext(ws, ['{"old": "maximum", "new": "peak"}'], title4), step)
    assert result.error is None and "docs/tasks.md" not in result.writes and "docs/usage.md" in result.writes
    assert (ws.root / "docs" / "tasks.md").read_text("utf-8") == quoted
    assert (ws.root / "docs" / "usage.md").read_text("utf-8") == "Call `peak(values)` for the top value.\n" + quoted
    assert all(check(result, ws.root).ok for check in found[0].validators(step))
    everywhere = recipe_for(ItemInfo(id="i", title="Rename `top` to `largest`", context="", tags=[], file="t"))
    assert everywhere is not None and everywhere[1]["path"] == "."
    assert isinstance(everywhere[0], Rename)


@pytest.mark.skipif(sys.platform == "win32", reason="posix paths")
def test_the_loop_cannot_write_outside_the_workspace(ws: Workspace) -> None:
    ctx = ScriptedContext(ws, ["../evil.txt\n```\nx\n```\nDONE"], "Write a note")
    result = loop(ctx, [], [])
    assert not (ws.root.parent / "evil.txt").exists() and result.tool_results == []


def test_blocks_without_a_path_line_find_their_file() -> None:
    """Small models name the file in prose, or not at all: a bare known path in the line before,
    or the step's one file when the block's language fits it (a python block is no markdown file)."""
    known = frozenset({"calc/stats.py", "docs/summary.md"})
    prose = parse_reply("Here is the updated calc/stats.py file:\n```python\nx = 1\n```\n", None, known)
    assert [(a.tool, a.arguments["path"]) for a in prose.actions] == [("write_file", "calc/stats.py")]
    summary = parse_reply("Sure!\n\n```markdown\n# Stats\nmean and median\n```\nDONE", "docs/summary.md", known)
    assert [(a.tool, a.arguments["path"]) for a in summary.actions] == [("write_file", "docs/summary.md")]
    quoted = parse_reply("It has:\n```python\ndef mean(v): ...\n```\n", "docs/summary.md", known)
    assert quoted.actions == []


def test_a_block_of_definitions_under_their_name_finds_the_file_defining_them(ws: Workspace) -> None:
    """Seen with Qwen2.5-Coder-1.5B (held-out chore cli-billable-only): two files in play, and it
    wrote each function's name instead of its file above the new definition; the reply was read as
    no action at all ("no file changed"). The one file defining them all is the place."""
    cli = "def build_parser():\n    return {}\n\n\ndef main():\n    return {}\n"
    (ws.root / "pkg" / "cli.py").write_text(cli.format(1, 0), "utf-8")
    owners = definition_owners({"pkg/cli.py": (ws.root / "pkg/cli.py").read_text("utf-8"), "pkg/stats.py": STATS})
    assert owners == {"build_parser": "pkg/cli.py", "main": "pkg/cli.py", "mean": "pkg/stats.py", "top": "pkg/stats.py"}  # fmt: skip  # noqa: E501
    reply = (
        "build_parser\n```python\ndef build_parser():\n    return 2\n```\n"
        "main\n```python\ndef main():\n    return 1\n```\nDONE"
    )
    assert [a.arguments["path"] for a in parse_reply(reply, None, frozenset(), owners).actions] == ["pkg/cli.py"] * 2
    mixed = "```python\ndef main():\n    return 1\n\n\ndef mean(v):\n    return 0\n```\n"
    assert parse_reply(mixed, None, frozenset(), owners).actions == []  # two files: no guess
    ctx = ScriptedContext(ws, [reply], "Make `build_parser` and `main` in `pkg/cli.py` and `pkg/stats.py` agree")
    result = loop(ctx, ["pkg/cli.py", "pkg/stats.py"], [])
    assert result.error is None, result.error
    assert (ws.root / "pkg/cli.py").read_text("utf-8") == cli.format(2, 1)


def test_a_fix_item_starts_from_the_failing_output(ws: Workspace) -> None:
    (ws.root / "tests/test_stats.py").write_text(
        "from pkg.stats import mean\n\n\ndef test_mean():\n    assert mean([1, 2]) == 2\n", "utf-8"
    )
    ctx = ScriptedContext(ws, ["DONE", "DONE"], "Fix the failing test in `tests/test_stats.py`")
    loop(ctx, ["tests/test_stats.py"], [])
    prompt = ctx.requests[0].messages[3].content
    assert "The tests fail now:" in prompt and "assert 1.5 == 2" in prompt
    assert "pkg/stats.py (line numbers" in prompt  # the code the traceback points at is shown


def test_an_item_naming_no_file_is_shown_the_files_it_quotes_or_names(ws: Workspace) -> None:
    (ws.root / "pkg" / "cli.py").write_text('def main():\n    print("Statz of nothing")\n', "utf-8")
    quoted = ScriptedContext(ws, ["DONE", "DONE"], 'Fix the typo in the CLI message ("Statz of nothing")')
    loop(quoted, [], [])
    assert "pkg/cli.py (line numbers" in quoted.requests[0].messages[3].content
    named = ScriptedContext(ws, ["DONE", "DONE"], "Make `top` return None for an empty list")
    loop(named, [], [])
    prompt = named.requests[0].messages[3].content
    assert "pkg/stats.py (line numbers" in prompt and "pkg/cli.py" not in prompt


def test_the_guide_uses_the_steps_files_and_a_copied_example_path_is_retargeted(ws: Workspace) -> None:
    """Seen with Qwen2.5-Coder-1.5B: it wrote the guide's example path "path/to/file.py"."""
    ctx = ScriptedContext(
        ws,
        ["src/module.py\n<<<<<<< SEARCH\ndef top(values):\n=======\ndef top(values):  # max\n>>>>>>> REPLACE\nDONE"],
        "Comment `top` in `pkg/stats.py`",
    )
    assert loop(ctx, [], ["pkg/stats.py"]).error is None
    assert "def top(values):  # max" in (ws.root / "pkg/stats.py").read_text("utf-8")
    guide = ctx.requests[0].messages[0].content
    assert "pkg/stats.py\n<<<<<<< SEARCH" in guide and "path/to" not in guide


def test_an_item_about_todo_comments_starts_with_where_they_are(ws: Workspace) -> None:
    (ws.root / "pkg" / "stats.py").write_text(STATS + "# TODO: a median\n", "utf-8")
    ctx = ScriptedContext(ws, ["DONE", "DONE"], "List the TODO comments into `TODO.md`")
    loop(ctx, [], ["TODO.md"])
    assert "pkg/stats.py:7: # TODO: a median" in ctx.requests[0].messages[3].content


def test_the_guides_placeholder_copied_is_refused_with_a_hint(ws: Workspace) -> None:
    """Seen with Qwen2.5-Coder-1.5B: the whole reply in a python fence, SEARCH 'lines to replace'."""
    copied = (
        "```python\npkg/stats.py\n<<<<<<< SEARCH\nlines to replace\n=======\nnew lines\n>>>>>>> REPLACE\n\nDONE\n```"
    )
    fixed = "pkg/stats.py\n<<<<<<< SEARCH\ndef top(values):\n=======\ndef top(values):  # max\n>>>>>>> REPLACE\nDONE"
    ctx = ScriptedContext(ws, [copied, fixed], "Comment `top` in `pkg/stats.py`")
    assert loop(ctx, [], ["pkg/stats.py"]).error is None
    assert "the guide's placeholder" in ctx.requests[1].messages[-1].content
    assert [m.role for m in ctx.requests[0].messages[:3]] == ["system", "user", "assistant"]  # the worked example
    assert parse_reply(copied).done == "done"  # DONE inside the fence around the edit block counts


def test_old_turns_are_shortened_to_fit_the_context() -> None:
    head = [Message(role="system", content="guide"), Message(role="user", content="example")]
    head += [Message(role="assistant", content="answer"), Message(role="user", content="Task: x")]
    turns = [Message(role=role, content=role[0] * 3000) for role in ["assistant", "user"] * 5]
    messages = head + turns
    _trim_history(messages)
    assert sum(len(m.content) for m in messages) <= 24_000
    assert messages[:4] == head and messages[-1].content == "u" * 3000  # the latest turns stay whole
    assert "older output left out" in messages[4].content and messages[8].content == "a" * 3000


def test_a_fix_item_that_is_no_test_failure_runs_no_tests(ws: Workspace) -> None:
    """Seen on the chores benchmark: "Fix the typo in …" ran the whole suite first (minutes on a
    busy machine) and timed out."""
    ctx = ScriptedContext(ws, ["DONE", "DONE"], 'Fix the typo in the message ("Avrage")')
    result = loop(ctx, [], [])
    assert not any(r["tool"] == "run" for r in result.tool_results)
    assert "The tests fail now" not in ctx.requests[0].messages[3].content


def test_rename_candidates_are_the_pair_around_to() -> None:
    def names(title: str) -> list[str]:
        found = recipe_for(ItemInfo(id="i", title=title, context="", tags=[], file="t.md"))
        assert found is not None
        return found[1]["names"]

    assert names("Rename `load_items` to `load_inventory` across the package — it returns an `Inventory`") == [
        "load_items", "load_inventory"
    ]  # fmt: skip
    assert names("Rename the `Reader` class's `load` method to `read`") == ["load", "read"]
    assert names("Rename `a_b` and `c_d` please") == ["a_b", "c_d"]
    # unquoted code names (held-out rename-c-to-f went to the general path, which failed)
    assert names("rename c_to_f → celsius_to_fahrenheit across the package and the tests") == [
        "c_to_f", "celsius_to_fahrenheit"
    ]  # fmt: skip
    assert names("Rename loadItems to readInventory") == ["loadItems", "readInventory"]
    # an arrow says rename without the word (heldout9 rename-next-due went to the general path and was
    # ticked for changing a comment)
    title = "next_due -> next_watering in plantcare/schedule.py, it reads better. Update everything that uses it"
    assert names(title) == ["next_due", "next_watering"]
    assert names("`parseRow()` → `parse_row`, tests too") == ["parseRow", "parse_row"]
    assert recipe_for(ItemInfo(id="i", title="Rename the function to something better", context="", tags=[],
                               file="t")) is None  # fmt: skip


def test_a_function_written_whole_is_merged_by_name(ws: Workspace) -> None:
    """Seen with Qwen2.5-Coder-1.5B (chores add-repr, docstring-total-value): to add a method it
    wrote the new method as both SEARCH and REPLACE; a fenced block of only the changed function
    was refused as a whole-file rewrite that drops the others. Both are merged by name now."""
    noop_add = (
        "pkg/stats.py\n<<<<<<< SEARCH\ndef median(values):\n    return sorted(values)[len(values) // 2]\n=======\n"
        "def median(values):\n    return sorted(values)[len(values) // 2]\n>>>>>>> REPLACE\nDONE added median"
    )
    ctx = ScriptedContext(ws, [noop_add], "Add a `median` function to `pkg/stats.py`")
    assert loop(ctx, [], ["pkg/stats.py"]).error is None
    text = (ws.root / "pkg/stats.py").read_text("utf-8")
    assert text.startswith(STATS) and text.endswith(
        "def median(values):\n    return sorted(values)[len(values) // 2]\n"
    )
    block = 'pkg/stats.py\n```python\ndef top(values):\n    """The largest value."""\n    return max(values)\n```\nDONE'
    ctx = ScriptedContext(ws, [block], "Add a docstring to `top` in `pkg/stats.py`")
    assert loop(ctx, [], ["pkg/stats.py"]).error is None
    text = (ws.root / "pkg/stats.py").read_text("utf-8")
    assert 'def top(values):\n    """The largest value."""\n    return max(values)\n' in text and "def mean(" in text


def test_repeats_inside_one_reply_are_one_action_and_the_example_is_not_copied(ws: Workspace) -> None:
    """Seen with Qwen2.5-Coder-1.5B (chore add-dunder-all): it copied the worked example's edit into
    the file, then wrote one block nine times in one reply; the second copy ended the step as a
    "repeated call"."""
    copied = 'pkg/stats.py\n```python\ndef greet(name):\n    return "Hi " + name\n```\n'
    block = "pkg/stats.py\n<<<<<<< SEARCH\ndef top(values):\n=======\ndef top(values):  # max\n>>>>>>> REPLACE\n"
    ctx = ScriptedContext(ws, [copied + block * 3, "DONE"], "Comment `top` in `pkg/stats.py`")
    result = loop(ctx, [], ["pkg/stats.py"])
    assert result.error is None and len(ctx.requests) == 2
    assert "worked example" in ctx.requests[1].messages[-1].content
    text = (ws.root / "pkg/stats.py").read_text("utf-8")
    assert "greet" not in text and text.count("# max") == 1


def test_done_runs_the_tests_of_the_modules_it_changed(ws: Workspace) -> None:
    """Seen on the chores benchmark (add-logging): `logging.warning` without `import logging`; the
    verification's tests failed after the step, the step itself never saw them."""
    broken = (
        "pkg/stats.py\n<<<<<<< SEARCH\n    return sum(values) / len(values)\n=======\n"
        "    logging.info('mean')\n    return sum(values) / len(values)\n>>>>>>> REPLACE\nDONE"
    )
    fixed = "pkg/stats.py\n```python\nimport logging\n```\nDONE"
    ctx = ScriptedContext(ws, [broken, fixed], "Log each call of `mean` in `pkg/stats.py`")
    result = loop(ctx, [], ["pkg/stats.py"])
    assert result.error is None, result.error
    feedback = ctx.requests[1].messages[-1].content
    # ruff's undefined-name finding (agent/checks.py) names it before the tests run, when ruff is there
    assert "NameError" in feedback or "F821 Undefined name `logging`" in feedback, feedback


def test_done_is_checked_against_what_the_item_quotes(ws: Workspace) -> None:
    """Seen on the chores benchmark (gitignore): a `.gitignore` without the `.venv/` the item lists
    was ticked. The loop shows what is missing before it accepts DONE."""
    title = "Add a `.gitignore`"
    context = "Python bytecode, virtualenvs (`.venv/`), build output (`build/`)"
    first = ".gitignore\n```\n__pycache__/\nbuild/\n```\nDONE"
    second = ".gitignore\n```\n__pycache__/\n*.py[cod]\n.venv/\nbuild/\n```\nDONE"  # a stray .pyc is bytecode too
    ctx = ScriptedContext(ws, [first, second], title, context)
    assert loop(ctx, [], [".gitignore"]).error is None
    assert "`.venv/`" in ctx.requests[1].messages[-1].content  # the .gitignore check names every missing line
    (ws.root / ".gitignore").unlink()  # a new one again (a rewrite of the one above would drop its lines)
    stubborn = ScriptedContext(ws, [first.replace("build/", "dist/"), "DONE"] * 3, title, context)
    assert loop(stubborn, [], [".gitignore"]).error is not None
    told = stubborn.requests[1].messages[-1].content
    assert "does not ignore Python bytecode (e.g. mod.pyc) nor virtualenvs (e.g. .venv/bin/python)" in told


def test_an_item_finds_its_files_by_name_and_by_command_words(ws: Workspace) -> None:
    """Seen on the chores benchmark: "Add a CHANGELOG entry …" was shown the module it quoted, not
    CHANGELOG.md (the model fixed the code instead); "`stockroom summary`" found no CLI module."""
    (ws.root / "CHANGELOG.md").write_text("# Changelog\n", "utf-8")
    title = "Add a CHANGELOG entry: `mean` handles empty lists"
    spec = general_step(0, title, ItemInfo(id="i", title=title, context="", tags=[], file="t.md"), ws.root)
    assert spec.writes == ["CHANGELOG.md"]
    (ws.root / "pkg" / "cli.py").write_text(
        'import argparse\nparser = argparse.ArgumentParser(prog="stats")\nparser.add_argument("--top")\n', "utf-8"
    )
    ctx = ScriptedContext(ws, ["DONE", "DONE"], "Add a `--json` flag to `stats --top`")
    loop(ctx, [], [])
    assert "pkg/cli.py (line numbers" in ctx.requests[0].messages[3].content


def test_a_command_whose_output_is_wrong_shows_the_code_its_handler_calls(ws: Workspace) -> None:
    """heldout12 fix-tied-game-rating (Qwen, 4f9d0fc): "… `gamenight ratings` took points off BOTH
    of them" found only cli.py (the command's words), and Qwen rewrote `cmd_ratings` as it was. The
    bug is in what the handler calls: the module the item's words name first, then what the
    dispatching function reads for every command (heldout11: the rows, read in `main`)."""
    (ws.root / "pkg" / "rows.py").write_text("def read_rows(path):\n    return []\n", "utf-8")
    (ws.root / "pkg" / "cli.py").write_text(
        "import argparse\n\nfrom pkg.rows import read_rows\nfrom pkg.stats import mean\n\n\n"
        "def cmd_mean(rows):\n    print(mean(rows))\n\n\ndef main(argv=None):\n"
        '    parser = argparse.ArgumentParser(prog="pkg")\n    commands = parser.add_subparsers(dest="command")\n'
        '    commands.add_parser("mean")\n    args = parser.parse_args(argv)\n    rows = read_rows("data.csv")\n'
        '    if args.command == "mean":\n        cmd_mean(rows)\n',
        "utf-8",
    )
    title = "`pkg mean` prints the wrong mean when a row is blank"
    assert command_code(ws.root, "pkg/cli.py", title) == ["pkg/rows.py", "pkg/stats.py"]  # "row" names rows.py
    assert command_code(ws.root, "pkg/cli.py", "`pkg mean` needs a `--json` option") == []  # the CLI's work
    # heldout15 club-flag-bug: an option the command has already is how the bug shows, not CLI work
    cli = (ws.root / "pkg" / "cli.py").read_text()
    (ws.root / "pkg" / "cli.py").write_text(
        cli.replace('commands.add_parser("mean")', 'commands.add_parser("mean").add_argument("--skip-blank")'), "utf-8"
    )
    shows = "`python -m pkg mean --skip-blank` still counts the blank rows"
    assert command_code(ws.root, "pkg/cli.py", shows) == ["pkg/rows.py", "pkg/stats.py"]
    (ws.root / "pkg" / "cli.py").write_text(cli, "utf-8")
    # heldout13 fix-negative-abv: two commands gone wrong — what both reach (the rows) comes first
    (ws.root / "pkg" / "cli.py").write_text(
        (ws.root / "pkg" / "cli.py").read_text().replace('commands.add_parser("mean")', 'commands.add_parser("mean")\n'
        '    commands.add_parser("top")').replace("        cmd_mean(rows)\n", "        cmd_mean(rows)\n"
        '    elif args.command == "top":\n        print(len(rows))\n'),
        "utf-8",
    )
    both = "`pkg top` shows negative counts, and `pkg mean` is off as well"
    assert command_code(ws.root, "pkg/cli.py", both)[0] == "pkg/rows.py"
    ctx = ScriptedContext(ws, ["DONE", "DONE"], title)
    loop(ctx, [], [])
    shown = ctx.requests[0].messages[3].content
    assert "pkg/rows.py (line numbers" in shown and "pkg/stats.py (line numbers" in shown
    assert "pkg/cli.py (line numbers" not in shown  # two files shown at most: the handler's code first


@needs_sandbox
def test_a_crash_the_item_reports_is_reproduced_and_its_file_shown(ws: Workspace) -> None:
    """heldout14 fix-late-reading (Qwen, 1610ab6): "every command (usage, bill, compare) now dies
    with `ValueError: …`" — no test failed, nothing was quoted as a command, and the model was
    shown the file list. A developer runs the command first: its traceback, and the file the
    error was raised in, start the first prompt."""
    (ws.root / "pkg" / "rows.py").write_text(
        "def read_rows():\n    rows = [3, 1]\n    if rows != sorted(rows):\n"
        "        raise ValueError('rows went down')\n    return rows\n",
        "utf-8",
    )
    (ws.root / "pkg" / "cli.py").write_text(
        "import argparse\n\nfrom pkg.rows import read_rows\n\n\ndef main(argv=None):\n"
        '    parser = argparse.ArgumentParser(prog="pkg")\n    commands = parser.add_subparsers(dest="command")\n'
        '    commands.add_parser("usage")\n    args = parser.parse_args(argv)\n    print(read_rows())\n    return 0\n',
        "utf-8",
    )
    (ws.root / "pkg" / "__main__.py").write_text("import sys\n\nfrom pkg.cli import main\n\nsys.exit(main())\n")
    ctx = ScriptedContext(ws, ["DONE", "DONE"], "every command (usage too) now dies with `ValueError: rows went down`")
    loop(ctx, [], [])
    first = ctx.requests[0].messages[3].content
    assert "`python -m pkg usage` crashes:" in first and "ValueError: rows went down" in first
    assert "pkg/rows.py (line numbers" in first


def test_tool_calls_written_as_text_are_read_like_the_providers_read_them() -> None:
    """toolcalls.parse_tool_calls in the loop: a JSON fence naming a tool, and Qwen's <tool_call>
    block cut off before its closing tag (at max_tokens), are calls; a JSON fence that names no
    tool is not one."""
    fenced = parse_reply(
        'I will read it.\n```json\n{"name": "read_file", "arguments": {"path": "pkg/stats.py"}}\n```\n'
    )
    assert [(a.tool, a.arguments["path"]) for a in fenced.actions] == [("read_file", "pkg/stats.py")]
    cut = parse_reply('<tool_call>\n{"name": "grep", "arguments": {"pattern": "TODO"}}\n')
    assert [(a.tool, a.arguments["pattern"]) for a in cut.actions] == [("grep", "TODO")]
    data = parse_reply('data.json\n```json\n{"name": "Ada", "email": "ada@example.com"}\n```\n')
    assert [(a.tool, a.arguments["path"]) for a in data.actions] == [("write_file", "data.json")]


def test_an_existing_text_file_is_not_rewritten_whole_unless_only_added_to(ws: Workspace) -> None:
    """Seen with Qwen2.5-Coder-1.5B (chore bump-version): it rewrote pyproject.toml whole to bump
    the version, dropping its blank lines and a setting; the file parsed, the tests passed, it was
    ticked. A rewrite of an existing text file that drops old lines is refused (an edit block
    does it); one that only adds lines (a changelog entry) is fine."""
    config = "[project]\nname = 'stats'\nversion = '0.1.0'\n\n" + "".join(
        f"[tool.x{n}]\nkey = {n}\n\n" for n in range(5)
    )
    (ws.root / "pyproject.toml").write_text(config, "utf-8")
    dropping = "pyproject.toml\n```toml\n" + config.replace("0.1.0", "0.2.0").replace("key = 3\n", "") + "```\n"
    edit = "pyproject.toml\n<<<<<<< SEARCH\nversion = '0.1.0'\n=======\nversion = '0.2.0'\n>>>>>>> REPLACE\nDONE"
    ctx = ScriptedContext(ws, [dropping, edit], "Bump the version to 0.2.0 in `pyproject.toml`")
    assert loop(ctx, [], ["pyproject.toml"]).error is None
    assert "edit block" in ctx.requests[1].messages[-1].content
    assert (ws.root / "pyproject.toml").read_text("utf-8") == config.replace("0.1.0", "0.2.0")
    added = "pyproject.toml\n```toml\n" + config.replace("0.1.0", "0.2.0") + "[tool.y]\nkey = 1\n```\nDONE"
    ctx = ScriptedContext(ws, [added], "Add a `[tool.y]` table to `pyproject.toml`")
    assert loop(ctx, [], ["pyproject.toml"]).error is None
    assert (ws.root / "pyproject.toml").read_text("utf-8").endswith("[tool.y]\nkey = 1\n")


def test_a_rewrite_that_drops_only_blank_lines_changes_only_its_lines(ws: Workspace) -> None:
    """Chore bump-version, Qwen2.5-Coder-1.5B, session 4 baseline: it rewrote pyproject.toml whole
    with the new version and without the blank lines, was refused, repeated the rewrite, and the
    step stopped (not ticked). Its changed lines are applied to the file, blank lines kept."""
    config = "[project]\nname = 'stats'\nversion = '0.1.0'\n\n" + "".join(
        f"[tool.x{n}]\nkey = {n}\n\n" for n in range(5)
    )
    (ws.root / "pyproject.toml").write_text(config, "utf-8")
    squeezed = config.replace("0.1.0", "0.2.0").replace("\n\n", "\n")
    rewrite = "pyproject.toml\n```toml\n" + squeezed.replace("key = 1\n", "key = 1\nmore = 2\n") + "```\nDONE"
    ctx = ScriptedContext(ws, [rewrite], "Bump the version to 0.2.0 in `pyproject.toml`")
    assert loop(ctx, [], ["pyproject.toml"]).error is None
    assert len(ctx.requests) == 1
    expected = config.replace("0.1.0", "0.2.0").replace("key = 1\n", "key = 1\nmore = 2\n")
    assert (ws.root / "pyproject.toml").read_text("utf-8") == expected


def test_blank_lines_copied_from_the_numbered_view_are_empty() -> None:
    """Seen with Qwen2.5-Coder-1.5B: the numbered view shows a blank line as `   4<TAB>`; the model
    wrote a tab on every blank line of the file it rewrote."""
    reply = parse_reply("notes.md\n```\n# Notes\n\t\nText.\n   \nMore.\n```\n")
    assert reply.actions[0].arguments["content"] == "# Notes\n\nText.\n\nMore.\n"


def test_a_bare_done_after_a_change_is_no_empty_answer(ws: Workspace) -> None:
    """Seen on the chores benchmark (add-logging): the edit passed its tests, then the model wrote a
    bare `DONE` and the general step failed "answer: too short to be an answer"."""
    edit = "pkg/stats.py\n<<<<<<< SEARCH\ndef top(values):\n=======\ndef top(values):  # max\n>>>>>>> REPLACE\n"
    ctx = ScriptedContext(ws, [edit, "DONE"], "Comment `top` in `pkg/stats.py`")
    step = general_step(0, ctx.item.title, ctx.item, ws.root)
    step.writes = []  # an item that names its file as an input only
    result = loop(ctx, step.reads, step.writes)
    assert result.error is None and result.text == "done"
    assert all(check(result, ws.root).ok for check in GENERAL.validators(step))


def test_a_definition_written_again_unchanged_is_no_failure(ws: Workspace) -> None:
    """Chore validate-discount, Qwen2.5-Coder-1.5B, session 4 baseline: one reply held the changed
    `apply_discount` and, before it, `total_value` as it was. The unchanged one was reported FAILED
    ("nothing would change"), so "Fix what failed" made the model send the same reply again and the
    loop stopped on the repeat, the right change made but not ticked."""
    unchanged = "pkg/stats.py\n```python\ndef mean(values):\n    return sum(values) / len(values)\n```\n"
    changed = "pkg/stats.py\n```python\ndef top(values):\n    return max(values, default=None)\n```\nDONE"
    ctx = ScriptedContext(ws, [unchanged + changed], "Make `top` in `pkg/stats.py` return None for no values")
    result = loop(ctx, [], ["pkg/stats.py"])
    assert result.error is None and len(ctx.requests) == 1
    assert "max(values, default=None)" in (ws.root / "pkg" / "stats.py").read_text("utf-8")
    assert "mean" in (ws.root / "pkg" / "stats.py").read_text("utf-8")


def test_a_definition_left_out_of_the_others_is_deleted_when_the_item_asks(ws: Workspace) -> None:
    """Chore remove-dead-code, Qwen2.5-Coder-1.5B, session 4 baseline: asked to delete a function,
    it wrote the module's other functions as they were, without it; that changed nothing, and the
    repeat stopped the loop."""
    others = "pkg/stats.py\n```python\ndef mean(values):\n    return sum(values) / len(values)\n```\nDONE"
    ctx = ScriptedContext(ws, [others], "Delete `top` from `pkg/stats.py`; nothing uses it")
    result = loop(ctx, [], ["pkg/stats.py"])
    assert result.error is None
    assert (ws.root / "pkg" / "stats.py").read_text(
        "utf-8"
    ) == "def mean(values):\n    return sum(values) / len(values)\n"


GEO = (
    '"""Shapes."""\n\nimport math\n\n\ndef area(radius):\n    return math.pi * radius**2\n\n\n'
    "def double(value):\n    return value * 2\n"
)


def test_a_module_written_whole_without_an_import_or_a_function_keeps_them(ws: Workspace) -> None:
    """Chores weeks-warning, loop-to-comprehension and extract-function, Qwen2.5-Coder-1.5B,
    session 4: the model wrote the module again without its imports (or without a function it did
    not look at); written whole, the tests failed with a NameError. It is merged by name now."""
    (ws.root / "pkg" / "geo.py").write_text(GEO, "utf-8")
    rewrite = "pkg/geo.py\n```python\ndef double(value):\n    return value + value\n```\nDONE"
    ctx = ScriptedContext(ws, [rewrite], "Make doubling in `pkg/geo.py` use an addition")
    assert loop(ctx, [], ["pkg/geo.py"]).error is None
    text = (ws.root / "pkg" / "geo.py").read_text("utf-8")
    assert text == GEO.replace("return value * 2", "return value + value")
    # the whole module, its import left out and one function changed
    whole = (
        "pkg/geo.py\n```python\ndef area(radius):\n    return math.pi * radius ** 2\n\n"
        "def double(value):\n    return 2 * value\n```\nDONE"
    )
    ctx = ScriptedContext(ws, [whole], "Make doubling in `pkg/geo.py` a multiplication again")
    assert loop(ctx, [], ["pkg/geo.py"]).error is None
    assert (ws.root / "pkg" / "geo.py").read_text("utf-8") == GEO.replace("value * 2", "2 * value")


SHAPES = (
    "class Circle:\n    def __init__(self, radius):\n        self.radius = radius\n\n\n"
    "class Square:\n    def __init__(self, side):\n        self.side = side\n"
)


def test_a_rewrite_that_changes_a_definition_the_item_does_not_name_keeps_it(ws: Workspace) -> None:
    """Chore add-repr, Qwen2.5-Coder-1.5B, session 4: asked for a `__repr__` on one class, it wrote
    the whole module with a field added to the other class (first with nothing else changed, then
    with the method on the wrong class); that was written whole and broke the other class."""
    (ws.root / "pkg" / "shapes.py").write_text(SHAPES, "utf-8")
    wrong = (
        "pkg/shapes.py\n```python\nclass Circle:\n    def __init__(self, radius):\n        self.radius = radius\n"
        "        self.area = 0\n\nclass Square:\n    def __init__(self, side):\n        self.side = side\n```\n"
    )
    right = (
        "pkg/shapes.py\n```python\nclass Circle:\n    def __init__(self, radius):\n        self.radius = radius\n"
        "        self.area = 0\n\nclass Square:\n    def __init__(self, side):\n        self.side = side\n\n"
        "    def __repr__(self):\n        return f'Square({self.side})'\n```\n"
    )
    ctx = ScriptedContext(ws, [wrong, right, "DONE"], "Give `Square` (`pkg/shapes.py`) a `__repr__`")
    assert loop(ctx, [], ["pkg/shapes.py"]).error is None
    refused = ctx.requests[1].messages[-1].content
    assert "not written" in refused and "`Circle`" in refused and "Change `Square`" in refused
    assert "```python\nclass Square:\n    def __repr__(self):\n" in refused  # only the new member, how
    text = (ws.root / "pkg" / "shapes.py").read_text("utf-8")
    assert "self.area" not in text and text.startswith(SHAPES.split("class Square")[0])
    assert "    def __repr__(self):\n        return f'Square({self.side})'\n" in text
    assert "kept `Circle` as it was" in ctx.requests[2].messages[-1].content


TOOL = (
    "import sys\n\n\ndef main(argv):\n    print('ran')\n    return 0\n\n\n"
    'if __name__ == "__main__":\n    sys.exit(main(sys.argv[1:]))\n'
)


def test_a_new_function_nothing_calls_is_refused_with_the_functions_to_change(ws: Workspace) -> None:
    """Chores cli-limit-option and cli-json-flag, Qwen2.5-Coder-1.5B, session 4: asked for a
    command-line option, it wrote a new function that nothing calls (or one named like an import)
    instead of changing main; merged, the option never existed and the repeat stopped the loop."""
    (ws.root / "pkg" / "tool.py").write_text(TOOL, "utf-8")
    invented = "pkg/tool.py\n```python\ndef run(argv, quiet=False):\n    return 0\n```\nDONE"
    shadowing = "pkg/tool.py\n```python\ndef sys(argv):\n    return 0\n```\nDONE"
    fixed = (
        "pkg/tool.py\n```python\ndef main(argv):\n    if '--quiet' not in argv:\n        print('ran')\n"
        "    return 0\n```\nDONE"
    )
    ctx = ScriptedContext(ws, [invented, shadowing, fixed], "Add `--quiet` to `pkg/tool.py run`")
    assert loop(ctx, [], ["pkg/tool.py"]).error is None
    first, second = ctx.requests[1].messages[-1].content, ctx.requests[2].messages[-1].content
    assert "`run` is a new function that nothing calls" in first and "change main in pkg/tool.py" in first
    assert "`sys` is imported in pkg/tool.py" in second
    text = (ws.root / "pkg" / "tool.py").read_text("utf-8")
    assert "def run" not in text and "if '--quiet' not in argv" in text and text.endswith(TOOL.split("\n\n\n")[-1])


def test_a_failing_function_written_back_unchanged_gets_the_failure_again(ws: Workspace) -> None:
    """Chore fix-ci-currency, Qwen2.5-Coder-1.5B, session 4: asked to fix a failing test, it wrote
    the failing function again as it was and said DONE; "already so" ended the step unchanged."""
    broken = STATS.replace("sum(values) / len(values)", "sum(values) / len(values) + 1")
    (ws.root / "pkg" / "stats.py").write_text(broken, "utf-8")
    as_is = "pkg/stats.py\n```python\ndef mean(values):\n    return sum(values) / len(values) + 1\n```\nDONE fixed"
    fixed = "pkg/stats.py\n```python\ndef mean(values):\n    return sum(values) / len(values)\n```\nDONE fixed"
    ctx = ScriptedContext(ws, [as_is, fixed], "Fix the failing `tests/test_stats.py`")
    assert loop(ctx, [], []).error is None
    again = ctx.requests[1].messages[-1].content
    assert "Nothing changed" in again and "E " in again and "assert mean([1, 2]) == 1.5" in again
    assert (ws.root / "pkg" / "stats.py").read_text("utf-8") == STATS


def test_files_found_by_the_titles_words_leave_out_those_of_the_context(ws: Workspace) -> None:
    """Chore cli-json-flag, Qwen2.5-Coder-1.5B, session 4: the context's field names (`units`,
    `value`) matched a model class's properties, that file was shown first, and the model changed
    the class instead of the command the title names."""
    (ws.root / "pkg" / "cli.py").write_text("COMMANDS = ['summary']\n", "utf-8")
    ctx = ScriptedContext(ws, ["DONE", "DONE"], "Add a `--json` flag to `tool summary`", "Print `mean` and `top` too")
    loop(ctx, [], [])
    first = ctx.requests[0].messages[-1].content
    assert "pkg/cli.py (line numbers" in first and "pkg/stats.py (line numbers" not in first


def test_a_definition_that_uses_a_name_defined_nowhere_is_refused(ws: Workspace) -> None:
    """Chore cli-limit-option, Qwen2.5-Coder-1.5B, session 5: refused a new function, it wrote
    `main` calling that function anyway; written, the module failed with a NameError."""
    (ws.root / "pkg" / "tool.py").write_text(TOOL, "utf-8")
    undefined = "pkg/tool.py\n```python\ndef main(argv: list[str]) -> int:\n    return run(argv)\n```\nDONE"
    fixed = "pkg/tool.py\n```python\ndef main(argv: list[str]) -> int:\n    print(len(argv))\n    return 0\n```\nDONE"
    ctx = ScriptedContext(ws, [undefined, fixed], "Make `main` in `pkg/tool.py` print how many arguments it got")
    assert loop(ctx, [], ["pkg/tool.py"]).error is None
    refused = ctx.requests[1].messages[-1].content
    assert "`main` uses `run`, which is defined nowhere" in refused
    assert "print(len(argv))" in (ws.root / "pkg" / "tool.py").read_text("utf-8")


def test_a_new_command_line_option_the_item_does_not_name_is_refused(ws: Workspace) -> None:
    """Chore weeks-warning, Qwen2.5-Coder-1.5B, session 5: asked to warn when `--weeks` is above 52,
    it added a `--warn` flag and warned only with it; the tests passed and the item was ticked."""
    cli = (
        "import argparse\n\n\ndef main(argv):\n    parser = argparse.ArgumentParser()\n"
        "    parser.add_argument('--weeks', type=int)\n    args = parser.parse_args(argv)\n    return args.weeks\n"
    )
    (ws.root / "pkg" / "cli.py").write_text(cli, "utf-8")
    flagged = cli.replace("    args =", "    parser.add_argument('--warn', action='store_true')\n    args =")
    right = cli.replace("    return", "    if args.weeks > 52:\n        print('more than 52')\n    return")
    replies = [f"pkg/cli.py\n```python\n{flagged}```\nDONE", f"pkg/cli.py\n```python\n{right}```\nDONE"]
    ctx = ScriptedContext(ws, replies, "Make `pkg/cli.py` say so when `--weeks` is more than 52")
    assert loop(ctx, [], ["pkg/cli.py"]).error is None
    assert "`--warn` is a new command-line option" in ctx.requests[1].messages[-1].content
    assert (ws.root / "pkg" / "cli.py").read_text("utf-8") == right


def test_a_whole_rewrite_without_the_module_docstring_keeps_it(ws: Workspace) -> None:
    """Qwen2.5-Coder-1.5B's whole-module rewrites drop the module docstring (chores-honesty's
    session-5 note); written whole, the docstring was lost with an otherwise right change."""
    (ws.root / "pkg" / "geo.py").write_text(GEO, "utf-8")
    whole = (
        "pkg/geo.py\n```python\nimport math\n\n\ndef area(radius):\n    return math.pi * radius**2\n\n\n"
        "def double(value):\n    return value + value\n```\nDONE"
    )
    ctx = ScriptedContext(ws, [whole], "Make doubling in `pkg/geo.py` an addition")
    assert loop(ctx, [], ["pkg/geo.py"]).error is None
    assert (ws.root / "pkg" / "geo.py").read_text("utf-8") == GEO.replace("value * 2", "value + value")


def test_a_rewrite_that_drops_an_import_it_no_longer_uses_is_written_whole(ws: Workspace) -> None:
    """Found by writing every chore's hand solution through the loop (session 5): a module whose
    import was renamed was merged by name, keeping the old import next to the new one; and a new
    helper called from another file of the same reply was refused as called by nothing."""
    (ws.root / "pkg" / "geo.py").write_text(GEO, "utf-8")
    renamed = GEO.replace("import math", "from math import pi").replace("math.pi", "pi")
    ctx = ScriptedContext(ws, [f"pkg/geo.py\n```python\n{renamed}```\nDONE"], "Use `pi` directly in `pkg/geo.py`")
    assert loop(ctx, [], ["pkg/geo.py"]).error is None
    assert (ws.root / "pkg" / "geo.py").read_text("utf-8") == renamed
    helper = "pkg/geo.py\n```python\ndef triple(value):\n    return value * 3\n```\n"
    caller = (
        "pkg/stats.py\n```python\nfrom pkg.geo import triple\n\n\n"
        "def top(values):\n    return triple(max(values))\n```\n"
    )
    ctx = ScriptedContext(ws, [helper + caller + "DONE"], "Make `top` in `pkg/stats.py` triple the largest value")
    assert loop(ctx, [], ["pkg/stats.py"]).error is None
    assert "def triple(value)" in (ws.root / "pkg" / "geo.py").read_text("utf-8")


def test_a_repeated_refused_reply_starts_a_fresh_sampled_attempt_with_the_refusal_as_a_note(ws: Workspace) -> None:
    """Qwen2.5-Coder-1.5B sends a refused reply again (add-repr, cli-json-flag, weeks-warning: the
    repeat ended the step after 2 calls of 6). The repeat now starts a fresh conversation: the files
    as before the step, the refusal as a short note, sampled with a seed instead of at 0."""
    wrong = (
        "pkg/stats.py\n<<<<<<< SEARCH\ndef average(values):\n=======\ndef mean(values: list[float]):\n"
        ">>>>>>> REPLACE"
    )
    right = (
        "pkg/stats.py\n<<<<<<< SEARCH\ndef mean(values):\n=======\ndef mean(values: list[float]) -> float:\n"
        ">>>>>>> REPLACE\nDONE"
    )
    ctx = ScriptedContext(ws, [wrong, wrong, right], "Add type hints to `mean` in `pkg/stats.py`")
    result = loop(ctx, [], ["pkg/stats.py"])
    assert result.error is None, result.error
    assert "def mean(values: list[float]) -> float:" in (ws.root / "pkg/stats.py").read_text("utf-8")
    first, again, fresh = ctx.requests
    assert (first.temperature, first.seed, again.temperature) == (0.0, None, 0.0)
    assert (fresh.temperature, fresh.seed) == (0.5, 1) and len(fresh.messages) == 4  # guide, example, task
    note = fresh.messages[-1].content
    assert "An earlier attempt at this task was refused" in note and "the snippet was not found" in note
    assert "   1\tdef mean(values):" in note  # the file shown again


def test_done_again_in_a_refused_state_starts_over_from_the_files_before_the_step(ws: Workspace) -> None:
    """The DONE gate refused the work and the model said DONE again unchanged: a fresh attempt
    starts from the files as they were before the step (its wrong change undone), not a failure."""
    top_changed = (
        "pkg/stats.py\n<<<<<<< SEARCH\n    return max(values)\n=======\n    return min(values)\n"
        ">>>>>>> REPLACE\nDONE"
    )
    right = (
        "pkg/stats.py\n<<<<<<< SEARCH\ndef mean(values):\n=======\ndef mean(values: list[float]) -> float:\n"
        ">>>>>>> REPLACE\nDONE"
    )
    ctx = ScriptedContext(ws, [top_changed, "DONE", right], "Add type hints to `mean` in `pkg/stats.py`")
    result = loop(ctx, [], ["pkg/stats.py"])
    assert result.error is None, result.error
    text = (ws.root / "pkg/stats.py").read_text("utf-8")
    assert "return max(values)" in text and "def mean(values: list[float]) -> float:" in text
    assert "   6\t    return max(values)" in ctx.requests[2].messages[-1].content  # shown as before the step


def test_done_is_refused_with_any_problem_the_verification_would_fail_the_item_for(ws: Workspace) -> None:
    """add-dunder-all: `__all__` listed two imported names; the loop's DONE gate ran only the
    `asked` check, so the verification failed the item after the loop without the model ever being
    told. The gate runs every content check the verification runs."""
    (ws.root / "pkg" / "load.py").write_text("from pathlib import Path\n\n\ndef load(p: Path) -> str:\n    return ''\n")
    wrong = "pkg/load.py\n```python\n__all__ = [\"Path\", \"load\"]\n```\nDONE"
    right = (
        'pkg/load.py\n<<<<<<< SEARCH\n__all__ = ["Path", "load"]\n=======\n__all__ = ["load"]\n>>>>>>> REPLACE\nDONE'
    )
    ctx = ScriptedContext(ws, [wrong, right], "Add `__all__` to `pkg/load.py`")
    result = loop(ctx, [], ["pkg/load.py"])
    assert result.error is None, result.error
    told = ctx.requests[1].messages[-1].content
    assert "__all__ lists Path, which the module imports" in told and '`__all__ = ["load"]`' in told, told
    assert '__all__ = ["load"]' in (ws.root / "pkg" / "load.py").read_text("utf-8")


CLI = (
    '"""The command."""\n\nfrom __future__ import annotations\n\n'
    "import sys\nfrom .stats import mean\nimport argparse\n\n\n"
    "def main() -> int:\n    parser = argparse.ArgumentParser()\n    print(mean([1]), file=sys.stderr)\n    return 0\n"
)


def test_an_import_block_for_an_item_about_imports_replaces_the_modules_imports(ws: Workspace) -> None:
    """sort-imports: Qwen wrote the module again without `import sys` and `import argparse` (written
    whole: the item is about imports), then copied ruff's sorted block, which was merged by name as
    "already so". A rewrite that drops a used import is refused; an import-only block is the
    module's new import section (the `from __future__` line kept)."""
    (ws.root / "pkg" / "cli.py").write_text(CLI, "utf-8")
    body = CLI.split("\n\n\n", 1)[1]
    dropped = f"pkg/cli.py\n```python\nfrom .stats import mean\n\n\n{body}```"
    block = "pkg/cli.py\n```python\nimport argparse\nimport sys\n\nfrom .stats import mean\n```\nDONE"
    ctx = ScriptedContext(ws, [dropped, block], "Sort the imports of `pkg/cli.py`")
    result = loop(ctx, [], ["pkg/cli.py"])
    assert result.error is None, result.error
    refusal = ctx.requests[1].messages[-1].content
    assert "it leaves out `import sys`, `import argparse`, which pkg/cli.py still uses" in refusal, refusal
    sorted_imports = "import argparse\nimport sys\n\nfrom .stats import mean\n"
    expected = CLI.replace("import sys\nfrom .stats import mean\nimport argparse\n", sorted_imports)
    assert (ws.root / "pkg" / "cli.py").read_text("utf-8") == expected


def test_a_function_moved_to_a_new_module_is_imported_where_it_was_and_its_old_definition_goes(ws: Workspace) -> None:
    """move-function: the item's bare `report.py` (beside `stockroom/report.py`) was taken for a
    new output, Qwen wrote the import into a new top-level report.py, and the local definition
    stayed. The bare name means the file the item names by its path; an import of a name the
    module defines, from the project module that now defines it, replaces that definition."""
    stats = STATS + "\n\ndef spread(values):\n    return top(values) - min(values)\n"
    (ws.root / "pkg" / "stats.py").write_text(stats, "utf-8")
    title = "Move `top` out of `pkg/stats.py` into a new module `pkg/extremes.py`; `stats.py` imports it from there"
    item = ItemInfo(id="i1", title=title, context="", tags=[], file="tasks/t.md")
    step = general_step(0, title, item, ws.root)
    assert step.writes == ["pkg/stats.py", "pkg/extremes.py"] and step.reads == []  # both change
    reply = (
        "pkg/extremes.py\n```python\ndef top(values):\n    return max(values)\n```\n"
        "stats.py\n```python\nfrom .extremes import top\n```\nDONE moved"
    )
    ctx = ScriptedContext(ws, [reply], title)
    result = run_loop(ctx, title, step.reads, step.writes, 512)
    assert result.error is None, result.error
    assert not (ws.root / "stats.py").exists()
    text = (ws.root / "pkg" / "stats.py").read_text("utf-8")
    assert text.startswith("from .extremes import top\n") and "def top" not in text
    assert "def mean(values):" in text and "return top(values) - min(values)" in text


def test_a_write_into_a_misspelt_folder_goes_to_the_file_in_play(ws: Workspace) -> None:
    """heldout24 log-kind-filter (Qwen, blind, 95bb3bd): the whole of `kilnlog/cli.py`, with the new
    option, was written to a new `killnlog/cli.py` five times and the real CLI never changed. A
    write into a folder that does not exist, one letter off the folder of the one file in play with
    that name, goes to that file; a new file in a new folder of another name stays where it is."""
    from agentrunner.agent.actions import Action
    from agentrunner.agent.guards import to_existing

    new_top = STATS.replace("return max(values)", "return max(values, default=None)")
    for misspelt in ("ppkg/stats.py", "pgk/stats.py", "pk/stats.py", "pkj/stats.py"):
        action = Action("write_file", {"path": misspelt, "content": new_top})
        to_existing(action, ws.root, ["pkg/stats.py", "tests/test_stats.py"])
        assert action.arguments["path"] == "pkg/stats.py", misspelt
    for kept in ("lib/stats.py", "pkg/other.py", "tools/test_stats.py"):
        action = Action("write_file", {"path": kept, "content": "x = 1\n"})
        to_existing(action, ws.root, ["pkg/stats.py", "tests/test_stats.py"])
        assert action.arguments["path"] == kept, kept
    reply = f"pgk/stats.py\n```python\n{new_top}```\nDONE top of nothing is None"
    ctx = ScriptedContext(ws, [reply], "`top` in pkg/stats.py should give None for no values")
    result = loop(ctx, ["pkg/stats.py"], [])
    assert result.error is None, result.error
    assert "default=None" in (ws.root / "pkg" / "stats.py").read_text("utf-8") and not (ws.root / "pgk").exists()


def test_a_bare_file_name_of_a_file_in_a_folder_is_that_file_not_a_new_output(ws: Workspace) -> None:
    """Held-out validate-weights (session 11): "a typo in course.toml skews every grade", with the
    file at data/course.toml, made course.toml an output; the right change to the code was
    refused for not writing it. A missing bare name that project files have is theirs: not written,
    and not shown (shown as named, it kept the loop from finding the code the item quotes); one the
    item asks to write stays an output."""
    (ws.root / "data").mkdir()
    (ws.root / "data" / "course.toml").write_text('name = "x"\n', "utf-8")
    for folder in ("a", "b"):
        (ws.root / folder).mkdir()
        (ws.root / folder / "conf.ini").write_text("[x]\n", "utf-8")
    title = "Make `mean` in `pkg/stats.py` reject an empty list"
    context = "A typo in course.toml or conf.ini currently gives a ZeroDivisionError."
    step = general_step(0, title, ItemInfo(id="i1", title=title, context=context, tags=[], file="t.md"), ws.root)
    assert step.writes == ["pkg/stats.py"] and step.reads == []
    title = "Write a `course.toml` at the top with the defaults"
    step = general_step(0, title, ItemInfo(id="i2", title=title, context="", tags=[], file="t.md"), ws.root)
    assert step.writes == ["course.toml"]


def test_a_file_the_item_says_a_value_is_not_in_is_no_output_and_one_it_starts_with_is(ws: Workspace) -> None:
    """heldout9 changelog-unknown-plant (Qwen, 952d3f9): "CHANGELOG: add a Fixed entry …: `plantcare
    water` with a name that isn't in plants.csv …" made plants.csv (at data/plants.csv) the output
    and failed for not writing it; the CHANGELOG the item starts with was no output."""
    (ws.root / "data").mkdir()
    (ws.root / "data" / "plants.csv").write_text("name\nfern\n", "utf-8")
    (ws.root / "CHANGELOG.md").write_text("# Changelog\n", "utf-8")
    title = (
        "CHANGELOG: add a Fixed entry for the next release: `plantcare water` with a name that isn't in "
        "plants.csv used to log the watering anyway, now it stops with an error"
    )
    step = general_step(0, title, ItemInfo(id="i1", title=title, context="", tags=[], file="t.md"), ws.root)
    assert step.writes == ["CHANGELOG.md"] and step.reads == []
    title = "Add the fern in plants.csv"
    step = general_step(0, title, ItemInfo(id="i2", title=title, context="", tags=[], file="t.md"), ws.root)
    assert step.writes == ["data/plants.csv"]  # "in plants.csv", said plainly, is still where to write: the one there
    title = "Write a new plants.csv with the fern"
    step = general_step(0, title, ItemInfo(id="i3", title=title, context="", tags=[], file="t.md"), ws.root)
    assert step.writes == ["plants.csv"]  # a new one, as named


def test_an_item_asking_for_tests_of_a_module_writes_its_test_file(ws: Workspace) -> None:
    """Held-out test-late-penalty (session 11): "Nothing tests `apply_late_penalty`
    (gradebook/grading.py) — add tests" showed only the module; Qwen rewrote the function there five
    times and wrote no test. The module's test file is the step's output (shown, and to change);
    a new one under tests/ when it has none; the module is found by the function when unnamed."""

    def step_for(title: str, context: str = "") -> Any:
        return general_step(0, title, ItemInfo(id="i", title=title, context=context, tags=[], file="t.md"), ws.root)

    step = step_for("Nothing tests `top` (pkg/stats.py) — add tests", "Cover an empty list too.")
    # the module's test file is there already: the function's tests get a new file of their own
    # (shown the whole test file to add to, Qwen wrote it out again with no new test: heldout7
    # test-parse-duration, heldout8 test-parse-quantity)
    assert step.writes == ["tests/test_top.py"] and step.reads == ["pkg/stats.py"]
    assert step_for("`top` has no tests; write some").writes == ["tests/test_top.py"]
    # no such function in the module
    assert step_for("top_value (pkg/stats.py) has no tests; write some").writes == ["tests/test_stats.py"]
    assert step_for("Add tests for pkg/stats.py").writes == ["tests/test_stats.py"]  # no function named
    (ws.root / "tests" / "test_stats.py").unlink()
    assert step_for("Add a unit test for `top` in pkg/stats.py").writes == ["tests/test_stats.py"]
    assert step_for("Write tests for `top` in `tests/test_top.py`").writes == ["tests/test_top.py"]
    assert step_for("Document `top` in pkg/stats.py").writes == ["pkg/stats.py"]  # no test asked


def test_a_new_page_about_code_the_item_quotes_nothing_of_is_shown_that_code(ws: Workspace) -> None:
    """Held-out grading-docs (session 11): "docs/grading.md for the TAs: how a final grade is worked
    out" quoted no name and was shown only the file list; Qwen wrote README.md with made-up numbers.
    The modules the page is about (the facts check's, by the item's words) are shown."""
    (ws.root / "pkg" / "report.py").write_text("def render(rows):\n    return str(rows)\n", "utf-8")
    title = "docs/stats.md for the new people: how the stats are worked out"
    ctx = ScriptedContext(ws, ["DONE"], title)
    run_loop(ctx, title, [], ["docs/stats.md"], 512)
    prompt = ctx.requests[0].messages[3].content
    assert "pkg/stats.py (line numbers are not part of the file)" in prompt
    assert "pkg/report.py (line numbers" not in prompt and "Project files:" not in prompt


def test_an_item_naming_no_file_is_shown_the_modules_sharing_its_words(ws: Workspace) -> None:
    """Held-out fix-drop-lowest (session 11): a bug item naming no file, its quoted `drop_lowest = 1`
    found nowhere as written, was shown the file list only; Qwen wrote every file from imagination.
    The modules whose names share the item's words are shown instead; none when none shares two."""
    (ws.root / "pkg" / "report.py").write_text("def render(rows):\n    return str(rows)\n", "utf-8")
    (ws.root / "pkg" / "stats.py").write_text("def top_values(values, top_count=1):\n    return max(values)\n")
    title = "The top values are wrong since the refactor"
    ctx = ScriptedContext(ws, ["DONE"], title, "With `top_count = 2` it still gives one value.")
    run_loop(ctx, title, [], [], 512)
    prompt = ctx.requests[0].messages[3].content
    assert "pkg/stats.py (line numbers are not part of the file)" in prompt
    assert "pkg/report.py (line numbers" not in prompt and "Project files:" not in prompt
    ctx = ScriptedContext(ws, ["DONE"], "Tidy up the weekly rota")
    run_loop(ctx, ctx.item.title, [], [], 512)
    assert "Project files:" in ctx.requests[0].messages[3].content


def test_a_new_function_named_in_the_replys_prose_only_is_still_called_by_nothing(ws: Workspace) -> None:
    """cli-limit-option: "DONE reorder returns items to reorder" counted as a use of the invented
    `reorder` function, which was written. Only a call or an import in another block counts."""
    reply = (
        "pkg/stats.py\n```python\ndef spread(values):\n    return top(values) - min(values)\n```\n"
        "DONE spread gives the spread"
    )
    ctx = ScriptedContext(ws, [reply], "Make `pkg/stats.py` report the spread of the values")
    loop(ctx, [], ["pkg/stats.py"])
    assert "def spread" not in (ws.root / "pkg" / "stats.py").read_text("utf-8")
    assert "`spread` is a new function that nothing calls" in ctx.requests[1].messages[-1].content


def test_a_markdown_block_holding_fenced_examples_is_one_block() -> None:
    """Seen with Qwen2.5-Coder-1.5B (issue 12, readme-development): a README section written with
    a ```console example inside its ```markdown block was cut at the example's closing fence."""
    reply = (
        "README.md\n```markdown\n## Development\n\n```console\n$ pip install -e .\n```\n\nThen run `pytest`.\n```\n"
        "DONE added the section"
    )
    parsed = parse_reply(reply)
    section = "## Development\n\n```console\n$ pip install -e .\n```\n\nThen run `pytest`.\n"
    assert [a.arguments for a in parsed.actions] == [{"path": "README.md", "content": section}]
    assert parsed.done == "added the section"
    # two blocks one after the other stay two; an unclosed inner fence ends at the first bare fence
    two = parse_reply("a.py\n```python\nx = 1\n```\nb.txt\n```\ny\n```\n")
    assert [a.arguments["path"] for a in two.actions] == ["a.py", "b.txt"]
    unclosed = parse_reply("notes.md\n```markdown\ntext\n```console\n$ ls\n```\n")
    assert unclosed.actions[0].arguments["content"] == "text\n```console\n$ ls\n"


README = "# stats\n\nMeans and tops.\n\n## Usage\n\n```console\n$ stats 1 2\n```\n" + "".join(
    f"\nLine {n} of the usage notes.\n" for n in range(6)
)


def test_a_reply_that_goes_on_to_copy_the_guide_is_cut_and_a_new_section_is_added(ws: Workspace) -> None:
    """Seen with Qwen2.5-Coder-1.5B (issue 12, readme-development): asked to add a README section,
    it wrote the section, then the action guide word for word (its placeholder SEARCH, "DONE
    one-line summary") inside the same block; the section was lost, then refused as a rewrite."""
    (ws.root / "README.md").write_text(README, "utf-8")
    guide = system_prompt(["README.md"], [])
    section = "## Development\n\n1. Install:\n   ```console\n   pip install -e .\n   ```\n2. Run `pytest`.\n"
    echo = f"README.md\n```markdown\n{section}\nTo add it, write the file's path, then the complete text.\n{guide}"
    ctx = ScriptedContext(ws, [echo, "DONE added"], 'Add a "Development" section to the README')
    assert loop(ctx, ["README.md"], []).error is None
    assert (ws.root / "README.md").read_text("utf-8") == README + "\n" + section
    assert "added at the end of README.md" in ctx.requests[1].messages[-1].content
    # a block that repeats a line of the file is no new section: an edit block does it
    (ws.root / "README.md").write_text(README, "utf-8")
    repeated = "README.md\n```markdown\n## Development\n\nMeans and tops.\n```\n"
    ctx = ScriptedContext(ws, [repeated, "DONE", "DONE"], 'Add a "Development" section to the README')
    loop(ctx, ["README.md"], [])
    assert "edit block" in ctx.requests[1].messages[-1].content


CHANGELOG = "# Changelog\n\n## [Unreleased]\n\n## [0.3.1] - 2026-10-14\n\n### Fixed\n- `top` of one value.\n"


def test_lines_added_under_the_wrong_heading_are_moved_under_the_named_ones(ws: Workspace) -> None:
    """Seen with Qwen2.5-Coder-1.5B (issue 12, changelog-entry): asked for an entry "under
    Unreleased → Fixed", it added it to the last release's "### Fixed", and told so, added it
    there again. The loop moves what it added under the headings the item names."""
    (ws.root / "CHANGELOG.md").write_text(CHANGELOG, "utf-8")
    entry = "- `mean` of no values raises ValueError."
    edit = (
        f"CHANGELOG.md\n<<<<<<< SEARCH\n- `top` of one value.\n=======\n- `top` of one value.\n{entry}\n"
        f"{entry}\n>>>>>>> REPLACE\nDONE"
    )
    ctx = ScriptedContext(ws, [edit], f"Add a CHANGELOG entry under Unreleased → Fixed: {entry[2:]}")
    assert loop(ctx, ["CHANGELOG.md"], []).error is None
    assert (ws.root / "CHANGELOG.md").read_text("utf-8") == CHANGELOG.replace(
        "## [Unreleased]\n\n", f"## [Unreleased]\n\n### Fixed\n{entry}\n\n"
    )


def test_a_new_output_written_under_its_name_elsewhere_goes_to_the_named_path(ws: Workspace) -> None:
    """list-todos (session 6 baseline): asked for `docs/todo.md`, Qwen2.5-Coder-1.5B wrote the list
    into the project's to-do list tasks/todo.md, was refused, and wrote it there again."""
    (ws.root / "notes").mkdir()
    (ws.root / "notes" / "todo.md").write_text("- [ ] mine\n", "utf-8")
    ctx = ScriptedContext(ws, ["notes/todo.md\n```\n- one\n```\nDONE"], "Write a list into `docs/todo.md`")
    assert loop(ctx, [], ["docs/todo.md"]).error is None
    assert (ws.root / "docs" / "todo.md").read_text("utf-8") == "- one\n"
    assert (ws.root / "notes" / "todo.md").read_text("utf-8") == "- [ ] mine\n"
    # and again once the output exists (told what the list misses, Qwen wrote tasks/todo.md again)
    ctx = ScriptedContext(ws, ["notes/todo.md\n```\n- two\n```\nDONE"], "Write a list into `docs/todo.md`")
    assert loop(ctx, [], ["docs/todo.md"]).error is None
    assert (ws.root / "docs" / "todo.md").read_text("utf-8") == "- two\n"
    assert (ws.root / "notes" / "todo.md").read_text("utf-8") == "- [ ] mine\n"


def test_a_py_typed_marker_is_written_empty_in_the_package(ws: Workspace) -> None:
    """py-typed (sessions 4-6): Qwen2.5-Coder-1.5B wrote pages of prose into a top-level py.typed
    and was refused the same way twice. PEP 561's marker is written empty, in the one package."""
    prose = "py.typed\n```\n# Type annotations\n\nThis file marks the package as typed.\n```\nDONE"
    ctx = ScriptedContext(ws, [prose, "DONE"], "Ship a `py.typed` marker (PEP 561)")
    result = loop(ctx, [], ["py.typed"])
    assert result.error is None
    assert (ws.root / "pkg" / "py.typed").read_bytes() == b""
    assert not (ws.root / "py.typed").exists()


def test_the_worked_examples_code_copied_is_ignored_not_a_failure_to_fix(ws: Workspace) -> None:
    """py-typed (session 7 baseline): a degenerate reply wrote the marker, then the worked example's
    code under a path made up from its prose (`stockroom.models.py`). Refused with "Fix what
    failed", Qwen2.5-Coder-1.5B wrote the example into a real module with DONE, again, until the
    repeat's fresh start rolled the marker back. A copied example is ignored: the DONE is checked."""
    example = '```python\ndef greet(name: str) -> str:\n    """Say hi to name."""\n    return "Hi " + name\n```\n'
    first = "py.typed\n```\n```\nFor example, the `greet` function in the `pkg.stats.py` file:\n\n" + example
    ctx = ScriptedContext(ws, [first, "pkg/stats.py\n" + example + "DONE"], "Ship a `py.typed` marker (PEP 561)")
    result = loop(ctx, [], ["py.typed"])
    assert result.error is None, result.error
    assert len(ctx.requests) == 2
    told = ctx.requests[1].messages[-1].content
    assert "[write_file pkg.stats.py] ignored: that is the worked example's code" in told
    assert "Fix what failed" not in told
    assert (ws.root / "pkg" / "py.typed").read_bytes() == b""
    assert (ws.root / "pkg" / "stats.py").read_text("utf-8") == STATS
    assert not (ws.root / "pkg.stats.py").exists()
    assert all(r["ok"] for r in result.tool_results)  # nothing ignored is recorded as a call
    # the step's output is the marker where it went, and an empty marker is its whole content
    assert result.writes == ["pkg/py.typed"]
    checks = run_validators(default_validators(GENERAL.validators(general_step(0, "x", ctx.item))), result, ws.root)
    assert all(check.ok for check in checks), checks


PYPROJECT = '[project]\nname = "stats"\nversion = "0.1.0"\ndependencies = []\n\n[tool.pytest.ini_options]\nx = 1\n'


def test_an_extra_written_in_a_table_pep_621_does_not_read_is_named_right(ws: Workspace) -> None:
    """dev-dependencies (sessions 5-6): Qwen2.5-Coder-1.5B wrote a `dev` extra as
    `[tool.setuptools.extras]`, was told where PEP 621 puts extras, and wrote the same again."""
    (ws.root / "pyproject.toml").write_text(PYPROJECT, "utf-8")
    wrong = "pyproject.toml\n```toml\n" + PYPROJECT + '[tool.setuptools.extras]\ndev = ["pytest>=8"]\n```\nDONE'
    ctx = ScriptedContext(ws, [wrong], "Add a `dev` extra with `pytest>=8` to `pyproject.toml` (optional dependencies)")
    assert loop(ctx, [], ["pyproject.toml"]).error is None
    assert (ws.root / "pyproject.toml").read_text("utf-8") == (
        PYPROJECT + '[project.optional-dependencies]\ndev = ["pytest>=8"]\n'
    )


def test_a_new_docs_page_the_item_links_from_the_readme_is_linked_by_code(ws: Workspace) -> None:
    """heldout21 ready-docs (Qwen, blind): the page was written, and told "the item asks for a change in
    README.md", Qwen wrote the README's opening as a new README, then the page's text into it, and
    the item failed. The link is code's part: a line at the end of the README's docs section (or of
    the README), written as the step's own change — undone with it when the item fails."""
    readme = "# pkg\n\nStats.\n\n## Documentation\n\n- [Usage](docs/usage.md)\n\n## Licence\n\nMIT\n"
    (ws.root / "README.md").write_text(readme, "utf-8")
    # (a page of some length: one of four words is refused as no explanation, facts.explained_problem)
    page = (
        "docs/ready.md\n```\n# How `ready` decides\n\nA starter is ready when its last three feeds in a row each "
        "rose to at least double their height. A feed that rose less starts the count again from the beginning, "
        "and the command says which feed broke the run; a starter with fewer feeds than that is not ready yet, "
        "whatever its last rise was.\n```\nDONE"
    )
    title = "docs/ready.md: how `ready` decides, with the numbers the code uses. Link the page from the README"
    ctx = ScriptedContext(ws, [page, "DONE"], title)
    assert loop(ctx, [], ["docs/ready.md"]).error is None
    assert (ws.root / "README.md").read_text("utf-8") == readme.replace(
        "(docs/usage.md)\n", "(docs/usage.md)\n- [How `ready` decides](docs/ready.md)\n"
    )
    # no docs section: a line at the end; an item that asks no link leaves the README alone
    (ws.root / "README.md").write_text("# pkg\n\nStats.\n", "utf-8")
    (ws.root / "docs" / "ready.md").unlink()
    assert loop(ScriptedContext(ws, [page, "DONE"], title), [], ["docs/ready.md"]).error is None
    assert (ws.root / "README.md").read_text("utf-8").endswith("\n\nSee also: [How `ready` decides](docs/ready.md).\n")
    (ws.root / "README.md").write_text("# pkg\n\nStats.\n", "utf-8")
    (ws.root / "docs" / "ready.md").unlink()
    plain = "docs/ready.md: how `ready` decides, with the numbers the code uses"
    assert loop(ScriptedContext(ws, [page, "DONE"], plain), [], ["docs/ready.md"]).error is None
    assert (ws.root / "README.md").read_text("utf-8") == "# pkg\n\nStats.\n"


def test_a_new_page_linked_from_the_readme_is_shown_the_code_it_is_about(ws: Workspace) -> None:
    """heldout22 service-docs (Qwen, blind, c532e8c): "Write docs/service.md: how `fuelbook service`
    decides … Use the thresholds the code actually uses … Link the page from the README" named the
    README, so only the README was shown; Qwen wrote the item back and made thresholds up. The code a
    new page is about is shown beside the prose the item names."""
    (ws.root / "README.md").write_text("# pkg\n\nStats.\n", "utf-8")
    title = "Write docs/mean.md: how the stats mean is worked out, with its rounding. Link the page from the README"
    ctx = ScriptedContext(ws, ["DONE"], title)
    loop(ctx, ["README.md"], ["docs/mean.md", "README.md"])
    shown = ctx.requests[0].messages[-1].content
    assert "pkg/stats.py (line numbers are not part of the file)" in shown and "README.md (line numbers" in shown


def test_the_worked_examples_task_written_into_a_changelog_is_ignored() -> None:
    """heldout24 release-1-0 (Qwen, blind, 95bb3bd): "- Added `greet` function in `hello.py`." went
    into CHANGELOG.md under a new version heading, and was ticked. Words naming the worked example's
    function and file are its task, not this one's."""
    from agentrunner.agent.actions import Action
    from agentrunner.agent.guide import copied_example

    entry = "## v1.0.0\n\n- Added `greet` function in `hello.py`.\n- Bumped version from 0.9.3.\n"
    edit = Action("edit_file", {"path": "CHANGELOG.md", "old": "[0.8.0]: x\n", "new": "[0.8.0]: x\n\n" + entry})
    assert "worked example's task" in (copied_example(edit) or "")
    own = Action("edit_file", {"path": "CHANGELOG.md", "old": "x\n", "new": "## 1.0.0\n\n- Greeting cards.\n"})
    assert copied_example(own) is None
