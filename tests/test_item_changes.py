"""What counts as an item's change, and which checks apply to it (issue 12, the refactor and test chores).

extract-function (benchmarks/chores) was correct in session 5's batch cq-1 and failed in the final
run after one call with the same reply: the loop's own pytest run left `.pytest_cache/README.md`,
the journal gave it to the verification as a change of the item, and the "covers" check (a summary
names every public function) took it for a summary — triggered by `summary_lines`, a name the
item quotes. Both are fixed: a cache a tool writes is no change of the item, and the checks read
the item's words, not the names it quotes.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path

import pytest

from agentrunner.agent.checks import covers_problem
from agentrunner.agent.journal import FileChange, ItemJournal, Transactions
from agentrunner.agent.loop import run_loop
from agentrunner.tools import Workspace
from tests.test_agent_loop import ScriptedContext
from tests.test_agent_loop import ws as ws  # the fixture, shared
from tests.test_transactions import chat_reply
from tests.test_transactions import project as project  # the fixture, shared
from tests.test_verification import work_one


def test_a_cache_a_command_writes_is_no_change_of_the_item_but_is_rolled_back(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "m.py").write_bytes(b"X = 1\n")
    (root / ".ruff_cache").mkdir()
    (root / ".ruff_cache" / "old").write_bytes(b"stale")
    transactions = Transactions(tmp_path / "journal", root)
    journal: ItemJournal = transactions.begin("item-1")
    journal.savepoint("s0")
    with transactions.command("item-1"):  # what pytest and ruff leave behind as they run
        (root / ".pytest_cache" / "v" / "cache").mkdir(parents=True)
        (root / ".pytest_cache" / "README.md").write_bytes(b"# pytest cache directory #\n")
        (root / ".pytest_cache" / "v" / "cache" / "nodeids").write_bytes(b"[]")
        (root / "pkg" / "__pycache__").mkdir()
        (root / "pkg" / "__pycache__" / "m.cpython-312.pyc").write_bytes(b"\0bytecode")
        (root / ".ruff_cache" / "old").unlink()  # a cache deleted: that is a change
        (root / "pkg" / "m.py").write_bytes(b"X = 2\n")
    assert [c.path for c in journal.changes()] == [".ruff_cache/old", "pkg/m.py"]
    journal.restore_all()
    assert not (root / ".pytest_cache").exists() and not (root / "pkg" / "__pycache__").exists()
    assert (root / "pkg" / "m.py").read_bytes() == b"X = 1\n" and (root / ".ruff_cache" / "old").exists()


REPORT = '''"""Report lines."""


def format_amount(amount):
    """``1234.5`` as ``1,234.50``."""
    return f"{amount:,.2f}"


def summary_lines(items):
    """The lines of the summary."""
    low = [item for item in items if item < 10]
    return [f"{len(items)} items", f"{len(low)} low"]
'''


def test_a_function_name_the_item_quotes_does_not_make_it_a_summary(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "report.py").write_text(REPORT, "utf-8")
    note = FileChange("notes.md", None, b"Extracted the filter.\n")
    extract = "In `pkg/report.py`, extract the filter of `summary_lines` into a function `low_items(items)`"
    assert covers_problem([note], extract, tmp_path) is None
    summarise = "Summarise `pkg/report.py` in `notes.md`\n  One bullet per public function."
    problem = covers_problem([note], summarise, tmp_path)
    assert problem and "does not name format_amount, summary_lines" in problem


EXTRACTED = REPORT.replace(
    "def summary_lines(items):",
    'def low_items(items):\n    """The items below 10."""\n    return [item for item in items if item < 10]\n\n\n'
    "def summary_lines(items):",
).replace("    low = [item for item in items if item < 10]", "    low = low_items(items)")
TEST_REPORT = (
    "from pkg.report import summary_lines\n\n\ndef test_summary_lines():\n"
    '    assert summary_lines([1, 20]) == ["2 items", "1 low"]\n'
)


def test_a_refactor_whose_tests_the_loop_ran_is_ticked(project: Path, write_config: Callable[[str], Path]) -> None:
    """End to end (extract-function): the model extracts the function and says DONE; the loop runs
    the module's tests (pytest writes its cache); the item is ticked, not failed by the cache."""
    (project / "pkg" / "report.py").write_text(REPORT, "utf-8")
    (project / "tests").mkdir()
    (project / "tests" / "test_report.py").write_text(TEST_REPORT, "utf-8")
    item = "In `pkg/report.py`, extract the filter of `summary_lines` into a function `low_items(items)`, use it there"
    reply = f"pkg/report.py\n```python\n{EXTRACTED}```\nDONE extracted low_items"
    with_run = write_config  # the loop's lint-and-test turn needs the `run` tool

    def config(text: str) -> Path:
        return with_run(text.replace('"list_files"]', '"list_files", "run"]'))

    entry, todo_path = work_one(project, config, item, chat_reply(content=reply), chat_reply(content="DONE"))
    assert entry["status"] == "done", entry["error"]
    assert "- [x]" in todo_path.read_text("utf-8")
    assert "low = low_items(items)" in (project / "pkg" / "report.py").read_text("utf-8")


PRICING_TESTS = '''from pkg.report import format_amount


def test_format_amount():
    assert format_amount(1234.5) == "1,234.50"  # thousands


def test_format_zero():
    assert format_amount(0) == "0.00"
'''
SQUEEZED = PRICING_TESTS.replace("\n\n\n", "\n\n")  # Qwen's rewrite: the same tests, blank lines gone
ADD_TEST = "Add a test for `format_amount` of a negative amount to `tests/test_report.py`"


def test_a_rewrite_that_only_reformats_is_no_work_and_a_test_asked_for_must_be_added() -> None:
    """test-item-value: asked to add a test, Qwen wrote the test file again without its blank
    lines and said DONE; it was ticked (session 6 baseline)."""
    from agentrunner.agent.checks import new_tests_problem, reformat_problem

    squeezed = FileChange("tests/test_report.py", PRICING_TESTS.encode(), SQUEEZED.encode())
    problem = reformat_problem([squeezed], ADD_TEST)
    assert problem and "only reformatted" in problem
    assert reformat_problem([squeezed], "Fix the blank lines between the tests in `tests/test_report.py`") is None
    commented = FileChange("t.py", b"X = 1\n", b"X = 1  # the one\n")  # a comment is a change
    assert reformat_problem([commented], "Explain `X` with a comment") is None
    problem = new_tests_problem([squeezed], ADD_TEST)
    assert problem and "no new test function" in problem
    added = PRICING_TESTS + '\n\ndef test_format_negative():\n    assert format_amount(-1) == "-1.00"\n'
    right = FileChange("tests/test_report.py", PRICING_TESTS.encode(), added.encode())
    assert reformat_problem([right], ADD_TEST) is None and new_tests_problem([right], ADD_TEST) is None
    assert new_tests_problem([FileChange("tests/test_new.py", None, added.encode())], "Write tests for it") is None
    # "add … so the tests pass" asks for no test
    assert new_tests_problem([squeezed], "Add type hints to `pkg/report.py`; the tests must pass") is None


def test_an_added_test_keeps_the_test_files_existing_code() -> None:
    """test-item-value, Qwen-only on fd738bb: asked to add a test, Qwen wrote tests/test_pricing.py
    again with the test added and its `from __future__ import annotations` gone; it was ticked."""
    from agentrunner.agent.checks import new_tests_problem

    header = "from __future__ import annotations\n\nfrom pkg.report import format_amount\n\n\n"
    before = header + PRICING_TESTS.split("\n", 3)[3]
    added = '\n\ndef test_format_negative():\n    assert format_amount(-1) == "-1.00"\n'
    dropped = before.replace("from __future__ import annotations\n\n", "") + added
    problem = new_tests_problem([FileChange("tests/test_report.py", before.encode(), dropped.encode())], ADD_TEST)
    assert problem and "`from __future__ import annotations` is gone" in problem
    # an old test changed on the way is gone too
    changed = (before + added).replace('"0.00"', '"0"')
    problem = new_tests_problem([FileChange("tests/test_report.py", before.encode(), changed.encode())], ADD_TEST)
    assert problem and "def test_format_zero" in problem
    # kept: squeezed blank lines, an import that gains a name, a new import
    kept = (before + added).replace("\n\n\n", "\n\n").replace("import format_amount", "import format_amount, total")
    kept = "import pytest\n" + kept
    assert new_tests_problem([FileChange("tests/test_report.py", before.encode(), kept.encode())], ADD_TEST) is None
    # an item that also asks to change the tests may change them
    also = ADD_TEST + ", and update `test_format_zero` for the new format"
    assert new_tests_problem([FileChange("tests/test_report.py", before.encode(), changed.encode())], also) is None


def test_an_item_asking_only_for_tests_changes_no_code_and_adds_one() -> None:
    """Held-out wind-chill-test, Qwen on 616f72a: "wind_chill (meteo/units.py) has no tests — add
    some: …" got docstrings in units.py and no test, and was ticked (the words were not read as
    asking for a test)."""
    from agentrunner.agent.checks import new_tests_problem

    item = "wind_chill (meteo/units.py) has no tests — add some: the formula, and the case it returns the air"
    module = 'def wind_chill(t, v):\n    return t\n'
    documented = 'def wind_chill(t, v):\n    """The felt temperature."""\n    return t\n'
    problem = new_tests_problem([FileChange("meteo/units.py", module.encode(), documented.encode())], item)
    assert problem and "meteo/units.py is not a test file: the task asks for tests" in problem
    test = "from meteo.units import wind_chill\n\n\ndef test_warm_air():\n    assert wind_chill(20, 10) == 20\n"
    assert new_tests_problem([FileChange("tests/test_units.py", None, test.encode())], item) is None
    assert new_tests_problem([], "`parse` needs tests") and new_tests_problem([], "`parse` is untested")
    # a fix, or an item naming a bug, may change the code beside its tests
    fix = [FileChange("meteo/units.py", module.encode(), documented.encode()),
           FileChange("tests/test_units.py", None, test.encode())]  # fmt: skip
    assert new_tests_problem(fix, "Fix `wind_chill` and add a test for it") is None
    assert new_tests_problem(fix, "Add a test that shows the bug in `wind_chill`, then make it pass") is None


def test_a_test_file_written_again_unchanged_is_not_ticked(project: Path, write_config: Callable[[str], Path]) -> None:
    """End to end: the reformatted file is shown to the model as not done; written the same again,
    the item fails and the file is restored byte for byte."""
    (project / "pkg" / "report.py").write_text(REPORT, "utf-8")
    (project / "tests").mkdir()
    (project / "tests" / "test_report.py").write_text(PRICING_TESTS, "utf-8")
    reply = chat_reply(content=f"tests/test_report.py\n```python\n{SQUEEZED}```\nDONE added a test")
    entry, todo_path = work_one(project, write_config, ADD_TEST, reply, reply, reply, reply)
    assert entry["status"] == "failed", entry
    assert "- [x]" not in todo_path.read_text("utf-8")
    assert (project / "tests" / "test_report.py").read_text("utf-8") == PRICING_TESTS


def test_a_fix_item_is_shown_the_module_its_failing_line_calls_not_every_import(ws: Workspace) -> None:
    """fix-failing-test: shown every module the test imports, Qwen rewrote the dataclass the test
    only builds (`Item`), not `needs_reorder`, the function its failing line calls."""
    (ws.root / "pkg" / "models.py").write_text("class Box:\n    def __init__(self, n):\n        self.n = n\n", "utf-8")
    (ws.root / "tests" / "test_stats.py").write_text(
        "from pkg.models import Box\nfrom pkg.stats import mean\n\n\n"
        "def test_mean():\n    box = Box(2)\n    assert mean([1, box.n]) == 2\n",
        "utf-8",
    )
    ctx = ScriptedContext(ws, ["DONE", "DONE"], "`tests/test_stats.py` fails: fix the bug (the test is right)")
    run_loop(ctx, ctx.item.title, ["tests/test_stats.py"], [], 512)
    prompt = ctx.requests[0].messages[3].content
    assert "pkg/stats.py (line numbers" in prompt and "pkg/models.py" not in prompt, prompt


def test_tests_written_with_one_mistake_everywhere_come_back_with_every_failure(ws: Workspace) -> None:
    """test-inventory: with `pytest -x` the model saw one failing test per turn and fixed one per
    turn; it ran out of turns with the same mistake in the others. Every failure is shown."""
    tests = "".join(
        f"\n\ndef test_{name}():\n    assert mean([1, 2], 0) == 1.5\n" for name in ("one", "two", "three")
    )
    reply = f"tests/test_more.py\n```python\nfrom pkg.stats import mean\n{tests}```\nDONE"
    item = "Write pytest tests for `mean` in a new file `tests/test_more.py`"
    ctx = ScriptedContext(ws, [reply, "DONE", "DONE"], item)
    run_loop(ctx, ctx.item.title, ["pkg/stats.py"], ["tests/test_more.py"], 512)
    shown = ctx.requests[1].messages[-1].content
    assert "The tests fail" in shown and "Also failing:" in shown, shown
    assert "test_two: TypeError" in shown and "test_three: TypeError" in shown and "3 failed" in shown


def test_a_definition_merged_without_its_decorators_keeps_them() -> None:
    """fix-failing-test: Qwen wrote `class Item:` back without `@dataclass(frozen=True)` (a block
    of definitions, merged by name) and every `Item(...)` in the tests failed."""
    from agentrunner.edits import merge_definitions

    module = (
        "from dataclasses import dataclass\n\n\n@dataclass(frozen=True)\nclass Item:\n    sku: str\n\n"
        "    @property\n    def code(self) -> str:\n        return self.sku\n\n\ndef f():\n    return 1\n"
    )
    block = "class Item:\n    sku: str\n\n    @property\n    def code(self) -> str:\n        return self.sku.upper()\n"
    merged = merge_definitions(module, block)
    assert merged is not None
    assert "@dataclass(frozen=True)\nclass Item:" in merged.text, merged.text
    assert "return self.sku.upper()" in merged.text  # (a method's own decorators, inside the class: not yet)


def test_a_major_minor_or_patch_bump_is_semantic_versionings_next_version() -> None:
    """Held-out version-minor-bump (Qwen, 5491bb8): "Minor version bump in pyproject.toml",
    0.6.2 became 0.6.3, and it was ticked."""
    from agentrunner.agent.checks import bumped, item_problem

    assert [bumped("0.6.2", kind) for kind in ("major", "minor", "patch")] == ["1.0.0", "0.7.0", "0.6.3"]
    assert bumped("2.1", "minor") == "2.2" and bumped("2.1", "patch") == "2.1.1" and bumped("1.0rc1", "minor") is None
    pyproject = '[project]\nname = "timesheet"\nversion = "{}"\n'

    def bump(new: str) -> FileChange:
        return FileChange("pyproject.toml", pyproject.format("0.6.2").encode(), pyproject.format(new).encode())

    item = "Minor version bump in pyproject.toml for the invoice release"
    problem = item_problem([bump("0.6.3")], item, None)
    assert problem == "pyproject.toml: project.version is 0.6.3; a minor bump of 0.6.2 is 0.7.0"
    assert item_problem([bump("0.7.0")], item, None) is None
    assert item_problem([bump("0.6.3")], "Bump the patch version", None) is None
    major = item_problem([bump("0.7.0")], "Major release: bump the version", None)
    assert major and "a major bump of 0.6.2 is 1.0.0" in major
    # a version the item names decides (the quoted-literal checks hold it), and other items are not judged
    assert item_problem([bump("0.6.3")], "Minor bump: set the version to 0.6.3", None) is None
    assert item_problem([bump("0.6.3")], "Bump the version in pyproject.toml", None) is None



def test_a_release_of_a_kind_cut_moves_the_version(tmp_path: Path) -> None:
    """heldout25 minor-release (Qwen, blind, cde4bad): "cut the next minor release of bplog" — no
    "bump", no "version" — was ticked with a compare link added to the changelog, pyproject still
    1.3.2. Cutting a release of a kind asks for the version to move as much as a bump does."""
    from agentrunner.agent.checks import item_problem

    (tmp_path / "pyproject.toml").write_text('[project]\nname = "bplog"\nversion = "1.3.2"\n', "utf-8")
    notes = FileChange("CHANGELOG.md", b"# Changelog\n", b"# Changelog\n\n[1.3.3]: x\n")
    item = (
        "cut the next minor release of bplog\nversion is written in a few places, get all of them; the Unreleased "
        "notes become that version's section in CHANGELOG.md (date: 2026-02-21)"
    )
    problem = item_problem([notes], item, tmp_path)
    assert problem is not None and "still 1.3.2: make it 1.4.0" in problem, problem
    assert item_problem([notes], "write up the minor release notes", tmp_path) is None


def test_a_bump_to_a_version_the_item_names_leaves_the_project_at_it(tmp_path: Path) -> None:
    """heldout24 release-1-0 (Qwen, blind, 95bb3bd): "we're calling it 1.0.0 — bump the version from
    0.9.3 everywhere it's stated" was ticked with a changelog line, pyproject.toml still at 0.9.3."""
    from agentrunner.agent.checks import item_problem

    pyproject = '[project]\nname = "kilnlog"\nversion = "{}"\n'
    (tmp_path / "pyproject.toml").write_text(pyproject.format("0.9.3"), "utf-8")
    item = "we're calling it 1.0.0 — bump the version from 0.9.3 everywhere it's stated"
    notes = FileChange("CHANGELOG.md", b"# Changelog\n", b"# Changelog\n\n## 1.0.0\n")
    problem = item_problem([notes], item, tmp_path)
    assert problem == "pyproject.toml: the item asks for version 1.0.0 and project.version is 0.9.3: make it so"
    bump = FileChange("pyproject.toml", pyproject.format("0.9.3").encode(), pyproject.format("1.0.0").encode())
    assert item_problem([bump], item, tmp_path) is None
    assert item_problem([bump], "Bump the version to 1.0.0", tmp_path) is None
    wrong = FileChange("pyproject.toml", pyproject.format("0.9.3").encode(), pyproject.format("0.9.4").encode())
    assert item_problem([wrong], "Bump the version to 1.0.0", tmp_path) is not None
    # a number that is no next version of the project's is not about the project's version
    assert item_problem([notes], "Bump the version of pydantic to 2.5.0", tmp_path) is None


@pytest.mark.skipif(importlib.util.find_spec("mypy") is None, reason="mypy judges the hints")
def test_type_hints_that_mypy_refutes_are_not_done(tmp_path: Path) -> None:
    """Held-out report-type-hints (Qwen, 5491bb8): `entries: list[dict]` where the code passes
    `Entry` records — 18 mypy errors — was ticked; so was stockroom's `pairs: list[Item]` for
    (Item, int) pairs in four runs."""
    from agentrunner.agent.checks import item_problem

    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg/__init__.py").write_text("", "utf-8")
    (tmp_path / "pkg/models.py").write_text("class Item:\n    sku: str = ''\n", "utf-8")
    body = "    lines = []\n    for item, quantity in pairs:\n"
    body += "        lines.append(f'{item.sku} {quantity}')\n    return lines\n"
    old = "def table(pairs):\n" + body
    wrong = "from pkg.models import Item\n\n\ndef table(pairs: list[Item]) -> list[str]:\n" + body.replace(
        "lines = []", "lines: list[str] = []"
    )
    right = wrong.replace("list[Item]) ", "list[tuple[Item, int]]) ")
    item = "Add type hints to `pkg/report.py`"
    (tmp_path / "pkg/report.py").write_text(wrong, "utf-8")
    problem = item_problem([FileChange("pkg/report.py", old.encode(), wrong.encode())], item, tmp_path)
    assert problem and problem.startswith("mypy finds 3 type error(s)") and "pkg/report.py:6: error:" in problem
    (tmp_path / "pkg/report.py").write_text(right, "utf-8")
    assert item_problem([FileChange("pkg/report.py", old.encode(), right.encode())], item, tmp_path) is None


@pytest.mark.skipif(importlib.util.find_spec("mypy") is None, reason="mypy judges the hints")
def test_a_hint_naming_an_unimported_standard_type_is_told_the_import(tmp_path: Path) -> None:
    """heldout4 filters-type-hints (Qwen, 31054fc): `start: datetime | None` without the import,
    told only `Name "datetime" is not defined`, three turns without adding it."""
    from agentrunner.agent.checks import item_problem

    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg/__init__.py").write_text("", "utf-8")
    old = "def after(times, start=None):\n    return [t for t in times if start is None or t >= start]\n"
    new = "def after(times: list[datetime], start: datetime | None = None) -> list[datetime]:\n"
    new += "    return [t for t in times if start is None or t >= start]\n"
    new = "from __future__ import annotations\n\n\n" + new
    (tmp_path / "pkg/filters.py").write_text(new, "utf-8")
    change = FileChange("pkg/filters.py", old.encode(), new.encode())
    problem = item_problem([change], "Type hints for pkg/filters.py", tmp_path)
    assert problem and 'Name "datetime" is not defined' in problem
    assert "Add to the imports: `from datetime import datetime`" in problem
