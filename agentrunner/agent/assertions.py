"""What a failing test's ``assert`` says about one call: the call, what it returned, what the test
expects — read from pytest's output — and the fix prompt built on it (issue 12).

Shown a failing test's whole output and the module under test, Qwen2.5-Coder-1.5B wrote the failing
function back unchanged, turn after turn (fix-ci-currency, fix-failing-test, sessions 4–6). Put as
"`f(x)` returns A, but the test expects B" next to f's own lines, with the ask to change the one
line that gives the wrong result, the model has one thing to compare and one line to write.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

MAX_FOCUS_LINES = 30  # a longer function is not repeated next to the failure (its module is shown)
_WHERE = re.compile(r"^E\s+\+\s+where (.+?) = ([A-Za-z_][\w.]*\(.*\))\s*$")
_ASSERTION = re.compile(r"^E\s+(?:AssertionError: )?")


@dataclass
class WrongResult:
    """A failing ``assert`` on what one call returns."""

    function: str  # the name called (a method: its attribute name)
    call: str  # the call, with its arguments as pytest evaluated them when it shows them
    got: str
    expected: str


def called_name(node: ast.expr) -> str | None:
    """The name a call calls (a method: its attribute), or None for no call."""
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name):
            return node.func.id
        if isinstance(node.func, ast.Attribute):
            return node.func.attr
    return None


def _error_lines(lines: list[str], start: int) -> list[str]:
    """pytest's ``E`` lines after the failing (``>``) line at ``start``."""
    errors: list[str] = []
    for line in lines[start + 1 :]:
        if line.startswith("E"):
            errors.append(line)
        elif errors:
            break
    return errors


def _compared(errors: list[str]) -> tuple[str, str] | None:
    """The two sides of pytest's ``assert A == B`` line, as pytest wrote them."""
    shown = next((e for e in errors if re.match(r"^E\s+(?:AssertionError: )?assert ", e)), "")
    source = _ASSERTION.sub("", shown).strip()
    try:
        statement = ast.parse(source).body[0]
    except (SyntaxError, IndexError):
        return None  # a value pytest cut short ("[1, 2, ...]") does not parse
    if not isinstance(statement, ast.Assert) or not isinstance(statement.test, ast.Compare):
        return None
    left = ast.get_source_segment(source, statement.test.left)
    right = ast.get_source_segment(source, statement.test.comparators[0])
    return (left, right) if left is not None and right is not None else None


def wrong_result(output: str) -> WrongResult | None:
    """The first failure of pytest's output when it asserts one call's result (``assert f(x) == y``,
    ``assert f(x)``, ``assert not f(x)``); None for any other failure."""
    lines = output.splitlines()
    # the failing line is the one before pytest's first ``E`` line: marked ``>`` in the long
    # traceback, indented under ``path:N: in test`` in the short one (--tb=short)
    first_error = next((i for i, line in enumerate(lines) if line.startswith("E ")), None)
    if not first_error:
        return None
    start = first_error - 1
    failing = lines[start].lstrip(">").strip()
    try:
        statement = ast.parse(failing).body[0] if failing.startswith("assert ") else None
    except (SyntaxError, IndexError):
        return None
    if not isinstance(statement, ast.Assert):
        return None
    errors = _error_lines(lines, start)
    test = statement.test
    negated = isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
    inner = test.operand if isinstance(test, ast.UnaryOp) and negated else test
    if isinstance(inner, ast.Compare) and not negated and [type(op) for op in inner.ops] == [ast.Eq]:
        call_node, on_left = (inner.left, True) if called_name(inner.left) else (inner.comparators[0], False)
        compared = _compared(errors)
        if called_name(call_node) is None or compared is None:
            return None
        got, expected = compared if on_left else compared[::-1]
    elif called_name(inner) is not None:
        call_node = inner
        got, expected = ("True", "False") if negated else ("False", "True")
    else:
        return None
    name = called_name(call_node) or ""
    call = ast.get_source_segment(failing, call_node) or name
    for match in filter(None, (_WHERE.match(line) for line in errors)):
        if re.match(rf"(?:[\w.]+\.)?{re.escape(name)}\(", match.group(2)):
            call = match.group(2)  # the arguments' values, not the test's expressions
            if got in ("False", "True") and match.group(1) != got:
                got, expected = match.group(1), "a false value" if negated else "a true value"
            break
    return WrongResult(name, call, got, expected)


def numbered_definition(root: Path, paths: list[str], name: str) -> tuple[str, str] | None:
    """The path and numbered lines of the function or method ``name`` in the first of paths that
    defines it (None when none does, or it is longer than MAX_FOCUS_LINES)."""
    for path in paths:
        try:
            text = (root / path).read_text("utf-8")
            tree = ast.parse(text)
        except (OSError, UnicodeDecodeError, SyntaxError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                last = node.end_lineno or node.lineno
                if last - first + 1 > MAX_FOCUS_LINES:
                    return None
                lines = text.splitlines()[first - 1 : last]
                return path, "\n".join(f"{n:>4}\t{line}" for n, line in enumerate(lines, first))
    return None


def focus_text(found: WrongResult, path: str, numbered: str) -> str:
    return (
        f"`{found.call}` returns {found.got}, but the test expects {found.expected}.\n"
        f"{found.function} in {path}:\n{numbered}\n"
        f"Find the line of {found.function} that gives the wrong result. Write an edit block for {path} "
        "that changes only that line: SEARCH the line as it is, REPLACE it with the line fixed."
    )


def wrong_result_focus(root: Path, output: str, modules: list[str]) -> str:
    """For pytest's output whose first failure asserts what one function of ``modules`` returns:
    the call, what it returned and what the test expects, the function's lines, and the ask to
    change its one wrong line ("" for any other failure)."""
    found = wrong_result(output)
    defined = numbered_definition(root, modules, found.function) if found else None
    if found is None or defined is None:
        return ""
    return focus_text(found, *defined)


# the worked example a fix item is shown instead of the usual one: a small model copies the form
# of the example's answer, and a definition written whole is what it wrote back unchanged
FIX_EXAMPLE_TASK = (
    "Task: `tests/test_hello.py` fails: fix the code, not the test\n\n"
    "hello.py (line numbers are not part of the file):\n"
    '   1\tdef greet(name):\n   2\t    return "Hello " + name\n\n'
    'The tests fail now:\n>       assert greet("Ann") == "Hi Ann"\n'
    "E       AssertionError: assert 'Hello Ann' == 'Hi Ann'\n\n"
    + focus_text(
        WrongResult("greet", 'greet("Ann")', "'Hello Ann'", "'Hi Ann'"),
        "hello.py",
        '   1\tdef greet(name):\n   2\t    return "Hello " + name',
    )
    + "\n\nWrite your actions now."
)
FIX_EXAMPLE_ANSWER = (
    'hello.py\n<<<<<<< SEARCH\n    return "Hello " + name\n=======\n    return "Hi " + name\n>>>>>>> REPLACE\n'
    "DONE greet says Hi"
)
