"""The tests a step runs: the failing tests an item starts from, and the tests run before DONE is
accepted (aider's lint-and-test loop), as the next turn reads them."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

from ..tools import ToolResult
from .actions import Action, clip, record
from .assertions import wrong_result_focus
from .cli_runs import quoted_command, runnable_packages, sub_commands
from .journal import FileChange
from .validators import ActResult
from .verification import pytest_argv, tests_for


def test_files(paths: list[str]) -> list[str]:
    """The pytest files among paths (``test_*.py`` / ``*_test.py``)."""
    return [p for p in paths if re.search(r"(?:^|/)(?:test_[^/]*|[^/]*_test)\.py$", p)]


_FIXING = re.compile(r"\b(?:fix|repair|debug|failing|fails|broken)\b", re.IGNORECASE)
# pytest itself is missing from the interpreter the run tool uses: no failure the model can fix (a
# heldout run without the dev extras told the model "The tests fail: No module named pytest" after
# every write, and it wrote docs/notes.md to make them pass); verification says "not run" then too
_NO_PYTEST = re.compile(r"No module named pytest\b")


def pytest_missing(output: str) -> bool:
    """Whether a test run's output says pytest is not installed (the run said nothing of the code)."""
    return bool(_NO_PYTEST.search(output)) and "passed" not in output and "failed" not in output


def failing_tests(ctx: Any, result: ActResult, instruction: str, named: list[str]) -> str:
    """For an item about failing tests: the output of the test files it names (or of the whole
    suite when it names none), so the first turn starts from the failure, as a developer would."""
    if not _FIXING.search(instruction) or "run" not in ctx.workspace.enabled:
        return ""
    targets = [p for p in test_files(named) if (ctx.workspace.root / p).is_file()]
    if not targets and not re.search(r"\btests?\b", instruction, re.IGNORECASE):
        return ""  # "fix the typo in …" is no test failure: the whole suite costs minutes on a busy machine
    arguments = {"command": "python -m pytest -q -x " + " ".join(targets)}
    outcome = ctx.tool("run", arguments)
    record(result, Action("run", arguments), outcome)
    if not outcome.ok or outcome.output.startswith("exit code 0") or pytest_missing(outcome.output):
        return ""
    return clip(outcome.output)


# an item reporting a crash: "every command … now dies with `ValueError: day_kwh went down …`"
_CRASH = re.compile(r"\b\w+(?:Error|Exception)\b|\btraceback\b|\bcrash\w*|\bdies\b|\bblows up\b", re.IGNORECASE)
_FRAME = re.compile(r'^\s*File "([^"]+)", line (\d+), in (\S+)', re.MULTILINE)
CRASH_TIMEOUT = 30.0


def reproduced_crash(ctx: Any, result: ActResult, item_text: str) -> str:
    """For an item reporting that a command of the project crashes, and no test failing: the
    command run once (read-only, in the sandbox), its traceback — the project's frames also as
    ``path:line:`` lines, so the loop shows the file the crash is in. A developer reproduces a
    crash first (heldout14 fix-late-reading: "every command … now dies with `ValueError: …`", the
    model shown only the file list). Empty when nothing crashes or nothing can run."""
    workspace = ctx.workspace
    root: Path = workspace.root
    if "run" not in workspace.enabled or not _CRASH.search(item_text):
        return ""
    command = quoted_command(root, item_text)
    if command is None:
        packages = runnable_packages(root)
        if len(packages) != 1:
            return ""
        commands = sub_commands(root, packages[0])
        named = [c for c in commands if re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", item_text)]
        command = (packages[0], named[:1])
    base = pytest_argv(root)
    if base is None or not re.search(r"python[\d.]*$", Path(base[0]).name):
        return ""
    argv = [base[0], "-m", command[0], *command[1]]
    env = {"PYTHONDONTWRITEBYTECODE": "1", **({"PYTHONPATH": "src"} if (root / "src").is_dir() else {})}
    try:
        done = workspace.run_argv(argv, timeout=CRASH_TIMEOUT, task_id=ctx.item.id, env=env, writable=False)
    except (subprocess.TimeoutExpired, OSError):
        return ""
    output = done.stdout.decode("utf-8", "replace")
    if "Traceback (most recent call last)" not in output:
        return ""
    shown = " ".join(["python", *argv[1:]])
    record(result, Action("run", {"command": shown}), ToolResult(False, clip(output)))
    lines = [f"`{shown}` crashes:", *output[output.index("Traceback") :].splitlines()[-30:]]
    frames = []
    for path, number, function in _FRAME.findall(output):
        try:
            relative = Path(path).resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            continue  # a frame of the standard library or an installed package
        frames.append(f"{relative}:{number}: in {function}")
    # innermost first: the loop shows the first files these name, and the crash is where it was raised
    frames = [f for f in dict.fromkeys(reversed(frames)) if not f.split(":", 1)[0].endswith("__main__.py")]
    return clip("\n".join([*lines, "", *frames]))


def still_failing(output: str, focus: str = "") -> str:
    """The next turn for a fix written back unchanged: the failing lines of the test output (or
    the call, its wrong result and the function: assertions.wrong_result_focus)."""
    gist = [line for line in output.splitlines() if line.startswith((">", "E "))][:8]
    shown = focus or ("\n".join(gist) if gist else clip(output, 800))
    ask = "" if focus else "\nFind the line that gives the wrong result and write the definition with that line fixed."
    return f"Nothing changed: what you wrote is what the file already has, and the test still fails:\n{shown}{ask}"


# an item that asks for the test itself to change ("update the test for the new rounding")
_TEST_CHANGE_ASKED = re.compile(
    r"\b(?:update|change|edit|rewrite|adjust|correct|modify|delete|remove)\b[^.\n]{0,30}\btests?\b", re.IGNORECASE
)
_NEGATED = re.compile(r"\b(?:not|never|without|n't)\s*$", re.IGNORECASE)  # "do not change the test"
_FAILED_AT = re.compile(r"^([\w./-]+\.py):\d+:", re.MULTILINE)


def failing_test_files(root: Path, failing: str, item_text: str, modules: list[str]) -> dict[str, str]:
    """For a fix item: the test files its failing tests are in, each with the refusal a change to
    it gets — the failing test is what the code must pass, not what to change (Qwen2.5-Coder-1.5B
    on fix-failing-test, "the test is right", negated the failing assert and was ticked)."""
    asked = [m for m in _TEST_CHANGE_ASKED.finditer(item_text) if not _NEGATED.search(item_text[: m.start()])]
    if not failing or asked:
        return {}
    tests = [p for p in dict.fromkeys(_FAILED_AT.findall(failing)) if test_files([p]) and (root / p).is_file()]
    code = f" ({', '.join(modules)})" if modules else ""
    return {
        path: f"not written: {path} holds the failing test, and the task is to make the code pass it as it is: "
        f"change the code it calls{code}, not the test"
        for path in tests
    }


def test_kept(action: Action, root: Path, kept: dict[str, str]) -> str | None:
    """The refusal of a change to a failing test file (failing_test_files); the file written
    again as it is changes nothing and passes."""
    path = str(action.arguments.get("path") or "").strip()
    if path not in kept or action.tool not in ("write_file", "edit_file", "replace_identifier"):
        return None
    if action.tool == "write_file":
        try:
            if (root / path).read_text("utf-8") == action.arguments.get("content"):
                return None
        except (OSError, UnicodeDecodeError):
            pass
    return kept[path]


def test_feedback(ctx: Any, result: ActResult, changed: set[str], named: list[str]) -> str | None:
    """Run the test files the item names or the step changed (when ``run`` is enabled): None when
    they pass (or there are none), else the failure for the next turn."""
    if not changed or "run" not in ctx.workspace.enabled:
        return None
    root = ctx.workspace.root
    targets = [p for p in test_files(sorted({*named, *changed})) if (root / p).is_file()]
    # and the tests of the modules it changed (verification runs them too: a NameError the step
    # left in a module should be the next turn, not a failed item)
    targets += [p for p in _tests_of(root, sorted(changed)) if p not in targets]
    if not targets:
        return None
    # every failure, not the first (-x): a small model writing tests fixed one test per turn and
    # ran out of turns with the same mistake in the others (Qwen2.5-Coder-1.5B on test-inventory)
    arguments = {"command": "python -m pytest -q --tb=short " + " ".join(targets)}
    outcome = ctx.tool("run", arguments)
    record(result, Action("run", arguments), outcome)
    if outcome.ok and (outcome.output.startswith("exit code 0") or pytest_missing(outcome.output)):
        return None
    if test_files(sorted(changed)):
        hints = _call_hints(outcome.output)
    else:  # the code changed, the tests did not: a wrong result is the code's (assertions.py)
        focus = wrong_result_focus(root, outcome.output, [p for p in sorted(changed) if p.endswith(".py")])
        hints = f"\n\n{focus}" if focus else ""
    return f"The tests fail:\n{_failures(outcome.output) if outcome.ok else clip(outcome.error or '')}{hints}"


_MISSING_ARGUMENTS = re.compile(
    r"TypeError: ([A-Za-z_]\w*)\.__init__\(\) missing \d+ required (?:positional |keyword-only )?arguments?: (.+)$",
    re.MULTILINE,
)


def _call_hints(output: str) -> str:
    """For tests the step wrote that build a class without its required arguments: the line
    saying which to pass. Qwen2.5-Coder-1.5B read "Item.__init__() missing 1 required positional
    argument: 'reorder_level'" as a bug of `Item` and wrote the class into the test file
    (test-inventory, session 7 baseline)."""
    missing: dict[str, list[str]] = {}
    for match in _MISSING_ARGUMENTS.finditer(output):
        names = missing.setdefault(match.group(1), [])
        names += [n for n in re.findall(r"'(\w+)'", match.group(2)) if n not in names]
    return "".join(
        f"\nThe tests are wrong, not {cls}: every `{cls}(...)` in them must pass {', '.join(names)} too."
        for cls, names in missing.items()
    )


_FAILURE_HEADER = re.compile(r"^_{3,} (.+?) _{3,}$", re.MULTILINE)


def _failures(output: str) -> str:
    """pytest's output with the first failure whole and each other one as its name and error
    lines (the same mistake in six tests reads as six short lines, within the clip), then the
    summary line last."""
    heads = list(_FAILURE_HEADER.finditer(output))
    if len(heads) < 2:
        return clip(output)
    first = output[heads[0].start() : heads[1].start()].rstrip()
    others = []
    for index, head in enumerate(heads[1:], 1):
        end = heads[index + 1].start() if index + 1 < len(heads) else len(output)
        errors = [line for line in output[head.end() : end].splitlines() if line.startswith("E ")][:2]
        others.append(f"{head.group(1)}: " + " / ".join(e[1:].strip() for e in errors))
    summary = output.rstrip().splitlines()[-1]
    return "\n".join([clip(first, 900), "Also failing:", clip("\n".join(others), 500), summary])


def _tests_of(root: Path, paths: list[str]) -> list[str]:
    """The test files (``test_<stem>.py`` / ``<stem>_test.py`` anywhere in the project) of the
    non-test Python modules among paths."""
    changes = [FileChange(p, None, b"") for p in paths if p.endswith(".py") and not test_files([p])]
    if not changes:
        return []
    return [p for p in tests_for([], changes, root, mentions_tests=False) if test_files([p])]
