"""Tests an item asked for must test something: they fail when the code they test does nothing.

An item asking for tests ("Nothing tests `apply_late_penalty` — add tests") is ticked when a new
test function exists and the tests pass. A test that asserts nothing about the function's result
(``assert f(1) is not None``, a bare call, ``assert True``) passes too — a reviewer would send it
back, and the chores benchmark's checks plant a mutant to catch it. This check does the same with
the simplest mutant there is: each function the new tests call is replaced, in a separate Python
process, by one that returns ``None`` without running, and the new tests run against it. Tests that
still all pass check nothing of that function.

Nothing is written: the replacement is made in memory before pytest imports the tests (and in
every loaded module that imported the function), so a killed check leaves every file as it was.
A run that cannot set the mutant up (the module does not import) decides nothing.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..tools import Workspace
from .evidence import defined_tests
from .journal import FileChange
from .sources import python_modules
from .validators import Check
from .verification import is_test_file, module_name, pytest_argv

MAX_TARGETS = 3  # functions mutated at most (each is one pytest run)
SETUP_FAILED = 97  # the runner's exit code when the mutant could not be put in place

# Run as ``python -c RUNNER module qualname test-node...`` in the project folder: replaces the
# function by one returning None everywhere it was imported, then runs pytest on the tests.
RUNNER = """
import importlib, sys
sys.path[:0] = [p for p in ('src', '.') if __import__('os').path.isdir(p)]
try:
    owner = importlib.import_module(sys.argv[1])
    *path, name = sys.argv[2].split('.')
    for part in path:
        owner = getattr(owner, part)
    original = getattr(owner, name)
except Exception as exc:
    print('mutant not set up:', repr(exc))
    sys.exit(97)
def mutant(*args, **kwargs):
    return None
setattr(owner, name, mutant)
for module in list(sys.modules.values()):
    if module is None or module.__name__ == '__main__':  # this script's own names stay
        continue
    for attribute, value in list(vars(module).items()):
        if value is original:
            setattr(module, attribute, mutant)
import pytest
sys.exit(pytest.main(['-q', '-x', '-p', 'no:cacheprovider', *sys.argv[3:]]))
"""


@dataclass(frozen=True)
class Target:
    """A project function the new tests call: its module (dotted) and qualified name in it."""

    path: str
    module: str
    qualname: str  # f, or Class.method

    @property
    def name(self) -> str:
        return self.qualname.rsplit(".", 1)[-1]


def new_test_nodes(changes: list[FileChange]) -> tuple[list[str], set[str]]:
    """The pytest node ids of the test functions the changes add, and the names those call."""
    nodes: list[str] = []
    called: set[str] = set()
    for change in changes:
        if change.after is None or not is_test_file(change.path):
            continue
        after = _parse(change.after)
        if after is None:
            continue
        before = _parse(change.before) if change.before is not None else None
        old = set(defined_tests(before, "::")) if before is not None else set()
        for node_id, function in defined_tests(after, "::").items():
            if node_id in old:
                continue
            nodes.append(f"{change.path}::{node_id}")
            for call in ast.walk(function):
                if isinstance(call, ast.Call):
                    func = call.func
                    if isinstance(func, ast.Name):
                        called.add(func.id)
                    elif isinstance(func, ast.Attribute):
                        called.add(func.attr)
    return nodes, called


def _parse(data: bytes | None) -> ast.Module | None:
    try:
        return ast.parse(data or b"")
    except (SyntaxError, ValueError):
        return None


def targets(root: Path, called: set[str], quoted: set[str]) -> list[Target]:
    """The project functions (module level, or methods) the new tests call, the ones the item
    quotes first; dunder methods and private helpers are left out."""
    found: list[Target] = []
    for path in python_modules(root, limit=400):
        if is_test_file(path) or PurePosixPath(path).name == "conftest.py" or path.startswith("tests/"):
            continue
        try:
            tree = ast.parse((root / path).read_text("utf-8"))
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            continue
        dotted = module_name(path.removeprefix("src/"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in called:
                found.append(Target(path, dotted, node.name))
            elif isinstance(node, ast.ClassDef):
                for child in node.body:
                    if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) and child.name in called:
                        found.append(Target(path, dotted, f"{node.name}.{child.name}"))
    found = [t for t in found if not t.name.startswith("_")]
    named = [t for t in found if t.name in quoted or t.qualname in quoted]
    return (named or found)[:MAX_TARGETS]


def mutant_check(
    workspace: Workspace, changes: list[FileChange], quoted: set[str], *, task_id: str, timeout: float
) -> Check:
    """Whether the new tests fail when a function they test returns None without running: for
    the functions the item quotes, each one; else at least one of those they call."""
    nodes, called = new_test_nodes(changes)
    root = workspace.root
    chosen = targets(root, called, quoted) if nodes else []
    if not chosen:
        return Check("mutants", True, "no project function the new tests call")
    base = pytest_argv(root)
    if base is None or not re.search(r"python[\d.]*$", PurePosixPath(base[0]).name):
        return Check("mutants", True, "not run: no Python with pytest for the project")
    named = any(t.name in quoted or t.qualname in quoted for t in chosen)
    survived: list[str] = []
    killed: list[str] = []
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    for target in chosen:
        argv = [base[0], "-c", RUNNER, target.module, target.qualname, *nodes]
        try:
            done = workspace.run_argv(argv, timeout=timeout, task_id=task_id, env=env)
        except subprocess.TimeoutExpired:
            return Check("mutants", True, f"not run: timed out after {timeout:g}s")
        except OSError as exc:  # no sandbox here (PermissionError), or Python cannot start
            return Check("mutants", True, f"not run: {exc.strerror or exc}")
        if done.returncode == 0:
            survived.append(target.qualname)
        elif done.returncode == 1:
            killed.append(target.qualname)
    if survived and (named or not killed):
        name = survived[0]
        return Check(
            "mutants",
            False,
            f"the new tests still pass when `{name}` returns None without running: they check nothing of "
            f"what it does. Assert on its results for given inputs (`assert {name.rsplit('.', 1)[-1]}(...) == "
            "<the value it must return>`)",
        )
    detail = ", ".join(f"`{name}`" for name in killed) or "none set up"
    return Check("mutants", True, f"the new tests fail when these return None: {detail}")


__all__ = ["MAX_TARGETS", "RUNNER", "Target", "mutant_check", "new_test_nodes", "targets"]
