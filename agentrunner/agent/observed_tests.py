"""Tests for a function from the calls the project's own tests make of it (characterisation tests).

"``parse_duration`` has no tests of its own; write some" — a 1.5B model often writes no test
function at all (held-out test-add-months, test-late-penalty, test-parse-duration). The function
is usually called already, through the code the project's tests do test; the trace
(:mod:`agentrunner.agent.tracing`) records those calls with their arguments and results as literals.
Each call whose arguments and result are literals becomes a case of a parametrised test that
asserts the result (``pytest.approx`` for a float); each call that raised, a ``pytest.raises`` case.
The tests pin what the function does today, as the project's tests exercise it; the verification
then runs them and plants a mutant (:mod:`agentrunner.agent.mutants`) as for any new test.

Nothing is made when no such call was seen, when every result is ``None`` (the function works by
side effect: a pinned ``None`` tests nothing), or when a case depends on a temporary file.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from .tracing import Call, Literal

MAX_CASES = 8  # returning cases per function
MAX_RAISING = 3
_TEMPORARY = re.compile(r"/tmp/|pytest-of-|PosixPath\(|WindowsPath\(|<")


@dataclass(frozen=True)
class Target:
    """A function to test: its module (dotted), qualified name, parameters and how it is called."""

    module: str
    qualname: str  # f or Cls.m
    positional: tuple[str, ...]  # parameters passed by position (self/cls included for methods)
    keyword: tuple[str, ...]  # keyword-only parameters
    kind: str  # "function", "method", "classmethod" or "staticmethod"

    @property
    def name(self) -> str:
        return self.qualname.rsplit(".", 1)[-1]

    @property
    def imported(self) -> str:
        return self.qualname.split(".", 1)[0]


def target_of(module: str, qualname: str, node: ast.FunctionDef | ast.AsyncFunctionDef, in_class: bool) -> Target:
    decorators = {d.id for d in node.decorator_list if isinstance(d, ast.Name)}
    kind = "function"
    if in_class:
        kind = (
            "staticmethod"
            if "staticmethod" in decorators
            else "classmethod"
            if "classmethod" in decorators
            else "method"
        )
    arguments = node.args
    positional = tuple(a.arg for a in [*arguments.posonlyargs, *arguments.args])
    return Target(module, qualname, positional, tuple(a.arg for a in arguments.kwonlyargs), kind)


@dataclass
class Case:
    values: list[Literal]  # the instance (methods) and each argument, in call order
    expected: Literal | None  # None: it raised
    raises: tuple[str, str] | None = None


def _cases(target: Target, calls: list[Call]) -> tuple[list[Case], list[Case]]:
    passed = [*target.positional, *target.keyword]
    if target.kind == "classmethod":
        passed = passed[1:]
    returning: list[Case] = []
    raising: list[Case] = []
    seen: set[tuple[str, ...]] = set()
    for call in calls:
        values = [call.args.get(name) for name in passed]
        if any(v is None or _TEMPORARY.search(v.text) for v in values):
            continue
        literals = [v for v in values if v is not None]
        key = tuple(v.text for v in literals)
        if key in seen:
            continue
        if call.raises is not None and len(raising) < MAX_RAISING:
            seen.add(key)
            raising.append(Case(literals, None, call.raises))
        elif call.result is not None and not _TEMPORARY.search(call.result.text) and len(returning) < MAX_CASES:
            seen.add(key)
            returning.append(Case(literals, call.result))
    if returning and all(case.expected is not None and case.expected.text == "None" for case in returning):
        returning = []  # works by side effect: None pins nothing
    return returning, raising


def _parameter_names(target: Target, taken: set[str]) -> list[str]:
    names = [*target.positional, *target.keyword]
    if target.kind == "classmethod":
        names = names[1:]
    if target.kind == "method" and names:
        names[0] = "instance" if "instance" not in names[1:] else "obj"
    return [name if name not in taken else f"{name}_" for name in names]


def _call_text(target: Target, names: list[str]) -> str:
    positional = len(target.positional) - (1 if target.kind == "classmethod" else 0)
    args = [*names[:positional], *(f"{k}={n}" for k, n in zip(target.keyword, names[positional:], strict=True))]
    if target.kind == "method":
        return f"{args[0]}.{target.name}({', '.join(args[1:])})"
    return f"{target.qualname}({', '.join(args)})"


def _row(values: list[str]) -> str:
    return values[0] if len(values) == 1 else f"({', '.join(values)})"


def _numeric(cases: list[Case]) -> bool:
    return all(
        c.expected is not None and re.fullmatch(r"-?\d+(?:\.\d*)?(?:e[-+]?\d+)?", c.expected.text) for c in cases
    ) and any(c.expected is not None and re.search(r"[.e]", c.expected.text) for c in cases)


@dataclass
class Written:
    """The tests for one function: the test functions' source and the imports they need."""

    source: str
    imports: list[str]  # import lines
    cases: int
    raising: int


def tests_for(target: Target, calls: list[Call], taken: set[str]) -> Written | None:
    """Test functions for ``target`` from its observed calls (None without a usable call).
    ``taken``: names already defined in the test file (a new test does not shadow one)."""
    returning, raising = _cases(target, calls)
    if not returning:
        return None  # a test of only the errors it raises pins too little
    imports: dict[str, set[str]] = {target.module: {target.imported}}
    plain: set[str] = {"pytest"}
    for case in [*returning, *raising]:
        for literal in [*case.values, *([case.expected] if case.expected else [])]:
            for name, where in literal.names.items():
                if where[0] == "module":
                    plain.add(where[1] if where[1] == name else f"{where[1]} as {name}")
                elif len(where) == 3 and where[1] and where[2] == name and not where[1].startswith("_"):
                    imports.setdefault(where[1], set()).add(name)
                else:
                    return None  # a name the test could not import
    for case in raising:
        module, name = case.raises or ("", "")
        if module != "builtins":
            if "." in name or module.startswith("_"):
                return None
            imports.setdefault(module, set()).add(name)
    names = _parameter_names(target, {"expected"})
    function = f"test_{target.name}"
    suffix = 2
    while function in taken or f"{function}_raises" in taken:
        function, suffix = f"test_{target.name}_{suffix}", suffix + 1
    approx = _numeric(returning)
    expected = "pytest.approx(expected)" if approx else "expected"
    lines = [
        "@pytest.mark.parametrize(",
        f"    ({', '.join(repr(n) for n in [*names, 'expected'])}),",
        "    [",
        *(
            f"        {_row([v.text for v in case.values] + [case.expected.text if case.expected else 'None'])},"
            for case in returning
        ),
        "    ],",
        ")",
        f"def {function}({', '.join([*names, 'expected'])}):",
        f"    assert {_call_text(target, names)} == {expected}",
    ]
    if raising:
        by_error: dict[str, list[Case]] = {}
        for case in raising:
            module, name = case.raises or ("builtins", "Exception")
            by_error.setdefault(name, []).append(case)
        for error, cases in by_error.items():
            test = f"{function}_raises" if len(by_error) == 1 else f"{function}_raises_{_snake(error)}"
            parameters = ", ".join(repr(n) for n in names)
            header = f"({parameters})" if len(names) > 1 else parameters
            lines += [
                "",
                "",
                "@pytest.mark.parametrize(",
                f"    {header},",
                f"    [{', '.join(_row([v.text for v in case.values]) for case in cases)}],",
                ")",
                f"def {test}({', '.join(names)}):",
                f"    with pytest.raises({error}):",
                f"        {_call_text(target, names)}",
            ]
    import_lines = [f"import {name}" for name in sorted(plain)]
    import_lines += [f"from {module} import {', '.join(sorted(found))}" for module, found in sorted(imports.items())]
    return Written("\n".join(lines) + "\n", import_lines, len(returning), len(raising))


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def test_module(written: list[Written], existing: str | None, header: str) -> str:
    """The test file: ``existing`` with the tests appended and their imports added after its
    own, or a new file starting with ``header`` (a docstring)."""
    needed = list(dict.fromkeys(line for w in written for line in w.imports))
    bodies = "\n\n".join(w.source for w in written)
    if existing is None or not existing.strip():
        stdlib = [line for line in needed if line == "import pytest" or line.startswith("import ")]
        rest = [line for line in needed if line not in stdlib]
        top = "\n".join(stdlib) + ("\n\n" + "\n".join(rest) if rest else "")
        return f'"""{header}"""\n\n{top}\n\n\n{bodies}'
    tree = ast.parse(existing)
    present = {ast.unparse(node) for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)}
    missing = [line for line in needed if line not in present and not _imported(tree, line)]
    lines = existing.splitlines(keepends=True)
    imports = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    at = imports[-1].end_lineno or 0 if imports else 0
    if missing:
        lines[at:at] = [line + "\n" for line in missing]
    text = "".join(lines).rstrip("\n")
    return f"{text}\n\n\n{bodies}"


def _imported(tree: ast.Module, line: str) -> bool:
    """Whether the names ``line`` imports are imported already (maybe with others on the line)."""
    wanted = ast.parse(line).body[0]
    have: set[tuple[str, str]] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            have.update((node.module or "", alias.asname or alias.name) for alias in node.names)
        elif isinstance(node, ast.Import):
            have.update(("", alias.asname or alias.name) for alias in node.names)
    if isinstance(wanted, ast.ImportFrom):
        return all((wanted.module or "", alias.asname or alias.name) in have for alias in wanted.names)
    if isinstance(wanted, ast.Import):
        return all(("", alias.asname or alias.name) in have for alias in wanted.names)
    return False


__all__ = ["Target", "Written", "target_of", "test_module", "tests_for"]
