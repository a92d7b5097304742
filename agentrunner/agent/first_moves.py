"""Work the general loop does before it asks the model: what running the code can answer.

Two kinds of item are answered better by observing the project's tests run than by a small
model's guess (:mod:`agentrunner.agent.tracing`):

- type hints for a module: the types its functions are called with (:mod:`.typehints`);
- tests for a function: the calls the project's tests already make of it, as cases
  (:mod:`.observed_tests`).

A first move is a list of workspace writes. The loop applies them as it applies the model's, then
runs the same gate (parse, ``asked`` — mypy for hints, a new test function — and the tests): a move
the gate accepts finishes the step with no model call; a refused one is either kept for the model
to fix (hints: the mypy errors are usually a few lines) or undone (tests), and the loop goes on as
it would have. A move never decides an item the gate would not accept from the model.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .checks import _TYPE_HINTS, _named_modules, asks_for_new_tests, asks_for_tests_only
from .observed_tests import Written, target_of, test_module, tests_for
from .sources import python_modules
from .tracing import trace_module
from .typehints import annotate_module, functions
from .verification import is_test_file, module_name

TRACE_TIMEOUT = 240.0  # seconds for the traced test run (the project's whole suite, once)


@dataclass
class FirstMove:
    """Writes to make before the model's first turn, what they are (said in the result), and
    whether a refused move stays for the model to fix."""

    writes: list[tuple[str, str]]  # (path, content)
    summary: str
    keep_when_refused: bool
    notes: list[str] = field(default_factory=list)


def first_move(ctx: Any, instruction: str, writes: list[str]) -> FirstMove | None:
    """The move for this item, or None (the model works it from the start)."""
    workspace = ctx.workspace
    if not getattr(ctx, "first_moves", False) or "run" not in workspace.enabled:
        return None
    text = f"{instruction}\n{ctx.item.context}"
    root: Path = workspace.root
    if _TYPE_HINTS.search(instruction):
        return _hints_move(ctx, root, text)
    if asks_for_new_tests(text) and asks_for_tests_only(text):
        return _tests_move(ctx, root, text, writes)
    return None


def _project_modules(root: Path) -> list[str]:
    return [m for m in python_modules(root, limit=400) if not is_test_file(m) and not m.startswith("tests/")]


def _project_packages(root: Path) -> set[str]:
    return {module_name(m.removeprefix("src/")).split(".")[0] for m in _project_modules(root)}


def _hints_move(ctx: Any, root: Path, text: str) -> FirstMove | None:
    modules = [m for m in _named_modules(text) if (root / m).is_file()]
    if len(modules) != 1 or is_test_file(modules[0]):
        return None  # one module named: "add type hints to runlog/weekly.py"
    module = modules[0]
    trace = trace_module(ctx.workspace, module, task_id=ctx.item.id, timeout=TRACE_TIMEOUT)
    if trace is None or not trace.tests_passed:
        return None  # the tests must pass as they are for what they pass to mean anything
    named = set(named_words(text))  # "hints for `mean` in pkg/stats.py": that function only
    annotated = annotate_module(root, module, trace, _project_packages(root), named)
    if annotated is None:
        return None
    notes = [
        f"{name}: {', '.join(what)} not reached by the tests (annotated from the code)"
        for name, what in annotated.guessed.items()
    ]
    summary = (
        f"{module}: type hints for {len(annotated.annotated)} function(s), from the types the project's tests "
        "call them with"
    )
    return FirstMove([(module, annotated.text)], summary, keep_when_refused=True, notes=notes)


def _tests_move(ctx: Any, root: Path, text: str, writes: list[str]) -> FirstMove | None:
    targets_by_module = _named_functions(root, text)
    if len(targets_by_module) != 1:
        return None
    module, nodes = next(iter(targets_by_module.items()))
    outputs = [w for w in writes if is_test_file(w)]
    if len(outputs) != 1:
        return None
    output = outputs[0]
    trace = trace_module(ctx.workspace, module, task_id=ctx.item.id, timeout=TRACE_TIMEOUT)
    if trace is None or not trace.tests_passed:
        return None
    existing = _read(root / output)
    taken = _defined_names(existing)
    dotted = module_name(module.removeprefix("src/"))
    written: list[Written] = []
    for qualname, node, in_class in nodes:
        made = tests_for(target_of(dotted, qualname, node, in_class), trace.of(qualname), taken)
        if made is None:
            return None  # every function the item names is tested, or the model does it
        written.append(made)
        taken.update(re.findall(r"^def (\w+)", made.source, re.MULTILINE))
    names = ", ".join(f"`{q}`" for q, _, _ in nodes)
    header = (
        f"Tests of {names} ({module}): each case is a call the project's tests make, with the result it gives today."
    )
    content = test_module(written, existing, header)
    cases = sum(w.cases + w.raising for w in written)
    summary = f"{output}: {cases} test case(s) of {names}, from the calls the project's tests make of it"
    return FirstMove([(output, content)], summary, keep_when_refused=False)


def _read(path: Path) -> str | None:
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _defined_names(source: str | None) -> set[str]:
    if not source:
        return set()
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)}


def _named_functions(
    root: Path, text: str
) -> dict[str, list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef, bool]]]:
    """The project functions the item names (``parse_duration``, ``Cls.method``), by module."""
    words = [w for w in named_words(text) if not w.isupper() and len(w) > 2]
    named_modules = {m for m in _named_modules(text)}
    found: dict[str, list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef, bool]]] = {}
    for module in _project_modules(root):
        if named_modules and module not in named_modules and not any(m.endswith(module) for m in named_modules):
            continue
        try:
            tree = ast.parse((root / module).read_text("utf-8"))
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            continue
        for qualname, node, in_class in functions(tree):
            if "<locals>" in qualname or node.name.startswith("_"):
                continue
            if node.name in words or qualname in words:
                found.setdefault(module, []).append((qualname, node, in_class))
    return found


# a function the item names: in backticks (`parse_duration`, `Run.pace()`), or a bare name that is
# plainly code (snake_case with an underscore, or followed by "()")
_QUOTED = re.compile(r"`([A-Za-z_][\w.]*)(?:\(\))?`")
_BARE = re.compile(r"(?<![\w.`/])([A-Za-z_]\w*_\w+|[A-Za-z_]\w*(?=\(\)))(?![\w`/])")


def named_words(text: str) -> list[str]:
    """The names an item gives for code: each part of a dotted name too (`Run.pace` → Run, pace)."""
    words: list[str] = []
    for token in [*_QUOTED.findall(text), *_BARE.findall(text)]:
        if token.endswith((".py", ".md")):
            continue
        for part in [token, *token.split(".")]:
            if part and part not in words:
                words.append(part)
    return words


__all__ = ["FirstMove", "first_move", "named_words"]
