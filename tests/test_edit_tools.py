"""The model-facing file tools: numbered reads, exact-snippet edits, guarded writes, grep, glob, run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from agentrunner.config import load_config
from agentrunner.edits import EditError, apply_edit, elision, strip_line_numbers
from agentrunner.tools import Workspace

CONFIG = """
[tiers.local]
provider = "llama-cpp"
model = "gemma3-270m"

[agent]
workspace = "ws"
"""

MODULE = '''"""Statistics."""


def mean(values):
    total = 0
    for value in values:
        total += value
    return total / len(values)


def median(values):
    ordered = sorted(values)
    return ordered[len(ordered) // 2]
'''


@pytest.fixture
def ws(isolated_home: Path, write_config: Callable[[str], Path]) -> Workspace:
    config = load_config(write_config(CONFIG))
    root = isolated_home / "ws"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "stats.py").write_text(MODULE, "utf-8")
    (root / "pkg" / "notes.txt").write_text("TODO: one\nnothing\n", "utf-8")
    (root / ".venv").mkdir()
    (root / ".venv" / "junk.py").write_text("# TODO: not ours\n", "utf-8")
    return Workspace(config)


def test_the_default_tools_are_the_model_tools(ws: Workspace) -> None:
    assert [spec.name for spec in ws.specs()] == [
        "read_file", "write_file", "edit_file", "list_files", "grep", "glob", "run"
    ]  # fmt: skip


def test_read_file_numbers_lines_with_offset_and_limit(ws: Workspace) -> None:
    assert ws.call("read_file", {"path": "pkg/stats.py"}).output == MODULE  # raw without paging
    page = ws.call("read_file", {"path": "pkg/stats.py", "offset": 4, "limit": 2}).output
    assert page.splitlines()[:2] == ["   4\tdef mean(values):", "   5\t    total = 0"]
    assert "read on with offset=6" in page
    missing = ws.call("read_file", {"path": "stats.py"})
    assert not missing.ok and "did you mean pkg/stats.py" in (missing.error or "")


def test_edit_file_replaces_a_unique_snippet(ws: Workspace) -> None:
    done = ws.call("edit_file", {"path": "pkg/stats.py", "old": "    total = 0\n", "new": "    total = 0.0\n"})
    assert done.ok, done.error
    assert "total = 0.0" in (ws.root / "pkg/stats.py").read_text("utf-8")
    assert "5\t    total = 0.0" in done.output  # the edited lines are shown back


def test_edit_file_refuses_ambiguous_and_absent_snippets_and_shows_near_lines(ws: Workspace) -> None:
    before = (ws.root / "pkg/stats.py").read_text("utf-8")
    twice = ws.call("edit_file", {"path": "pkg/stats.py", "old": "(values):", "new": "(values: list):"})
    assert not twice.ok and "occurs 2 times" in (twice.error or "")
    absent = ws.call("edit_file", {"path": "pkg/stats.py", "old": "def mean(vals):\n    total = 0", "new": "x"})
    assert not absent.ok and "not found" in (absent.error or "")
    assert "4\tdef mean(values):" in (absent.error or "")  # the lines to copy
    assert (ws.root / "pkg/stats.py").read_text("utf-8") == before


def test_edit_file_forgives_copied_line_numbers_and_indentation(ws: Workspace) -> None:
    numbered_old = "   5\t    total = 0\n   6\t    for value in values:"
    numbered_new = "   5\t    total = 0.0\n   6\t    for value in values:"
    assert ws.call("edit_file", {"path": "pkg/stats.py", "old": numbered_old, "new": numbered_new}).ok
    # the same lines without their indentation: re-indented by the same amount
    shifted = ws.call(
        "edit_file",
        {"path": "pkg/stats.py", "old": "ordered = sorted(values)\n", "new": "ordered = sorted(values)\nn = 1\n"},
    )
    assert shifted.ok, shifted.error
    text = (ws.root / "pkg/stats.py").read_text("utf-8")
    assert "    total = 0.0\n    for value" in text and "    ordered = sorted(values)\n    n = 1\n" in text


def test_edits_and_writes_that_break_parsing_or_elide_are_refused(ws: Workspace) -> None:
    before = (ws.root / "pkg/stats.py").read_text("utf-8")
    broken = ws.call("edit_file", {"path": "pkg/stats.py", "old": "    total = 0\n", "new": "    total = (\n"})
    assert not broken.ok and "would not parse" in (broken.error or "")
    lazy = ws.call(
        "write_file", {"path": "pkg/stats.py", "content": "def mean(values):\n    ...\n\n# ... rest unchanged\n"}
    )
    assert not lazy.ok and "left-out content" in (lazy.error or "")
    assert (ws.root / "pkg/stats.py").read_text("utf-8") == before
    bad_toml = ws.call("write_file", {"path": "pyproject.toml", "content": "[project\nname = 'x'\n"})
    assert not bad_toml.ok and not (ws.root / "pyproject.toml").exists()
    assert ws.call("write_file", {"path": "pyproject.toml", "content": "[project]\nname = 'x'\n"}).ok


def test_write_file_does_not_replace_a_long_file(ws: Workspace) -> None:
    (ws.root / "long.md").write_text("line\n" * 200, "utf-8")
    refused = ws.call("write_file", {"path": "long.md", "content": "short\n"})
    assert not refused.ok and "edit_file" in (refused.error or "")


def test_grep_and_glob_skip_virtualenvs(ws: Workspace) -> None:
    assert ws.call("grep", {"pattern": "TODO"}).output == "pkg/notes.txt:1: TODO: one"
    assert ws.call("grep", {"pattern": "def (mean|median)", "glob": "*.py"}).output.count("pkg/stats.py:") == 2
    assert "not a valid regex" in ws.call("grep", {"pattern": "mean("}).output
    assert ws.call("glob", {"pattern": "**/*.py"}).output == "pkg/stats.py"


def test_run_allows_checks_only_and_reports_failures_as_output(ws: Workspace) -> None:
    compiled = ws.call("run", {"command": "python -m py_compile pkg/stats.py"})
    assert compiled.ok and compiled.output.startswith("exit code 0")
    (ws.root / "bad.py").write_text("def (:\n", "utf-8")
    failed = ws.call("run", {"command": "python -m py_compile bad.py"})
    assert failed.ok and failed.output.startswith("exit code 1") and "SyntaxError" in failed.output
    assert not ws.call("run", {"command": "rm -rf pkg"}).ok
    assert not ws.call("run", {"command": "pytest -q && rm -rf pkg"}).ok
    assert (ws.root / "pkg/stats.py").exists()


def test_snippet_rules() -> None:
    assert strip_line_numbers("  3\tx = 1\n  4\ty = 2") == "x = 1\ny = 2"
    assert strip_line_numbers("x = 1\n  4\ty = 2") is None
    with pytest.raises(EditError, match="the same"):
        apply_edit("a\n", "a", "a")
    assert elision("x = 1\n", "x = 2\n# ...\n") is not None
    assert elision("x = 1\n# ...\n", "x = 2\n# ...\n") is None  # it was there before


def test_a_whole_file_rewrite_that_drops_most_of_the_file_is_refused(ws: Workspace) -> None:
    """The typical small-model damage: the "whole file" is only the function it changed."""
    before = (ws.root / "pkg/stats.py").read_text("utf-8")
    only_one = ws.call(
        "write_file", {"path": "pkg/stats.py", "content": "def mean(values: list) -> float:\n    return 0\n"}
    )
    assert not only_one.ok and "would drop median" in (only_one.error or "")
    assert (ws.root / "pkg/stats.py").read_text("utf-8") == before
    (ws.root / "notes.md").write_text("".join(f"- point {n}\n" for n in range(10)), "utf-8")
    assert not ws.call("write_file", {"path": "notes.md", "content": "- point 1\n"}).ok
    assert ws.call(
        "write_file", {"path": "notes.md", "content": "# Notes\n" + "".join(f"- point {n}\n" for n in range(10))}
    ).ok


PRICES = '''"""Prices."""

from __future__ import annotations

import math

RATE = 0.2


def total(values):
    return round(sum(values), 2)


class Basket:
    """Things to buy."""

    def __init__(self) -> None:
        self.items: list[float] = []

    def add(self, price: float) -> None:
        self.items.append(price)
        self.items.sort()
        self.count = len(self.items)
        self.last = price
        self.ok = True
'''


def test_merge_definitions_replaces_by_name_and_adds_the_new() -> None:
    """A small model writes "the new function", not an edit block: it is merged by name."""
    from agentrunner.edits import EditError, merge_definitions

    documented = merge_definitions(
        PRICES, 'def total(values):\n    """The sum, in cents."""\n    return round(sum(values), 2)\n'
    )
    assert documented is not None and '    """The sum, in cents."""\n    return round' in documented.text
    assert documented.text.count("def total") == 1 and "class Basket" in documented.text
    # a method without its class goes to the file's one class (or the class the item names)
    method = merge_definitions(
        PRICES, "    def __repr__(self) -> str:\n        return 'Basket'\n", classes_named=("Basket",)
    )
    assert method is not None and method.text.endswith(
        "        self.ok = True\n\n    def __repr__(self) -> str:\n        return 'Basket'\n"
    )
    # imports join the imports, constants go after them, new functions at the end
    added = merge_definitions(
        PRICES, "import logging\n\nlog = logging.getLogger(__name__)\n\n\ndef mean(v):\n    return sum(v) / len(v)\n"
    )
    assert added is not None
    assert "import math\nimport logging\n\nlog = logging.getLogger(__name__)\n\nRATE" in added.text
    assert added.text.endswith("        self.ok = True\n\n\ndef mean(v):\n    return sum(v) / len(v)\n")
    compile(added.text, "m.py", "exec")
    # a class with only its new member keeps the others
    member = merge_definitions(PRICES, "class Basket:\n    def clear(self) -> None:\n        self.items = []\n")
    assert member is not None and "def add(" in member.text and "def clear(self)" in member.text
    # never a partial body: a def line and two of its six lines would cut the rest away
    with pytest.raises(EditError, match="returns a value"):  # the return line was cut away
        merge_definitions(PRICES, 'def total(values):\n    """The sum."""\n')
    with pytest.raises(EditError, match="complete function"):
        merge_definitions(PRICES, "class Basket:\n    def add(self, price: float) -> None:\n        self.ok = True\n")
    assert merge_definitions(PRICES, "print('hello')\n") is None  # not definitions: no merge
    assert merge_definitions(PRICES, "def broken(:\n") is None


def test_a_rewrite_is_applied_as_its_changed_lines_keeping_blank_lines() -> None:
    from agentrunner.edits import rewrite_keeping_blanks

    old = '[project]\nversion = "0.3.1"\n\n[tool.a]\nx = 1\n\n[tool.b]\ny = 2\n'
    squeezed = old.replace("\n\n", "\n")
    assert rewrite_keeping_blanks(old, squeezed.replace("0.3.1", "0.4.0")) == old.replace("0.3.1", "0.4.0")
    added = rewrite_keeping_blanks(old, squeezed.replace("x = 1\n", "x = 1\nz = 3\n"))
    assert added == old.replace("x = 1\n", "x = 1\nz = 3\n")
    assert rewrite_keeping_blanks(old, squeezed.replace("x = 1\n", "")) is None  # drops a setting
    assert rewrite_keeping_blanks(old, squeezed) is None  # changes nothing
    tabbed = squeezed.replace("0.3.1", "0.4.0").replace("y = 2", "\ty = 2")  # the numbered view's tab copied
    assert rewrite_keeping_blanks(old, tabbed) == old.replace("0.3.1", "0.4.0")


def test_a_merged_new_function_goes_ahead_of_the_main_guard_and_unused_imports_stay_out() -> None:
    """Seen with Qwen2.5-Coder-1.5B (session 5): a new function was appended after
    ``if __name__ == "__main__":`` (it would run before being defined), and a whole module written
    again added ``from typing import List`` that nothing used."""
    from agentrunner.edits import merge_definitions

    module = "import sys\n\n\ndef main():\n    return 0\n\n\nif __name__ == '__main__':\n    sys.exit(main())\n"
    merged = merge_definitions(module, "from typing import List\n\n\ndef helper():\n    return 1\n")
    assert merged is not None
    assert merged.text == (
        "import sys\n\n\ndef main():\n    return 0\n\n\ndef helper():\n    return 1\n\n\n"
        "if __name__ == '__main__':\n    sys.exit(main())\n"
    )
    used = merge_definitions(module, "import os\n\n\ndef main():\n    return os.EX_OK\n")
    assert used is not None and used.text.startswith("import sys\nimport os\n")


def test_a_snippet_that_leaves_out_the_files_blank_lines_matches_and_keeps_them() -> None:
    """Seen with Qwen2.5-Coder-1.5B (issue 12, changelog-entry): SEARCH copied a changelog's
    headings and bullet without the blank lines between them, and the edit was refused twice."""
    changelog = "# Changelog\n\n## [Unreleased]\n\n## [0.3.1]\n\n### Fixed\n- one.\n\n## [0.3.0]\n\n### Fixed\n- two.\n"
    squeezed = "## [Unreleased]\n## [0.3.1]\n### Fixed\n- one.\n"
    applied = apply_edit(changelog, squeezed, squeezed + "- new.\n")
    assert applied.text == changelog.replace("- one.\n", "- one.\n- new.\n")
    assert applied.how == "matched skipping blank lines"
    # a line deleted, the blank lines around the kept ones stay
    assert apply_edit(changelog, "## [0.3.0]\n### Fixed\n- two.\n", "## [0.3.0]\n### Fixed\n").text == (
        changelog.replace("- two.\n", "")
    )
    # only blank lines are skipped: a line left out of the snippet is still no match
    with pytest.raises(EditError, match="not found"):
        apply_edit(changelog, "## [Unreleased]\n### Fixed\n- one.\n", "x\n")
    with pytest.raises(EditError, match="occurs 2 times"):
        apply_edit("a\n\nb\nc\na\n\nb\n", "a\nb\n", "a\nx\n")
