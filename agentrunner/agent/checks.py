"""What an item asks for, checked against what it changed: general checks, no model (issue 12).

The verification's ``asked`` check (and the loop's DONE gate, which shows the model what is
missing) runs :func:`item_problem` after its own literal checks. Each check here applies only when
the item's words ask for a kind of work, and knows no project: it reads the item, the changed
files' bytes before and after, the project's other files, and the standard tools.

- ``docstrings kept`` — a class or function docstring that was there is gone (its definition is
  still there), and the item asks for no docstring to go;
- ``lint`` — a changed Python file has a new pyflakes error ruff finds (an import written twice,
  a name used and never defined); an item about import order is checked by ruff's isort rule (I);
- ``type hints`` — an item asking for type hints: every parameter and return of the functions it
  is about is annotated, and no new annotation is a bare container (``list`` for ``list[str]``);
- ``docstrings`` — an item asking for docstrings of named functions (or "every"/"public" ones of
  a module or class): each has one;
- ``used`` — a new module constant an item asks to be used is used (by the function the item
  names), and no longer as the literal it names (``instead of the literals``);
- ``covers`` — a summary or inventory of a module, written into a text file, names every public
  function/class of it when the item asks about them;
- ``facts`` — a page's money amounts, durations and percentages are mostly the code's own
  (:mod:`agentrunner.agent.facts`);
- ``under`` — text an item puts "under X → Y" of a markdown file is under those headings;
- ``marker`` — a ``py.typed`` is empty and beside a package's ``__init__.py`` (PEP 561);
- ``ignores`` — a ``.gitignore`` (:mod:`agentrunner.agent.ignores`): ignores what the item names in
  the standard tools' words (the pytest cache is ``.pytest_cache/``…) and no tracked project file the
  item does not mention.

ruff and git are used when present; without them their parts say nothing (never a failure).
"""

from __future__ import annotations

import ast
import difflib
import importlib.util
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tokenize
from collections import Counter
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path, PurePosixPath

from .changelog import CHANGELOG_FILE, implied_category_problem, repeated_entry_problem
from .evidence import item_words, stem
from .factors import asked_values_problem, constants_problem, factors_problem, module_constants, value_stated
from .facts import explained_problem, facts_problem
from .ignores import IGNORE_KINDS, ignores_problem
from .journal import FileChange
from .log_messages import log_message_problem
from .sources import project_files
from .tables import table_problem
from .todo_comments import in_folders, named_folders
from .versions import bumped, project_version, release_problem

DELETES = re.compile(r"\b(?:delete|remove|drop|strip|trim|rewrite|shorten|clean(?:\s|-)?up)\w*\b", re.IGNORECASE)
_BACKTICKED = re.compile(r"`([^`\n]{1,80})`")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PY_PATH = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[\w-]+\.py)\b")


def _parse(data: bytes | None) -> ast.Module | None:
    if data is None:
        return None
    try:
        return ast.parse(data)
    except (SyntaxError, ValueError):
        return None  # the parse check reports it


def _py_changes(changes: list[FileChange]) -> Iterator[tuple[FileChange, ast.Module, ast.Module | None]]:
    """Changed Python files that parse after the change: (change, after, before or None)."""
    for change in changes:
        if change.after is None or not change.path.endswith((".py", ".pyi")):
            continue
        after = _parse(change.after)
        if after is not None:
            yield change, after, _parse(change.before)


def named_identifiers(item_text: str) -> set[str]:
    """Identifiers the item quotes in backticks (`Inventory`, `Item.value` → value, `f(x)` → f)."""
    names = set()
    for quoted in _BACKTICKED.findall(item_text):
        head = quoted.strip().split("(")[0]
        parts = [p for p in head.split(".") if _IDENTIFIER.fullmatch(p)]
        if parts and not head.endswith(".py"):
            names.add(parts[-1])
            names.update(parts[:-1])
    return names


# a function the item names: in backticks (`parse_duration`, `Run.pace()`), or a bare name that is
# plainly code (snake_case with an underscore, or followed by "()")
_QUOTED = re.compile(r"`([A-Za-z_][\w.]*)(?:\(\))?`")
# `grades.parse_grade` unquoted: the dotted name whole (heldout20 parse-grade-tests: no name was read)
# a snake_case name, dotted or not, or any name written as called ("economy.segments()": heldout22
# segments-docstring — its docstring was held to nothing the item asked, and ticked WRONG)
_BARE = re.compile(
    r"(?<![\w.`/])((?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*_\w+|(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*(?=\(\)))(?![\w`/])"
)


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


def named_modules(item_text: str) -> list[str]:
    """The Python files an item names (``pkg/report.py``), in order, once each."""
    return list(dict.fromkeys(_PY_PATH.findall(item_text)))


def _definitions(tree: ast.Module) -> dict[str, ast.AST]:
    """Qualified name → node, for the module (``""``), its classes and functions (nested too)."""
    found: dict[str, ast.AST] = {"": tree}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                found[prefix + child.name] = child
                visit(child, prefix + child.name + ".")

    visit(tree, "")
    return found


def _has_docstring(node: ast.AST) -> bool:
    body = getattr(node, "body", None)
    return bool(
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    )


def _describe(qualname: str, path: str) -> str:
    return f"the module docstring of {path}" if qualname == "" else f"the docstring of {qualname} in {path}"


# -- docstrings kept --------------------------------------------------------------------------


def dropped_docstring_problem(changes: list[FileChange], item_text: str) -> str | None:
    """A class or function docstring that was there is gone (its definition still is), and the
    item asks for no docstring to go: a whole-file rewrite lost it."""
    if re.search(r"\bdocstrings?\b", item_text, re.IGNORECASE) and DELETES.search(item_text):
        return None
    for change, after, before in _py_changes(changes):
        if before is None:
            continue
        now = _definitions(after)
        for name, node in _definitions(before).items():
            # a module docstring is left out: Qwen drops it in most whole-file rewrites, and the
            # chores' own checks count that work as right (it would turn right work into failures)
            if name and _has_docstring(node) and name in now and not _has_docstring(now[name]):
                return f"{_describe(name, change.path)} was removed (the item does not ask for that): put it back"
    return None


# -- lint: ruff ---------------------------------------------------------------------------------

# pyflakes errors that are always a defect a change brought: an import or definition written
# twice, a name used that nothing defines (unused imports are left out: a style matter)
LINT_RULES = "F811,F821,F822,F823"
_IMPORT_ORDER = re.compile(
    r"\b(?:sort|order|reorder|organi[sz]e|group|isort)\w*\b[^.\n]{0,40}\bimports?\b"
    r"|\bimports?\b[^.\n]{0,40}\b(?:sort|order|isort)\w*|\bisort\b",
    re.IGNORECASE,
)


def tool_command(root: Path, tool: str) -> list[str] | None:
    """A Python tool (ruff, mypy): the project's own (its virtualenv), this interpreter's, or on
    PATH; None without."""
    for venv in (".venv", "venv"):
        candidate = root / venv / "bin" / tool
        if candidate.exists():
            return [str(candidate)]
    if importlib.util.find_spec(tool) is not None:
        return [sys.executable, "-m", tool]
    found = shutil.which(tool)
    return [found] if found else None


def ruff_command(root: Path) -> list[str] | None:
    """ruff: the project's own (its virtualenv), this interpreter's, or on PATH; None without."""
    return tool_command(root, "ruff")


def ruff_findings(root: Path, path: str, data: bytes, select: str) -> list[str] | None:
    """ruff's findings (``CODE message``, without positions) for data as the file at path, with
    the project's own ruff configuration and only the rules in select; None when ruff is not
    there or could not check (a broken configuration is not this item's doing)."""
    command = ruff_command(root)
    if command is None:
        return None
    argv = [*command, "check", "--no-cache", "--no-fix", "--output-format", "concise", "--select", select]
    try:
        done = subprocess.run(
            [*argv, "--stdin-filename", path, "-"], cwd=root, input=data, capture_output=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode not in (0, 1):
        return None
    findings = []
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        match = re.match(r"^.+?:\d+:\d+: (.*)$", line)
        if match:  # without line numbers: a finding that only moved is the same finding
            findings.append(re.sub(r"\bline \d+", "line N", match.group(1).removesuffix(" [*]").strip()))
    return findings


def _sorted_imports(root: Path, path: str, data: bytes) -> str | None:
    """The module's top-level import lines as ruff's isort fix writes them (a small model copies
    a block it is shown; it does not derive an order from rules), or None."""
    command = ruff_command(root)
    if command is None:
        return None
    argv = [*command, "check", "--no-cache", "--select", "I", "--fix", "--stdin-filename", path, "-"]
    try:
        done = subprocess.run(argv, cwd=root, input=data, capture_output=True, timeout=60, check=False)
        tree = ast.parse(done.stdout)
    except (OSError, subprocess.TimeoutExpired, SyntaxError, ValueError):
        return None
    imports = [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
    if done.returncode != 0 or not imports:
        return None
    lines = done.stdout.decode("utf-8", "replace").splitlines()
    return "```python\n" + "\n".join(lines[imports[0].lineno - 1 : imports[-1].end_lineno]) + "\n```"


def isort_spacing(root: Path, path: str, text: str) -> str | None:
    """``text`` with the blank lines ruff's isort fix puts between and after its import groups,
    when that fix changes nothing else (the order is the one written); else None. Qwen2.5-Coder-1.5B
    copied ruff's sorted block line for line but left out its blank lines."""
    command = ruff_command(root)
    if command is None:
        return None
    argv = [*command, "check", "--no-cache", "--select", "I", "--fix", "--stdin-filename", path, "-"]
    try:
        done = subprocess.run(argv, cwd=root, input=text.encode(), capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    fixed = done.stdout.decode("utf-8", "replace")
    if done.returncode != 0 or fixed == text:
        return None
    same = [line for line in fixed.splitlines() if line.strip()] == [line for line in text.splitlines() if line.strip()]
    return fixed if same else None


def lint_problem(changes: list[FileChange], item_text: str, root: Path | None) -> str | None:
    """A changed Python file has a pyflakes error it had not before; an item about the order of
    imports leaves every file it changed passing ruff's isort rule (issue 12, sort-imports: a
    wrong order and an import written twice were ticked)."""
    if root is None:
        return None
    order = bool(_IMPORT_ORDER.search(item_text))
    for change, _, _ in _py_changes(changes):
        assert change.after is not None
        rules = LINT_RULES + (",I" if order else "")
        now = ruff_findings(root, change.path, change.after, rules)
        if not now:
            continue
        before = ruff_findings(root, change.path, change.before, rules) if change.before is not None else []
        new = [finding for finding in now if finding not in (before or [])]
        if order and any(f.startswith("I001") for f in now):
            block = _sorted_imports(root, change.path, change.after)
            show = f":\n{block}\nwrite the file's imports as exactly these lines" if block else ""
            return (
                f"{change.path}: ruff's import sorting (isort, rule I001) still disagrees. Standard "
                "library imports first, then third-party, then the package's own (relative) imports, each group "
                "alphabetical and separated by one blank line; `from __future__` imports on top. In ruff's "
                f"order the imports are{show}"
            )
        if new:
            undefined = re.match(r"F821 Undefined name `(\w+)`", new[0])
            where = import_line(root, change.path, undefined.group(1)) if undefined else None
            fix = f"import it: `{where}`" if where else "fix it"
            return f"{change.path}: {new[0]} (ruff; not there before the change): {fix}"
    return None


# names an annotation uses that the standard library defines, with their import (heldout4's type
# hints wrote `start: datetime | None` without importing it, told only `Name "datetime" is not
# defined`, and ran out of turns)
_STDLIB_IMPORTS = {
    **{name: f"from datetime import {name}" for name in ("date", "datetime", "time", "timedelta", "timezone")},
    **{name: f"from pathlib import {name}" for name in ("Path", "PurePath", "PurePosixPath")},
    **{name: f"from decimal import {name}" for name in ("Decimal",)},
    **{name: f"from fractions import {name}" for name in ("Fraction",)},
    **{name: f"from collections import {name}" for name in ("Counter", "OrderedDict", "defaultdict", "deque")},
    **{
        name: f"from collections.abc import {name}"
        for name in ("Callable", "Generator", "Iterable", "Iterator", "Mapping", "MutableMapping", "Sequence")
    },
    **{
        name: f"from typing import {name}"
        for name in ("IO", "Any", "ClassVar", "Literal", "NamedTuple", "Optional", "TextIO", "TypedDict", "Union")
    },
}


def import_line(root: Path, path: str, name: str) -> str | None:
    """The import a module needs for ``name``: from the one project module defining it, else from the
    standard library for the usual annotation names (``from datetime import datetime``), else None."""
    return _import_of(root, path, name) or _STDLIB_IMPORTS.get(name)


def _import_of(root: Path, path: str, name: str) -> str | None:
    """The import line for a name the project defines at the top of one module (``from .models
    import Item`` beside it in a package, else absolute), or None (not found, or more than one)."""
    pattern = re.compile(rf"^(?:class|def|async def)\s+{re.escape(name)}\b|^{re.escape(name)}\s*[:=]", re.MULTILINE)
    found: list[str] = []
    for current, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in {"__pycache__", "venv", "node_modules"})
        for file_name in files:
            candidate = (Path(current) / file_name).relative_to(root).as_posix()
            if file_name.endswith(".py") and candidate != path and not file_name.startswith("test_"):
                try:
                    if pattern.search((root / candidate).read_text("utf-8", "replace")[:200_000]):
                        found.append(candidate)
                except OSError:
                    continue
        if len(found) > 1:
            return None
    if len(found) != 1:
        return None
    module = PurePosixPath(found[0]).with_suffix("")
    if module.parent == PurePosixPath(path).parent and (root / module.parent / "__init__.py").is_file():
        return f"from .{module.name} import {name}"
    parts = [part for part in module.parts if part != "src"]
    return f"from {'.'.join(parts)} import {name}"


# -- type hints -------------------------------------------------------------------------------

# "half type-hinted" (heldout14 usage-type-hints went to the model, which failed it)
# "roastlog/rest.py is still untyped — add hints to everything in it" (heldout19 rest-type-hints: no
# move made, the model changed nothing)
_TYPE_HINTS = re.compile(
    r"\b(?:type[ -]?hint(?:s|ed|ing)?|type annotations?|annotat\w+|mypy\s+--strict|untyped"
    r"|(?:add|adding|write|needs?|missing|put)\s+(?:\w+\s+){0,2}?hints)\b",
    re.IGNORECASE,
)


def asks_for_type_hints(item_text: str) -> bool:
    """The item asks for type hints or annotations."""
    return bool(_TYPE_HINTS.search(item_text))


_BARE_GENERICS = {
    "list", "dict", "set", "frozenset", "tuple", "type", "List", "Dict", "Set", "FrozenSet", "Tuple", "Type",
    "Iterable", "Iterator", "Sequence", "Mapping", "MutableMapping", "MutableSequence", "Collection",
    "Generator", "Callable", "defaultdict", "deque", "OrderedDict", "Counter", "Awaitable", "Coroutine",
}  # fmt: skip


def _bare_generic(annotation: ast.expr | None) -> str | None:
    """The name of a container annotation without its element types (``list``), or None."""
    if annotation is None:
        return None
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        parsed = _parse(annotation.value.encode())
        if parsed is None or not parsed.body or not isinstance(parsed.body[0], ast.Expr):
            return None
        return _bare_generic(parsed.body[0].value)
    if isinstance(annotation, ast.BinOp):  # X | None
        return _bare_generic(annotation.left) or _bare_generic(annotation.right)
    name = annotation.id if isinstance(annotation, ast.Name) else None
    if isinstance(annotation, ast.Attribute):
        name = annotation.attr
    return name if name in _BARE_GENERICS else None


def _functions(tree: ast.Module) -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef, bool]]:
    """Module functions and methods of module classes: (qualified name, node, is a method)."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node.name, node, False
        elif isinstance(node, ast.ClassDef):
            for child in node.body:
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                    yield f"{node.name}.{child.name}", child, True


def _signature(node: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, str]:
    arguments = node.args
    found = {
        a.arg: ast.unparse(a.annotation) if a.annotation else ""
        for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    }
    found["return"] = ast.unparse(node.returns) if node.returns else ""
    return found


def type_hints_problem(changes: list[FileChange], item_text: str) -> str | None:
    """An item asking for type hints: the functions it is about (those it names, else every
    function of the modules it names or changed) annotate every parameter and their return, and
    no annotation the change wrote is a bare container — ``list`` says nothing of what it holds
    (issue 12, type-hints-report: ``-> list`` for a list of str was ticked)."""
    if not asks_for_type_hints(item_text):
        return None
    named = named_identifiers(item_text)
    modules = named_modules(item_text)
    changed = {change.path for change in changes}
    if len(modules) == 1 and not any(path == modules[0] or path.endswith("/" + modules[0]) for path in changed):
        # heldout12 attendance-type-hints: the module stayed as it was, a `hello.py` holding a copy
        # of it with hints was written instead, and it was ticked
        return f"{modules[0]}: the item asks for its type hints, and it did not change: annotate it there"
    problems: list[str] = []  # all of them at once: told one per turn, Qwen took a turn (a whole
    # module rewritten: minutes on 2 cores) for each (held-out report-type-hints, timed out)
    for change, after, before in _py_changes(changes):
        if modules and not any(change.path == m or change.path.endswith("/" + m) for m in modules):
            continue
        old = {name: _signature(node) for name, node, _ in _functions(before)} if before else {}
        functions = list(_functions(after))
        about = [f for f in functions if f[0].split(".")[-1] in named or f[0].split(".")[0] in named]
        functions = about or functions  # the functions or classes it names, else all of them
        for name, node, method in functions:
            arguments = node.args
            positional = [*arguments.posonlyargs, *arguments.args]
            skip = 1 if method and positional and not _is_static(node) else 0
            missing = [a.arg for a in positional[skip:] + arguments.kwonlyargs if a.annotation is None]
            missing += [
                f"*{star.arg}" for star in (arguments.vararg, arguments.kwarg) if star and star.annotation is None
            ]
            no_return = " (`-> None` when it returns nothing)"
            if missing:
                no_return = ", and no return type" + no_return if node.returns is None else ""
                problems.append(
                    f"{change.path}: {name}: parameter(s) without a type hint: {', '.join(missing)}{no_return}"
                )
            elif node.returns is None:
                problems.append(f"{change.path}: {name} has no return type{no_return}")
            new = _signature(node)
            for key, annotation in new.items():
                if annotation == old.get(name, {}).get(key):
                    continue  # not written by this change
                node_annotation = node.returns if key == "return" else _argument(node, key)
                bare = _bare_generic(node_annotation)
                if bare:
                    what = "return type" if key == "return" else f"parameter {key}"
                    problems.append(
                        f"{change.path}: {name}: the {what} is annotated `{annotation}`, which does not say what it "
                        f"holds: give the element type in brackets (`{bare}[...]`): the type of the values the code "
                        "puts in or takes out"
                    )
        problems += _forbidden_hints(change, before, after, item_text)
    if not problems:
        return None
    more = len(problems) - MAX_HINT_PROBLEMS
    return "; ".join(problems[:MAX_HINT_PROBLEMS]) + (f"; and {more} more" if more > 0 else "")


# "No Any, no `type: ignore`" (heldout18 status-type-hints: the hints move wrote `Iterator[Any]` and
# `tuple[Any, ...]`, and it was ticked)
_NO_ANY = re.compile(
    r"(?i:\b(?:no|without|never|avoid\w*|not?\s+(?:use|using))\b)\W{0,3}(?:an?\s+)?`?(?:typing\.)?Any\b`?"
    # "Don't paper over it with Any" (heldout19 rest-type-hints, seen re-run: `Any` written, ticked)
    r"|(?i:\b(?:don'?t|do\s+not|never|no)\b)[^.;\n]{0,40}?\b(?:with|using|use)\s+`?(?:typing\.)?Any\b`?"
)
_NO_IGNORE = re.compile(
    r"\b(?:no|without|never|avoid\w*|don'?t|do\s+not)\b[^.;\n]{0,60}?`?#?\s*type:\s*ignore", re.IGNORECASE
)


def _annotations(tree: ast.Module | None) -> list[ast.expr]:
    found: list[ast.expr] = []
    for node in ast.walk(tree) if tree is not None else []:
        if isinstance(node, ast.arg | ast.AnnAssign) and node.annotation is not None:
            found.append(node.annotation)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns is not None:
            found.append(node.returns)
    return found


def _names_any(annotation: ast.expr) -> bool:
    return any(
        (isinstance(n, ast.Name) and n.id == "Any") or (isinstance(n, ast.Attribute) and n.attr == "Any")
        for n in ast.walk(annotation)
    )


def _forbidden_hints(change: FileChange, before: ast.Module | None, after: ast.Module, item_text: str) -> list[str]:
    """What the item says the hints may not use, that the change wrote: `Any`, `# type: ignore`."""
    path, texts = change.path, (change.before, change.after)
    problems: list[str] = []
    if _NO_ANY.search(item_text):
        old = Counter(ast.unparse(a) for a in _annotations(before) if _names_any(a))
        new = [text for text in (ast.unparse(a) for a in _annotations(after) if _names_any(a)) if not old.pop(text, 0)]
        if new:
            problems.append(
                f"{path}: the item says no `Any`, and the hints use it: {', '.join(f'`{t}`' for t in new[:3])}: "
                "name the type the values have (an iterable of what the loop takes out, a tuple's field types)"
            )
    if _NO_IGNORE.search(item_text):
        ignores = [len(re.findall(r"#\s*type:\s*ignore", (data or b"").decode("utf-8", "replace"))) for data in texts]
        if ignores[1] > ignores[0]:
            problems.append(f"{path}: the item says no `type: ignore`, and the change added one: fix the type")
    return problems


MAX_HINT_PROBLEMS = 6  # type-hint problems told at once (each a line of the next prompt)


def mypy_output(root: Path, paths: list[str]) -> str | None:
    """mypy's report on ``paths`` (the project's own configuration; imported modules not checked),
    or None when it is clean, not installed, or could not check (2: a broken configuration)."""
    command = tool_command(root, "mypy")
    if command is None:
        return None
    argv = [*command, "--no-error-summary", "--no-color-output", "--ignore-missing-imports"]
    argv += ["--follow-imports=silent", "--cache-dir", os.devnull, *paths]
    try:
        done = subprocess.run(argv, cwd=root, capture_output=True, timeout=180, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.decode("utf-8", "replace") if done.returncode == 1 else None


def typed_problem(changes: list[FileChange], item_text: str, root: Path | None) -> str | None:
    """An item asking for type hints: mypy, when it is there, finds no error in the modules the
    change annotated — hints that contradict what the code passes are wrong hints (held-out
    report-type-hints: `entries: list[dict]` where the code passes `Entry` records, 18 mypy errors,
    ticked). The project's own mypy configuration applies; imported modules are not checked."""
    if root is None or not asks_for_type_hints(item_text):
        return None
    modules = named_modules(item_text)
    paths = [
        change.path
        for change, _, _ in _py_changes(changes)
        if not modules or any(change.path == m or change.path.endswith("/" + m) for m in modules)
    ]
    output = mypy_output(root, paths) if paths else None
    if output is None:
        return None
    errors = [
        line
        for line in output.splitlines()
        if re.match(r"^(.+?):\d+: error: ", line) and line.split(":", 1)[0] in paths
    ]
    if not errors:
        return None
    shown = "\n".join(errors[:4])
    imports = []
    for error in errors:
        undefined = re.match(r'^(.+?):\d+: error: Name "(\w+)" is not defined', error)
        line = import_line(root, undefined.group(1), undefined.group(2)) if undefined else None
        if line and f"`{line}`" not in imports:
            imports.append(f"`{line}`")
    needed = f"\nAdd to the imports: {', '.join(imports)}" if imports else ""
    return (
        f"mypy finds {len(errors)} type error(s) with the new hints:\n{shown}{needed}\nAnnotate each parameter "
        "with the type its callers really pass (read the code that calls it and the types it uses)"
    )


_MYPY_CONFIGS = ("pyproject.toml", "setup.cfg", "mypy.ini", ".mypy.ini")
MAX_PACKAGE_FILES = 400


def _mypy_errors(command: list[str], folder: Path, packages: list[str]) -> set[tuple[str, str]] | None:
    """mypy's errors over ``packages`` in ``folder`` as (file, message) — no line numbers, so the
    same error before and after an edit above it is one; None when mypy could not check."""
    argv = [*command, "--no-error-summary", "--no-color-output", "--ignore-missing-imports"]
    argv += ["--cache-dir", os.devnull, *packages]
    try:
        done = subprocess.run(argv, cwd=folder, capture_output=True, timeout=180, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode not in (0, 1):
        return None
    lines = done.stdout.decode("utf-8", "replace").splitlines()
    found = (re.match(r"^(.+?):\d+: error: (.*)$", line) for line in lines)
    return {(m.group(1), re.sub(r"\s+\[[\w-]+\]$", "", m.group(2))) for m in found if m}


def callers_typed_problem(changes: list[FileChange], item_text: str, root: Path | None) -> str | None:
    """Hints that add a mypy error elsewhere in the package — in the code calling the annotated
    functions (heldout17 inspection-hints, ticked WRONG: a return annotated from what the tests
    saw made `allot/cli.py` read `.plot` of an `object`; only the annotated module was checked).
    mypy runs over the package as changed and over a copy of it as it was; an error only the
    change has, in a file the change did not annotate, refuses it."""
    if root is None or not asks_for_type_hints(item_text):
        return None
    changed = [c for c, _, _ in _py_changes(changes) if c.before is not None and not _TEST_FILE.search(c.path)]
    packages = sorted({PurePosixPath(c.path).parts[0] for c in changed if len(PurePosixPath(c.path).parts) > 1})
    packages = [p for p in packages if (root / p / "__init__.py").is_file()]
    command = tool_command(root, "mypy") if packages else None
    if command is None:
        return None
    if sum(1 for p in packages for _ in (root / p).rglob("*.py")) > MAX_PACKAGE_FILES:
        return None  # a large package: the annotated modules' own check is the one that runs
    after = _mypy_errors(command, root, packages)
    if not after:
        return None
    with tempfile.TemporaryDirectory(prefix="agentrunner-mypy-") as folder:
        copy = Path(folder)
        for package in packages:
            shutil.copytree(root / package, copy / package, ignore=shutil.ignore_patterns("__pycache__"))
        for name in _MYPY_CONFIGS:
            if (root / name).is_file():
                shutil.copy2(root / name, copy / name)
        for change in changed:
            if (copy / change.path).parent.is_dir() and change.before is not None:
                (copy / change.path).write_bytes(change.before)
        before = _mypy_errors(command, copy, packages)
    if before is None:
        return None
    annotated = {c.path for c in changed}
    new = sorted(error for error in after - before if error[0] not in annotated)
    if not new:
        return None
    shown = "\n".join(f"{path}: error: {message}" for path, message in new[:4])
    return (
        f"the new hints make mypy find {len(new)} error(s) in the code that uses them:\n{shown}\nAnnotate with "
        "the types the code really returns and passes (a class of the project, not `object`)"
    )


def _is_static(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list)


def _argument(node: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> ast.expr | None:
    arguments = node.args
    for argument in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
        if argument.arg == name:
            return argument.annotation
    return None


# -- docstrings asked for ---------------------------------------------------------------------

_DOCSTRINGS = re.compile(r"\b(?:docstrings?|document)\b", re.IGNORECASE)
_EVERY = re.compile(r"\b(?:every|each|all|public)\b", re.IGNORECASE)
_METHODS = re.compile(r"\bmethods\b", re.IGNORECASE)


def _public(qualname: str) -> bool:
    return not any(part.startswith("_") for part in qualname.split("."))


def docstrings_problem(changes: list[FileChange], item_text: str) -> str | None:
    """An item asking for docstrings: each function, method or class it names (in a changed
    module) has one after the change; "every"/"public"/"all" asks for every public one of the
    classes it names (their methods), else of the module."""
    if not _DOCSTRINGS.search(item_text):
        return None
    named = named_identifiers(item_text) | set(named_words(item_text))  # `f` or water_ml()
    every = bool(_EVERY.search(item_text))
    for change, after, _ in _py_changes(changes):
        definitions = {k: v for k, v in _definitions(after).items() if k}
        wanted = [q for q in definitions if q.split(".")[-1] in named and len(q.split(".")) <= 2]
        classes = [q for q in wanted if isinstance(definitions[q], ast.ClassDef)]
        if every and classes:
            wanted += [q for q in definitions if q.rsplit(".", 1)[0] in classes and _public(q)]
        if _METHODS.search(item_text):  # "the methods of `C`": C's methods, not C itself
            wanted = [q for q in wanted if q not in classes]
        elif every and not wanted:
            wanted = [q for q in definitions if _public(q) and len(q.split(".")) <= 2]
        for qualname in dict.fromkeys(wanted):
            if not _has_docstring(definitions[qualname]):
                return f"{change.path}: {qualname} has no docstring (the item asks for it): add one"
        if not every and len(wanted) == 1:
            problem = (
                _cut_off(definitions[wanted[0]])
                or _unsaid(definitions[wanted[0]], item_text)
                or _range_unsaid(definitions[wanted[0]], item_text)
                or _how_unsaid(definitions[wanted[0]], after, item_text)
                or _raises_unsaid(definitions[wanted[0]], item_text)
                or _raises_made_up(definitions[wanted[0]])
                or _rounding_misstated(definitions[wanted[0]], after)
                or _constants_unsaid(definitions[wanted[0]], after, item_text)
                or _forms_unshown(definitions[wanted[0]], after, item_text)
                or _unit_misstated(definitions[wanted[0]])
                or _none_unsaid(definitions[wanted[0]], item_text)
            )
            if problem:
                return f"{change.path}: the docstring of {wanted[0]} {problem}"
    return None


# what an item asks one docstring to say: "write one (what p means, how it picks a value between two
# samples)", "add one and say what it counts for a returned loan"
# (a parenthesis holding only a path — "jars_filled (hivelog/harvest.py) needs a docstring: which
# units …" — says where, not what: heldout10's hand solution was refused over it)
_SAY = re.compile(
    r"\((?P<paren>(?=[^()\n]*\s)[^()\n]{8,})\)"
    r"|\b(?:say|says|saying|explain\w*|describ\w*|mention\w*)\b(?P<rest>[^.\n]{8,})",
    re.IGNORECASE,
)
# else what follows "docstring:" ("needs a docstring: which units the weight … are in, …")
_SAY_AFTER_COLON = re.compile(
    # or a dash: "needs a proper docstring — forms it accepts, what comes back and in what unit, when it
    # raises" (heldout29 gauge-docstring, blind: read as asking nothing, ticked WRONG with no unit)
    r"(?:\bdocstring|\b(?:add|write|give it)\s+one)(?:\s*:|\s*[—–]|\s+-(?=\s))\s*(?P<rest>[^.\n]{8,})", re.IGNORECASE
)
_DOC_WORDS = {"docstring", "function", "method", "class", "module", "write", "one", "means", "mean", "picks"}
# "what it returns and how the amount is worked out": the verbs of any docstring request (what is
# worked out, and from what, is the ``how`` check's)
_DOC_WORDS |= {"return", "returns", "work", "worked", "works", "computed", "calculated", "figured", "derived"}


# what the item asks in words a docstring answers in others: "what unit the frequency is in" by
# "in MHz", "what it gives back" by "returns", "what happens when …" by "raises ValueError"
# (heldout16 band-for-docstring, refused: a right docstring said MHz, returns and raises)
_UNITS = (
    r"(?:[kMGT]?Hz|[kKMGT]i?B|bytes?|ms|[mµn]s|seconds?|minutes?|hours?|days?|weeks?|months?|years?|km|cm|mm|kg|mg"
    r"|kilomet(?:er|re)s?|nm|knots?|kts?"
    r"|metres?|meters?|miles?|feet|inch(?:es)?|grams?|litres?|liters?|ml|kWh|watts?|volts?|amps?|cents?|pence"
    r"|pounds?|dollars?|euros?|percent|per ?cent|degrees?|°[CF]|celsius|fahrenheit|UTC|units?)"
)
# (what is missing, the question's words, an answer, when the answer is required: None never)
_ANSWERS: tuple[tuple[str, frozenset[str], re.Pattern[str], re.Pattern[str] | None], ...] = (
    ("the unit", frozenset({"unit", "units"}), re.compile(rf"(?<![\w]){_UNITS}(?![\w])|%"), re.compile(r"\bunits?\b")),
    (
        "what it gives back",
        frozenset({"give", "back", "output", "result"}),
        # a docstring that begins with what the function is ("The name of the band …") says it
        # … or shows the shape it comes back in ("Read a string gauge into ``(treble, bass)``": heldout29
        # gauge-docstring's hand solution)
        re.compile(
            r"\b(?:returns?|returned|gives?|yields?|results?|answers?|comes? back)\b|^(?:the|an?|its?)\b"
            r"|\binto\b[^.\n]{0,12}\(\s*\w+\s*,\s*\w+",
            re.I,
        ),
        None,  # answered in too many ways to require one
    ),
    (
        "what happens otherwise (an error raised, None, …)",
        frozenset({"happen", "otherwise", "fail", "invalid"}),
        re.compile(
            r"\b(?:raises?|errors?|exceptions?|None|otherwise|fails?|empty|invalid|if|when|unless|else)\b|\w+Error\b",
            re.I,
        ),
        # "what happens when/if …" is a case the docstring must cover; "what happens to a jar that is
        # only part full" is answered by "is not counted" too
        re.compile(r"\bhappens?\s+(?:when|if)\b|\botherwise\b", re.I),
    ),
    (
        # "which ways of writing a reading it accepts" (heldout25 pressure-docstring, blind, ticked WRONG:
        # "takes a string representing a blood pressure reading"): two of them, written out
        "the ways of writing it that it accepts, shown",
        frozenset({"way", "format", "form", "spell", "writ"}),
        re.compile(
            # two literals: quoted, or in backticks with a digit (a backticked name is no way of writing)
            r"(?:(['\"])[^'\"\n]{1,24}\1|`[^`\n]{0,24}\d[^`\n]{0,24}`)[\s\S]*?"
            r"(?:(['\"])[^'\"\n]{1,24}\2|`[^`\n]{0,24}\d[^`\n]{0,24}`)"
            r"|\b\d[^\s,;()]*\d\b[\s\S]*?\b\d[^\s,;()]*\d\b"
        ),
        re.compile(r"\b(?:which|what)\s+(?:ways?|forms?|formats?|spellings?)\b|\bways? (?:of|to) writ", re.I),
    ),
    (
        "the order it works in",
        frozenset({"order"}),
        re.compile(r"\b(?:order\w*|sort\w*|ascending|descending|oldest|newest|earliest|latest|in turn)\b", re.I),
        re.compile(r"\border\b", re.I),
    ),
)
# one question of a list the item asks ("say what a segment is, where the litres … end up, … and what
# order it works in"): a comma, or an "and" before a question word
_QUESTIONS = re.compile(r",\s*(?:and\s+)?|\s+and\s+(?=(?:what|where|how|which|when|why|who)\b)", re.IGNORECASE)


def _unsaid(node: ast.AST, item_text: str) -> str | None:
    """What a docstring leaves out of what the item asks it to say: under half of the asked
    words (stems; the function's parameters the item names, like ``p``, by name) are in it —
    heldout4 percentile-docstring: "(what p means, how it picks a value between two samples)"
    got "Percentile in the given sequence of values." and was ticked."""
    plain = _BACKTICKED.sub(" ", item_text)
    asked = _SAY.search(plain)
    listed = _SAY_AFTER_COLON.search(plain)
    if listed and (asked is None or (asked.group("paren") and listed.start("rest") <= asked.start() < listed.end())):
        # "Add one: which ways …, what it gives back (which number first), and when it raises": the
        # list, not its parenthesis alone (heldout25 pressure-docstring, blind, ticked WRONG)
        asked = listed
    if asked is None or not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return None
    clause = (asked.groupdict().get("paren") or asked.group("rest")).strip()
    doc = ast.get_docstring(node) or ""
    words = {word for word in item_words(clause) if word not in {stem(w) for w in _DOC_WORDS}}
    parameters = set()
    if not isinstance(node, ast.ClassDef):
        parameters = {a.arg for a in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]} - {"self", "cls"}
    named = {name for name in parameters if re.search(rf"(?<![\w`]){re.escape(name)}(?![\w`])", clause)}
    if len(words) + len(named) < 2:
        return None
    said = {stem(word) for word in re.findall(r"[A-Za-z]+", doc)}
    answered = {word for word in words for _, asks, answer, _ in _ANSWERS if word in asks and answer.search(doc)}
    # each of those questions the item asks is answered (a docstring saying the unit and the result
    # and nothing of the frequency in no band passes the half-of-the-words rule)
    unanswered = [
        what
        for what, asks, _, required in _ANSWERS
        if required and required.search(clause) and words & asks and not words & asks & (answered | said)
    ]
    covered = sum(
        1
        for word in words
        if word in said or word in answered or any(s.startswith(word[:5]) for s in said if len(word) >= 5)
    )
    covered += sum(1 for name in named if re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", doc))

    def said_of(word: str) -> bool:
        return word in said or word in answered or any(s.startswith(word[:5]) for s in said if len(word) >= 5)

    # each question of a list is answered, not only half the words of all of them together (heldout22
    # segments-docstring re-run, ticked WRONG: a docstring of the segment's fields, nothing of the
    # partial top-ups, the fill-ups before the first full tank, or the order)
    questions: list[str] = []
    for part in _QUESTIONS.split(clause):  # a part that is no question goes on the one before it
        if questions and not re.match(r"\s*(?:what|where|how|which|when|why|who|whether)\b", part, re.IGNORECASE):
            questions[-1] += f", {part}"
        else:
            questions.append(part)
    for question in questions:
        asked_words = {w for w in item_words(question) if w not in {stem(d) for d in _DOC_WORDS}}
        # a question of a kind the docstring answers in its own words ("what happens when it can't make
        # sense of the text" by "Raises ValueError for anything else": heldout31 weight-docstring's hand
        # solution was refused for not saying "sense" or "text")
        kind_answered = any(
            required is not None and required.search(question) and asked_words & asks and answer.search(doc)
            for _, asks, answer, required in _ANSWERS
        )
        if kind_answered:
            continue
        if len(asked_words) >= 2 and sum(map(said_of, asked_words)) * 2 < len(asked_words):
            unanswered.append(" ".join(question.split()))
    if covered * 2 >= len(words) + len(named) and not unanswered:
        return None
    left = f" — nothing of {' or '.join(unanswered)}" if covered * 2 >= len(words) + len(named) else ""
    return f"does not say what the item asks it to ({clause}){left}: say that in it, in a sentence or two"


# "say … what range it's in", "the range of the result": a docstring asked for a range states one
_RANGE_ASKED = re.compile(
    r"\b(?:what|which|the|its)\s+range\b|\brange\s+(?:it|of|the|is)\b|\bbetween what\b", re.IGNORECASE
)
_NUMBER_WORD = r"(?:[-−+]?\d+(?:\.\d+)?%?|zero|one|a hundred|infinity|minus one)"
_RANGE_SAID = re.compile(
    rf"{_NUMBER_WORD}\s*(?:to|and|through|-|–|—|\.\.|,)\s*{_NUMBER_WORD}|\b(?:between|from)\b[^.\n]{{0,40}}\d",
    re.IGNORECASE,
)


_FORMS_ASKED = re.compile(r"\b(?:which|what)\s+(?:ways?|forms?|formats?|spellings?)\b|\bways? (?:of|to) writ", re.I)
# a regex group of plain alternatives: `(?:/|per)`, `(?:l|litre|liter)`
REGEX_ALTERNATION = re.compile(r"\((?:\?:)?((?:[^()|\\]|\\.)+(?:\|(?:[^()|\\]|\\.)+)+)\)")


def _forms_unshown(node: ast.AST, tree: ast.Module, item_text: str) -> str | None:
    """Asked "which ways of writing a reading it accepts", a docstring shows each of the ways the
    function's own pattern spells out — the plain alternatives of a regex it reads (``(?:/|-|over)``):
    heldout25 pressure-docstring (Qwen, seen re-run) showed '120/80' and '120 over 80', not the dash."""
    if not _FORMS_ASKED.search(item_text) or not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return None
    read = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    patterns = [
        call.args[0].value
        for statement in tree.body
        if isinstance(statement, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id in read for t in statement.targets)
        and isinstance(call := statement.value, ast.Call)
        and call.args
        and isinstance(call.args[0], ast.Constant)
        and isinstance(call.args[0].value, str)
    ]
    doc = ast.get_docstring(node) or ""
    for pattern in patterns:
        for group in REGEX_ALTERNATION.findall(pattern):
            options = [re.sub(r"\\(.)", r"\1", option) for option in group.split("|")]
            # plain spellings, a symbol among them (``(?:q|♩)``: heldout28 tempo-docstring), not a regex
            if not all(re.fullmatch(r"[^\s\[\](){}*+?^$|\\]{1,8}|[\w/ .,:-]{1,8}", option) for option in options):
                continue
            # a symbol is shown by an example quoting it too ('35 g/L', '1 tbsp/pint': heldout42
            # brine-docstring's docstring of runs was refused for "not `/`")
            examples = " ".join(re.findall(r"'[^'\n]*'|\"[^\"\n]*\"|`[^`\n]*`", doc))
            missing = [
                o
                for o in options
                # a word not inside another word: '1h30', 'am' and '10am' show it (heldout44
                # parse-start-docstring's docstring of runs was refused for "not `am`, `pm`")
                if not re.search(rf"(?<![^\W\d_]){re.escape(o)}(?![^\W\d_])", doc, re.IGNORECASE)
                and not (not re.search(r"\w", o) and o in examples)
            ]
            if missing:
                shown = ", ".join(f"`{o}`" for o in missing)
                return f"does not show every way of writing it the code accepts: not {shown}; give an example of each"
    return None


# the words a sentence does not end on: "It handles various formats of tempo notation, including"
_UNFINISHED = re.compile(
    r"(?:\b(?:including|includes|such as|like|and|or|but|the|a|an|of|to|with|for|from|in|as|e\.g\.|i\.e\.|"
    r"namely|follows|following)|[,:;(\-–—])\s*$",
    re.IGNORECASE,
)


def _cut_off(node: ast.AST) -> str | None:
    """A docstring that stops mid-sentence (heldout28 tempo-docstring, blind, ticked WRONG: "… It
    handles various formats of tempo notation, including" — the model's reply ran out)."""
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return None
    doc = (ast.get_docstring(node) or "").rstrip()
    last = doc.splitlines()[-1].strip() if doc else ""
    if not last or last.startswith((">>>", "...")) or not _UNFINISHED.search(last):
        return None
    return f"stops mid-sentence (\"… {last[-40:]}\"): finish it"


_RETURNS_ASKED = re.compile(r"\b(?:gives?|hands?|comes?)\s+back\b|\bwhat\s+it\s+(?:returns|gives|yields)\b", re.I)
_NONE_SAID = re.compile(r"\bNone\b|\bnothing\b|\bno\s+(?:value|result|tempo|reading)\b|\bnull\b", re.I)


def _none_unsaid(node: ast.AST, item_text: str) -> str | None:
    """Asked what the function gives back, a docstring of a function that returns None on some path
    (an explicit ``return None``) says so (heldout28 tempo-docstring, seen re-run, ticked WRONG:
    "returns the corresponding BPM value", nothing of the None a blank tempo gives)."""
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or not _RETURNS_ASKED.search(item_text):
        return None
    nones = [
        n for n in ast.walk(node)
        if isinstance(n, ast.Return) and isinstance(n.value, ast.Constant) and n.value.value is None
    ]  # fmt: skip
    values = [n for n in ast.walk(node) if isinstance(n, ast.Return) and n.value is not None]
    if not nones or len(nones) == len(values) or _NONE_SAID.search(ast.get_docstring(node) or ""):
        return None
    return f"does not say when it gives back None (`return None`, line {nones[0].lineno}): say when"


# a unit's spellings, by the abbreviation a constant like ``KM_PER_NM`` names it with
_UNIT_SPELLINGS = {
    "KM": r"km|kilomet(?:er|re)s?", "NM": r"nm|nautical miles?", "MI": r"mi|(?<!nautical )miles?",
    "M": r"m|met(?:er|re)s?", "FT": r"ft|feet|foot", "KG": r"kg|kilo(?:gram)?s?", "G": r"g|grams?",
    "LB": r"lbs?|pounds?", "OZ": r"oz|ounces?", "L": r"l|lit(?:er|re)s?", "ML": r"ml|millilit(?:er|re)s?",
    "GAL": r"gal|gallons?", "KN": r"kn|kts?|knots?", "MPH": r"mph", "KMH": r"km/h|kph",
}  # fmt: skip
_RETURN_WORDS = re.compile(
    r"\b(?:returns?|returned|hands? back|gives? back|gives|yields?|results?|comes? back)\b", re.IGNORECASE
)


def _unit_misstated(node: ast.AST) -> str | None:
    """A docstring saying the function returns the unit its code converts *from* (heldout27
    distance-docstring, blind, ticked WRONG: "returns the distance in kilometers" where the code
    divides kilometres by ``KM_PER_NM`` and returns nautical miles). The unit is read from a
    ``A_PER_B`` constant the function divides by (the result is in B) or multiplies by (in A)."""
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return None
    results: set[tuple[str, str, str]] = set()
    for child in ast.walk(node):
        if isinstance(child, ast.AugAssign | ast.BinOp):
            op, operand = child.op, child.value if isinstance(child, ast.AugAssign) else child.right
        else:
            continue
        found = re.fullmatch(r"([A-Z]+)_PER_([A-Z]+)", operand.id) if isinstance(operand, ast.Name) else None
        if found is None or found.group(1) not in _UNIT_SPELLINGS or found.group(2) not in _UNIT_SPELLINGS:
            continue
        if isinstance(op, ast.Div):
            results.add((found.group(2), found.group(1), f"/ {found.group(0)}"))
        elif isinstance(op, ast.Mult):
            results.add((found.group(1), found.group(2), f"* {found.group(0)}"))
    if len({(unit, other) for unit, other, _ in results}) != 1:
        return None
    unit, other, how = next(iter(results))
    wrong = re.compile(rf"(?<![\w/])(?:{_UNIT_SPELLINGS[other]})(?![\w/])", re.IGNORECASE)
    right = re.compile(rf"(?<![\w/])(?:{_UNIT_SPELLINGS[unit]})(?![\w/])", re.IGNORECASE)
    for sentence in re.split(r"(?<=[.;:])\s+|\n\s*\n", ast.get_docstring(node) or ""):
        stated = wrong.search(sentence)
        if _RETURN_WORDS.search(sentence) and stated and not right.search(sentence):
            return (
                f"says it gives back {stated.group(0)}, but the code converts to {unit.lower()} (`{how}`): say "
                "the unit it hands back"
            )
    return None


def _range_unsaid(node: ast.AST, item_text: str) -> str | None:
    """heldout12 docstring-expected-score (Qwen, ticked WRONG): "… what range it's in" got a
    docstring naming no bound; half of the other asked words were in it."""
    if not _RANGE_ASKED.search(item_text) or not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return None
    if _RANGE_SAID.search(ast.get_docstring(node) or ""):
        return None
    return "does not give the range the item asks for (from what to what): say it, with the numbers"


# "how the amount is worked out", "how it computes the fee": a docstring asked to say how a value
# is arrived at names what goes into it
_HOW = re.compile(
    r"\bhow\b[^.\n]{0,60}?\b(?:work\w*\s+out|comput\w*|calculat\w*|deriv\w*|figur\w*|determin\w*|arriv\w*)\b",
    re.IGNORECASE,
)
_GLUE_PARTS = frozenset(["per", "the", "and", "for", "max", "min", "num", "get", "set", "value", "values"])


def _ingredients(node: ast.FunctionDef | ast.AsyncFunctionDef, tree: ast.Module) -> list[str]:
    """What a function's result is made of: the parameters it reads, the attributes it reads of
    them (``plant.pot_litres``) and the module constants it reads (``ML_PER_POT_LITRE``)."""
    parameters = {a.arg for a in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]}
    constants = {name for name in _module_constants(tree) if name.isupper()}
    found: list[str] = []
    bases: list[int] = []  # a parameter read only for its attributes is not itself an ingredient
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and sub.value.id in parameters:
            found.append(sub.attr)
            bases.append(id(sub.value))
    readable = (parameters | constants) - {"self", "cls"}
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load) and id(sub) not in bases and sub.id in readable:
            found.append(sub.id)
    return list(dict.fromkeys(found))


def _how_unsaid(node: ast.AST, tree: ast.Module, item_text: str) -> str | None:
    """A docstring asked to say how a value is worked out names under half of what goes into it
    (heldout9 docstring-water-ml: "how the amount is worked out" got "Calculate the amount of water
    needed for a plant per watering." — not the pot size, the light, the smallest amount)."""
    if not _HOW.search(item_text) or not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return None
    ingredients = _ingredients(node, tree)
    if len(ingredients) < 2:
        return None
    doc = ast.get_docstring(node) or ""
    said = {stem(word) for word in re.findall(r"[A-Za-z]+", doc)}

    def named(ingredient: str) -> bool:
        if re.search(rf"(?<![\w]){re.escape(ingredient)}(?![\w])", doc):
            return True
        parts = [w for w in re.split(r"_|(?<=[a-z])(?=[A-Z])", ingredient) if len(w) >= 3]
        parts = [w for w in parts if w.lower() not in _GLUE_PARTS]
        return any(stem(w) in said or any(s.startswith(stem(w)[:5]) for s in said if len(w) >= 5) for w in parts)

    unsaid = [i for i in ingredients if not named(i)]
    if len(unsaid) * 2 <= len(ingredients):
        return None
    return (
        f"does not say how the value is worked out: it names none or few of what goes into it "
        f"({', '.join(unsaid[:5])}): say how they make the result, in a sentence or two"
    )


# how a docstring says a value is rounded, and how the code rounds it
_SAYS_UP = re.compile(r"\bround\w*\s+(?:\w+\s+){0,3}?up\b|\bceil\w*|\bupwards?\b|\bnever\s+(?:rounded\s+)?down\b", re.I)
_SAYS_DOWN = re.compile(r"\bround\w*\s+(?:\w+\s+){0,3}?down\b|\bfloor\w*|\btruncat\w*|\bdownwards?\b", re.I)
_SAYS_NEAREST = re.compile(r"\bnearest\b|\bclosest\b|\bhalf[- ](?:up|down|even)\b", re.I)


def _adds_a_half(call: ast.Call) -> bool:
    return any(isinstance(c, ast.Constant) and c.value == 0.5 for arg in call.args for c in ast.walk(arg))


def _roundings(node: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """How a function rounds: ``up`` (``math.ceil``), ``down`` (``math.floor`` of no ``+ 0.5``),
    ``nearest`` (``round``, ``floor(x + 0.5)`` or ``int(x + 0.5)``)."""
    found: set[str] = set()
    for sub in ast.walk(node):
        if not isinstance(sub, ast.Call):
            continue
        func = sub.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name == "ceil":
            found.add("up")
        elif name == "floor":
            found.add("nearest" if _adds_a_half(sub) else "down")
        elif name == "round" or (name == "int" and _adds_a_half(sub)):  # `int(x / 5 + 0.5) * 5`: heldout20
            found.add("nearest")
    return found


_NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 10: "ten", 15: "fifteen", 20: "twenty", 25: "twenty-five"}


def _rounding_step(node: ast.FunctionDef | ast.AsyncFunctionDef, tree: ast.Module) -> float | None:
    """The step a function rounds to a multiple of — ``ceil(x / STEP) * STEP`` with ``STEP`` a
    number or a module constant holding one — or None."""
    constants = _module_constants(tree)

    def number(expr: ast.expr) -> float | None:
        value: object = expr.value if isinstance(expr, ast.Constant) else None
        if isinstance(expr, ast.Name):
            value = constants.get(expr.id)
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None

    for sub in ast.walk(node):
        if not (isinstance(sub, ast.BinOp) and isinstance(sub.op, ast.Mult)):
            continue
        for call, other in ((sub.left, sub.right), (sub.right, sub.left)):
            if not (isinstance(call, ast.Call) and call.args):
                continue
            func = call.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name not in {"ceil", "floor", "round"}:
                continue
            divided = next(
                (d for d in ast.walk(call.args[0]) if isinstance(d, ast.BinOp) and isinstance(d.op, ast.Div)), None
            )
            step = number(other)
            if divided is not None and step is not None and step not in (0, 1) and number(divided.right) == step:
                return step
    return None


# words of a constant's name that say no subject of their own (REPEAT_FACTOR is about repeats)
_GENERIC_NAME_WORDS = frozenset(
    ["factor", "rate", "value", "points", "base", "per", "max", "min", "default", "step", "limit", "count", "total"]
)


def _constants_unsaid(node: ast.AST, tree: ast.Module, item_text: str) -> str | None:
    """A docstring asked to mention something the function works out by a module constant ("mention
    the flash bonus, what repeats … get": ``FLASH_BONUS = 0.20``, ``REPEAT_FACTOR = 0.5``) that does
    not give the constant's value — 20%, 0.2, a fifth; half (heldout20 top-points-docstring re-run,
    Qwen, ticked WRONG: "It includes a flash bonus for flash climbs and a repeat factor …")."""
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return None
    asked = " ".join(next((v for v in m.groups() if v), "") for m in _SAY.finditer(item_text)).lower()
    doc = ast.get_docstring(node) or ""
    if not asked or not doc:
        return None
    words = {stem(word) for word in re.findall(r"[a-z]{4,}", asked)}
    used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    unsaid = []
    for name, values in module_constants(tree).items():
        subject = [w for w in name.lower().split("_") if len(w) >= 4 and w not in _GENERIC_NAME_WORDS]
        if name in used and subject and any(stem(w) in words for w in subject) and not value_stated(doc, name, values):
            unsaid.append(f"{name} = {', '.join(_plain_number(v) for v in values)}")
    if unsaid:
        shown = ", ".join(unsaid)
        return f"does not give the value of {shown}, which the item asks it to mention: say it (as the code has it)"
    if re.search(r"\bround", asked) and _roundings(node) and not re.search(r"\bround|\bnearest", doc, re.IGNORECASE):
        return "does not say how the value is rounded, which the item asks it to mention: say it"
    return None


def _plain_number(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"


def _rounding_misstated(node: ast.AST, tree: ast.Module | None = None) -> str | None:
    """A docstring saying a value is rounded to the nearest where the code only rounds it up (or
    down), or the other way round (heldout18 change-percent-docstring, Qwen, ticked WRONG: "rounded
    to the nearest whole number" over ``math.ceil(needed / STEP_PERCENT) * STEP_PERCENT``)."""
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return None
    doc = ast.get_docstring(node) or ""
    kinds = _roundings(node)
    if len(kinds) != 1 or not doc:
        return None
    (kind,) = kinds
    says = {
        "up": bool(_SAYS_UP.search(doc)),
        "down": bool(_SAYS_DOWN.search(doc)),
        "nearest": bool(_SAYS_NEAREST.search(doc)),
    }
    wrong = [other for other, said in says.items() if said and other != kind]
    ways = {"up": "up (math.ceil)", "down": "down (math.floor)", "nearest": "to the nearest (round)"}
    if wrong and not says[kind]:
        said = ways[wrong[0]].split(" (")[0]
        return f"says the value is rounded {said}, but the code rounds it {ways[kind]}: say how it really rounds"
    step = _rounding_step(node, tree) if tree is not None else None
    if step is not None and (says[kind] or wrong or re.search(r"\bround", doc, re.I)):
        # a docstring that speaks of the rounding of ``ceil(x / 5) * 5`` says it is to fives
        # (heldout18 change-percent-docstring, Qwen, ticked WRONG: "rounds up to the nearest whole number")
        shown = f"{step:g}"
        words = [shown, _NUMBER_WORDS.get(int(step), shown)] if step == int(step) else [shown]
        # "rounded to 10 ml", "to tens", "in fives"
        if not any(re.search(rf"(?<![\w.]){re.escape(w)}(?:e?s)?(?![\w]|\.\d)", doc, re.I) for w in words):
            return f"does not say the value is rounded to a multiple of {shown}, as the code does: say so"
    return None


# "what it raises on bad input", "and the error for an unknown unit": a docstring asked about a
# function's errors names the exceptions the function raises
_ERRORS_ASKED = re.compile(
    r"\b(?:rais\w*|errors?|exceptions?|invalid|bad (?:input|values?|data)|malformed|unknown|fails?"
    # "… and when it blows up" (heldout28 tempo-docstring, blind: ticked WRONG with no ValueError said)
    r"|blows? up|blew up|crash\w*|chokes?|throws?|rejects?|refuses?|complains?)\b",
    re.I,
)


def _raised(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """The exception classes a function raises itself (``raise ValueError(...)``), in order."""
    found: list[str] = []
    for sub in ast.walk(node):
        if isinstance(sub, ast.Raise) and sub.exc is not None:
            exc = sub.exc.func if isinstance(sub.exc, ast.Call) else sub.exc
            name = exc.id if isinstance(exc, ast.Name) else exc.attr if isinstance(exc, ast.Attribute) else None
            if name and name[:1].isupper() and name != "AssertionError":
                found.append(name)
    return list(dict.fromkeys(found))


def _raises_unsaid(node: ast.AST, item_text: str) -> str | None:
    """A docstring asked what the function does with bad input that names none of the exceptions
    it raises ("Raises ValueError …", "a ValueError"), or None."""
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or not _ERRORS_ASKED.search(item_text):
        return None
    raised = _raised(node)
    doc = ast.get_docstring(node) or ""
    if not raised or any(re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", doc) for name in raised):
        return None
    return f"does not say what it raises, which the item asks ({', '.join(raised)}): name it and when"


# what arithmetic alone can raise: a function that calls nothing and indexes nothing raises no other
_ARITHMETIC_ERRORS = {"ZeroDivisionError", "OverflowError", "TypeError", "ArithmeticError", "FloatingPointError"}
_EXCEPTION_NAME = re.compile(r"\b([A-Z]\w*(?:Error|Exception))\b")


def _raises_made_up(node: ast.AST) -> str | None:
    """A docstring naming an exception the function cannot raise: it raises none itself, and only
    does arithmetic — no call, no indexing (heldout12 docstring-expected-score: "raises a ValueError
    if either rating is not in the range of 0 to 100" of a one-line formula, ticked)."""
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return None
    body = [sub for statement in node.body[1:] for sub in ast.walk(statement)]  # past the docstring
    if any(isinstance(sub, ast.Call | ast.Subscript | ast.Raise | ast.Assert | ast.Await) for sub in body):
        return None
    claimed = set(_EXCEPTION_NAME.findall(ast.get_docstring(node) or "")) - _ARITHMETIC_ERRORS
    if not claimed:
        return None
    return f"says it raises {', '.join(sorted(claimed))}, which its code cannot: say only what it does"


# -- constants that must be used --------------------------------------------------------------

_USED = re.compile(r"\b(?:use|used|uses|using)\b|\binstead of\b|\bin place of\b", re.IGNORECASE)
_USED_BY = re.compile(r"\bused\s+(?:by|in)\s+`([A-Za-z_][\w.]*)`", re.IGNORECASE)
_INSTEAD_OF_LITERALS = re.compile(
    r"\b(?:instead of|in place of|replac\w*)\b[^.\n]*\b(?:literal|number|value|magic)", re.IGNORECASE
)
_TRIVIAL = (0, 1, -1, "", True, False, None)


def _module_constants(tree: ast.Module) -> dict[str, object]:
    """Module-level names assigned once: name → its literal value (or the node's dump)."""
    found: dict[str, object] = {}
    for node in tree.body:
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        )
        value = getattr(node, "value", None)
        for target in targets:
            if isinstance(target, ast.Name) and not target.id.startswith("__"):
                found[target.id] = (
                    value.value if isinstance(value, ast.Constant) else ast.dump(value) if value else None
                )
    return found


def _loads(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _literal_in(node: ast.AST, value: object) -> bool:
    return any(
        isinstance(n, ast.Constant) and type(n.value) is type(value) and n.value == value for n in ast.walk(node)
    )


def used_problem(changes: list[FileChange], item_text: str) -> str | None:
    """An item asking for module constants to be used: each new one is used in its module — by
    the function the item names ("used by `f`") — and that function no longer holds the literal
    the constant names when the item says "instead of the literals" (issue 12, name-constants:
    the constants were defined, `bulk_price` kept its literals, and it was ticked)."""
    if not _USED.search(item_text):
        return None
    quoted = named_identifiers(item_text)
    users = [name.split(".")[-1] for name in _USED_BY.findall(item_text)]
    for change, after, before in _py_changes(changes):
        old = _module_constants(before) if before else {}
        new = {
            name: value
            for name, value in _module_constants(after).items()
            if name not in old and (name in quoted or name.isupper())
        }
        if not new:
            continue
        definitions = _definitions(after)
        scopes = {name: definitions[name] for name in users if name in definitions} or {"the module": after}
        old_definitions = _definitions(before) if before else {}
        for constant, value in new.items():
            for scope, node in scopes.items():
                if constant not in _loads(node):
                    where = "in the module" if scope == "the module" else f"by {scope}"
                    return f"{change.path}: {constant} is defined but not used {where} (the item asks for that): use it"
                if (
                    scope != "the module"
                    and _INSTEAD_OF_LITERALS.search(item_text)
                    and isinstance(value, int | float | str)
                    and value not in _TRIVIAL
                    and _literal_in(node, value)
                    and scope in old_definitions
                    and _literal_in(old_definitions[scope], value)
                ):
                    return f"{change.path}: {scope} still has the literal {value!r}: use {constant} instead"
    return None


# -- summaries cover the module -----------------------------------------------------------------

_SUMMARY = re.compile(
    r"\b(?:summar[a-z]*|overview|inventory|describe|document[a-z]*|list|outline|explain)\b", re.IGNORECASE
)
_ABOUT_DEFINITIONS = re.compile(r"\b(?:functions?|class(?:es)?|definitions?|API|public)\b", re.IGNORECASE)
_DOC_SUFFIXES = ("", ".md", ".rst", ".txt", ".markdown", ".adoc")
# "each public function", "every class", "all of its functions": whatever the verb ("a short page on
# what stats.py offers (each public function, a sentence or two)" — held-out stats-doc, ticked
# naming 3 of 5)
_EACH_DEFINITION = re.compile(
    r"\b(?:each|every|all)\s+(?:of\s+)?(?:the\s+|its\s+)?(?:public\s+)?(?:functions?|class(?:es)?|definitions?)\b",
    re.IGNORECASE,
)


def covers_problem(changes: list[FileChange], item_text: str, root: Path | None) -> str | None:
    """A summary or inventory of a module written into a text file, when the item asks about its
    functions or classes, names each public one (``__all__`` when the module has one, else every
    top-level function and class without a leading underscore) — compared with the module's AST
    (issue 12, summarise-module: a summary without a bullet for one of three functions was ticked)."""
    words = re.sub(r"`[^`\n]*`", " ", item_text)  # the item's words, not a name it quotes (`summary_lines`)
    asked = (_SUMMARY.search(words) and _ABOUT_DEFINITIONS.search(words)) or _EACH_DEFINITION.search(words)
    if root is None or not asked:
        return None
    documents = [c for c in changes if c.after is not None and PurePosixPath(c.path).suffix.lower() in _DOC_SUFFIXES]
    modules = [m for m in named_modules(item_text) if (root / m).is_file()]
    if not documents or not modules:
        return None
    text = "\n".join((c.after or b"").decode("utf-8", "replace") for c in documents)
    # "public" or "API" alone means classes too; "each public function" means the functions
    wants_classes = re.search(r"\bclass(?:es)?\b", item_text, re.IGNORECASE) or (
        re.search(r"\bpublic\b|\bAPI\b|\bdefinitions?\b", item_text, re.IGNORECASE)
        and not re.search(r"\bfunctions?\b", item_text, re.IGNORECASE)
    )
    wants_functions = re.search(r"\bfunctions?\b|\bpublic\b|\bAPI\b|\bdefinitions?\b", item_text, re.IGNORECASE)
    for module in modules:
        tree = _parse((root / module).read_bytes())
        if tree is None:
            continue
        public = [
            node.name
            for node in tree.body
            if (
                (isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and wants_functions)
                or (isinstance(node, ast.ClassDef) and wants_classes)
            )
            and not node.name.startswith("_")
        ]
        exported = _exported(tree)
        if exported is not None:
            public = [name for name in public if name in exported]
        missing = [name for name in public if not re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", text)]
        if missing:
            paths = ", ".join(c.path for c in documents)
            return (
                f"{paths} does not name {', '.join(missing)}, public in {module} (it has {', '.join(public)}), "
                f"and the item asks about each of them: add a line for each, like `- {missing[0]}: what it does`"
            )
    return None


def _exported(tree: ast.Module) -> list[str] | None:
    for node in tree.body:
        exports = isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        )
        if exports and isinstance(node, ast.Assign) and isinstance(node.value, ast.List | ast.Tuple):
            return [e.value for e in node.value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return None


# -- under a heading ----------------------------------------------------------------------------

_UNDER = re.compile(r"\bunder\s+(?:the\s+)?([^:;.\n]{2,80}?)\s*(?::|;|\.\s|\.$|$|\bsection\b|\bheading\b)", re.I)
_PATH_SEPARATORS = re.compile(r"\s*(?:→|->|›|»|>|/|\bthen\b)\s*")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def _heading_path(item_text: str) -> list[str]:
    """The headings an item puts its text under ("under Unreleased → Fixed": Unreleased, Fixed)."""
    match = _UNDER.search(item_text)
    if match is None:
        return []
    said = match.group(1)
    if not re.match(r"\s*[`'\"“]", said):
        # "a Fixed note under Unreleased for the mites fix: …" (heldout10 changelog-fixed-entry: the
        # whole phrase was read as the heading, and a right entry was refused): an unquoted heading
        # ends where what the text is about begins
        said = re.split(r"\s+(?:for|about|on|with|describing|saying|that|which|explaining)\s+", said, maxsplit=1)[0]
    parts = [part.strip().strip("`'\"“”#").strip() for part in _PATH_SEPARATORS.split(said)]
    return [part for part in parts if part and len(part) <= 40]


_CHANGELOG_HEADINGS = frozenset(["unreleased", "added", "changed", "deprecated", "removed", "fixed", "security"])


def _names_a_heading(part: str, lines: list[str]) -> bool:
    """Whether what an item puts text "under" is a heading: one the file has, or a keep-a-changelog
    section (which the change may have to add)."""
    wanted = part.lower()
    if wanted in _CHANGELOG_HEADINGS:
        return True
    return any((found := _HEADING.match(line)) is not None and wanted in found.group(2).lower() for line in lines)


def heading_problem(changes: list[FileChange], item_text: str) -> str | None:
    """An item that puts text "under X → Y" of a markdown file: every line the change added sits
    under a heading Y inside a heading X (issue 12, changelog-entry: Qwen put the Unreleased fix
    under the last release's "### Fixed")."""
    wanted = _heading_path(item_text)
    if not wanted:
        return None
    for change in changes:
        if change.after is None or not change.path.lower().endswith((".md", ".markdown")):
            continue
        old = (change.before or b"").decode("utf-8", "replace").splitlines()
        new = change.after.decode("utf-8", "replace").splitlines()
        path = wanted
        if not _names_a_heading(wanted[0], old):
            # "the working grade that `pyramid` now prints under the bars (unreleased)" (heldout20
            # changelog-working-grade, refused twice): "under" the program's output, not a heading —
            # but a changelog section said with it is one ("(unreleased)")
            inside = [w for w in re.findall(r"[a-z]+", " ".join(wanted).lower()) if w in _CHANGELOG_HEADINGS]
            if not inside:
                continue
            path = [inside[0].capitalize()]
        added = [
            index
            for tag, _, _, start, end in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
            if tag in ("insert", "replace")
            for index in range(start, end)
            if new[index].strip() and not _HEADING.match(new[index])
        ]
        for index in added:
            chain: dict[int, str] = {}  # level → the nearest heading above the line at that level
            for line in new[:index]:
                heading = _HEADING.match(line)
                if heading:
                    level = len(heading.group(1))
                    chain = {k: v for k, v in chain.items() if k < level}
                    chain[level] = heading.group(2)
            titles = [chain[level].lower() for level in sorted(chain)]
            position = 0
            for title in titles:
                if position < len(path) and path[position].lower() in title:
                    position += 1
            if position < len(path):
                where = " / ".join(chain[level] for level in sorted(chain)) or "no heading"
                return (
                    f"{change.path}: the added line {new[index].strip()[:60]!r} is under {where}, not under "
                    f"{' → '.join(path)} as the item asks: move it there (add the heading if it is missing)"
                )
    return None


# -- placing added lines under the headings the item names ---------------------------------------

_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")


def _headings(lines: list[str]) -> dict[int, tuple[int, str]]:
    """The markdown headings among lines, by index: (level, title); lines inside fences are none."""
    found: dict[int, tuple[int, str]] = {}
    fenced = False
    for index, line in enumerate(lines):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and (match := _HEADING.match(line)):
            found[index] = (len(match.group(1)), match.group(2))
    return found


def place_under_headings(before: str, after: str, item_text: str) -> str | None:
    """``before`` with the lines a change added (``after``) put under the headings the item names
    ("under X → Y"): at the end of Y inside X, or under a new heading Y one level below X, right
    after X's own text, when X has no Y. A small model adds the line to the first matching
    subheading it sees (Qwen2.5-Coder-1.5B put an Unreleased fix under the last release's
    "### Fixed") and, told so, adds it there again. None when the change is more than additions,
    adds headings other than the named ones, or X is not exactly one heading of the file."""
    wanted = [w.lower() for w in _heading_path(item_text)]
    if not wanted or len(wanted) > 2:
        return None
    old, new = before.splitlines(), after.splitlines()
    added: list[str] = []
    for tag, _, _, start, end in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            return None  # an old line changed or dropped: not a plain addition
        if tag == "insert":
            added += new[start:end]
    new_titles = [title for _, title in _headings(added).values()]
    if any(not any(w in title.lower() for w in wanted) for title in new_titles):
        return None
    # each added line once (a small model told it is misplaced adds it again)
    added_headings = _headings(added)
    body = list(dict.fromkeys(line for i, line in enumerate(added) if line.strip() and i not in added_headings))
    heads = _headings(old)
    parents = [i for i, (_, title) in heads.items() if wanted[0] in title.lower()]
    if not body or len(parents) != 1:
        return None
    parent = parents[0]

    def section_end(start: int) -> int:
        depth = heads[start][0]
        return next((i for i in sorted(heads) if i > start and heads[i][0] <= depth), len(old))

    end, lines = section_end(parent), body
    target = end
    if len(wanted) == 2:
        child = next((i for i in sorted(heads) if parent < i < end and wanted[1] in heads[i][1].lower()), None)
        if child is None:
            title = next((t for t in new_titles if wanted[1] in t.lower()), _heading_path(item_text)[1])
            lines = ["", f"{'#' * (heads[parent][0] + 1)} {title}", *body]
            target = next((i for i in sorted(heads) if parent < i < end), end)
        else:
            target = section_end(child)
    while target > parent + 1 and not old[target - 1].strip():
        target -= 1
    if lines is body and not _LIST_ITEM.match(old[target - 1]) and _LIST_ITEM.match(body[0]):
        lines = ["", *body]  # a list after a paragraph or a heading starts after a blank line
    placed = "\n".join([*old[:target], *lines, *old[target:]]) + ("\n" if before.endswith("\n") else "")
    return placed if placed != before else None


# -- an inventory of TODO comments --------------------------------------------------------------

_MARKER_WORD = re.compile(r"\b(TODO|FIXME|XXX|HACK)s?\b")
_MARKER_COMMENT = re.compile(r"(?:#|//|/\*|--|;)\s*(TODO|FIXME|XXX|HACK)\b:?\s*(.*?)\s*(?:\*/)?\s*$")
_CODE_SUFFIXES = (".py", ".pyi", ".js", ".ts", ".go", ".rs", ".c", ".h", ".cpp", ".java", ".rb", ".sh", ".sql")
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")


def _flat(text: str) -> str:
    return " ".join(text.lower().replace("`", "").split())


def _joined_bullets(lines: list[str]) -> list[str]:
    """Lines with a bullet's indented continuation lines joined to it (a long TODO wrapped in
    TODO.md: heldout9 todo-inventory's hand solution was refused for "missing" it)."""
    joined: list[str] = []
    in_bullet = False
    for line in lines:
        if in_bullet and line.strip() and line[:1].isspace() and not _BULLET.match(line):
            joined[-1] += " " + line.strip()
            continue
        joined.append(line)
        in_bullet = bool(_BULLET.match(line))
    return joined


def markers_problem(changes: list[FileChange], item_text: str, root: Path | None) -> str | None:
    """An item that collects the code's TODO (FIXME, …) comments into a text file: each comment's
    text is in it, with its file and line number when the item asks for them, one bullet each when
    it says so (issue 12, list-todos: Qwen2.5-Coder-1.5B wrote the comments' text without where
    they are). The message lists the bullets to write."""
    kinds = set(_MARKER_WORD.findall(item_text))
    outputs = [c for c in changes if c.after is not None and not c.path.endswith(_CODE_SUFFIXES)]
    if not kinds or not outputs or root is None:
        return None
    wants_file = re.search(r"\b(?:files?|paths?)\b", item_text, re.IGNORECASE) is not None
    wants_line = re.search(r"\blines?\b", item_text, re.IGNORECASE) is not None
    changed = {c.path for c in changes}
    folders = named_folders(root, item_text)  # "in the gradebook package": not its tests' TODOs
    comments: list[tuple[str, int, str]] = []
    for path in project_files(root):
        if path in changed or not path.endswith(_CODE_SUFFIXES) or not in_folders(path, folders):
            continue
        try:
            lines = (root / path).read_text("utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for number, line in enumerate(lines, 1):
            match = _MARKER_COMMENT.search(line)
            if match and match.group(1) in kinds and match.group(2):
                comments.append((path, number, match.group(2)))
    if not comments:
        return None
    for output in outputs:
        text = (output.after or b"").decode("utf-8", "replace")
        lines = [_flat(line) for line in _joined_bullets(text.splitlines())]
        missing = [
            (path, number, comment)
            for path, number, comment in comments
            if not any(
                _flat(comment) in line
                and (not wants_file or path.lower() in line)
                and (not wants_line or re.search(rf"(?<!\d){number}(?!\d)", line))
                for line in lines
            )
        ]
        bullets = [line for line in text.splitlines() if _BULLET.match(line)]
        one_each = re.search(r"\bper\b|\beach\b", item_text, re.IGNORECASE) and len(bullets) > len(comments)
        if missing or one_each:
            where = "{path}, line {number}: " if wants_file and wants_line else "{path}: " if wants_file else ""
            wanted = "\n".join(f"- {where.format(path=p, number=n)}{c}" for p, n, c in comments)
            gist = f"misses {len(missing)} of them" if missing else f"has {len(bullets)} bullets"
            return (
                f"{output.path} {gist}: the code has {len(comments)} such comments. Write {output.path} with "
                f"one bullet each, like this:\n{wanted}"
            )
    return None


# -- PEP 561 marker -----------------------------------------------------------------------------


def marker_problem(changes: list[FileChange], root: Path | None) -> str | None:
    """A ``py.typed`` the change wrote is PEP 561's marker: empty (or ``partial``), in a package's
    folder beside its ``__init__.py`` (issue 12, py-typed: Qwen wrote a page of prose into a
    top-level py.typed)."""
    for change in changes:
        if change.after is None or PurePosixPath(change.path).name != "py.typed":
            continue
        folder = PurePosixPath(change.path).parent
        if root is not None and not (root / folder / "__init__.py").is_file():
            packages = sorted(
                (
                    path.parent.relative_to(root).as_posix()
                    for path in [*root.glob("*/__init__.py"), *root.glob("src/*/__init__.py")]
                ),
            )
            where = f": {', '.join(p + '/py.typed' for p in packages[:3])}" if packages else ""
            return f"{change.path} is not in a package: PEP 561's marker goes beside the package's __init__.py{where}"
        if change.after.strip() not in (b"", b"partial"):
            return (
                f"{change.path} is a marker file: leave it empty (PEP 561; `partial` is the only content it may have)"
            )
    return None


# -- all of them --------------------------------------------------------------------------------


# -- work that does nothing asked -------------------------------------------------------------

_FORMATTING = re.compile(
    r"\b(?:format\w*|whitespace|blank lines?|indent\w*|style|pep ?8|line lengths?|wrap\w*|reflow|black)\b",
    re.IGNORECASE,
)
_TESTS_ASKED = re.compile(
    r"\b(?:add|write|create)\s+(?:[\w-]+\s+){0,2}tests?\b"  # "add a unit test"
    r"|\b(?:has|have|with)\s+(?:no|zero)\s+(?:unit\s+)?tests\b|\bneeds?\s+(?:some\s+|more\s+)?(?:unit\s+)?tests\b"
    # "parse_reading still has zero tests of its own, write some" (heldout14: read as a question, ticked)
    # "No tests for grades.parse_grade yet. Add some." (heldout20 parse-grade-tests: not read, ticked WRONG)
    r"|\b(?:no|zero)\s+(?:unit\s+)?tests\b[^.\n]{0,40}\b(?:write|add)\s+(?:some|a few|them|one)\b"
    r"|\b(?:no|zero)\s+(?:unit\s+)?tests\b(?:[^.\n]|\.(?=\w)){0,60}[.!]\s+(?:please\s+)?(?:write|add)"
    r"\s+(?:some|a few|them|one)"
    r"(?=\s*(?:[.!,;:]|$|\s+(?:for|to|of|please|tests?)\b))"
    r"|\buntested\b|\btests?\s+(?:are|is)\s+missing\b"  # "`f` has no tests — add some"
    # "Give it proper unit tests of its own" (heldout18 parse-temperature-tests: not read as tests asked,
    # the loop changed the docstring and it was ticked); not "get the tests passing", "want the tests green"
    # "nothing tests parse_rise (leaven/feeds.py) — give it a proper set of tests" (heldout21, blind: not read)
    r"|\bnothing\s+tests\s+(?:`[^`\n]+`|[A-Za-z_]\w*_\w+|[A-Za-z_]\w*\(\))"
    # "No test touches parse_length (courtbook/bookings.py) directly — add a proper set" (heldout44
    # parse-length-tests, blind: not read, so no tests move; the loop wrote the function back as its answer)
    r"|\bno\s+tests?\s+(?:touch|cover|exercis|check|call|hit)\w*\b[^\n]{0,80}?\b(?:add|write|give\s+it)\s+"
    r"(?:a\s+(?:proper\s+|full\s+|decent\s+|good\s+)?(?:set|suite|few)|some|a\s+few|them|one)\b"
    # "tests for parse_date (bplog/readings.py) — it's only ever tested by accident" (heldout25, blind:
    # no verb, read as a question)
    r"|^\s*(?:(?:some|more|proper|unit|pytest|real)\s+)*tests?\s+for\b"
    r"|\b(?:give|provide|want|wants|get|deserves?)\s+(?:[\w'-]+\s+){0,5}?(?:unit\s+|pytest\s+)?tests\b"
    r"(?!\s+(?:pass\w*|green|run\w*|fail\w*|to\s+pass|still|again|back))",
    re.IGNORECASE,
)
_TEST_FILE = re.compile(r"(?:^|/)(?:tests?/|test_[^/]*\.py$|[^/]*_test\.py$|conftest\.py$)")


def _words(item_text: str) -> str:
    """The item's own words, without the names and paths it quotes (`summary_lines`)."""
    return _BACKTICKED.sub(" ", item_text)


def _comments(data: bytes) -> list[str] | None:
    try:
        tokens = tokenize.tokenize(io.BytesIO(data).readline)
        return [token.string for token in tokens if token.type == tokenize.COMMENT]
    except (tokenize.TokenError, SyntaxError):
        return None


def reformat_problem(changes: list[FileChange], item_text: str) -> str | None:
    """Python files written again with the same code — the same syntax tree and comments, only
    blank lines or spacing changed — are no work an item asks for, unless it asks for formatting
    (issue 12, test-item-value: asked to add a test, Qwen2.5-Coder-1.5B wrote the test file again
    without its blank lines, said DONE, and it was ticked)."""
    if not changes or _FORMATTING.search(_words(item_text)):
        return None
    for change in changes:
        if change.before is None or change.after is None or not change.path.endswith((".py", ".pyi")):
            return None
        before, after = _parse(change.before), _parse(change.after)
        if before is None or after is None or ast.dump(before) != ast.dump(after):
            return None
        if _comments(change.before) != _comments(change.after):
            return None
    return (
        f"{', '.join(c.path for c in changes)} only reformatted: the code is the same as before (only blank lines "
        "or spacing changed). Make the change the task asks for"
    )


def _test_functions(tree: ast.Module) -> set[str]:
    return {
        f"{owner}{node.name}"
        for owner, body in [("", tree.body)]
        + [(f"{c.name}.", c.body) for c in tree.body if isinstance(c, ast.ClassDef)]
        for node in body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test")
    }


def asks_for_new_tests(item_text: str) -> bool:
    """Whether an item asks to add or write tests ("add a test for", "`f` has no tests — add some")."""
    return _TESTS_ASKED.search(_words(item_text)) is not None


# a bug told as history: "which is how the 7m30s bug in 1.6.3 slipped through" (heldout26
# dev-time-tests, blind: read as a bug to fix, the tests move was not made and Qwen's own tests failed)
_PAST_BUG = re.compile(
    r"\bbugs?\b(?:[^.;\n]|\.(?=\d)){0,40}?\b(?:slipped|got (?:through|in|past)|(?:was|were|got|been) fixed"
    r"|fixed (?:in|last|yesterday)|went out|shipped)\b",
    re.IGNORECASE,
)


def asks_for_tests_only(item_text: str) -> bool:
    """Whether an item asks for new tests and nothing else: the code under test stays as it is."""
    words = _words(item_text)
    bug = re.search(r"\bbugs?\b", _PAST_BUG.sub(" ", item_text), re.I)
    return bool(_TESTS_ASKED.search(words) and not _changes_asked(words) and not bug)


_QUANTIFIED = re.compile(r"\b(?:every|each|any|which|what|whatever)\s+$", re.IGNORECASE)
_NEGATED_BEFORE = re.compile(r"\b(?:no|not|never|without|nor|don't|do not|doesn't)\s+(?:\w+\s+)?$", re.IGNORECASE)


def _changes_asked(words: str) -> bool:
    """Whether the item asks for a change of the code: "update", "fix", "rename" as a request — not
    a word describing what the code does ("a /P or /M on the end changes nothing", heldout16
    prefix-tests: read as a change asked, the tests move was not made) or did ("sorted", "fixed")."""
    for found in _CHANGES_ASKED.finditer(words):
        word = found.group(0).lower()
        described = re.fullmatch(r"\w+(?:s|ed|ing)", word) is not None
        if word == "changes" and not re.match(r"\s+(?:nothing|no\b|anything)", words[found.end() :], re.I):
            described = False  # "make the changes the review asked for": a request
        if _NEGATED_BEFORE.search(words[: found.start()]):
            continue  # "tests only, no changes to the parser itself" (heldout22 price-parser-tests, blind)
        if _QUANTIFIED.search(words[: found.start()]):
            continue  # a noun: "prices in every format going" (the same item, its re-run)
        if not described:
            return True
    return False


def new_tests_problem(changes: list[FileChange], item_text: str) -> str | None:
    """An item asking to add or write tests ("add a test for", "`f` has no tests — add some") adds
    a test function (``test_*``) to a test file (test-item-value: the test file rewritten with no
    new test was ticked) and, asking for nothing else, changes no code outside the tests."""
    if not asks_for_new_tests(item_text):
        return None
    if asks_for_tests_only(item_text):
        # tests only: the code under test stays as it is (held-out wind-chill-test, "has no tests
        # — add some", got docstrings in the module and no test, and was ticked)
        code = [c.path for c in changes if c.path.endswith(".py") and not _TEST_FILE.search(c.path)]
        if code:
            return (
                f"{code[0]} is not a test file: the task asks for tests, so the code under test stays as it "
                "is. Undo that change and add the tests to a test file"
            )
    added = False
    for change, after, before in _py_changes(changes):
        if not re.search(r"(?:^|/)(?:test_[^/]*|[^/]*_test)\.py$", change.path):
            continue
        if _test_functions(after) - (_test_functions(before) if before is not None else set()):
            added = True
            dropped = _dropped_statement(before, after) if not _CHANGES_ASKED.search(_words(item_text)) else None
            if dropped:
                return (
                    f"{change.path}: `{dropped}` is gone. Adding a test keeps the file's existing code: "
                    "write the new test after it, every existing line kept"
                )
    if added:
        return None
    return (
        "no new test function: the task asks for a test. Add a `def test_<what it checks>():` function that "
        "calls the code and asserts its result"
    )


# words of an item that ask to change what is already there, besides adding a test
_CHANGES_ASKED = re.compile(
    r"\b(?:update|change|fix|edit|adjust|correct|rewrite|rename|modify|replace|move|refactor|sort|"
    r"reorganize|reorganise|clean|tidy|reformat|format)\w*\b",
    re.IGNORECASE,
)


def _imported(node: ast.stmt) -> set[str] | None:
    if isinstance(node, ast.Import | ast.ImportFrom):
        origin = f"{node.module}:" if isinstance(node, ast.ImportFrom) else ""
        return {f"{origin}{alias.name} as {alias.asname}" for alias in node.names}
    return None


def _dropped_statement(before: ast.Module | None, after: ast.Module) -> str | None:
    """The first top-level statement of a test file that an added test dropped or changed (a
    test-item-value tick: the file written again without its ``from __future__ import``): an
    import may gain names, nothing else of the file may go."""
    if before is None:
        return None
    kept = {ast.dump(node) for node in after.body}
    imported = set().union(*(_imported(node) or set() for node in after.body))
    for node in before.body:
        names = _imported(node)
        if ast.dump(node) in kept or (names is not None and names <= imported):
            continue
        return ast.unparse(node).splitlines()[0][:80]
    return None


# -- a version bump of a kind ------------------------------------------------------------------

_BUMP_KIND = re.compile(r"\b(major|minor|patch)\b(?=[^.\n]{0,40}\b(?:version|bump|release)\b)|"
                        r"\b(?:version|bump)\b[^.\n]{0,20}\b(major|minor|patch)\b", re.IGNORECASE)  # fmt: skip
_VERSION_NUMBER = re.compile(r"\b\d+\.\d+(?:\.\d+)?\b")


_BUMP_VERB = re.compile(
    r"\b(?:bump|increment|raise|increase|advance)\w*\b.*\bversion\b|\bversion\b.*\bbump"
    # "cut the next minor release" (heldout25 minor-release, blind: a changelog link ticked, the
    # version still 1.3.2): a release of a kind made is the version moved too
    r"|\b(?:cut|make|do|ship|tag|prepare|publish|roll)\b[^.\n]{0,20}\b(?:next\s+)?(?:major|minor|patch)\s+release\b",
    re.I,
)


def version_bump_problem(changes: list[FileChange], item_text: str, root: Path | None = None) -> str | None:
    """An item asking for a major, minor or patch bump (and naming no version number) changes
    ``pyproject.toml``'s version to semantic versioning's next one of that kind (held-out
    version-minor-bump: "Minor version bump", 0.6.2 became 0.6.3 and was ticked) — and, when it
    asks to bump the version, changes it at all (an item that also asks for a changelog entry
    could be ticked for the entry alone)."""
    match = _BUMP_KIND.search(_words(item_text))
    if _VERSION_NUMBER.search(item_text):
        return _version_named_problem(changes, item_text, root)
    if match is None:
        return None
    kind = match.group(1) or match.group(2)
    bumped_here = False
    for change in changes:
        if PurePosixPath(change.path).name != "pyproject.toml" or change.after is None:
            continue
        old, new = project_version(change.before), project_version(change.after)
        if old is None or new is None or old == new:
            continue  # pyproject changed for something else
        bumped_here = True
        wanted = bumped(old, kind)
        if wanted is not None and new != wanted:
            return f"{change.path}: project.version is {new}; a {kind.lower()} bump of {old} is {wanted}"
    pyproject = root / "pyproject.toml" if root is not None else None
    if bumped_here or pyproject is None or not pyproject.is_file() or not _BUMP_VERB.search(item_text):
        return None
    current = project_version(pyproject.read_bytes())
    wanted = bumped(current, kind) if current else None
    if current is None or wanted is None or any(c.path == "pyproject.toml" for c in changes):
        return None
    return (
        f"pyproject.toml: the item asks for a {kind.lower()} version bump and project.version is still "
        f"{current}: make it {wanted}"
    )


_FULL_VERSION = re.compile(r"(?<![\w.])v?(\d+\.\d+\.\d+)(?![\w.]*\w)")
_FROM_VERSION = re.compile(r"\b(?:from|was|currently|is now|still)\s+(?:version\s+)?v?(\d+\.\d+\.\d+)\b", re.I)


def _version_named_problem(changes: list[FileChange], item_text: str, root: Path | None) -> str | None:
    """An item asking to bump the project's version to one it names ("we're calling it 1.0.0 — bump
    the version from 0.9.3 everywhere") leaves ``pyproject.toml`` at that version (heldout24
    release-1-0, blind: a changelog line was ticked, the version still 0.9.3). A number that is no
    next version of the project's ("bump pydantic to 2.5.0") is not the project's."""
    if not _BUMP_VERB.search(item_text) or root is None or not (root / "pyproject.toml").is_file():
        return None
    pyproject = next((c for c in changes if c.path == "pyproject.toml"), None)
    before = project_version(pyproject.before if pyproject else (root / "pyproject.toml").read_bytes())
    after = project_version(pyproject.after) if pyproject else before
    if before is None:
        return None
    now = set(_FROM_VERSION.findall(item_text))
    targets = [v for v in dict.fromkeys(_FULL_VERSION.findall(item_text)) if v not in now]
    nexts = {bumped(before, kind) for kind in ("major", "minor", "patch")}
    if len(targets) != 1 or (targets[0] not in nexts and before not in now):
        return None
    if after == targets[0]:
        return None
    return f"pyproject.toml: the item asks for version {targets[0]} and project.version is {after}: make it so"


# -- a rename -----------------------------------------------------------------------------------

# "rename `a` to `b`", "a_b -> c_d": the pair, when both are code names (snake_case, camelCase)
# "rename `a` to `b`", "a -> b", "Rename mite_rate (hivelog/varroa.py) to infestation_rate"
_RENAME_PAIR = re.compile(
    r"`?\b([A-Za-z_]\w*)(?:\(\))?`?\s*(?:\([^()\n]{1,80}\)\s*)?(?:→|->|=>|\bto\b|\binto\b)\s*`?([A-Za-z_]\w*)\b`?"
)
_CODE_LIKE = re.compile(r"[a-z_]\w*_\w*|[a-z]+[A-Z]\w*|[A-Z][a-z]+[A-Z]\w*")


_KEEPS_OLD_NAME = re.compile(r"\b(?:alias\w*|deprecat\w*|keep\w*|kept)\b", re.IGNORECASE)
# "No alias for the old name is needed", "without an alias", "don't keep the old name" (heldout10
# rename-mite-rate: the model kept `mite_rate` and added a wrapper, and "alias" excused it)
_NO_ALIAS = re.compile(
    r"\b(?:no|without|not|don'?t|do not|never|needn'?t)\b\W+(?:\w+\W+){0,3}?(?:alias\w*|keep\w*|deprecat\w*)\b"
    r"|\b(?:alias\w*|shim)\b[^.\n]{0,40}\b(?:not needed|isn'?t needed|unnecessary)\b",
    re.IGNORECASE,
)


# the old name may stay nowhere: "everywhere", "anywhere", "no trace", "no leftovers", "hanging around"
_EVERYWHERE = re.compile(
    r"\b(?:everywhere|anywhere|no trace|no leftovers?|hanging around|all (?:the )?mentions)\b", re.IGNORECASE
)
DOC_SUFFIXES = (".md", ".markdown", ".rst", ".txt")


def rename_problem(changes: list[FileChange], item_text: str, root: Path | None) -> str | None:
    """An item renaming a function or class of the project (``next_due -> next_watering``, "rename
    `a` to `b`") whose change leaves the old name in the project's Python files, or defines no new
    one (heldout9 rename-next-due: the general loop turned a comment into a docstring, ticked)."""
    title = item_text.strip().splitlines()[0] if item_text.strip() else ""
    if root is None or not re.search(r"→|->|=>|\brenam", title, re.IGNORECASE):
        return None
    if _KEEPS_OLD_NAME.search(item_text) and not _NO_ALIAS.search(item_text):
        return None  # the old name stays, as an alias
    pair = next((m for m in _RENAME_PAIR.finditer(title) if all(_CODE_LIKE.fullmatch(n) for n in m.groups())), None)
    if pair is None:
        return None
    old, new = pair.groups()
    defines = re.compile(rf"^\s*(?:async\s+)?(?:def|class)\s+{re.escape(old)}\b", re.MULTILINE)
    changed = {c.path: c for c in changes}
    texts: dict[str, str] = {}
    for path in project_files(root):
        if path.endswith(".py"):
            change = changed.get(path)
            data = change.after if change is not None else None
            try:
                texts[path] = (data or b"").decode("utf-8", "replace") if change else (root / path).read_text("utf-8")
            except (OSError, UnicodeDecodeError):
                continue
    before = [(c.before or b"").decode("utf-8", "replace") for c in changes] + list(texts.values())
    if not any(defines.search(text) for text in before):
        return None  # not a definition of the project: a variable, a column, a file
    # "… in `billing.py`": that module and the files importing it (or importing the old name) — another
    # module's own function of that name is not the item's, nor a test fixture's string that says
    # "billing" (`make run`: tests/test_verification.py holds `calc_total` in a fixture and was read as a use)
    scope = [m for m in named_modules(item_text) if m in texts]
    stems = "|".join(re.escape(PurePosixPath(m).stem) for m in scope)
    imports = re.compile(
        rf"^\s*(?:from\s+[\w.]*\b(?:{stems})\s+import\b|import\s+[\w., ]*\b(?:{stems})\b"
        rf"|from\s+[\w.]+\s+import\s+\(?[\w\s,]*\b(?:{stems}|{re.escape(old)})\b)",
        re.MULTILINE,
    )

    def in_scope(path: str, text: str) -> bool:
        return not scope or path in scope or bool(imports.search(text))

    mentions = {path for path, text in texts.items() if re.search(rf"\b{re.escape(old)}\b", text)}
    still = sorted(path for path in mentions if in_scope(path, texts[path]))
    if still:
        return f"{still[0]}: still mentions {old} (the item renames it to {new}): rename it everywhere, tests too"
    if not any(re.search(rf"\b{re.escape(new)}\b", text) for text in texts.values()):
        return f"no file defines or uses {new}: rename {old} to {new}"
    if _EVERYWHERE.search(item_text):
        # "Everywhere please, I don't want the old name hanging around anywhere" (heldout11
        # rename-species-totals: docs/usage.md still showed it, ticked): the pages too — not a
        # changelog, whose history keeps the name it had
        for path in project_files(root):
            name = PurePosixPath(path).name
            if not path.lower().endswith(DOC_SUFFIXES) or CHANGELOG_FILE.match(name) or path.startswith("tasks/"):
                continue
            change = changed.get(path)
            try:
                text = (change.after or b"").decode("utf-8", "replace") if change else (root / path).read_text("utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            word = rf"(?<![\w]){re.escape(old)}(?![\w])"
            # a line naming both names describes the rename (the item quoted in a page), it is no use
            uses = (line for line in text.splitlines() if not re.search(rf"\b{re.escape(new)}\b", line))
            if any(re.search(word, line) for line in uses):
                return f"{path}: still mentions {old} (the item renames it to {new} everywhere): rename it there too"
    return None


# "… comes out at £37.80 in `moorlog stays` … nobody pays under the £14 a night minimum, so that can't be
# right" (heldout43 tiddler-undercharged, blind: not read as a bug, an unused module added was ticked)
NOT_RIGHT = (
    r"\bcan'?t be (?:right|correct)\b|\bcannot be (?:right|correct)\b|\blooks? wrong\b"
    r"|\b(?:isn'?t|is not|not|doesn'?t look|does not look|can'?t possibly be) (?:right|correct)\b"
)
# what the program does wrong: "Rent bug: … bills her £139.51, a whole year", "crashes", "should count"
PROGRAM_FIX = re.compile(
    r"\b(?:bugs?|broken|crash\w*|fix\w*|wrong\w*|incorrect\w*|should|must|regress\w*|traceback"
    rf"|too (?:low|high|many|few))\b|\?!|!\?|\bnot (?:then|there|that day)\b|{NOT_RIGHT}",  # heldout20: "… in July?!"
    re.IGNORECASE,
)
# …unless the item is about the prose itself
_ABOUT_PROSE = re.compile(
    r"\b(?:docs?|documentation|readme|changelog|typos?|spelling|wording|page|notes?|comments?|docstrings?)\b"
    r"|\.(?:md|rst|txt)\b",
    re.IGNORECASE,
)
_PROSE_SUFFIXES = {".md", ".rst", ".txt", ".markdown"}


def prose_fix_problem(changes: list[FileChange], item_text: str) -> str | None:
    """An item asking to fix what the program does, answered by prose pages only (heldout17
    late-start-rent-bug, ticked WRONG: "Rent bug: … bills her £139.51, a whole year" got a
    `docs/notes.md` explaining a made-up fix, and no code changed)."""
    if not changes or not PROGRAM_FIX.search(item_text) or _ABOUT_PROSE.search(item_text):
        return None
    if all(PurePosixPath(c.path).suffix.lower() in _PROSE_SUFFIXES for c in changes):
        pages = ", ".join(c.path for c in changes[:3])
        return (
            f"the item asks for the program to be fixed, and only prose changed ({pages}): change the code "
            "that does it wrong, and write no notes"
        )
    return None


# "link it from the README", "add it to the README", "mention it in the README", "update the README"
_README_ASKED = re.compile(
    r"\b(?:link\w*|add\w*|mention\w*|note|put|list|update|document\w*|point\w*)\b(?:\s+(?:it|them|this|that|to it))?"
    r"(?:\s+\w+){0,3}?\s+(?:from|to|in|into)\s+(?:the\s+|our\s+)?README\b"
    r"|\b(?:update|edit|extend)\s+(?:the\s+)?README\b",
    re.IGNORECASE,
)
# "Write a docs/ page", "add a new page under docs/", "a page in docs/ on …"
_NEW_DOCS_PAGE = re.compile(
    r"\b(?:write|add|create|make|start)\s+(?:a|an|one)\s+(?:new\s+|short\s+|separate\s+)?"
    r"(?:docs?/?\s+page|page\s+(?:in|under|to)\s+(?:the\s+)?`?docs/?`?)",
    re.IGNORECASE,
)


def places_problem(changes: list[FileChange], item_text: str, root: Path | None) -> str | None:
    """An item naming where a change goes that the change left alone: "link it from the README" with
    the README as it was, "write a docs/ page" with no new page under docs/ (heldout18 water-change-docs,
    ticked WRONG: two sentences appended to docs/usage.md, the README not touched)."""
    if root is None or not changes:
        return None
    changed = {change.path for change in changes}
    readmes = sorted(p.name for p in root.glob("README*") if p.is_file())
    if _README_ASKED.search(item_text) and readmes and not any(path in readmes for path in changed):
        return f"the item asks for a change in {readmes[0]}, and it did not change: make it there"
    pages = [c for c in changes if c.path.startswith("docs/") and PurePosixPath(c.path).suffix in _PROSE_SUFFIXES]
    if _NEW_DOCS_PAGE.search(item_text) and not any(change.before is None for change in pages):
        return "the item asks for a new page under docs/, and none was created: write it as a new file there"
    return None


_QUOTED_COMMAND = re.compile(r"`((?:python3?\s+-m\s+)?([A-Za-z_][\w-]*)(?:\s+[^`\n]+)?)`")
_DATA_FILE_SUFFIXES = (".csv", ".tsv", ".json", ".jsonl", ".yaml", ".yml", ".txt", ".log")


def data_edit_problem(changes: list[FileChange], item_text: str, root: Path | None) -> str | None:
    """An item telling what the project's program does (it quotes the command: "`boulderlog
    sessions` has me climbing on 2026-03-04 …") whose change edits a data file the program reads and
    the item does not name: the user's data made to fit the bug (heldout20 april-dates-in-march's
    wrong patch rewrote data/climbs.csv's day-first dates as ISO, and the gate had nothing to say)."""
    if root is None:
        return None
    commands = [
        m.group(1)
        for m in _QUOTED_COMMAND.finditer(item_text)
        if (root / m.group(2).replace("-", "_") / "__init__.py").is_file() or m.group(1).startswith("python")
    ]
    if not commands:
        return None
    for change in changes:
        path = PurePosixPath(change.path)
        if change.before is None or path.suffix.lower() not in _DATA_FILE_SUFFIXES or path.parts[0] == "tests":
            continue
        if change.path in item_text or path.name in item_text or path.parts[0] in {"docs", "tasks"}:
            continue
        return (
            f"{change.path} changed, but the item tells what `{commands[0]}` does, not what the data says: "
            f"change the code, and leave {change.path} as it was"
        )
    return None


# words of an item about prose, beside _ABOUT_PROSE's: "the usage instructions", "write up how …"
_PROSE_WORK = re.compile(
    r"\b(?:usage|instructions?|guides?|manual|tutorial|handout|explain\w*|describ\w*|document\w*|write[- ]?up|"
    r"summar\w*|overview|faq|howto|how-to|section|heading|link\w*|mention\w*|todos?|version|install\w*|steps?|"
    r"examples?|sentences?|paragraphs?|text|intro\w*|badges?|licen[cs]e|contribut\w*|wiki|help)\b",
    re.IGNORECASE,
)


def unasked_prose_problem(changes: list[FileChange], item_text: str) -> str | None:
    """Changes that are all to existing prose files (README.md, docs/…) the item names in no way
    — not by path or name, not by a word about prose or pages: the item is about the program, and
    the model wrote about it instead (heldout22 topup-economy-too-good, blind, ticked WRONG: "economy
    report flatters the car: 2025-12-13 comes out at 4.5 L/100km …" got a README section repeating it)."""
    if not changes or _ABOUT_PROSE.search(item_text) or _PROSE_WORK.search(item_text):
        return None
    lowered = item_text.lower()
    for change in changes:
        path = PurePosixPath(change.path)
        if change.before is None or path.suffix.lower() not in _PROSE_SUFFIXES:
            return None  # a new page, or code changed too: others' checks
        if change.path.lower() in lowered or path.name.lower() in lowered or path.stem.lower() in lowered:
            return None
    pages = ", ".join(c.path for c in changes[:3])
    return (
        f"only {pages} changed, and the item asks nothing of it: it is about what the program does — "
        "change the code it is about, and leave the pages as they were"
    )


def item_problem(changes: list[FileChange], item_text: str, root: Path | None) -> str | None:
    """The first thing the changes miss of what the item asks for (the checks above), or None."""
    finders: list[Callable[[], str | None]] = [
        # a test asked for and not added is what to say first (a reformatted test file is both)
        lambda: new_tests_problem(changes, item_text),
        lambda: prose_fix_problem(changes, item_text),
        lambda: unasked_prose_problem(changes, item_text),
        lambda: data_edit_problem(changes, item_text, root),
        lambda: places_problem(changes, item_text, root),
        lambda: reformat_problem(changes, item_text),
        lambda: rename_problem(changes, item_text, root),
        lambda: version_bump_problem(changes, item_text, root),
        lambda: release_problem(changes, item_text, root) if root is not None else None,
        lambda: dropped_docstring_problem(changes, item_text),
        lambda: type_hints_problem(changes, item_text),
        lambda: typed_problem(changes, item_text, root),
        lambda: callers_typed_problem(changes, item_text, root),
        lambda: docstrings_problem(changes, item_text),
        lambda: used_problem(changes, item_text),
        lambda: covers_problem(changes, item_text, root),
        lambda: facts_problem(changes, item_text, root),
        lambda: factors_problem(changes, item_text, root),
        lambda: asked_values_problem(changes, item_text, root),
        lambda: constants_problem(changes, item_text, root),
        lambda: explained_problem(changes, item_text),  # after what names the code's missing numbers
        lambda: table_problem(changes, item_text, root),
        lambda: log_message_problem(changes, item_text),
        lambda: markers_problem(changes, item_text, root),
        lambda: ignores_problem(changes, item_text, root),
        lambda: heading_problem(changes, item_text),
        lambda: repeated_entry_problem(changes),
        lambda: implied_category_problem(changes, item_text),
        lambda: marker_problem(changes, root),
        lambda: lint_problem(changes, item_text, root),
    ]
    for find in finders:
        problem = find()
        if problem:
            return problem
    return None


__all__ = [
    "IGNORE_KINDS",
    "covers_problem",
    "data_edit_problem",
    "docstrings_problem",
    "dropped_docstring_problem",
    "heading_problem",
    "ignores_problem",
    "item_problem",
    "lint_problem",
    "marker_problem",
    "markers_problem",
    "new_tests_problem",
    "place_under_headings",
    "prose_fix_problem",
    "reformat_problem",
    "ruff_findings",
    "type_hints_problem",
    "unasked_prose_problem",
    "used_problem",
]
