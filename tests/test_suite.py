"""agent/suite.py: a ticked item leaves the project's test suite no worse than it found it (issue 12).

heldout18 minor-version (Qwen, blind, 8fee5b3): the version moved everywhere but a `--version`
test expecting the old one; only the tests of the changed modules ran (`__init__.py` has none), and
it was ticked with the suite red. Real pytest runs in the real sandbox here. No model.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from agentrunner.agent.suite import MAX_TEST_FILES, suite_failures, suite_problem
from agentrunner.config import load_config
from agentrunner.sandbox import sandbox_status
from agentrunner.tools import Workspace
from tests.test_agent_loop import CONFIG

pytestmark = pytest.mark.skipif(sandbox_status() is not None, reason=f"no sandbox here: {sandbox_status()}")

VERSION_TEST = "from pkg import __version__\n\n\ndef test_version():\n    assert __version__ == '1.4.2'\n"
PLANTED = "from pkg import half\n\n\ndef test_half():\n    assert half(4) == 2\n"


@pytest.fixture
def ws(isolated_home: Path, write_config: Callable[[str], Path]) -> Workspace:
    root = isolated_home / "ws"
    (root / "pkg").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "pkg" / "__init__.py").write_text("__version__ = '1.4.2'\n\n\ndef half(x):\n    return x // 3\n")
    (root / "tests" / "test_version.py").write_text(VERSION_TEST, "utf-8")
    (root / "tests" / "test_half.py").write_text(PLANTED, "utf-8")  # a planted bug: fails before the work
    return Workspace(load_config(write_config(CONFIG)))


def test_a_test_that_passed_before_and_fails_after_refuses_the_tick(ws: Workspace) -> None:
    baseline = suite_failures(ws, task_id="t")
    assert baseline == ["tests/test_half.py::test_half"]
    init = ws.root / "pkg" / "__init__.py"
    init.write_text(init.read_text().replace("1.4.2", "1.5.0"), "utf-8")  # the bump, the test left behind
    problem = suite_problem(ws, baseline, task_id="t") or ""
    assert problem.startswith("the change breaks tests that passed before it: tests/test_version.py::test_version")
    assert not any(ws.root.rglob("__pycache__")) and not (ws.root / ".pytest_cache").exists()  # read-only runs
    (ws.root / "tests" / "test_version.py").write_text(VERSION_TEST.replace("1.4.2", "1.5.0"), "utf-8")
    assert suite_problem(ws, baseline, task_id="t") is None  # the planted failure is not the work's
    (ws.root / "tests" / "test_version.py").write_text("import missing_module\n", "utf-8")
    broken = suite_problem(ws, baseline, task_id="t") or ""
    assert "tests no longer run (pytest exit 2): ERROR tests/test_version.py" in broken


def test_a_suite_too_big_to_run_twice_per_item_or_no_tests_decides_nothing(ws: Workspace) -> None:
    for n in range(MAX_TEST_FILES):
        (ws.root / "tests" / f"test_more_{n}.py").write_text("def test_ok():\n    pass\n", "utf-8")
    assert suite_failures(ws, task_id="t") is None
    for path in (ws.root / "tests").iterdir():
        path.unlink()
    assert suite_failures(ws, task_id="t") is None
