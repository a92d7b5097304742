"""A ticked item leaves the project's test suite no worse than it found it (issue 12).

heldout18 minor-version (Qwen, blind): the version-bump recipe moved every place the version was
stated but tests/test_cli.py's `--version` test, which expected the old one. The gate ran the tests
of the modules the change touched — `tanklog/__init__.py` has none of its own — so the failure was
never seen, and the item was ticked with the suite red. A reviewer runs the whole suite once.

Before the work (the graph's plan node) the project's suite runs once in the sandbox, read-only;
the tests failing then are the *baseline* (a planted bug's test may fail: the item is there to fix
it). After the work it runs again: a test that passed before and fails now — or a suite that no
longer collects — refuses the tick, naming the tests. The general loop's gate runs the same
comparison when the model says DONE, so the model is told. No decision when the suite does not
run clean enough to compare (no pytest, no sandbox, a timeout, a collection error before the
work) or takes longer than :data:`SUITE_TIMEOUT`.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from ..tools import Workspace
from .sources import python_modules
from .verification import is_test_file, pytest_argv

SUITE_TIMEOUT = 120.0  # seconds: a suite slower than this is not run twice per item
# a project with more test files than this has a suite too big to run twice per item (this repo's own,
# under `make run`, takes minutes): the tests of the changed modules are what runs then
MAX_TEST_FILES = 40
MAX_SHOWN = 4
# "FAILED tests/test_cli.py::test_version - AssertionError: …", "ERROR tests/test_x.py::test_y"
_OUTCOME = re.compile(r"^(?:FAILED|ERROR) (\S+)", re.MULTILINE)


def suite_failures(workspace: Workspace, *, task_id: str, timeout: float = SUITE_TIMEOUT) -> list[str] | None:
    """The node ids of the project's failing tests (empty: all pass), or None when the suite did
    not run to a result: no pytest, no sandbox, a timeout, nothing collected, a collection error."""
    if not small_suite(workspace.root) or (ran := _run(workspace, "no", task_id, timeout)) is None:
        return None
    code, output = ran
    if code == 0:
        return []
    if code != 1:  # 2: interrupted (a collection error), 5: no tests, 3/4: pytest's own errors
        return None
    return sorted(set(_OUTCOME.findall(output)))


def _run(workspace: Workspace, traceback: str, task_id: str, timeout: float) -> tuple[int, str] | None:
    """The whole suite, read-only in the sandbox: (pytest's exit code, its output), or None."""
    base = pytest_argv(workspace.root)
    if base is None or "run" not in workspace.enabled:
        return None
    argv = [*base, "-q", "-rfE", "-p", "no:cacheprovider", f"--tb={traceback}"]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    try:
        done = workspace.run_argv(argv, timeout=min(timeout, SUITE_TIMEOUT), task_id=task_id, env=env, writable=False)
    except (subprocess.TimeoutExpired, OSError):
        return None
    return done.returncode, done.stdout.decode("utf-8", "replace")


def small_suite(root: Path) -> bool:
    """Whether the project has tests, and few enough test files to run them all twice per item."""
    found = [m for m in python_modules(root, limit=5_000) if is_test_file(m)]
    return 0 < len(found) <= MAX_TEST_FILES


def suite_problem(
    workspace: Workspace, baseline: list[str], *, task_id: str, timeout: float = SUITE_TIMEOUT
) -> str | None:
    """What the work broke of the suite that ran before it (see the module's docstring), or None."""
    ran = _run(workspace, "line", task_id, timeout)
    if ran is None:
        return None
    code, output = ran
    if code in (0, 5):
        return None
    if code != 1:
        last = [line for line in output.strip().splitlines() if line.strip()][-3:]
        return "the project's tests no longer run (pytest exit {}): {}".format(code, " / ".join(last))
    broken = sorted(set(_OUTCOME.findall(output)) - set(baseline))
    if not broken:
        return None
    reasons = [line.strip() for line in output.splitlines() if re.match(r"^\S+:\d+: \w", line.strip())][:MAX_SHOWN]
    shown = ", ".join(broken[:MAX_SHOWN]) + (f" and {len(broken) - MAX_SHOWN} more" if len(broken) > MAX_SHOWN else "")
    why = ("\n" + "\n".join(reasons)) if reasons else ""
    return f"the change breaks tests that passed before it: {shown}{why}\nMake them pass again"


__all__ = ["SUITE_TIMEOUT", "suite_failures", "suite_problem"]
