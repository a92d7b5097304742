"""Honest verification before a tick: deterministic checks of what an item actually changed.

The journal (:mod:`agentrunner.agent.journal`) knows every file a step changed, with its bytes
before and after. Before a step passes:

- ``parses`` — every file written parses as its kind: ``.py`` (compile), ``.toml`` (tomllib; a
  ``pyproject.toml`` also by the PEP 621/setuptools schema when setuptools' validator is there),
  ``.json``, ``.yaml``/``.yml`` (when PyYAML is importable; otherwise the check says it skipped it);
- ``echo`` — no file is a template echo: placeholder text ("TODO", "...", "the task done") where
  real content was or should be, the plan's expected-output text copied into the file, or the
  instruction itself as the content;
- ``exports`` — an ``__all__`` the item wrote in a module names only what the module defines;
- ``stubs`` — no Python function whose body was real became ``...``/``pass``; no new module made
  only of ``...`` stubs;
- ``shrink`` — no file that existed is gone or less than half its size, unless the item asks for a
  deletion ("remove", "delete", "trim", …).

At the item's last step, also:

- ``outputs`` — every file the item names as an output exists and was changed by the item;
- ``tests`` — the tests the item names or wrote, and the tests of the modules it changed (found by
  name: ``tests/test_<module>.py``…), pass; run with pytest through the workspace's command path
  (so it is journaled, and confined like the agent's own commands), with a timeout.

None of them asks a model. A premium tier, when ``agent.self_check`` is on, may review the diff
after them; without one these checks decide.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from ..tools import Workspace
from .checks import PROGRAM_FIX, ignores_problem, item_problem
from .evidence import work_problem
from .journal import FileChange
from .options import missing_option_problem, unread_option_problem
from .tables import data_values
from .validators import Check

PARSED = (".py", ".pyi", ".toml", ".json", ".ipynb", ".yaml", ".yml")


def yaml_available() -> bool:
    return importlib.util.find_spec("yaml") is not None


def parse_problem(path: str, data: bytes) -> str | None:
    """Why a file does not parse as its kind, or None (also None for kinds not checked)."""
    suffix = PurePosixPath(path).suffix.lower()
    try:
        if suffix in (".py", ".pyi"):
            compile(data, path, "exec", dont_inherit=True)
        elif suffix == ".toml":
            tomllib.loads(data.decode("utf-8"))
        elif suffix in (".json", ".ipynb"):
            json.loads(data.decode("utf-8"))
        elif suffix in (".yaml", ".yml") and yaml_available():
            import yaml

            list(yaml.safe_load_all(data.decode("utf-8")))
    except SyntaxError as exc:
        return f"{path}:{exc.lineno}: {exc.msg}"
    except Exception as exc:  # TOMLDecodeError, JSONDecodeError, UnicodeDecodeError, yaml.YAMLError
        first = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        return f"{path}: {first}"
    return None


def pyproject_problem(data: bytes) -> str | None:
    """Why a pyproject.toml that parses is no valid one ([project] by PEP 621, [tool.setuptools] by
    setuptools' schema), or None; also None when the validator setuptools vendors (validate-pyproject)
    is not importable — a well-formed TOML file is then all that is checked. Issue 12
    (dev-dependencies): a ``dev`` extra written as ``[tool.setuptools.extras]`` parsed, and was ticked."""
    try:
        from setuptools.config._validate_pyproject import validate  # type: ignore[import-untyped]
    except ImportError:
        return None
    try:
        validate(tomllib.loads(data.decode("utf-8")))
    except Exception as exc:  # ValidationError and its kin; a TOML error is the parse check's
        message = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        return f"pyproject.toml is not valid: {message}"
    return None


def invalid_pyproject_problem(changes: list[FileChange]) -> str | None:
    """A pyproject.toml the item made invalid (valid before), with where PEP 621 puts what the
    invalid table tried: the loop's DONE gate shows it to the model, which wrote an extra as
    ``[tool.setuptools.extras]`` (issue 12, dev-dependencies) and was only failed, never told."""
    for change in changes:
        if PurePosixPath(change.path).name != "pyproject.toml" or change.after is None:
            continue
        if parse_problem(change.path, change.after) or (change.before and pyproject_problem(change.before)):
            continue  # a TOML error is the write guard's; invalid before is not this item's doing
        problem = pyproject_problem(change.after)
        if problem:
            hint = ""
            if re.search(r"extra|optional|dependenc", problem, re.IGNORECASE):
                hint = (
                    " (PEP 621: extras are lists under `[project.optional-dependencies]`, e.g. "
                    '`dev = ["pytest>=8"]`; runtime ones in `dependencies = [...]` of `[project]`)'
                )
            return f"{problem}{hint}"
    return None


_EXTRAS_TABLE = re.compile(
    r"^\[(?!project\.optional-dependencies\])[\w.-]*?\b"
    r"(?:extras|optional[-_]dependencies|dev[-_]dependencies)\][ \t]*$",
    re.MULTILINE,
)
_ASKS_EXTRAS = re.compile(r"\bextras?\b|\boptional[- _]dependenc", re.IGNORECASE)


def extras_table_fixed(before: bytes, after: bytes, item_text: str) -> bytes | None:
    """A pyproject.toml an item asking for an extra made invalid by writing it in a table PEP 621
    does not read (``[tool.setuptools.extras]``: Qwen2.5-Coder-1.5B, told where extras go, wrote the
    same again), with that one table named ``[project.optional-dependencies]``; None unless that
    makes the file valid and it was valid before."""
    text = after.decode("utf-8", "replace")
    tables = list(_EXTRAS_TABLE.finditer(text))
    if not _ASKS_EXTRAS.search(item_text) or len(tables) != 1 or "[project.optional-dependencies]" in text:
        return None
    if pyproject_problem(before) or not pyproject_problem(after):
        return None
    fixed = (text[: tables[0].start()] + "[project.optional-dependencies]" + text[tables[0].end() :]).encode()
    return None if parse_problem("pyproject.toml", fixed) or pyproject_problem(fixed) else fixed


def parse_check(changes: list[FileChange]) -> Check:
    checked: list[str] = []
    skipped: list[str] = []
    for change in changes:
        suffix = PurePosixPath(change.path).suffix.lower()
        if change.after is None or suffix not in PARSED:
            continue
        if suffix in (".yaml", ".yml") and not yaml_available():
            skipped.append(change.path)
            continue
        problem = parse_problem(change.path, change.after)
        if not problem and PurePosixPath(change.path).name == "pyproject.toml":
            problem = pyproject_problem(change.after)
            if problem and change.before is not None and pyproject_problem(change.before):
                problem = None  # it was not valid before the item either: not this item's doing
        if problem:
            return Check("parses", False, f"does not parse: {problem}")
        checked.append(change.path)
    detail = ", ".join(checked) or "no file of a parsed kind"
    if skipped:
        detail += f"; not checked (PyYAML is not installed): {', '.join(skipped)}"
    return Check("parses", True, detail)


# -- template echoes --------------------------------------------------------------------------

PLACEHOLDERS = {
    "todo",
    "tbd",
    "fixme",
    "...",
    "…",
    "pass",
    "placeholder",
    "the task done",
    "task done",
    "done",
    "your content here",
    "content here",
    "content goes here",
    "insert content here",
    "lorem ipsum",
    "n/a",
    "none",
    "null",
    "a one-line summary",
}
# the plan text weak models copied into files (issue 12: "the task done; a one-line summary")
ECHO_PHRASES = ("the task done", "a one-line summary", "your content here", "insert content here", "lorem ipsum")
_PLACEHOLDER_LINE = re.compile(r"^(?:[#/*<!>-]+\s*)?(?:todo|fixme|tbd)\b.*$|^(?:\.\.\.|…)$", re.IGNORECASE)


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().strip(".;:,`'\"").lower()


def echo_problem(change: FileChange, literals: dict[str, str]) -> str | None:
    """Why a written file is a template echo rather than work, or None."""
    if change.after is None:
        return None
    text = change.after.decode("utf-8", "replace")
    norm = _normal(text)
    old_norm = _normal((change.before or b"").decode("utf-8", "replace"))
    placeholder = norm in PLACEHOLDERS or text.strip().lower() in PLACEHOLDERS
    if placeholder and (change.before is None or change.before.strip() != change.after.strip()):
        return f"{change.path} is placeholder text {text.strip()[:40]!r}"
    phrase = next((p for p in ECHO_PHRASES if p in norm and p not in old_norm), None)
    if phrase and len(change.after) < 2000:
        return f"{change.path} holds template text {phrase!r} instead of content"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines and all(_PLACEHOLDER_LINE.match(line) for line in lines) and len(old_norm) > len(norm):
        return f"{change.path}: its content was replaced by placeholders ({lines[0][:40]!r})"
    for label, literal in literals.items():
        wanted = _normal(literal)
        if len(wanted) < 12 or wanted in old_norm or wanted not in norm:
            continue
        if label == "expected output" or len(wanted) >= 0.5 * len(norm):
            return f"{change.path} echoes the {label} {literal.strip()[:60]!r} instead of doing it"
    return None


# -- stubs and shrinking ----------------------------------------------------------------------


def _is_stub(body: list[ast.stmt]) -> bool:
    start = 1 if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) else 0
    for node in body[start:]:
        if isinstance(node, ast.Pass):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and node.value.value is Ellipsis:
            continue
        if isinstance(node, ast.Raise) and "NotImplementedError" in ast.dump(node):
            continue
        return False
    return True


def functions(source: bytes) -> dict[str, bool]:
    """Qualified function name → its body is a stub (``...``, ``pass``, a docstring only)."""
    found: dict[str, bool] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                found[prefix + child.name] = _is_stub(child.body)
                visit(child, prefix + child.name + ".")
            elif isinstance(child, ast.ClassDef):
                visit(child, prefix + child.name + ".")

    visit(ast.parse(source), "")
    return found


def stub_problem(change: FileChange) -> str | None:
    """A Python module whose real function bodies became ``...``; a new one made only of stubs."""
    if change.after is None or not change.path.endswith(".py"):
        return None
    try:
        new = functions(change.after)
        old = functions(change.before) if change.before else {}
    except (SyntaxError, ValueError):
        return None  # the parse check reports it
    if old:
        gutted = [name for name, stub in new.items() if stub and old.get(name) is False]
        if gutted:
            return f"{change.path}: the body of {', '.join(gutted[:4])} was replaced by a stub (`...`)"
        return None
    ellipses = len(re.findall(r":\s*\.\.\.\s*$", change.after.decode("utf-8", "replace"), re.MULTILINE))
    if len(new) >= 2 and all(new.values()) and ellipses >= len(new):
        return f"{change.path}: every function is a stub (`...`)"
    return None


def _exports(tree: ast.Module) -> list[str] | None:
    """The names of a module-level ``__all__ = [...]``/``(...)`` of string literals, or None."""
    found: list[str] | None = None
    for node in tree.body:
        if not isinstance(node, ast.Assign | ast.AnnAssign):
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            value = node.value
            if isinstance(value, ast.List | ast.Tuple) and all(
                isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts
            ):
                found = [e.value for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return found


def _defined(tree: ast.Module) -> tuple[set[str], set[str]]:
    """(names a module defines at its top level, names it imports there), also inside if/try."""
    defined: set[str] = set()
    imported: set[str] = set()

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                defined.add(node.name)
            elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
                for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                    defined.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
            elif isinstance(node, ast.Import | ast.ImportFrom):
                imported.update((a.asname or a.name).split(".")[0] for a in node.names)
            elif isinstance(node, ast.If | ast.Try | ast.With):
                for part in ("body", "orelse", "finalbody"):
                    visit(getattr(node, part, []))
                for handler in getattr(node, "handlers", []):
                    visit(handler.body)

    visit(tree.body)
    return defined, imported


def exports_problem(change: FileChange) -> str | None:
    """An ``__all__`` the item wrote or changed in a module (not a package's ``__init__.py``, where
    re-exporting is its job) must name only what the module itself defines: listing the names it
    imports re-exports another module's API (issue 12, add-dunder-all: ticked with `Item` and
    `Inventory`, imported from models, in loader's ``__all__``)."""
    if change.after is None or not change.path.endswith(".py") or change.path.endswith("__init__.py"):
        return None
    try:
        after = ast.parse(change.after)
        before = ast.parse(change.before) if change.before else None
    except (SyntaxError, ValueError):
        return None  # the parse check reports it
    names = _exports(after)
    if names is None or (before is not None and _exports(before) == names):
        return None
    defined, imported = _defined(after)
    foreign = [name for name in names if name not in defined]
    if not foreign:
        return None
    kind = "imports" if all(name in imported for name in foreign) else "does not define"
    # the line to write, not only the rule: told "list only the names it defines", Qwen2.5-Coder-1.5B
    # wrote `__all__` with only the imported names
    own = [
        node.name
        for node in after.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and not node.name.startswith("_")
    ]
    kept = [name for name in names if name in defined and name not in own]
    line = "__all__ = [" + ", ".join(f'"{name}"' for name in [*kept, *own]) + "]"
    return (
        f"{change.path}: __all__ lists {', '.join(foreign[:6])}, which the module {kind}: "
        f"list only the names it defines (re-exports belong in the package's __init__.py): `{line}`"
    )


DELETION_ASKED = re.compile(
    r"\b(delete|remove|drop|trim|shorten|strip|truncate|empty|clean(?:\s|-)?up|prune|shrink|simplify|"
    r"deduplicate|condense|rewrite)\b",
    re.IGNORECASE,
)
SHRINK_MIN_BYTES = 200
SHRINK_RATIO = 0.5


def shrink_problem(change: FileChange, *, deletion_asked: bool) -> str | None:
    """A file that existed and is now gone or under half its size, when no deletion was asked."""
    if change.before is None or deletion_asked or len(change.before) < SHRINK_MIN_BYTES:
        return None
    if change.after is None:
        return f"{change.path} was deleted (the item asks for no deletion)"
    if len(change.after) < SHRINK_RATIO * len(change.before):
        return (
            f"{change.path} shrank from {len(change.before)} to {len(change.after)} bytes "
            "(the item asks for no deletion)"
        )
    return None


def content_checks(
    changes: list[FileChange], *, literals: dict[str, str], item_text: str, root: Path | None = None
) -> list[Check]:
    """parses, echo, stubs, shrink, asked on a step's changed files; stops at the first failure."""
    checks = [parse_check(changes)]
    if not checks[-1].ok:
        return checks
    deletion = bool(DELETION_ASKED.search(item_text))
    finders = {
        "echo": lambda change: echo_problem(change, literals),
        "stubs": stub_problem,
        "exports": exports_problem,
        "shrink": lambda change: shrink_problem(change, deletion_asked=deletion),
    }
    for name, find in finders.items():
        problem = next((found for change in changes if (found := find(change))), None)
        checks.append(Check(name, problem is None, problem or f"{len(changes)} changed file(s)"))
        if problem:
            return checks
    problem = asked_problem(changes, item_text, root)
    checks.append(Check("asked", problem is None, problem or "what the item quotes is there; code kept where asked"))
    return checks


def misplaced_problem(changes: list[FileChange], item_text: str, root: Path | None) -> str | None:
    """A file the item created under the bare name of a file it also names by its path, which
    exists elsewhere (issue 12, move-function: "… `report.py` imports it from there" made a new top-level
    ``report.py`` beside ``stockroom/report.py``, and was ticked): the item meant the existing one."""
    if root is None:
        return None
    for change in changes:
        if change.before is not None or change.after is None:
            continue
        name = PurePosixPath(change.path).name
        if "." not in name or not re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w-])", item_text):
            continue
        if "/" in change.path and re.search(rf"(?<![\w./-]){re.escape(change.path)}(?![\w-])", item_text):
            continue  # the item names this very path: it asked for it
        for current, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
            other = (Path(current) / name).relative_to(root).as_posix()
            if name in files and other != change.path and other in item_text:
                return f"{change.path} is new, but the item means the existing {other}: change that one instead"
    return None


def asked_problem(changes: list[FileChange], item_text: str, root: Path | None) -> str | None:
    """Whether the changes do what the item literally asks: :func:`notes_only_problem`, then
    whether they show its work at all (:mod:`agentrunner.agent.evidence`), then
    :func:`literals_problem` (existing files and folders it names are no literal to write), then
    what the item asks for by its kind of work (:mod:`agentrunner.agent.checks`)."""
    existing = [c.path for c in changes]
    if root is not None:
        existing += [
            literal
            for groups in _LITERAL.findall(item_text)
            if (literal := (groups[0] or groups[1]).strip()) and (root / literal).exists()
        ]
    return (
        invalid_pyproject_problem(changes)
        or notes_only_problem(changes, item_text)
        or work_problem(changes, item_text, root)  # junk, weakened tests, a copy, nothing about the item
        or misplaced_problem(changes, item_text, root)
        or ignores_problem(changes, item_text, root)  # ahead of the literals: it names every missing line
        or literals_problem(changes, item_text, existing, data_values(root, item_text) if root is not None else ())
        or prints_problem(changes, item_text)
        or item_problem(changes, item_text, root)
        or missing_option_problem(changes, item_text, root)
        or unread_option_problem(changes, item_text)
    )


# -- what the item asks for -------------------------------------------------------------------

# an item that asks only for documentation or annotations of code: the code itself must stay
_NOTES_ONLY = re.compile(r"\b(?:docstrings?|document|type hints?|annotations?|annotate|comments?)\b", re.IGNORECASE)
_BEHAVIOUR = re.compile(
    r"\b(?:fix|bug|raise|rename|move|extract|log|validate|option|flag|argument|refactor|rewrite|"
    r"implement|support|handle|resolve)\w*\b",
    re.IGNORECASE,
)


class _Unannotated(ast.NodeTransformer):
    """``x: list[str] = []`` is ``x = []`` and a bare ``x: int`` is nothing, to compare what runs
    (heldout3–5's hand-written type hints annotate a local's first assignment: refused before)."""

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST | None:
        if node.value is None:
            return None
        return ast.copy_location(ast.Assign(targets=[node.target], value=node.value), node)


_TYPING_MAKERS = {"TypeVar", "ParamSpec", "TypeVarTuple", "NewType"}


_GENERICS = {
    "tuple", "list", "dict", "set", "frozenset", "type", "Callable", "Iterable", "Iterator", "Sequence", "Mapping",
    "MutableMapping", "MutableSequence", "Collection", "Generator", "Optional", "Union", "Literal", "Annotated",
    "Tuple", "List", "Dict", "Set", "FrozenSet", "Type", "DefaultDict", "Counter", "Deque",
}  # fmt: skip


def _type_expression(node: ast.expr, *, top: bool = False) -> bool:
    """Whether an expression reads as a type: a subscripted generic (``tuple[Tank, str]``), or, inside
    one or in a ``|`` union with one, a name, an attribute, ``None``, a string or a list of them."""
    if isinstance(node, ast.Subscript):
        base = node.value
        name = base.id if isinstance(base, ast.Name) else getattr(base, "attr", "")
        inner = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        return name in _GENERICS and all(_type_expression(e) for e in inner)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        sides = (node.left, node.right)
        return all(_type_expression(side) for side in sides) and (
            not top or any(isinstance(side, ast.Subscript | ast.BinOp) for side in sides)
        )
    if top:
        return False
    if isinstance(node, ast.List):
        return all(_type_expression(e) for e in node.elts)
    return isinstance(node, ast.Name | ast.Attribute) or (
        isinstance(node, ast.Constant) and (node.value is None or node.value is Ellipsis or isinstance(node.value, str))
    )


def _typing_only(node: ast.stmt) -> bool:
    """A module statement that exists for the type checker: ``K = TypeVar("K")``, ``Alias: TypeAlias
    = …``, ``if TYPE_CHECKING:`` (heldout16 stats-strict-hints: the hand solution for `mypy --strict`
    declared a TypeVar, and was refused as a code change)."""
    if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
        func = node.value.func
        return (func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")) in _TYPING_MAKERS
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        # `Row = tuple[Tank, Reading | None, str]`: an alias written without `TypeAlias` (heldout18
        # status-type-hints' hand solution was refused as a code change)
        return _type_expression(node.value, top=True)
    if isinstance(node, ast.AnnAssign):
        annotation = node.annotation
        return (annotation.id if isinstance(annotation, ast.Name) else getattr(annotation, "attr", "")) == "TypeAlias"
    if isinstance(node, ast.If):
        test = node.test
        return (test.id if isinstance(test, ast.Name) else getattr(test, "attr", "")) == "TYPE_CHECKING"
    return type(node).__name__ == "TypeAlias"  # `type Pairs = list[tuple[str, int]]` (3.12)


def _without_notes(source: bytes) -> str:
    """The module's code without docstrings, annotations, imports and what only the type checker
    reads: what runs."""
    parsed = ast.parse(source)
    parsed.body = [node for node in parsed.body if not _typing_only(node)]
    tree = _Unannotated().visit(parsed)
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            first = body[0] if body else None
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                node.body = body[1:] or [ast.Pass()]
            node.body = [n for n in node.body if not isinstance(n, ast.Import | ast.ImportFrom)] or [ast.Pass()]
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            node.returns = None
            arguments = node.args
            for argument in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
                argument.annotation = None
            for star in (arguments.vararg, arguments.kwarg):
                if star is not None:
                    star.annotation = None
    return ast.dump(tree)


def notes_only_problem(changes: list[FileChange], item_text: str) -> str | None:
    """For an item that asks for docstrings, comments or type hints (and for no behaviour): a
    Python file whose code changed besides them."""
    if not _NOTES_ONLY.search(item_text) or _BEHAVIOUR.search(item_text):
        return None
    for change in changes:
        if change.before is None or change.after is None or not change.path.endswith(".py"):
            continue
        try:
            same = _without_notes(change.before) == _without_notes(change.after)
        except (SyntaxError, ValueError):
            continue  # the parse check reports it
        if not same:
            return (
                f"{change.path}: the code changed, not only its docstrings, comments or type hints (the item "
                "asks for those only): change nothing else"
            )
    return None


_LITERAL = re.compile(r"`([^`\n]{1,60})`|\"([^\"\n]{2,60})\"")
# a literal the item says is not wanted: 'as plain numbers (not "35%")', "instead of `None`"
_NEGATED = re.compile(r"\b(?:not|no|never|instead\s+of|rather\s+than|without)\s*[(\[]?\s*$", re.IGNORECASE)
# what an item names may be gone after it: a deletion, a rename, a fixed typo
_NAMES_GO = re.compile(
    r"\b(?:rename|replace|typo|misspel\w*|correct|fix)\w*\b"
    # "load_batches → read_batch_log (nothing gets "loaded", …)": a rename by an arrow between two code
    # names (heldout40 rename-load-batches, blind: the rename was refused for not writing "loaded")
    r"|\b[A-Za-z_]\w*_\w*`?\s*(?:→|->|=>)\s*`?[A-Za-z_]\w*_\w*\b",
    re.IGNORECASE,
)
_CODE_NAME = re.compile(r"^(?:[A-Za-z_][A-Za-z0-9_]*|--?[a-z][\w-]*)$")
# `logging.getLogger(__name__)`, `parse(row)`: the name of the function called
_QUOTED_CALL = re.compile(r"^(?:[A-Za-z_]\w*\.)*([A-Za-z_]\w*)\([^()]*\)$")
# "no prints", "don't print", "instead of print", "rather than prints": the item forbids print calls
_NO_PRINTS = re.compile(
    r"\bno\s+`?prints?\b|\b(?:don'?t|do\s+not|never|without)\s+`?print(?:s|ing)?\b"
    r"|\b(?:instead\s+of|rather\s+than)\s+`?print",
    re.IGNORECASE,
)


def _print_calls(data: bytes | None) -> int:
    try:
        tree = ast.parse((data or b"").decode("utf-8", "replace"))
    except (SyntaxError, ValueError):
        return 0
    return sum(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"
        for node in ast.walk(tree)
    )


def prints_problem(changes: list[FileChange], item_text: str) -> str | None:
    """An item that says "no prints" whose change adds a ``print`` call."""
    if not _NO_PRINTS.search(item_text):
        return None
    for change in changes:
        added = change.after is not None and _print_calls(change.after) > _print_calls(change.before)
        if change.path.endswith(".py") and added:
            return f"{change.path}: the item says no prints, but the change adds a print call: do it without print"
    return None


def _has(text: str, word: str) -> bool:
    """Whether text holds word: a whole word when it is one (`dev` is not in "development")."""
    if re.fullmatch(r"\w+", word):
        return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text) is not None
    return word in text


def _subject_of_clause(literal: str, item_text: str) -> bool:
    """A literal the item quotes as the subject of a clause says where something comes from, not
    what to write: "the .bak copies of the log that `plantcare water` leaves behind" (heldout9
    gitignore-backups: the right .gitignore was refused for lacking "plantcare")."""
    quoted = rf"[`\"]{re.escape(literal)}[`\"]"
    return re.search(rf"\b(?:that|which|what)\s+{quoted}\s+(?:\w+ly\s+)?[a-z]+(?:s|ed)\b", item_text) is not None


_RUNNERS = frozenset(["python", "python3", "pytest", "pip", "uv", "make", "git"])


def _project_command(literal: str, changes: list[FileChange]) -> bool:
    """Whether a quoted literal is a command line — the project's program (the package a changed
    module is in) or a runner, then its arguments — in an item whose change is to the code: it shows
    what the code does, not text to write (a README asked to show `python -m app run` must have it)."""
    words = literal.split()
    packages = {c.path.split("/", 1)[0] for c in changes if c.path.endswith(".py") and "/" in c.path}
    if len(words) < 2 or not packages:
        return False
    return words[0] in _RUNNERS or words[0] in packages


def literals_problem(
    changes: list[FileChange], item_text: str, named_paths: list[str], read_values: Iterable[str] = ()
) -> str | None:
    """Each literal the item quotes is in a file it changed: in text files (docs, config, ignore
    files) every quoted literal (`.venv/`, `pytest>=8`, "Development"); when it changed only code,
    the names it quotes (`__all__`, `delimiter`, `--limit`: the tests judge the rest). Items that
    delete, rename or fix what they quote are exempt (it is gone), and so, when code changed, is a
    value the project's data holds (``read_values``: "match it however the log writes it: … `D76
    stock` is D-76" — heldout26 rolls-developer-filter's hand solution was refused for no `D76`)."""
    written_changes = [c for c in changes if c.after is not None]
    if not written_changes or DELETION_ASKED.search(item_text) or _NAMES_GO.search(item_text):
        return None
    code_only = all(c.path.endswith((".py", ".pyi")) for c in written_changes)
    # values read, not written: by changed code, or by a table made from the data ("a table of just my
    # scales sessions … (I haven't spelled "scales" the same way twice)": heldout28 scales-table)
    tabled = re.search(r"\btables?\b", item_text, re.IGNORECASE) is not None
    read = set(read_values) if tabled or any(c.path.endswith(".py") for c in written_changes) else set()
    if PROGRAM_FIX.search(item_text) and any(c.path.endswith((".py", ".pyi")) for c in written_changes):
        # a fix quotes the command that shows the bug and what it prints now (heldout18 stale-reef-status:
        # "`python -m tanklog status --date 2026-05-16` lists the Reef as `ok    2026-05-01`" — the hand
        # fix, with a changelog line, was refused for not writing them): the code is judged by its names
        code_only = True
    lowered = "\n".join((c.after or b"").decode("utf-8", "replace") for c in written_changes).lower()
    for found in _LITERAL.finditer(item_text):
        groups = found.groups("")
        literal = (groups[0] or groups[1]).strip()
        if _NEGATED.search(item_text[max(0, found.start() - 20) : found.start()]):
            continue  # 'plain numbers (not "35%")': what must not be written (heldout18 change-json)
        if groups[1] and (literal.endswith(("?", "!")) or len(literal.split()) >= 6):
            continue  # 'I get asked "how long do I leave a medium roast?"': words someone said (heldout19 resting-docs)
        # a file it names (`py.typed` written as pkg/py.typed) is no text to write
        bare = literal.rstrip("/")
        if literal in named_paths or any(bare in (p.rstrip("/"), p.rsplit("/", 1)[-1]) for p in named_paths):
            continue
        if _subject_of_clause(literal, item_text) or literal in read:
            continue
        if _project_command(literal, written_changes):
            continue  # "`boulderlog sessions` has me climbing on …": a command to run (heldout20 april-dates-in-march)
        words = [w for w in re.split(r"\s+", literal) if len(w) > 1]
        call = _QUOTED_CALL.match(literal) if groups[0] else None
        if code_only and call:
            # a call the item quotes ("use `logging.getLogger(__name__)`"): the function it calls
            # is in the code (Gemma 270M, asked for a logger, added a print and was ticked)
            words = [call.group(1)]
        elif code_only:
            words = [w for w in words if groups[0] and len(words) == 1 and _CODE_NAME.match(w)]
        missing = next((w for w in words if not _has(lowered, w.lower())), None)
        if missing is not None:
            return f"the item asks for {literal!r}, but no changed file has {missing!r}: add {missing!r} itself"
    return example_problem(written_changes, item_text) if code_only else None


# an example of what the code must print or return: "… like `Inventory(12 items, 3698 units)`"
_EXAMPLE = re.compile(r"\b(?:like|e\.g\.|such as|for example|looks? like)[:,]?\s+`([^`\n]{4,80})`", re.IGNORECASE)
_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)*")
# "e.g. `python -m shelf fees --member M004`": how to run it, not what it prints
_INVOCATION = re.compile(r"^\$?\s*(?:python3?|py|pip|uv|pytest)\b|(?:^|\s)--?[A-Za-z]")


def example_problem(changes: list[FileChange], item_text: str) -> str | None:
    """Code asked to produce output like an example holds the example's text around its numbers:
    each part between the numbers with a letter in it (`Inventory(`, `items,`, `units)`) is in a
    changed file (Qwen2.5-Coder-1.5B wrote ``f"Inventory({n} items)"`` and said done). An example
    command line (``python -m shelf fees --member M004``) is how to run it, not its output."""
    text = "\n".join((c.after or b"").decode("utf-8", "replace") for c in changes)
    for example in _EXAMPLE.findall(item_text):
        if _INVOCATION.search(example):
            continue
        parts = [part.strip() for part in _NUMBER.split(example)]
        missing = next((p for p in parts if re.search(r"[A-Za-z]", p) and p not in text), None)
        if missing is not None and len(parts) > 1:
            return (
                f"the item's example output is {example!r}, but no changed file has {missing!r}: the output "
                "must look like the example, with the numbers computed"
            )
    return None


# -- outputs and tests ------------------------------------------------------------------------


def outputs_check(outputs: list[str], originals: dict[str, tuple[bool, bytes | None]], root: Path) -> Check:
    """Each named output exists and differs from what was there before the item."""
    for path in outputs:
        target = root / path
        if not target.is_file():
            return Check("outputs", False, f"{path} does not exist")
        journaled, before = originals.get(path, (False, None))
        if not journaled:
            return Check("outputs", False, f"{path} was not written by this item")
        if before is not None and target.read_bytes() == before:
            return Check("outputs", False, f"{path} is unchanged")
    return Check("outputs", True, ", ".join(outputs) or "the item names no output file")


def is_test_file(path: str) -> bool:
    name = PurePosixPath(path).name
    return name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py"))


_SKIP_DIRS = {".git", ".agentrunner", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".mypy_cache"}


def module_name(path: str) -> str:
    """The dotted name a module is imported by (``src/pkg/a.py`` → ``pkg.a``; a package's
    ``__init__.py`` → the package)."""
    parts = list(PurePosixPath(path).with_suffix("").parts)
    if parts and parts[0] == "src":
        parts = parts[1:]
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _importing(modules: list[str]) -> re.Pattern[str] | None:
    """Matches a source line that imports one of the modules (``import pkg.a``, ``from pkg.a
    import x``, ``from pkg import a``): a test that imports a changed module tests it, whatever
    its file is called (``test_pricing.py`` tests ``Item`` of ``models.py``)."""
    alternatives = []
    for name in dict.fromkeys(m for m in modules if m):
        alternatives.append(rf"^\s*(?:from|import)\s+{re.escape(name)}(?![\w.])")
        if "." in name:
            parent, leaf = name.rsplit(".", 1)
            alternatives.append(rf"^\s*from\s+{re.escape(parent)}\s+import\s+[^\n]*\b{re.escape(leaf)}\b")
    return re.compile("|".join(alternatives), re.MULTILINE) if alternatives else None


def _read_text(path: Path) -> str:
    try:
        return path.read_text("utf-8", "replace")[:200_000]
    except OSError:
        return ""


_PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg")


def _other_project(folder: Path, relative: PurePosixPath, changed_dirs: list[PurePosixPath]) -> bool:
    """A folder with a project file of its own that holds none of the changed files is another
    project: its tests are not this change's (make run: renaming in `examples/billing.py` ran a
    nested benchmark project's `test_billing.py`, which imports a package of its own)."""
    if not any((folder / marker).is_file() for marker in _PROJECT_MARKERS):
        return False
    return not any(changed == relative or relative in changed.parents for changed in changed_dirs)


def tests_for(named: list[str], changes: list[FileChange], root: Path, *, mentions_tests: bool) -> list[str]:
    """The test files to run: named by the item, written by it, or testing a module it changed
    (``test_<stem>.py`` anywhere in the project, or any test file that imports it). An item that
    talks about tests but touched none by name runs the project's ``tests/`` folder."""
    found: list[str] = []

    def add(path: str) -> None:
        if path not in found and (root / path).is_file():
            found.append(path)

    for path in named:
        if is_test_file(path):
            add(path)
    stems = set()
    modules: list[str] = []
    for change in changes:
        if change.after is None or not change.path.endswith(".py"):
            continue
        if is_test_file(change.path):
            add(change.path)
        else:
            stems.add(PurePosixPath(change.path).stem)
            modules.append(module_name(change.path))
    if stems:
        importing = _importing(modules)
        changed_dirs = [PurePosixPath(c.path).parent for c in changes]
        for current, dirs, files in os.walk(root):
            here = PurePosixPath(Path(current).relative_to(root).as_posix())
            dirs[:] = sorted(
                d
                for d in dirs
                if d not in _SKIP_DIRS
                and not d.startswith(".")
                and not _other_project(Path(current) / d, here / d, changed_dirs)
            )
            for name in sorted(files):
                stem = name.removeprefix("test_").removesuffix(".py").removesuffix("_test")
                if not is_test_file(name):
                    continue
                test_path = Path(current) / name
                if stem in stems or (importing is not None and importing.search(_read_text(test_path))):
                    add(test_path.relative_to(root).as_posix())
    if not found and mentions_tests and (root / "tests").is_dir():
        found.append("tests")
    return found


def pytest_argv(root: Path) -> list[str] | None:
    """How to run pytest for this project: its own virtualenv first (it has the project's
    dependencies), else this interpreter when it has pytest, else ``pytest`` on PATH."""
    for venv in (".venv", "venv"):
        python = root / venv / "bin" / "python"
        if python.exists():
            return [str(python), "-m", "pytest"]
    if importlib.util.find_spec("pytest") is not None:
        return [sys.executable, "-m", "pytest"]
    found = shutil.which("pytest")
    return [found] if found else None


def tests_check(workspace: Workspace, tests: list[str], *, task_id: str, timeout: float) -> Check:
    if not tests:
        return Check("tests", True, "no tests named, written or found for the changed modules")
    base = pytest_argv(workspace.root)
    if base is None:
        return Check("tests", True, f"not run: pytest is not installed (would run {', '.join(tests)})")
    argv = [*base, "-q", "-x", "-p", "no:cacheprovider", *tests]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    try:
        done = workspace.run_argv(argv, timeout=timeout, task_id=task_id, env=env)
    except subprocess.TimeoutExpired:
        return Check("tests", False, f"pytest {' '.join(tests)}: timed out after {timeout:g}s")
    except PermissionError as exc:  # no sandbox on this machine: commands are disabled, like no pytest
        return Check("tests", True, f"not run ({exc.strerror or exc}): would run {', '.join(tests)}")
    except OSError as exc:
        return Check("tests", False, f"pytest could not run: {exc}")
    output = (done.stdout + done.stderr).decode("utf-8", "replace").strip()
    tail = output[-1500:]
    if done.returncode == 5:
        return Check("tests", True, f"pytest {' '.join(tests)}: no tests collected\n{tail}")
    if done.returncode != 0:
        return Check("tests", False, f"pytest {' '.join(tests)} failed (exit {done.returncode}):\n{tail}")
    return Check("tests", True, f"pytest {' '.join(tests)}:\n{tail}")


__all__ = [
    "DELETION_ASKED",
    "asked_problem",
    "content_checks",
    "echo_problem",
    "exports_problem",
    "extras_table_fixed",
    "is_test_file",
    "literals_problem",
    "misplaced_problem",
    "notes_only_problem",
    "outputs_check",
    "parse_check",
    "parse_problem",
    "pyproject_problem",
    "shrink_problem",
    "stub_problem",
    "tests_check",
    "tests_for",
]
