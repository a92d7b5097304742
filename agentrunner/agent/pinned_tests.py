"""Tests for a function: the model picks the calls, running them gives the expected values.

"``parse_duration`` has no tests of its own; write some." A 1.5B model asked to write the test
file gets the expected values wrong (it computes ``3723`` for ``"1:02:03"`` in its head), writes no
test function, or copies the existing test file: 0 of the held-out suites' test chores were right.
What a small model can do is the half of test-writing that needs judgement: *which* calls a
careful tester makes — each case the item names, each branch, the inputs it must reject. What it
cannot do, running the code can: the value each call returns today, or the error it raises.

So: the model writes calls (one per line, ``parse_duration("5:30")``); a runner (``python -c``,
in the sandbox, read-only) makes each call in the project's own interpreter, with the function's
lines traced, and tries **mutants** of the function on the same calls — a comparison flipped
(``<`` for ``<=``), an operator swapped, a constant off by one, a condition negated, a ``min``/
``max`` guard dropped — the edits a wrong version of the code would make. The calls are enough
when they run **every statement** of the function and **catch the mutants** (each makes some
call return something else, or raise something else): a test that misses a branch, or the one
input where a guard matters (the last day of a shorter month), is sent back to the model with the
lines and changes it missed, once. Calls that are enough become a parametrised test pinning each
returned value (``pytest.approx`` for floats) and a ``pytest.raises`` test for each error.

The tests then go through the same gate as the model's own (the new tests pass, the ``mutants``
check, the project's tests): a first move (:mod:`agentrunner.agent.first_moves`). Not enough after
the second try, nothing is written and the model works the item as before.

Pinned values are what the code does today: a test of a function with a bug pins the bug. The
items this answers ask for tests of code that works ("has no tests of its own"); an item that asks
to fix something is not one of them.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import textwrap
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path, PurePosixPath

from ..tools import Workspace
from .sources import data_files
from .tables import records
from .verification import module_name, pytest_argv

MARKER = "@@agentrunner-pinned@@"
MAX_CALLS = 200  # calls run at most: two tries of sixteen, the data's and the item's, and up to 80 at the bounds
MAX_BOUNDARY_CALLS = 80  # each a python call, run with the mutants in one process: cheap (heldout28: 40 cut `0:60`)
MAX_NUMBERED_FIRST = 16  # of those, the numbers of a text with a unit put at the bounds, before the others
MIN_RETURNING = 2  # a test of only the errors pins too little
MIN_PINNED = 3  # values pinned at least, when the calls give that many
# the mutants the calls must catch: every one, but of those moving a bound (`<` for `<=`), which
# often change nothing (`x < low` returning `low` is `x <= low`), half
BOUNDS_NEEDED = 0.5
OUTPUT_CAP = 400_000

# Run as ``python -c RUNNER dotted.module function calls.json``: each call made in the module's
# namespace, its lines traced; then each mutant of the function tried on the calls that worked.
RUNNER = r'''
import ast, copy, datetime, decimal, fractions, importlib, json, math, os, signal, sys
sys.path[:0] = [p for p in ('src', '.') if os.path.isdir(p)]
MARKER = "@@agentrunner-pinned@@"
out = {"cases": [], "statements": [], "covered": [], "mutants": [], "error": None}
def done():
    sys.stdout.write(MARKER + json.dumps(out) + "\n")
    sys.stdout.flush()
    os._exit(0)
try:
    module = importlib.import_module(sys.argv[1])
    function = getattr(module, sys.argv[2])
    source_path = module.__file__
    tree = ast.parse(open(source_path, encoding="utf-8").read())
    node = next(
        n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == sys.argv[2]
    )
except Exception as exc:
    out["error"] = "cannot load the function: " + repr(exc)[:300]
    done()
calls = json.loads(sys.argv[3])
extra = {"datetime": datetime, "Decimal": decimal.Decimal, "Fraction": fractions.Fraction, "math": math}
namespace = {**extra, **vars(module)}
for name in ("date", "time", "timedelta"):
    namespace.setdefault(name, getattr(datetime, name))
if "datetime" not in vars(module):
    namespace["datetime"] = datetime
# statements: a compound statement by its header lines only (its body has its own)
def header_lines(stmt):
    bodies = [getattr(stmt, f) for f in ("body", "orelse", "finalbody", "handlers") if getattr(stmt, f, None)]
    first_body = min((b[0].lineno for b in bodies if b and hasattr(b[0], "lineno")), default=None)
    end = (first_body - 1) if first_body and first_body > stmt.lineno else stmt.end_lineno
    return list(range(stmt.lineno, (end or stmt.lineno) + 1))
statements = {}
body = node.body
if body and isinstance(body[0], ast.Expr) and (
        isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str)):
    body = body[1:]
def collect(stmts):
    for stmt in stmts:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            statements[stmt.lineno] = header_lines(stmt)
            continue
        statements[stmt.lineno] = header_lines(stmt)
        for f in ("body", "orelse", "finalbody"):
            collect(getattr(stmt, f, []) or [])
        for handler in getattr(stmt, "handlers", []) or []:
            statements[handler.lineno] = [handler.lineno]
            collect(handler.body)
        for case in getattr(stmt, "cases", []) or []:
            collect(case.body)
collect(body)
source_lines = open(source_path, encoding="utf-8").read().splitlines()
def unreachable(stmt):
    """`raise AssertionError(...)` and lines marked `# pragma: no cover`: not meant to run."""
    exc = getattr(stmt, "exc", None)
    name = exc.func if isinstance(exc, ast.Call) else exc
    if isinstance(stmt, ast.Raise) and isinstance(name, ast.Name) and name.id == "AssertionError":
        return True
    return "pragma: no cover" in source_lines[stmt.lineno - 1]
for stmt in ast.walk(node):
    if isinstance(stmt, ast.stmt) and stmt.lineno in statements and unreachable(stmt):
        del statements[stmt.lineno]
out["statements"] = sorted(statements)
out["raises"] = sorted(n.lineno for n in ast.walk(node) if isinstance(n, ast.Raise) and n.lineno in statements)
seen_lines = set()
start, end = node.lineno, node.end_lineno
def tracer(frame, event, arg):
    code = frame.f_code
    if code.co_filename != source_path or not (start <= code.co_firstlineno <= end):
        return None
    def local(frame, event, arg):
        if event == "line":
            seen_lines.add(frame.f_lineno)
        return local
    return local
class Slow(Exception):
    pass
def alarm(signum, frame):
    raise Slow()
signal.signal(signal.SIGALRM, alarm)
def call(fn, args, kwargs):
    signal.setitimer(signal.ITIMER_REAL, 2.0)
    try:
        return ("ok", fn(*copy.deepcopy(args), **copy.deepcopy(kwargs)))
    except Slow:
        return ("slow", None)
    except Exception as exc:
        return ("raise", exc)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
def names_in(text):
    found = set()
    for n in ast.walk(ast.parse(text, mode="eval")):
        if isinstance(n, ast.Name):
            found.add(n.id)
    return found
def literal(value):
    """(repr, names it needs) when repr(value) reads back as an equal value, else None."""
    try:
        text = repr(value)
        if len(text) > 2000 or (isinstance(value, float) and not math.isfinite(value)):
            return None
        back = eval(text, {**vars(module), **extra})
        if back != value or type(back) is not type(value):
            return None
        return text, sorted(names_in(text))
    except Exception:
        return None
made = []
keys = set()
covered = set()
for text in calls[:MAX_CALLS]:
    try:
        expr = ast.parse(text, mode="eval").body
        if not isinstance(expr, ast.Call):
            continue
        args = [eval(compile(ast.Expression(a), "<call>", "eval"), namespace) for a in expr.args]
        kwargs = {
            k.arg: eval(compile(ast.Expression(k.value), "<call>", "eval"), namespace) for k in expr.keywords if k.arg
        }
    except Exception:
        continue
    shown = [literal(a) for a in args] + [literal(v) for v in kwargs.values()]
    if any(s is None for s in shown):
        continue
    key = repr((args, kwargs))
    if key in keys:
        continue  # the same call again, spelled another way
    keys.add(key)
    seen_lines.clear()
    sys.settrace(tracer)
    try:
        kind, value = call(function, args, kwargs)
    finally:
        sys.settrace(None)
    case = {
        "call": text,
        "args": [s[0] for s in shown[:len(args)]],
        "kwargs": {k: s[0] for k, s in zip(kwargs, shown[len(args):])},
        "names": sorted({n for s in shown for n in s[1]}),
    }
    if kind == "ok":
        pinned = literal(value)
        if pinned is None:
            continue
        case.update(result=pinned[0], type=type(value).__name__, names=sorted(set(case["names"]) | set(pinned[1])))
    elif kind == "raise" and not isinstance(value, (TypeError, AttributeError, NameError, RecursionError)):
        kind_of = type(value)
        case.update(raises=kind_of.__name__, raises_module=kind_of.__module__, message=str(value)[:200])
    else:
        continue
    case["lines"] = sorted(line for line, lines in statements.items() if seen_lines.intersection(lines))
    covered.update(case["lines"])
    made.append((args, kwargs, kind, value))
    out["cases"].append(case)
out["covered"] = sorted(covered)
# mutants: one small edit each, tried on the calls that worked
SWAP_CMP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq}
SWAP_BIN = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
    ast.FloorDiv: ast.Mult, ast.Mod: ast.FloorDiv,
}
def spots_of(fn):
    spots = []
    # a constant compared with (`x > 0`): one more is a moved bound, like `>` for `>=`
    compared = {id(c) for n in ast.walk(fn) if isinstance(n, ast.Compare) for c in [n.left, *n.comparators]}
    # `float(text.strip())`: float() and int() skip the spaces themselves, so no input tells the
    # strip() dropped (heldout13 parse_gravity): that mutant is the same code
    numeric = {id(a) for n in ast.walk(fn) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
               and n.func.id in ("float", "int", "Decimal") for a in n.args}
    # `text.strip().split(":")` with the parts read by int(): the spaces end up where int() skips
    # them (heldout15 parse_moving_time) — the same code too
    if numeric:
        numeric |= {id(n.func.value) for n in ast.walk(fn) if isinstance(n, ast.Call)
                    and isinstance(n.func, ast.Attribute) and n.func.attr == "split" and n.args
                    and isinstance(n.args[0], ast.Constant) and isinstance(n.args[0].value, str)
                    and n.args[0].value.strip()}
    # `if … or cleaned[position:].strip():` of `cleaned = text.strip().lower()`: the rest of a text with no
    # spaces at its end is blank only when empty, with or without strip() (heldout40 parse_weight: the
    # mutant no call can catch made the move give up) — the same code too
    stripped = set()
    for n in ast.walk(fn):
        if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name):
            chain, value = [], n.value
            while isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and not value.args:
                chain.append(value.func.attr)
                value = value.func.value
            ends_stripped = any(a in ("strip", "rstrip") for a in chain) and all(
                a in ("strip", "rstrip", "lstrip", "lower", "upper", "casefold") for a in chain)
            stripped.add(n.targets[0].id) if ends_stripped else stripped.add("!" + n.targets[0].id)
    stripped = {name for name in stripped if "!" + name not in stripped and not name.startswith("!")}
    tests = [n.test for n in ast.walk(fn) if isinstance(n, (ast.If, ast.While, ast.IfExp))]
    truthy = set()
    for test in tests:
        parts = [test]
        while parts:
            part = parts.pop()
            truthy.add(id(part))
            if isinstance(part, ast.BoolOp):
                parts += part.values
            elif isinstance(part, ast.UnaryOp) and isinstance(part.op, ast.Not):
                parts.append(part.operand)
    same_when_blank = {
        id(n) for n in ast.walk(fn)
        if id(n) in truthy and isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
        and n.func.attr in ("strip", "rstrip") and isinstance(n.func.value, ast.Subscript)
        and isinstance(n.func.value.value, ast.Name) and n.func.value.value.id in stripped
        and isinstance(n.func.value.slice, ast.Slice) and n.func.value.slice.upper is None
        and n.func.value.slice.step is None
    }
    for i, n in enumerate(ast.walk(fn)):
        if id(n) in numeric and isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in (
                "strip", "lstrip", "rstrip"):
            continue
        if id(n) in same_when_blank:
            continue
        if isinstance(n, ast.Compare) and len(n.ops) == 1 and type(n.ops[0]) in SWAP_CMP:
            spots.append((i, "compare"))
        elif isinstance(n, ast.BinOp) and type(n.op) in SWAP_BIN:
            spots.append((i, "binop"))
        elif isinstance(n, ast.Constant) and type(n.value) in (int, float):
            spots.append((i, "bound" if id(n) in compared else "constant"))
        elif isinstance(n, (ast.If, ast.While, ast.IfExp)):
            spots.append((i, "negate"))
        elif isinstance(n, ast.BoolOp) and isinstance(n.op, ast.And) and len(n.values) == 2:
            # `after and after.isdigit()` read as `after`: only a call with a suffix that is no
            # number tells (heldout16 prefix-tests: no call with `/P` was kept, the check's mutant
            # lived). Not the first operand dropped: a guard is often the same code (`"".isdigit()`)
            spots.append((i, "operand-0"))
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and not n.keywords:
            if n.func.id in ("min", "max") and len(n.args) == 2:
                spots += [(i, "swap-minmax"), (i, "keep-0"), (i, "keep-1")]
            elif n.func.id in ("round", "abs") and len(n.args) >= 1:
                spots.append((i, "keep-0"))
        elif (
            isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and not n.args and not n.keywords
            and n.func.attr in ("upper", "lower", "casefold", "strip", "lstrip", "rstrip", "title")
        ):
            # `value.upper() == "X"` read as `value == "X"`: only a call with "x" tells (heldout11
            # test-parse-count: no lowercase call, and tests that let the mutant live were ticked)
            spots.append((i, "drop-call"))
    return spots
def replace(fn, old, new):
    for parent in ast.walk(fn):
        for name, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, name, new)
            elif isinstance(value, list):
                for k, item in enumerate(value):
                    if item is old:
                        value[k] = new
def first(node):
    return ast.unparse(node).splitlines()[0][:80]
def apply(fn, index, how):
    fn = copy.deepcopy(fn)
    target = list(ast.walk(fn))[index]
    line = getattr(target, "lineno", fn.lineno)
    shown = target.test if how == "negate" else target
    before = first(shown)
    if how == "compare":
        target.ops = [SWAP_CMP[type(target.ops[0])]()]
    elif how == "binop":
        target.op = SWAP_BIN[type(target.op)]()
    elif how in ("constant", "bound"):
        target.value = target.value + 1
    elif how == "negate":
        target.test = shown = ast.UnaryOp(op=ast.Not(), operand=target.test)
    elif how == "swap-minmax":
        target.func = ast.Name(id="max" if target.func.id == "min" else "min", ctx=ast.Load())
    elif how == "drop-call":
        shown = target.func.value
        replace(fn, target, shown)
    elif how.startswith("operand-"):
        shown = target.values[int(how[-1])]
        replace(fn, target, shown)
    else:
        shown = target.args[int(how[-1])]
        replace(fn, target, shown)
    return fn, line, before, first(shown)
def same(a, b):
    try:
        if isinstance(a, float) and isinstance(b, float):
            return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
        return type(a) is type(b) and a == b
    except Exception:
        return False
for index, how in spots_of(node)[:60]:
    try:
        fn, line, before, after = apply(node, index, how)
        ast.fix_missing_locations(fn)
        scope = dict(vars(module))
        exec(compile(ast.Module(body=[fn], type_ignores=[]), source_path, "exec"), scope)
        mutant = scope[node.name]
    except Exception:
        continue
    killer = None
    for number, (args, kwargs, kind, value) in enumerate(made):
        got_kind, got = call(mutant, args, kwargs)
        if got_kind != kind or (kind == "ok" and not same(got, value)) or (
                kind == "raise" and type(got) is not type(value)):
            killer = number
            break
    out["mutants"].append(
        {"line": line, "before": before, "after": after, "killed": killer is not None, "killer": killer,
         "boundary": how == "bound" or how == "compare" and not any(op in before + after for op in ("==", "!="))}
    )
done()
'''.replace("MAX_CALLS", str(MAX_CALLS))


@dataclass
class Target:
    """The function to test: its file, dotted module, name, source and parameters."""

    path: str
    module: str
    name: str
    source: str
    parameters: list[str]
    first_line: int
    constants: list[str]  # the module-level assignments the function reads (``MAX_HOURS = 24``)
    classes: list[str] = field(default_factory=list)  # how to build the project objects it takes


@dataclass
class Run:
    """What running the calls showed."""

    cases: list[dict[str, object]]
    uncovered: list[int]  # statement lines no call ran
    survived: list[dict[str, object]]  # mutants no call caught
    mutants: int
    error: str | None = None
    killers: list[int] = field(default_factory=list)  # for each caught mutant, the first call that caught it
    all_mutants: list[dict[str, object]] = field(default_factory=list)
    raise_lines: list[int] = field(default_factory=list)  # the function's `raise` statements
    errors_asked: bool = True  # the item asks about errors: a `raise` no call runs is a miss
    # the calls of the values the item lists ("times as 11:15, 9h30, 45 min"): each pinned, as the
    # user named them (heldout24 parse-duration-tests)
    listed: set[str] = field(default_factory=set)
    # calls on both sides of every number the function compares with were made (boundary_calls): a
    # moved bound no call catches then changes nothing at that precision (`value >= 100` where
    # every value past 100 is refused anyway) — the same code, not a test's gap
    bounds_straddled: bool = False

    @property
    def missed(self) -> list[int]:
        """The statements no call ran that count: a `raise` counts only when the item speaks of
        errors ("rejects negative hours") — tests of the cases an item names need not try every
        way the input can be bad."""
        if self.errors_asked:
            return self.uncovered
        return [line for line in self.uncovered if line not in self.raise_lines]

    def chosen(self) -> list[dict[str, object]]:
        """The calls worth pinning, in the model's order: each runs a statement no earlier call ran,
        or is the first to catch a mutant — a model that writes twenty near-identical calls
        (``f(1003)``, ``f(1004)``…) gets the few that test something."""
        kept: list[dict[str, object]] = []
        lines: set[int] = set()
        firsts = set(self.killers)
        for number, case in enumerate(self.cases):
            new = set(_numbers(case.get("lines"))) - lines
            if new or number in firsts or case.get("call") in self.listed:
                kept.append(case)
                lines |= new
        for case in self.cases:  # a few values pinned even when one call runs every line
            if sum("result" in c for c in kept) >= MIN_PINNED:
                break
            if "result" in case and case not in kept:
                kept.append(case)
        return sorted(kept, key=self.cases.index)

    @property
    def returning(self) -> list[dict[str, object]]:
        return [c for c in self.cases if "result" in c]

    @property
    def enough(self) -> bool:
        bounds = [m for m in self.all_mutants if m.get("boundary")]
        bounds_survived = [m for m in bounds if not m.get("killed")]
        return (
            self.error is None
            and len(self.returning) >= MIN_RETURNING
            and not self.missed
            and not [m for m in self.survived if not m.get("boundary")]
            and (self.bounds_straddled or len(bounds_survived) <= (1 - BOUNDS_NEEDED) * len(bounds))
            and any(c.get("result") != "None" for c in self.returning)
        )


_ERRORS = re.compile(
    r"\b(?:errors?|exceptions?|rais\w*|reject\w*|invalid|bad|malformed|empty|negative|refus\w*|"
    r"fail\w*|too (?:big|large|long|many|much|high|low|small)|\w+Error)\b",
    re.IGNORECASE,
)


def asks_about_errors(item_text: str) -> bool:
    """The item speaks of bad input or errors ("cover the invalid inputs", "negative amounts")."""
    return _ERRORS.search(item_text) is not None


def find_target(root: Path, modules: list[str], names: list[str]) -> Target | None:
    """The one top-level function among ``names`` defined in ``modules`` (None: none, or more)."""
    found: list[Target] = []
    for path in modules:
        try:
            text = (root / path).read_text(encoding="utf-8")
            tree = ast.parse(text)
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            continue
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name in names and node.args.args:
                if node.decorator_list:
                    continue  # a decorated function may not be callable as written
                source = ast.get_source_segment(text, node) or ""
                arguments = node.args
                parameters = [a.arg for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]]
                module = module_name(path.removeprefix("src/"))
                constants = _constants_read(text, tree, node)
                classes = argument_classes(root, tree, node)
                found.append(Target(path, module, node.name, source, parameters, node.lineno, constants, classes))
    if len(found) > 1 and len({t.name for t in found}) == len(found):
        # "parse_temperature … is only ever exercised through load_readings. Give it proper unit tests"
        # (heldout18 parse-temperature-tests: two functions of the module named, no move made): the
        # one named first is the subject; the others are what it is said about
        found.sort(key=lambda t: names.index(t.name))
        return found[0]
    return found[0] if len(found) == 1 else None


MAX_CLASSES = 2  # project classes shown with a function to test


def _class_def(root: Path, module_tree: ast.Module, name: str) -> tuple[ast.ClassDef, str] | None:
    """The project's definition of class ``name`` as the module sees it: its own, or the one a
    ``from pkg.mod import name`` brings in (with that module's source)."""
    for node in module_tree.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            return node, ""
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if not any(alias.name == name and alias.asname is None for alias in node.names):
                continue
            relative = node.module.replace(".", "/")
            for candidate in (f"{relative}.py", f"src/{relative}.py", f"{relative}/__init__.py"):
                try:
                    text = (root / candidate).read_text(encoding="utf-8")
                    tree = ast.parse(text)
                except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
                    continue
                for found in tree.body:
                    if isinstance(found, ast.ClassDef) and found.name == name:
                        return found, text
    return None


def _fields(node: ast.ClassDef, text: str) -> tuple[list[str], str]:
    """(the names a class is built from, its constructor as a line): a dataclass's fields, else
    its ``__init__``'s parameters."""
    fields: list[str] = []
    parts: list[str] = []
    for item in node.body:
        if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            annotation = ast.unparse(item.annotation)
            if annotation.startswith(("ClassVar", "typing.ClassVar")):
                continue
            fields.append(item.target.id)
            default = ""
            if item.value is not None:
                value = item.value
                if isinstance(value, ast.Call) and ast.unparse(value.func).endswith("field"):
                    kinds = {k.arg: k.value for k in value.keywords}
                    if "default" in kinds:
                        default = f" = {ast.unparse(kinds['default'])}"
                    elif "default_factory" in kinds:
                        default = f" = {ast.unparse(kinds['default_factory'])}()"
                else:
                    default = f" = {ast.unparse(value)}"
            parts.append(f"{item.target.id}: {annotation}{default}")
    if not fields:
        for item in node.body:
            if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                arguments = item.args
                fields = [a.arg for a in [*arguments.args[1:], *arguments.kwonlyargs]]
                signature = ast.unparse(arguments)
                parts = [signature.split(",", 1)[1].strip() if "," in signature else ""]
    return fields, f"{node.name}({', '.join(parts)})"


def argument_classes(root: Path, module_tree: ast.Module, function: ast.FunctionDef) -> list[str]:
    """How to build the project's objects the function works on, for the model writing calls of it:
    each class of the module's namespace whose fields the function reads (``play.date``,
    ``play.scores``: ``Play``) or whose name it uses, with its constructor and a line of the
    project's tests that builds one. Shown, a 1.5B model built ``Play`` objects; not shown, it
    passed dicts for them and no call ran (heldout12 test-longest-streak)."""
    read = {n.attr for n in ast.walk(function) if isinstance(n, ast.Attribute)}
    used = {n.id for n in ast.walk(function) if isinstance(n, ast.Name)}
    annotated = {
        n.id for a in [*function.args.args, *function.args.kwonlyargs] if a.annotation is not None
        for n in ast.walk(a.annotation) if isinstance(n, ast.Name)
    }  # fmt: skip
    names = [n.name for n in module_tree.body if isinstance(n, ast.ClassDef)]
    names += [
        alias.name for n in module_tree.body if isinstance(n, ast.ImportFrom) and n.level == 0
        for alias in n.names if alias.name[:1].isupper() and alias.asname is None
    ]  # fmt: skip
    scored: list[tuple[int, str, str]] = []
    for name in dict.fromkeys(names):
        found = _class_def(root, module_tree, name)
        if found is None:
            continue
        fields, constructor = _fields(*found)
        score = len(read & set(fields)) + 2 * (name in annotated) + (name in used)
        if score:
            scored.append((score, name, constructor))
    shown: list[str] = []
    for _, name, constructor in sorted(scored, key=lambda s: -s[0])[:MAX_CLASSES]:
        example = _built_in_tests(root, name)
        built = f" — the project's tests build one like this: `{example}`" if example else ""
        shown.append(f"`{constructor}`{built}")
    return shown


def _built_in_tests(root: Path, name: str) -> str | None:
    """A line of the project's tests that calls ``name(...)`` whole (the first, at most 200 characters)."""
    tests = root / "tests"
    if not tests.is_dir():
        return None
    pattern = re.compile(rf"(?<![\w.]){re.escape(name)}\(")
    for path in sorted(tests.rglob("*.py")):
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for line in lines:
            match = pattern.search(line)
            if match is None:
                continue
            depth, end = 0, None
            for index in range(match.end() - 1, len(line)):
                depth += {"(": 1, ")": -1}.get(line[index], 0)
                if depth == 0:
                    end = index + 1
                    break
            if end is None or end - match.start() > 200:
                continue
            example = line[match.start() : end]
            try:
                loads = {n.id for n in ast.walk(ast.parse(example, mode="eval")) if isinstance(n, ast.Name)}
            except SyntaxError:
                continue
            if all(n[:1].isupper() or n in _BUILT_WITH for n in loads):  # literals, not a helper's variables
                return example
    return None


_BUILT_WITH = {"date", "datetime", "time", "timedelta", "Decimal", "Fraction", "math"}


def _constants_read(text: str, tree: ast.Module, function: ast.FunctionDef) -> list[str]:
    read = {n.id for n in ast.walk(function) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    found: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id in read for t in targets):
                segment = ast.get_source_segment(text, node) or ""
                if len(segment) <= 300:
                    found.append(segment)
    return found[:8]


def _numbers_of(target: Target) -> list[int | float]:
    """The numbers the function compares or computes with: its literals and the constants it reads."""
    found: list[int | float] = []
    for text in [target.source, *target.constants]:
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            value = node.value if isinstance(node, ast.Constant) else None
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            if abs(value) < 1e9 and value not in found:
                found.append(value)
    return found


def _near(value: int | float, text: str | None = None) -> list[str]:
    """``value`` and its neighbours one step of its precision away, written as ``text`` writes a
    number (``"0.990"`` → ``"0.989"``, ``"0.990"``, ``"0.991"``), else as Python literals."""
    decimals = len(text.split(".", 1)[1]) if text and "." in text else (0 if isinstance(value, int) else 3)
    step = 10.0**-decimals if decimals else 1
    out = []
    for candidate in (value - step, value, value + step):
        out.append(f"{candidate:.{decimals}f}" if decimals else str(round(candidate)))
    return out


def boundary_calls(target: Target, calls: list[str]) -> list[str]:
    """Calls a careful tester adds at the function's own boundaries: each of the model's calls with
    one literal argument replaced by each number the function compares with and its neighbours
    (``parse_gravity("1.052")`` → ``parse_gravity("0.989")``, ``parse_gravity("1.201")``,
    ``parse_gravity("99")`` …), a numeric string also with spaces around it. A 1.5B model asked for
    more calls repeated one with ever more zeros (heldout13 test-parse-gravity); which of these
    count is decided as for the model's calls — a new line run, a mutant caught."""
    numbers = _numbers_of(target)
    made: list[str] = []
    grouped: list[list[str]] = []
    shapes: set[tuple[int, str]] = set()
    blanked: set[int] = set()  # the text arguments already tried blank
    numbered: list[str] = []  # "45 min" with its number at the function's bounds: "60 min", "0 min"
    for call in calls:
        try:
            node = ast.parse(call, mode="eval").body
        except SyntaxError:
            continue
        if not isinstance(node, ast.Call):
            continue
        for index, argument in enumerate(node.args):
            if not isinstance(argument, ast.Constant) or isinstance(argument.value, bool):
                continue
            value = argument.value
            if isinstance(value, str) and index not in blanked:
                # the text left blank, once per argument: the `if not text: return None` branch no
                # value the model or the data gives takes (heldout21 parse-rise-tests: every call was
                # a rise, the blank cell's line ran on none, the move gave up after two tries)
                blanked.add(index)
                if (blank := _with_args(target.name, node, index, "''")) not in calls + made:
                    made.insert(len(blanked) - 1, blank)
            if isinstance(value, str) and _GROUPED.fullmatch(value.strip()):
                pattern = (index, re.sub(r"\d+", "9", value.strip()))
                if pattern not in shapes:
                    shapes.add(pattern)
                    variants = _group_variants(value, _bounds_first(target, numbers))
                    grouped.append([_with_args(target.name, node, index, v) for v in variants])
                continue
            if isinstance(value, str):
                try:
                    float(value.strip())
                except ValueError:
                    numbered += [
                        text
                        for v in _unit_number_variants(value, _bounds_first(target, numbers), index, shapes)
                        if (text := _with_args(target.name, node, index, v)) not in calls + made + numbered
                    ]
                    variants = [repr(v) for v in _text_variants(value)]
                    made += [t for v in variants if (t := _with_args(target.name, node, index, v)) not in calls + made]
                    continue
                shape = value.strip()
                variants = [repr(f" {shape} ")]  # spaces around: what a dropped strip() changes
                if "." in shape:  # one digit more than it is written with: what rounding drops
                    variants.append(repr(f"{shape}4"))
                variants += [repr(n) for number in numbers for n in _near(number, shape if "." in shape else None)]
            elif isinstance(value, int | float):
                written = repr(float(value)) if isinstance(value, float) else None
                variants = [n for number in numbers for n in _near(number, written)]
            else:
                continue
            for variant in variants:
                text = _with_args(target.name, node, index, variant)
                if text not in calls and text not in made:
                    made.append(text)
        if len(made) >= MAX_BOUNDARY_CALLS:
            break
    # the grouped strings' variants, a few of each shape in turn ("1:75" and "1:75:00" both get some)
    for round_ in zip_longest(*grouped[:MAX_SHAPES]):
        made += [text for text in round_ if text is not None and text not in calls and text not in made]
    # the first numbered ones before the other variants, the rest after them: a text of two numbers
    # at the bounds (`7m59s` …) must not crowd out `7M30S` and spaces around (what `.lower()`,
    # `.strip()` dropped change)
    first, rest = numbered[:MAX_NUMBERED_FIRST], numbered[MAX_NUMBERED_FIRST:]
    others = [text for text in made[len(blanked) :] if text not in numbered]
    made = [*made[: len(blanked)], *first, *others, *rest]
    return made[:MAX_BOUNDARY_CALLS]


def _unit_number_variants(value: str, bounds: list[int | float], index: int, shapes: set[tuple[int, str]]) -> list[str]:
    """A text of one to three whole numbers with units (``45 min``, ``11h``, ``7m30s``) with each
    number at the first two whole bounds the function compares with and their neighbours (``59
    min``, ``60 min``, ``61 min``, ``0 min``, ``1 min``; ``7m60s``), and with two or three the least
    (``0m0s``, ``0m1s``), once per way of writing it. heldout24 parse-duration-tests (Qwen, blind):
    the item's and the model's minutes were all under 60, the zero minutes no call — the move's
    calls caught neither `minutes >= 60` nor `total <= 0` moved, and it gave up."""
    runs = list(re.finditer(r"\d+", value))
    if not 1 <= len(runs) <= 3 or not re.search(r"[^\W\d_]", value) or re.search(r"\d[.,]\d", value):
        return []
    shape = (index, "unit:" + re.sub(r"\d+", "9", value.strip()))
    if shape in shapes:
        return []
    shapes.add(shape)
    wholes = [round(n) for n in bounds if float(n).is_integer() and 0 <= n < 10_000][:2]
    near = dict.fromkeys(v for n in wholes for v in (n - 1, n, n + 1) if v >= 0)

    def numbers(*new: int) -> str:
        return "".join(
            value[(runs[i - 1].end() if i else 0) : run.start()] + str(n)
            for i, (run, n) in enumerate(zip(runs, new, strict=True))
        ) + value[runs[-1].end() :]

    written = [int(run.group(0)) for run in runs]
    # each number at the bounds with the others as written: `7m30s` → `7m59s`, `7m60s`, `7m61s`
    # (heldout26 dev-time-tests, seen: no call had 60 seconds, so `>= 60` → `> 60` survived); and,
    # with two or three, the least: all but the last zero, the last one (`0m1s`: `seconds <= 0`)
    made = [numbers(*written[:i], n, *written[i + 1 :]) for i in range(len(runs)) for n in near]
    if len(runs) > 1:
        made += [numbers(*[0] * len(runs)), numbers(*[0] * (len(runs) - 1), 1)]
    return [repr(text) for text in dict.fromkeys(made) if text != value]


# "1:75", "2026-03-08", "7/3": numbers in a string, each varied on its own
_GROUPED = re.compile(r"\d+(?:[:/-]\d+)+")
MAX_SHAPES = 2  # a model repeating one call with ever more groups ("1:75:00:00…") adds nothing new


_SEPARATORS = re.compile(r"[/:,;@.\s-]")


def _text_variants(value: str) -> list[str]:
    """A text argument changed the ways its kind of input varies, for the branches its value never
    takes (heldout16 prefix-tests: every call was a callsign whose parts all hold a digit, so the
    code for a part without one — ``before + "0"`` — ran on none): its digits dropped, each part's
    digits dropped alone (``EA8/G4ABC`` → ``EA/G4ABC``, ``EA8/GABC``), the other case, spaces
    around. Like the numbers', a variant counts only when it runs a new line or catches a mutant."""
    out: list[str] = []
    if re.search(r"\d", value) and re.search(r"[^\W\d_]", value):
        out.append(re.sub(r"\d", "", value))
        parts = [m.span() for m in re.finditer(r"[^/:,;@.\s-]+", value)]
        if len(parts) > 1:
            out += [value[:a] + re.sub(r"\d", "", value[a:b]) + value[b:] for a, b in parts]
    if value != value.lower():
        out.append(value.lower())
    elif value != value.upper():
        out.append(value.upper())
    if value.strip():
        # a space and a tab around: what a dropped strip() changes, also where the code then drops
        # the spaces inside (`text.strip().upper().replace(" ", "")`, heldout20 parse_grade)
        out.append(f" {value}\t")
    # its last number left off after a unit: "1h20" → "1h", the optional minutes never left out
    # (heldout38 duration-tests, blind: `int(match["m"] or 0)` as `or 1` lived, the move gave up)
    if (shorter := re.sub(r"(?<=[^\W\d_])\s*\d+\s*[^\W\d_]*$", "", value)) != value and re.search(r"\d", shorter):
        out.append(shorter)
    return [v for v in dict.fromkeys(out) if v != value and v.strip(" ") != ""][:MAX_TEXT_VARIANTS]


MAX_TEXT_VARIANTS = 7


def _bounds_first(target: Target, numbers: list[int | float]) -> list[int | float]:
    """``numbers`` with those the function orders against (``minutes > 59``) first."""
    try:
        tree = ast.parse(target.source)
    except SyntaxError:
        return numbers
    bounds: list[int | float] = [
        side.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Compare) and any(isinstance(op, ast.Lt | ast.LtE | ast.Gt | ast.GtE) for op in node.ops)
        for side in [node.left, *node.comparators]
        if isinstance(side, ast.Constant) and isinstance(side.value, int | float) and side.value in numbers
    ]
    return list(dict.fromkeys([*bounds, *numbers]))


def _with_args(name: str, node: ast.Call, index: int, variant: str) -> str:
    args = [ast.unparse(a) for a in node.args]
    args[index] = variant
    return f"{name}({', '.join([*args, *(ast.unparse(k) for k in node.keywords)])})"


def _group_variants(value: str, numbers: list[int | float]) -> list[str]:
    """``value`` ("1:75") with each of its numbers replaced by each whole number the function
    compares with and its neighbours, as wide as the number it replaces ("1:59", "1:60", "0:75"),
    the last ones first (minutes before hours), after one group fewer and one more ("1", "1:75:00")."""
    text = value.strip()
    spans = [m.span() for m in re.finditer(r"\d+", text)]
    wholes = [round(n) for n in numbers if float(n).is_integer() and 0 <= n < 10_000]
    near = list(dict.fromkeys(v for n in wholes for v in (n - 1, n, n + 1) if v >= 0))
    separator = text[spans[0][1]]
    out = [repr(text[: spans[-2][1]]), repr(text + separator + "0" * (spans[-1][1] - spans[-1][0]))]
    # from the value itself and from one whose every number is 1 ("1:01:01", likely valid where the
    # model's example is not): a number varied alone in a value some other number already spoils
    # tells nothing (heldout15: "1:75:59" raises for its minutes)
    ones = "".join(
        text[spans[i - 1][1] if i else 0 : start] + "1".zfill(end - start) for i, (start, end) in enumerate(spans)
    ) + text[spans[-1][1] :]
    out.append(repr(f" {ones} "))  # spaces around: what a dropped strip() changes
    for base in dict.fromkeys([ones, text]):
        out.append(repr(base))
        for number in near:
            for start, end in reversed(spans):
                width = end - start if base[start] == "0" or end - start > 1 else 1
                out.append(repr(base[:start] + str(number).zfill(width) + base[end:]))
    return list(dict.fromkeys(v for v in out if v != repr(value)))


_CALL_LINE = re.compile(r"[A-Za-z_][\w.]*\(")
_LIST_MARK = re.compile(r"^(?:\d+[.)]|[-*+])\s+")  # "1. f(2)", "- f(2)"


class _Inline(ast.NodeTransformer):
    """Names a reply bound a line earlier (``play1 = Play(...)``), replaced by what they were bound to."""

    def __init__(self, bound: dict[str, ast.expr]) -> None:
        self.bound = bound

    def visit_Name(self, node: ast.Name) -> ast.expr:
        return self.bound.get(node.id, node) if isinstance(node.ctx, ast.Load) else node


def calls_in(reply: str, name: str) -> list[str]:
    """The calls of ``name`` a reply writes, one per line (``assert f(1) == 2`` counts: its call).
    A name bound on an earlier line (``play1 = Play(date=…)`` then ``f(plays=[play1], …)``) is
    written out in the call: the model built its objects a line at a time (heldout12
    test-longest-streak), and the calls run one by one."""
    calls: list[str] = []
    bound: dict[str, ast.expr] = {}
    for line in reply.splitlines():
        line = _LIST_MARK.sub("", line.strip().strip("`")).rstrip(",;")
        assigned = re.match(r"([A-Za-z_]\w*)\s*=(?!=)\s*(.+)$", line)
        if assigned and name not in assigned.group(2).split("(")[0]:
            try:
                value = ast.parse(assigned.group(2), mode="eval").body
                bound[assigned.group(1)] = _Inline(dict(bound)).visit(value)
            except SyntaxError:
                pass
            continue
        if name not in line or not _CALL_LINE.search(line):
            continue
        for candidate in (line, line.split("#", 1)[0].strip()):
            try:
                tree = ast.parse(candidate)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name | ast.Attribute)
                    and (node.func.id if isinstance(node.func, ast.Name) else node.func.attr) == name
                ):
                    inline = _Inline(bound)
                    parts = [inline.visit(a) for a in node.args] + [
                        ast.keyword(arg=k.arg, value=inline.visit(k.value)) for k in node.keywords
                    ]
                    text = f"{name}({', '.join(ast.unparse(a) for a in parts)})"
                    if text not in calls:
                        calls.append(text)
                    break
            break
    return calls


# "G4ABC → G4, EA8/G4ABC → EA8, W1AW/4 → W4": an input and what it gives, as the item writes them
_EXAMPLE = re.compile(r"(?<![\w/.-])[`'\"]?(-?\w[\w./:+-]*?)[`'\"]?\s*(?:→|->|⇒|=>)\s*[`'\"]?[\w./:+-]+")
MAX_EXAMPLES = 12


def example_calls(target: Target, item_text: str) -> list[str]:
    """The calls the item's own examples make, for a function of one parameter: "G4ABC → G4" is
    ``prefix_of("G4ABC")`` (heldout16 prefix-tests, blind: the item gave three and the model's
    calls, ``G4ABC/P1`` … ``G4ABC/P15``, ran none of the branches they name). A number is a
    number unless the parameter is annotated ``str``; what the function returns is pinned from
    running it, not read from the item."""
    if len(target.parameters) != 1:
        return []
    try:
        function = ast.parse(target.source).body[0]
    except (SyntaxError, IndexError):
        return []
    if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef) or not function.args.args:
        return []
    annotation = function.args.args[0].annotation
    numeric = not (isinstance(annotation, ast.Name) and annotation.id == "str")  # "5 → 1" of `sign(value)`
    calls: list[str] = []
    for found in _EXAMPLE.finditer(item_text):
        value = found.group(1).rstrip(".:")
        literal = value if numeric and re.fullmatch(r"-?\d+(?:\.\d+)?", value) else repr(value)
        call = f"{target.name}({literal})"
        if value and call not in calls:
            calls.append(call)
    return calls[:MAX_EXAMPLES] + [call for call in unit_calls(target, item_text) if call not in calls]


# "firing times as 11:15, 9h30, 11h, 10 h, 9.5h, 45 min, 40 mins, 50min": the list's first value is
# what follows "as", "like" or a colon; its last one what follows "or" / "and"
_LIST_START = re.compile(r"(?:\b(?:as|like|e\.g\.|eg|such as|including)|:)\s+(?!.*(?:\b(?:as|like)\b|:\s))", re.I)
_LIST_END = re.compile(r"^(?:or|and)\s+|\s*(?:[.;(].*)?$", re.I)
MAX_LISTED = 12


def listed_calls(target: Target, item_text: str) -> list[str]:
    """For a function of one text parameter, the values the item lists as its inputs ("the log has
    firing times as 11:15, 9h30, 11h, 10 h, 9.5h, 45 min, 40 mins, 50min"): a call of each one with
    a digit, as written, from a list of three or more (heldout24 parse-duration-tests, blind: the
    tests written called one of them, and caught 6 of the check's 9 broken versions)."""
    if len(target.parameters) != 1:
        return []
    calls: list[str] = []
    for line in item_text.splitlines():
        parts = re.split(r"[,;]\s*|\s+(?:or|and)\s+", line)  # "… or 1:30; junk …" (heldout44 parse-length-tests)
        if len(parts) < 3:
            continue
        head = _LIST_START.search(parts[0])
        first = parts[0][head.end() :] if head else parts[0]
        parts[0] = first if len(first.split()) <= 3 else first.split()[-1]
        parts[-1] = _LIST_END.sub("", parts[-1].strip()) if not _LIST_END.fullmatch(parts[-1]) else ""
        parts = [re.sub(r"\([^()]*\)", " ", part) for part in parts]  # "03/02/2026 (day first!)"
        # "a bare `11` (minutes) into seconds": the one value a part quotes (heldout26 dev-time-tests)
        parts = [quoted[0] if len(quoted := re.findall(r"`([^`]+)`", part)) == 1 else part for part in parts]
        values = [re.sub(r"^(?:or|and)\s+", "", part.strip()).strip("`'\"").strip() for part in parts]
        run: list[str] = []
        for value in [*values, ""]:
            if value and len(value) <= 18 and len(value.split()) <= 3 and re.search(r"\d", value):
                run.append(value)
                continue
            if len(run) >= 3:
                calls += [c for v in run if (c := f"{target.name}({v!r})") not in calls]
            run = []
    return calls[:MAX_LISTED]


MAX_DATA_CALLS = 12


def data_calls(root: Path, target: Target, item_text: str) -> list[str]:
    """For a parser of one field (``parse_grade(text)``): the values that field has in the
    project's data files, each written as it is there — the way people type them — and, when the
    item speaks of bad input ("Junk should raise"), one that is no value at all. heldout20
    parse-grade-tests (Qwen, session 23): the model's calls ran on as `parse_grade("Vb ")` over and
    over until the token limit, and the move gave up; the log held `6A+`, `v3`, `f6C`, `V 1`, `VB`."""
    if len(target.parameters) != 1 or not target.name.startswith("parse_"):
        return []
    word = target.name.removeprefix("parse_").lower()
    values: list[str] = []
    for path in data_files(root, skip_dirs=("tasks", "tests")):
        if PurePosixPath(path).suffix.lower() not in {".csv", ".json"}:
            continue
        for record in records(root / path) or []:
            for name, value in record.items():
                if name.lower() in (word, f"{word}s") and isinstance(value, str) and value and value not in values:
                    values.append(value)
    if not values:
        return []
    calls = [f"{target.name}({value!r})" for value in values]
    shapes = one_of_each_shape(calls)  # `' 84'` and `'dnf'` of forty scores first (heldout33 parse-score-tests)
    calls = [*shapes, *(call for call in calls if call not in shapes)][:MAX_DATA_CALLS]
    if asks_about_errors(item_text) or re.search(r"(?:junk|garbage|nonsense|raise)", item_text, re.IGNORECASE):
        calls.append(f"{target.name}('not a {word}')")
    return calls


MAX_MEMBER_CALLS = 8


def member_calls(target: Target) -> list[str]:
    """For a one-argument parser that looks its input up in a constant of the module (``if cleaned
    in NO_RETURN`` with ``NO_RETURN = ("nr", "n/r", "no return", "dnf")``): a call with each member —
    the spellings it is written to take, each of which a test should hold it to. heldout33
    parse-score-tests (Qwen, blind): the calls pinned `'NR'` alone, and the tests passed with `dnf`
    and `no return` dropped from the tuple."""
    if len(target.parameters) != 1:
        return []
    try:
        function = ast.parse(textwrap.dedent(target.source))
    except (SyntaxError, ValueError):
        return []
    looked_up = {
        node.comparators[0].id
        for node in ast.walk(function)
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.In | ast.NotIn)
        and isinstance(node.comparators[0], ast.Name)
    }  # fmt: skip
    calls: list[str] = []
    for segment in target.constants:
        try:
            statement = ast.parse(segment).body[0]
        except (SyntaxError, ValueError, IndexError):
            continue
        names = statement.targets if isinstance(statement, ast.Assign) else [getattr(statement, "target", None)]
        value = getattr(statement, "value", None)
        if value is None or not any(isinstance(n, ast.Name) and n.id in looked_up for n in names):
            continue
        try:
            members = ast.literal_eval(value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            continue
        if isinstance(members, tuple | list | set | frozenset | dict):
            calls += [f"{target.name}({m!r})" for m in members if isinstance(m, str) and m.strip()]
    return list(dict.fromkeys(calls))[:MAX_MEMBER_CALLS]


def _shape(value: str) -> str:
    """``' 84'`` → ``' 9'``, ``'NR'`` → ``'A'``, ``'dnf'`` → ``'a'``: how a value is written."""
    return re.sub(r"(.)\1+", r"\1", re.sub(r"[a-z]", "a", re.sub(r"[A-Z]", "A", re.sub(r"\d", "9", value))))


def one_of_each_shape(calls: list[str]) -> list[str]:
    """The first call of each way of writing its argument (digits, capitals, small letters, spaces
    around): ``parse_score('88')``, ``parse_score('NR')``, ``parse_score('dnf')``, ``parse_score(' 84')``
    of a log's twenty scores — each a case a parser's tests should pin."""
    seen: set[str] = set()
    kept: list[str] = []
    for call in calls:
        match = re.fullmatch(r"\w+\((['\"])(.*)\1\)", call)
        if match is None:
            continue
        shape = _shape(match.group(2))
        if shape not in seen:
            seen.add(shape)
            kept.append(call)
    return kept


# the units an item lists for a parser: "units g/kg/lb/oz in any case, space or no space"
_UNIT_LIST = re.compile(r"(?<![\w/.])([A-Za-z°]{1,3}(?:\s*/\s*[A-Za-z°]{1,3}){1,7})(?![\w/])")
_SAMPLE_NUMBERS = ("250", "1.5", "12.25", "0.5", "3", "40")


def unit_calls(target: Target, item_text: str) -> list[str]:
    """For a parser of one text argument whose item lists the units it reads ("units g/kg/lb/oz in
    any case, space or no space"): a value in each unit, with a space and without, in the other
    case — and one with no unit and one with a unit it does not list. heldout19 parse-weight-tests
    (Qwen, blind): the model's calls were `parse_weight("1 lb 4 oz")` with ever more spaces, none
    ran a unit's branch. What each returns, or raises, is pinned by running it."""
    if len(target.parameters) != 1 or not re.search(r"\bunits\b|\bunit\b(?!\s+tests?)", item_text, re.IGNORECASE):
        return []
    lists = [m.group(1) for m in _UNIT_LIST.finditer(item_text)]
    if len(lists) != 1:
        return []
    units = [u.strip() for u in lists[0].split("/") if u.strip()]
    calls: list[str] = []
    for index, unit in enumerate(units):
        number = _SAMPLE_NUMBERS[index % len(_SAMPLE_NUMBERS)]
        calls += [f"{target.name}({f'{number} {unit}'!r})", f"{target.name}({f'{number}{unit.swapcase()}'!r})"]
    calls += [f"{target.name}('250')", f"{target.name}('250 zz')"]
    return calls


def run_calls(workspace: Workspace, target: Target, calls: list[str], *, task_id: str, timeout: float) -> Run | None:
    """Make the calls in the sandbox (read-only); None when it cannot run here."""
    root = workspace.root
    base = pytest_argv(root)
    if base is None or not re.search(r"python[\d.]*$", PurePosixPath(base[0]).name):
        return None
    argv = [base[0], "-c", RUNNER, target.module, target.name, json.dumps(calls)]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    try:
        done = workspace.run_argv(
            argv, timeout=timeout, task_id=task_id, env=env, writable=False, output_cap=OUTPUT_CAP
        )
    except (subprocess.TimeoutExpired, OSError):
        return None
    text = done.stdout.decode("utf-8", "replace")
    at = text.rfind(MARKER)
    if at < 0:
        return None
    try:
        data = json.loads(text[at + len(MARKER) :].splitlines()[0])
    except (ValueError, IndexError):
        return None
    covered = set(data.get("covered", []))
    mutants = data.get("mutants", [])
    return Run(
        cases=data.get("cases", []),
        uncovered=[line for line in data.get("statements", []) if line not in covered],
        raise_lines=_numbers(data.get("raises")),
        survived=[m for m in mutants if not m.get("killed")],
        mutants=len(mutants),
        error=data.get("error"),
        killers=[m["killer"] for m in mutants if isinstance(m.get("killer"), int)],
        all_mutants=mutants,
    )


def _numbers(value: object) -> list[int]:
    return [v for v in value if isinstance(v, int)] if isinstance(value, list) else []


def calls_prompt(target: Target, item_text: str) -> str:
    example = f"{target.name}({', '.join('...' for _ in target.parameters)})"
    uses = "\n".join(target.constants)
    classes = "\n".join(f"- {line}" for line in target.classes)
    return (
        f"To-do item: {item_text.strip()}\n\n"
        f"The function, from {target.path}:\n```python\n{target.source}\n```\n"
        + (f"It uses these module constants:\n```python\n{uses}\n```\n" if uses else "")
        + (
            f"It works on these objects of the project (build them in the calls: they and `date`, `datetime` are "
            f"there):\n{classes}\n"
            if classes
            else ""
        )
        + f"\nWrite 6 to 10 calls of `{target.name}` that a careful tester would check: each case the item "
        "mentions, each branch of the function, edge values, and inputs it must reject (when it raises). "
        f"One call per line, with literal arguments, and nothing else — no asserts, no results:\n{example}"
    )


_GUARD = re.compile(r"^\s*(?:if|elif|else|for|while|try|except|with|match|case)\b")


def _guard(lines: list[str], index: int) -> str | None:
    """The condition a line runs under: the nearest line above it that is less indented and opens
    a block (``if hours > MAX:``)."""
    indent = len(lines[index]) - len(lines[index].lstrip())
    for above in range(index - 1, -1, -1):
        line = lines[above]
        if line.strip() and len(line) - len(line.lstrip()) < indent:
            return line.strip() if _GUARD.match(line) else None
    return None


def more_calls_prompt(target: Target, run: Run) -> str:
    lines = target.source.splitlines()
    first = target.first_line
    parts = []
    if run.missed:
        shown = []
        for number in run.missed[:6]:
            if not 0 <= number - first < len(lines):
                continue
            guard = _guard(lines, number - first)
            why = f" (it runs only when `{guard}` holds: no call makes that true)" if guard else ""
            shown.append(f"line {number}: `{lines[number - first].strip()}`{why}")
        parts.append("No call runs these lines:\n" + "\n".join(shown))
    if run.survived:
        shown = [f"line {m['line']}: `{m['before']}` → `{m['after']}`" for m in run.survived[:6]]
        parts.append("These wrong versions of the code give the same results for every call:\n" + "\n".join(shown))
    return (
        "\n\n".join(parts)
        + f"\n\nWrite more calls of `{target.name}` that reach those lines and whose results would change with "
        "those edits. One call per line, literal arguments, nothing else."
    )


# the standard library's names a pinned value's repr may use, and their import lines
_STDLIB_IMPORTS = {
    "datetime": "import datetime",
    "Decimal": "from decimal import Decimal",
    "Fraction": "from fractions import Fraction",
    "math": "import math",
}


@dataclass
class Written:
    """Tests to add: the import lines they need and the test functions."""

    imports: list[str]
    body: str
    returning: int
    raising: int

    def file_text(self, target: Target, existing: str | None) -> str:
        """A new test module, or ``existing`` with the imports it lacks and the tests at its end."""
        if existing is None or not existing.strip():
            # isort's groups: the standard library, pytest, the project
            stdlib = sorted((line for line in self.imports if line in _STDLIB_IMPORTS.values()), key=_isort_key)
            project = [line for line in self.imports if line not in stdlib and line != "import pytest"]
            groups = [group for group in (stdlib, ["import pytest"], project) if group]
            header = f'"""Tests of `{target.name}` ({target.path}): what each call returns, and what it rejects."""'
            block = "\n\n".join("\n".join(group) for group in groups)
            return "\n".join([header, "", block, "", "", self.body])
        tree = ast.parse(existing)
        missing = [line for line in self.imports if not _imported(tree, line)]
        lines = existing.splitlines(keepends=True)
        imports = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
        at = (imports[-1].end_lineno or 0) if imports else 0
        lines[at:at] = [line + "\n" for line in missing]
        return "".join(lines).rstrip("\n") + "\n\n\n" + self.body


def _isort_key(line: str) -> tuple[bool, str]:
    """isort's order in a section: ``import x`` lines first, then ``from x import y``, by module."""
    return line.startswith("from "), line.split()[1]


def _imported(tree: ast.Module, line: str) -> bool:
    """Whether every name ``line`` imports is imported already (maybe beside others)."""
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


def pinned_tests(target: Target, run: Run, taken: set[str]) -> Written:
    """A parametrised test pinning each returned value, and a ``pytest.raises`` test for each
    error; test names not in ``taken`` (the test file's own)."""
    chosen = run.chosen()
    returning = [c for c in chosen if "result" in c]
    raising = [c for c in chosen if "raises" in c]
    names: set[str] = set()
    for case in chosen:
        names.update(_strings(case.get("names")))
    stdlib = _STDLIB_IMPORTS
    imports = [*sorted(stdlib[n] for n in names if n in stdlib), "import pytest"]
    from_module = {target.name, *(n for n in names if n not in stdlib and n not in {"True", "False", "None"})}
    from_elsewhere: list[str] = []
    for module, error in sorted({(str(c["raises_module"]), str(c["raises"])) for c in raising}):
        if module == target.module:
            from_module.add(error)
        elif module != "builtins":
            from_elsewhere.append(f"from {module} import {error}")
    imports += [f"from {target.module} import {', '.join(sorted(from_module))}", *from_elsewhere]
    test = f"test_{target.name}"
    suffix = 2
    while any(name.startswith(test) for name in taken):
        test, suffix = f"test_{target.name}_{suffix}", suffix + 1
    columns, rows = _table(target, returning)
    quoted = ", ".join(f'"{c}"' for c in columns)
    body = [
        "@pytest.mark.parametrize(",
        f"    ({quoted}),",
        "    [",
        *(f"        ({', '.join(row)})," for row in rows),
        "    ],",
        ")",
        f"def {test}({', '.join(columns)}):",
        f"    assert {_call_with(target, columns)} == expected",
    ]
    by_error: dict[str, list[dict[str, object]]] = {}
    for case in raising:
        by_error.setdefault(str(case["raises"]), []).append(case)
    for error, cases in sorted(by_error.items()):
        tail = "" if len(by_error) == 1 else f"_{_snake(error)}"
        body += ["", "", f"def {test}_rejects{tail}():"]
        for case in cases:
            body += [f"    with pytest.raises({error}):", f"        {_call_text(target, case)}"]
    return Written(imports, "\n".join(body) + "\n", len(returning), len(raising))


def _strings(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _positional(case: dict[str, object]) -> list[str]:
    return _strings(case.get("args"))


def _keywords(case: dict[str, object]) -> dict[str, str]:
    value = case.get("kwargs")
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _call_text(target: Target, case: dict[str, object]) -> str:
    parts = [*_positional(case), *(f"{k}={v}" for k, v in _keywords(case).items())]
    return f"{target.name}({', '.join(parts)})"


def _expected(case: dict[str, object]) -> str:
    result = str(case["result"])
    return f"pytest.approx({result})" if case.get("type") == "float" else result


def _table(target: Target, cases: list[dict[str, object]]) -> tuple[list[str], list[list[str]]]:
    """The parametrisation: the function's own parameter names when every case passes the same
    arguments by position (``("text", "expected")``), else ``("args", "kwargs", "expected")``."""
    counts = {len(_positional(c)) for c in cases}
    plain = not any(_keywords(c) for c in cases) and len(counts) == 1
    count = counts.pop() if plain else 0
    names = target.parameters[:count]
    if plain and len(names) == count and "expected" not in names:
        return [*names, "expected"], [[*_positional(c), _expected(c)] for c in cases]
    rows = [
        [f"({', '.join(_positional(c))}{',' if len(_positional(c)) == 1 else ''})", repr(_keywords(c)), _expected(c)]
        for c in cases
    ]
    return ["args", "kwargs", "expected"], [
        [r[0], _dict_text(_keywords(c)), r[2]] for r, c in zip(rows, cases, strict=True)
    ]


def _dict_text(kwargs: dict[str, str]) -> str:
    return "{" + ", ".join(f'"{k}": {v}' for k, v in kwargs.items()) + "}"


def _call_with(target: Target, columns: list[str]) -> str:
    if columns[:2] == ["args", "kwargs"]:
        return f"{target.name}(*args, **kwargs)"
    return f"{target.name}({', '.join(columns[:-1])})"


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


__all__ = [
    "RUNNER",
    "Run",
    "Target",
    "Written",
    "asks_about_errors",
    "calls_in",
    "calls_prompt",
    "data_calls",
    "example_calls",
    "find_target",
    "more_calls_prompt",
    "pinned_tests",
    "run_calls",
]
