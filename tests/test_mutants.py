"""New tests an item asked for must fail when the function they test does nothing
(agent/mutants.py): real pytest runs in the sandbox, on a small project."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from agentrunner.agent.journal import FileChange
from agentrunner.agent.mutants import mutant_check, new_test_nodes
from agentrunner.tools import Workspace
from tests.test_agent_loop import stats_workspace

EXISTING = "from pkg.stats import mean\n\n\ndef test_mean():\n    assert mean([1, 2]) == 1.5\n"


@pytest.fixture
def ws(isolated_home: Path, write_config: Callable[[str], Path]) -> Workspace:
    workspace = stats_workspace(isolated_home, write_config, tests=EXISTING)
    (workspace.root / "pkg" / "__init__.py").write_text("from .stats import top\n", "utf-8")
    return workspace


def added(ws: Workspace, tests: str) -> list[FileChange]:
    """The test file with ``tests`` appended, written as the item's change."""
    path = ws.root / "tests" / "test_stats.py"
    path.write_text(EXISTING + tests, "utf-8")
    return [FileChange("tests/test_stats.py", EXISTING.encode(), path.read_bytes())]


def check(ws: Workspace, changes: list[FileChange], quoted: set[str]) -> tuple[bool, str]:
    result = mutant_check(ws, changes, quoted, task_id="t", timeout=600)
    return result.ok, result.detail


def test_a_new_test_that_asserts_nothing_of_the_function_is_refused(ws: Workspace) -> None:
    before = {p: p.read_bytes() for p in ws.root.rglob("*.py")}
    weak = "\n\ndef test_top():\n    top = __import__('pkg').top\n    top([1, 2])\n"
    ok, detail = check(ws, added(ws, weak), {"top"})
    assert not ok and "the new tests still pass when `top` returns None without running" in detail
    # the mutant lived in the test process only: every file is as it was
    assert {p: p.read_bytes() for p in ws.root.rglob("*.py")} == {
        **before, ws.root / "tests" / "test_stats.py": (ws.root / "tests" / "test_stats.py").read_bytes()
    }


def test_a_new_test_that_checks_the_result_passes(ws: Workspace) -> None:
    tests = "\n\ndef test_top():\n    from pkg.stats import top\n    assert top([1, 3]) == 3\n"
    ok, detail = check(ws, added(ws, tests), {"top"})
    assert ok and "`top`" in detail, detail


def test_the_mutant_reaches_a_name_the_package_re_exports(ws: Workspace) -> None:
    """`from pkg import top` (pkg/__init__.py imports it from pkg.stats before the mutant is set):
    the re-exported name is replaced too, or a test that checks nothing would pass as killing it."""
    tests = "\n\ndef test_top():\n    from pkg import top\n    assert top([1, 3]) == 3\n"
    assert check(ws, added(ws, tests), {"top"})[0]
    weak = "\n\ndef test_top():\n    from pkg import top\n    top([1, 3])\n"
    assert not check(ws, added(ws, weak), {"top"})[0]


def test_each_function_the_item_quotes_must_be_tested(ws: Workspace) -> None:
    tests = "\n\ndef test_both():\n    from pkg.stats import mean, top\n    top([1])\n    assert mean([2, 4]) == 3\n"
    ok, detail = check(ws, added(ws, tests), {"top"})
    assert not ok and "`top`" in detail
    # quoting none: one function the new tests call and check is enough
    assert check(ws, added(ws, tests), set())[0]


def test_only_new_test_functions_are_run_and_no_test_means_nothing_to_check(ws: Workspace) -> None:
    tests = "\n\nclass TestTop:\n    def test_top(self):\n        from pkg.stats import top\n"
    tests += "        assert top([5]) == 5\n"
    changes = added(ws, tests)
    assert new_test_nodes(changes) == (["tests/test_stats.py::TestTop::test_top"], {"top"})
    assert check(ws, changes, {"top"})[0]
    ok, detail = check(ws, [FileChange("pkg/stats.py", b"", b"x = 1\n")], {"top"})
    assert ok and detail == "no project function the new tests call"
