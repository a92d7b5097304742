"""Work the general loop does before it asks the model: what running the code can answer.

- Type hints for a module are answered better by observing the project's tests run than by a
  small model's guess (:mod:`agentrunner.agent.tracing`, :mod:`agentrunner.agent.typehints`): the
  types each function is really called with. Qwen2.5-Coder-1.5B's own hints failed mypy in five of
  the seven held-out suites.
- A ``--json`` option for a command that prints a table: the model names each field's expression,
  code writes the option, the branch and the import (:mod:`agentrunner.agent.json_option`).
- A filter option taking a field as the data spells it: the project's own reader of the field's
  spellings, and the option, its guard and the import written by code
  (:mod:`agentrunner.agent.filter_option`).
- Tests for a function: the model picks the calls (one short reply, maybe a second), running them
  gives the values to pin, and they are kept only when they run every statement of the function
  and catch its mutants (:mod:`agentrunner.agent.pinned_tests`). The model computing expected
  values in its head was what failed.
- A bug the item shows by a command's output, with the value it should print: every one-token
  edit of the functions the command runs is tried in memory, and the one whose output shows the
  item's right value and keeps the project's tests passing is the fix
  (:mod:`agentrunner.agent.repair_search`). Qwen found none of ten such bugs blind.

A first move is a list of workspace writes. The loop applies them as it applies the model's, then
runs the same gate (parse, ``asked`` — for hints: every parameter and return annotated, mypy
clean —, the new tests and their ``mutants`` check, the project's tests): a move the gate accepts
finishes the step; a refused hints move is kept for the model to fix (the mypy errors are usually
a few lines), with the gate's words in its first prompt; a refused tests move is undone. A move
never decides an item the gate would not accept from the model.

Tried and dropped: tests from the calls the project's tests make of the function (each call a
pinned case). On the nine test-writing chores of the benchmark suites it made 6 ticks, of which 4
were wrong — the observed calls miss the edge cases a reviewer's tests must hold (a negative
amount, the end of a shorter month), and the ``mutants`` check (the function returning None) does
not see that. The mutants of :mod:`.pinned_tests` (a ``min`` guard dropped …) do.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..chat import ChatRequest, Message
from .checks import (
    asks_for_new_tests,
    asks_for_tests_only,
    asks_for_type_hints,
    mypy_output,
    named_modules,
    named_words,
)
from .filter_option import filter_option_writes
from .json_option import json_option_writes
from .pinned_tests import (
    Run,
    asks_about_errors,
    boundary_calls,
    calls_in,
    calls_prompt,
    data_calls,
    example_calls,
    find_target,
    listed_calls,
    member_calls,
    more_calls_prompt,
    one_of_each_shape,
    pinned_tests,
    run_calls,
)
from .repair_search import repair_search
from .sources import modules_named, python_modules
from .tracing import trace_module
from .typehints import annotate_module, widened
from .verification import is_test_file, module_name

TRACE_TIMEOUT = 240.0  # seconds for the traced test run (the project's whole suite, once)
CALLS_TIMEOUT = 120.0  # seconds for making the model's calls (and the mutants') once
CALLS_MAX_TOKENS = 400  # the model's reply: a dozen one-line calls
CALLS_PER_TRY = 16  # a model that writes forty calls is repeating itself: its first sixteen
CALLS_TRIES = 2  # the model's first calls, then once more with the lines and mutants they missed


@dataclass
class FirstMove:
    """Writes to make before the model's first turn, what they are (said in the result), and
    whether a refused move stays for the model to fix."""

    writes: list[tuple[str, str]]  # (path, content)
    summary: str
    keep_when_refused: bool
    notes: list[str] = field(default_factory=list)
    # a refused move's own fix: (a written file's content, the gate's words) → the content again, or None
    repair: Callable[[str, str], str | None] | None = None


def first_move(ctx: Any, instruction: str, writes: list[str]) -> FirstMove | None:
    """The move for this item, or None (the model works it from the start)."""
    workspace = ctx.workspace
    if not getattr(ctx, "first_moves", False) or "run" not in workspace.enabled:
        return None
    text = f"{instruction}\n{ctx.item.context}"
    root: Path = workspace.root
    if asks_for_type_hints(instruction):
        return _hints_move(ctx, root, text)
    json_option = json_option_writes(ctx, root, instruction, text)
    if json_option is not None:
        path, content, summary, repair = json_option
        return FirstMove([(path, content)], summary, keep_when_refused=True, repair=repair)
    filter_option = filter_option_writes(root, instruction, text)
    if filter_option is not None:
        return FirstMove([(filter_option.path, filter_option.content)], filter_option.summary, keep_when_refused=False)
    if asks_for_new_tests(text) and asks_for_tests_only(text):
        return _tests_move(ctx, root, text, writes)
    try:
        fix = repair_search(workspace, text, task_id=ctx.item.id)
    except Exception:  # a search that trips on some project's code is no move: the model works the item
        fix = None
    if fix is not None:
        return FirstMove([(fix.path, fix.content)], fix.summary, keep_when_refused=False)
    return None


def _project_modules(root: Path) -> list[str]:
    return [m for m in python_modules(root, limit=400) if not is_test_file(m) and not m.startswith("tests/")]


def _project_packages(root: Path) -> set[str]:
    return {module_name(m.removeprefix("src/")).split(".")[0] for m in _project_modules(root)}


# other work an item asks for beside the hints ("type hints and docstrings for …"): the move would do
# part of the item, and a gate that does not know the other part could tick it
_OTHER_WORK = re.compile(
    r"\b(?:docstrings?|rename\w*|fix\w*|refactor\w*|changelog|readme|logg\w*|validat\w*|options?|flags?|"
    r"(?:add|write)\w*\b[^.;\n]{0,30}\btests?)\b",
    re.IGNORECASE,
)


def _hints_move(ctx: Any, root: Path, text: str) -> FirstMove | None:
    if _OTHER_WORK.search(text):
        return None
    modules = [m for m in named_modules(text) if (root / m).is_file()] or modules_named(root, text)
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

    def repair(content: str, feedback: str) -> str | None:
        # mypy's own report when the gate refused the hints for something else first ("the item
        # says no `Any`": heldout26 chemistry-strict-types' `today: date = None` was never widened)
        report = feedback if ": error: " in feedback else mypy_output(root, [module])
        return widened(content, report) if report else None

    return FirstMove([(module, annotated.text)], summary, keep_when_refused=True, notes=notes, repair=repair)


def _tests_move(ctx: Any, root: Path, text: str, writes: list[str]) -> FirstMove | None:
    """Tests of the one function the item names: the model picks the calls, running them pins the
    expected values (:mod:`agentrunner.agent.pinned_tests`)."""
    named = [m for m in named_modules(text) if (root / m).is_file() and not is_test_file(m)]
    target = find_target(root, named or _project_modules(root), named_words(text))
    outputs = [w for w in writes if is_test_file(w)]
    if target is None or len(outputs) > 1:
        return None
    output = outputs[0] if outputs else f"tests/test_{target.name}.py"
    if not (root / output).parent.is_dir():
        return None
    messages = [
        Message(role="system", content="You pick the calls a careful tester makes of a Python function."),
        Message(role="user", content=calls_prompt(target, text)),
    ]
    calls: list[str] = example_calls(target, text)  # the item's own "G4ABC → G4": run whatever the model adds
    listed = listed_calls(target, text)  # "times as 11:15, 9h30, 45 min": each one pinned
    data = data_calls(root, target, text)
    # and the spellings a constant it looks its input up in holds, and the data's ways of writing a value
    listed += [call for call in [*member_calls(target), *one_of_each_shape(data)] if call not in listed]
    calls += [call for call in [*listed, *data] if call not in calls]
    longest = max((len(text) for call in calls for text in _texts(call)), default=0)
    bounds: list[str] = []
    run: Run | None = None
    for _ in range(CALLS_TRIES):
        response = ctx.call(ChatRequest(messages=messages, max_tokens=CALLS_MAX_TOKENS, temperature=0.0))
        calls += [
            call for call in calls_in(response.text, target.name) if call not in calls and not _runaway(call, longest)
        ][:CALLS_PER_TRY]
        if run is None:  # after the model's first calls: the function's own boundaries, by code
            bounds = boundary_calls(target, calls)
            calls += bounds
        run = run_calls(ctx.workspace, target, calls, task_id=ctx.item.id, timeout=CALLS_TIMEOUT)
        if run is not None:
            run.errors_asked = asks_about_errors(text)
            run.bounds_straddled = bool(bounds)
            run.listed = set(listed)
        if run is None or run.error is not None or run.enough:
            break
        messages += [
            Message(role="assistant", content=response.text),
            Message(role="user", content=more_calls_prompt(target, run)),
        ]
    if run is None or not run.enough:
        return None  # the model works the item as before
    existing = (root / output).read_text(encoding="utf-8") if (root / output).is_file() else None
    taken = set(re.findall(r"^\s*def (test\w*)", existing or "", re.MULTILINE))
    written = pinned_tests(target, run, taken)
    summary = (
        f"{output}: tests of `{target.name}` — {written.returning} call(s) with the value each returns and "
        f"{written.raising} it rejects, covering every line of it and {run.mutants - len(run.survived)} of "
        f"{run.mutants} small wrong versions of it"
    )
    return FirstMove([(output, written.file_text(target, existing))], summary, keep_when_refused=False)


def _texts(call: str) -> list[str]:
    """The string literals a call passes."""
    try:
        node = ast.parse(call, mode="eval").body
    except SyntaxError:
        return []
    return [a.value for a in getattr(node, "args", []) if isinstance(a, ast.Constant) and isinstance(a.value, str)]


def _runaway(call: str, longest: int) -> bool:
    """A text twice as long as any the item or the data gives (and over a dozen characters): the model
    repeating one call with ever more on it — `parse_duration("1h20:30:40:50:60:…")` sixteen times
    over crowded out the boundary calls that catch the mutants (heldout38 duration-tests, blind)."""
    return bool(longest) and any(len(text) > max(2 * longest, 12) for text in _texts(call))


__all__ = ["FirstMove", "first_move"]
