"""Helpers for the chores' `check` scripts (not a chore: this folder has no item.md).

A check runs in the chore's copy of the project (the current directory), which is a git
repository whose one commit is the project after the chore's `setup`. `fail` prints one
line starting with ``FAIL:`` and exits 1; a check that reaches its end exits 0.
"""

from __future__ import annotations

import ast
import atexit
import csv  # noqa: F401 - for the checks (they import * from here)
import importlib
import inspect  # noqa: F401
import json  # noqa: F401
import os
import re  # noqa: F401
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import NoReturn

ROOT = Path.cwd()
# The runner's own files in the copy: the to-do file and its result files.
IGNORED_PREFIXES = ("tasks/",)


def fail(message: str) -> NoReturn:
    print(f"FAIL: {message}")
    sys.exit(1)


_TEMP_DIRS: list[Path] = []


def temp_dir(prefix: str = "chore-") -> Path:
    """A new temporary folder, removed when the check exits."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    _TEMP_DIRS.append(folder)
    return folder


@atexit.register
def _remove_temp_dirs() -> None:
    for folder in _TEMP_DIRS:
        shutil.rmtree(folder, ignore_errors=True)


def git(*args: str) -> str:
    result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        fail(f"git {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout


def changed_files() -> set[str]:
    """Files modified, deleted or created since the commit (untracked included, ignores excluded)."""
    out = git("status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames")
    paths = set()
    for entry in out.split("\0"):
        if len(entry) > 3:
            path = entry[3:]
            if not path.startswith(IGNORED_PREFIXES):
                paths.add(path)
    return paths


def only_changed(allowed: Iterable[str], *, required: Iterable[str] = ()) -> None:
    """Fail if a file outside ``allowed`` changed, or a ``required`` file did not."""
    changed = changed_files()
    extra = sorted(changed - set(allowed))
    if extra:
        fail(f"files changed that the chore does not touch: {', '.join(extra)}")
    missing = sorted(set(required) - changed)
    if missing:
        fail(f"not changed: {', '.join(missing)}")


def original(path: str) -> str:
    """The file as committed (after setup)."""
    return git("show", f"HEAD:{path}")


def read(path: str) -> str:
    file = ROOT / path
    if not file.is_file():
        fail(f"{path}: missing")
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        fail(f"{path}: not UTF-8")


def parse(path: str) -> ast.Module:
    try:
        return ast.parse(read(path), filename=path)
    except SyntaxError as exc:
        fail(f"{path}:{exc.lineno}: does not parse: {exc.msg}")


def toml(path: str) -> dict:
    try:
        return tomllib.loads(read(path))
    except tomllib.TOMLDecodeError as exc:
        fail(f"{path}: invalid TOML: {exc}")


def function(tree: ast.Module, name: str) -> ast.FunctionDef:
    """A top-level function (or, with ``Class.name``, a method)."""
    scope: list[ast.stmt] = tree.body
    *owners, last = name.split(".")
    for owner in owners:
        found = [n for n in scope if isinstance(n, ast.ClassDef) and n.name == owner]
        if not found:
            fail(f"class {owner} not found")
        scope = found[0].body
    for node in scope:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == last:
            return node  # type: ignore[return-value]
    fail(f"function {name} not found")


def docstring_free(node: ast.AST) -> ast.AST:
    """A copy without docstrings (module, classes, functions)."""
    node = ast.parse(ast.unparse(node))
    for sub in ast.walk(node):
        if isinstance(sub, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = sub.body
            first = body[0] if body else None
            value = first.value if isinstance(first, ast.Expr) else None
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                sub.body = body[1:] or [ast.Pass()]
    return node


def annotation_free(node: ast.AST) -> ast.AST:
    """A copy without annotations (arguments, returns; annotated assignments become plain ones)."""
    node = ast.parse(ast.unparse(node))

    class Strip(ast.NodeTransformer):
        def visit_arg(self, arg: ast.arg) -> ast.arg:
            arg.annotation = None
            return arg

        def visit_FunctionDef(self, fn: ast.FunctionDef) -> ast.FunctionDef:
            fn.returns = None
            self.generic_visit(fn)
            return fn

        def visit_AnnAssign(self, stmt: ast.AnnAssign) -> ast.stmt | None:
            if stmt.value is None:
                return None
            return ast.Assign(targets=[stmt.target], value=stmt.value, lineno=stmt.lineno)

    tree = Strip().visit(node)
    # Imports only needed for annotations (typing, collections.abc, models) do not count.
    if isinstance(tree, ast.Module):
        tree.body = [s for s in tree.body if not isinstance(s, ast.Import | ast.ImportFrom) and not _type_checking(s)]
    return ast.parse(ast.unparse(tree))


def _type_checking(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.If) and "TYPE_CHECKING" in ast.unparse(stmt.test)


def head_tree() -> Path:
    """The committed project (after setup) extracted into a new temporary folder."""
    folder = temp_dir("chore-head-")
    archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def pytest_in(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run pytest in another folder (a mutated copy); returns the result, never fails the check."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )


def mutant(files: dict[str, tuple[str, str]]) -> Path:
    """The copy as it is now, in a temporary folder, with ``old`` replaced by ``new`` in each file."""
    folder = temp_dir("chore-mutant-")
    shutil.copytree(ROOT, folder, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".git", "__pycache__", "tasks"))
    for path, (old, new) in files.items():
        text = (folder / path).read_text(encoding="utf-8")
        if old not in text:
            raise AssertionError(f"mutation target not in {path}: {old!r}")
        (folder / path).write_text(text.replace(old, new), encoding="utf-8")
    return folder


def same_code(a: ast.AST, b: ast.AST) -> bool:
    return ast.dump(ast.parse(ast.unparse(a))) == ast.dump(ast.parse(ast.unparse(b)))


def tests_pass(*args: str) -> str:
    """Run the project's tests; fail with the summary when they do not all pass."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    if result.returncode != 0:
        tail = " | ".join(line for line in result.stdout.strip().splitlines()[-3:])
        fail(f"the tests do not pass: {tail}")
    return result.stdout


def run_python(code: str, *, expect_ok: bool = True) -> subprocess.CompletedProcess[str]:
    """Run a Python snippet in a fresh interpreter in the copy (imports the project as it is now)."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(ROOT)},
    )
    if expect_ok and result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        fail(f"python snippet failed: {lines[-1] if lines else result.returncode}")
    return result


def module(name: str) -> ModuleType:
    """Import a project module as it is now."""
    sys.dont_write_bytecode = True
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    try:
        return importlib.import_module(name)
    except Exception as exc:  # any import-time error is the chore's failure
        fail(f"import {name}: {type(exc).__name__}: {exc}")


def lines_kept(path: str) -> None:
    """Every line of the original file is still there, in order (lines may only be added)."""
    old = original(path).splitlines()
    new = read(path).splitlines()
    it = iter(new)
    for line in old:
        if not any(line == candidate for candidate in it):
            fail(f"{path}: the existing line {line!r} was changed or removed")


def ok(message: str = "ok") -> NoReturn:
    print(message)
    sys.exit(0)
