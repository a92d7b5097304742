"""Checks and repairs of a write before it runs: a Python block merged by name, a rewrite that
drops lines refused, made-up functions, options and dropped imports refused, and a path a small
model got wrong sent to the file it meant."""

from __future__ import annotations

import ast
import builtins
import re
from pathlib import Path, PurePosixPath
from typing import Any

from ..edits import (
    EditError,
    Unchanged,
    apply_edit,
    dropped_content,
    merge_definitions,
    parse_problem,
    remove_definitions,
    rewrite_keeping_blanks,
)
from .actions import CHANGING_TOOLS, Action
from .checks import isort_spacing
from .guide import EXAMPLE_EDIT, EXAMPLE_NEW

_CLASS_NAME = re.compile(r"`([A-Z][A-Za-z0-9_]*)`")


REWRITE_MAX_LINES = 12  # an existing text file longer than this is changed with edit blocks


def rewrite_refused(action: Action, root: Path) -> str | None:
    """Why a whole-file write of an existing text file (not Python: merged by name) is refused:
    a small model rewriting `pyproject.toml` to bump its version drops blank lines and a setting
    on the way (seen on the chores benchmark, and ticked: the file still parsed, the tests passed).
    Accepted: files of up to REWRITE_MAX_LINES lines, rewrites that keep every old line in
    order (only additions: a new section, a changelog entry), and rewrites that drop only blank
    lines: their changed and added lines are applied to the old text, blank lines kept."""
    path = action.arguments.get("path")
    if action.tool != "write_file" or not isinstance(path, str) or path.strip().endswith((".py", ".pyi")):
        return None
    target = root / path.strip()
    try:
        old = target.read_text("utf-8") if target.is_file() else None
    except (OSError, UnicodeDecodeError):
        return None
    content = str(action.arguments.get("content") or "")
    if old is not None and path.strip().lower().endswith((".md", ".markdown")) and _new_section(old, content):
        action.arguments["content"] = old.rstrip("\n") + "\n\n" + content.strip("\n") + "\n"
        action.note = f"(the block is a new section: added at the end of {path.strip()}, the rest kept)"
        return None
    if old is None or len(old.splitlines()) <= REWRITE_MAX_LINES:
        return None
    new_lines = iter(content.splitlines())
    if all(any(line == candidate for candidate in new_lines) for line in old.splitlines()):
        return None  # every old line is still there, in order: only additions
    kept = rewrite_keeping_blanks(old, content)
    if kept is not None:
        # it changes or adds lines and drops none but blank ones: those changes, to the old text
        action.arguments["content"] = kept
        return None
    return (
        f"not written: {path.strip()} exists ({len(old.splitlines())} lines) and this rewrite changes or drops "
        "some of its lines. Change it with an edit block: the path, then <<<<<<< SEARCH, the exact lines to "
        "change, =======, the new lines, >>>>>>> REPLACE (to add lines, SEARCH the line before them and "
        "REPLACE it with that line and the new ones)"
    )


def _new_section(old: str, content: str) -> bool:
    """Whether a block written for an existing markdown file is a new section, not the file: it
    starts with a heading the file does not have and repeats none of its lines (Qwen2.5-Coder-1.5B
    asked to add a README section writes just the section)."""
    lines = [line.strip() for line in content.splitlines() if line.strip()]
    heading = re.match(r"#{1,6}\s+(.+)", lines[0]) if lines else None
    if heading is None or not old.strip():
        return False
    old_lines = {line.strip() for line in old.splitlines()}
    if any(re.fullmatch(r"#{1,6}\s+" + re.escape(heading.group(1).strip()), line) for line in old_lines):
        return False  # a section the file has: changed with an edit block, not added twice
    return not any(line in old_lines for line in lines if len(line) > 3 and not line.startswith(("```", "~~~")))


def as_merge(
    action: Action, root: Path, item_text: str, reply: str = "", pending: dict[str, str] | None = None
) -> str | bool | None:
    """A Python definition written for an existing module becomes a merge by name
    (:func:`~agentrunner.edits.merge_definitions`): a fenced block holding only the changed or new
    functions (not the whole file), and an edit block whose SEARCH is not in the file — or is
    the same as its REPLACE, the way a small model "adds" a function — while its REPLACE is whole
    definitions. The action becomes a ``write_file`` of the merged module (so every write guard
    still applies). Returns why the merge is refused (the model's next turn), True when the
    definitions are already in the file as written (nothing to do), or None. ``pending``: the
    Python blocks the same reply writes, by path (a module it creates later in the reply counts)."""
    path = action.arguments.get("path")
    if action.tool not in ("write_file", "edit_file") or not isinstance(path, str) or not path.endswith(".py"):
        return None
    pending = pending or {}
    written = str(action.arguments.get("content") or action.arguments.get("new") or "")
    cycle = _import_cycle(root, path.strip(), written, pending)
    if cycle:
        return cycle
    target = root / path.strip()
    if not target.is_file():
        return None
    try:
        text = target.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    quoted = set(_QUOTED_NAME.findall(item_text))
    if action.tool == "write_file":
        block = str(action.arguments.get("content") or "")
        section = _with_imports(text, block) if _IMPORTS_ITEM.search(item_text) else None
        if section is not None:
            # only import lines, for an item about the imports: they are the module's new imports
            # (merged by name they were "already so" and nothing changed: sort-imports)
            action.arguments["content"] = isort_spacing(root, path.strip(), section) or section
            if not _only_imports(block):
                action.note = "(used its import lines only: the task is about the imports)"
            return _dropped_import(text, section, path)
        if parse_problem(path, block) is None and _meant_whole(text, block, quoted, item_text):
            # the whole file, rewritten: write_file's own guards decide, after what it invents
            return _invented(text, block, item_text, path, reply)
    else:
        old, block = str(action.arguments.get("old") or ""), str(action.arguments.get("new") or "")
        try:
            apply_edit(text, old, block)
            return None  # an edit that applies is an edit
        except EditError:
            pass
    # an item that names definitions of this file asks to change those: a rewrite that also
    # changes others (Qwen2.5-Coder-1.5B added a field to the dataclass next to the class it was
    # asked to give a __repr__) keeps the others as they are
    defined = _top_level(text)
    frozen = frozenset(defined - quoted) if defined & quoted else frozenset()
    try:
        merged = merge_definitions(text, block, classes_named=tuple(_CLASS_NAME.findall(item_text)), frozen=frozen)
    except Unchanged as unchanged:
        if unchanged.kept:
            named = sorted(defined & quoted)
            return (
                f"not written: the block changes {_names(unchanged.kept)}, which the task does not ask to change "
                f"(left as it is), and leaves {_names(named)} as it is. Change {_names(named)} as the task asks"
                + _member_hint(path, text, named, set(_WHOLE_QUOTED.findall(item_text)))
            )
        # an item that deletes a definition: the model writes the module's other definitions, as
        # they are, without it (seen with Qwen2.5-Coder-1.5B on remove-dead-code)
        left_out = _to_delete(item_text, text) - _defined(block)
        # an import written again while the module it names now defines the name (the reply
        # writes the definition there after the import, in a later turn than the import)
        left_out |= _imported_instead(root, path, block, text, pending)
        pruned = remove_definitions(text, left_out) if left_out else None
        if pruned is None:
            return True
        # as an edit of the whole text: write_file refuses a rewrite that drops a definition
        action.tool = "edit_file"
        action.arguments = {"path": path, "old": text, "new": pruned}
        return None
    except EditError as exc:
        return f"{path}: {exc}"
    if merged is None:
        return None
    moved = _imported_instead(root, path, block, merged.text, pending)
    if moved:
        # the block imports a name the module defines, from a project module that defines it
        # (move-function: `from .money import format_currency` for report.py): it comes from
        # there now, so the local definition goes
        merged.text = remove_definitions(merged.text, moved) or merged.text
        invented = _invented(text, merged.text, item_text, path, reply)
        if invented:
            return invented
        # as an edit of the whole text: write_file refuses a rewrite that drops a definition
        action.tool = "edit_file"
        action.arguments = {"path": path, "old": text, "new": merged.text}
        action.note = f"(removed the definition of {_names(sorted(moved))}: it is imported now)"
        return None
    invented = _invented(text, merged.text, item_text, path, reply)
    if invented:
        return invented
    if merged.kept:
        action.note = (
            f"(kept {_names(merged.kept)} as it was: the task does not ask to change it; "
            f"merged {_names(sorted(_defined(block) - set(merged.kept)))})"
        )
    action.tool = "write_file"
    action.arguments = {"path": path, "content": merged.text}
    return None


_QUOTED_NAME = re.compile(r"`([A-Za-z_]\w*)")
_WHOLE_QUOTED = re.compile(r"`([A-Za-z_]\w*)(?:\(\))?`")  # `name` or `name()`, not `pkg/mod.py`


def _member_hint(path: str, text: str, named: list[str], quoted: set[str]) -> str:
    """How to write only the new member a task asks a class for (a small model shown the whole
    module writes the whole module again): the class line and the member's def line."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return ": write its complete new definition"
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name in named]
    existing = {m.name for c in classes for m in c.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))}
    wanted = sorted(name for name in quoted - existing if re.fullmatch(r"[a-z_]\w*", name))
    if len(classes) != 1 or not wanted:
        return ": write its complete new definition"
    return (
        f", in a block with only the class line and the new method (the rest of the class stays):\n{path}\n"
        f"```python\nclass {classes[0].name}:\n    def {wanted[0]}(self):\n        (its body)\n```"
    )


def _names(names: Any) -> str:
    return ", ".join(f"`{name}`" for name in names)


def _top_level(text: str) -> set[str]:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return set()
    return {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}


def _imported(tree: ast.Module) -> set[str]:
    return {
        alias.asname or alias.name.split(".")[0]
        for node in tree.body
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }


def _meant_whole(text: str, block: str, quoted: set[str], item_text: str) -> bool:
    """Whether a Python module written whole is meant as the new file, not as its definitions to
    merge by name: it keeps every import and top-level definition of the file (a small model
    rewriting a module drops an import or a function it did not look at: seen with
    Qwen2.5-Coder-1.5B, the tests then fail), or it leaves out one the item names (a rename, a
    deletion), or the item is about imports. A rewrite that keeps everything is still merged
    when the item names definitions of the file (only those change)."""
    if dropped_content(".py", text, block) is not None:
        return False
    try:
        old_tree, new_tree = ast.parse(text), ast.parse(block)
    except (SyntaxError, ValueError):
        return True
    old_defs, new_defs = _top_level(text), _top_level(block)
    if (old_defs - new_defs) & quoted or re.search(r"\bimports?\b", item_text, re.IGNORECASE):
        return True
    if not old_defs <= new_defs:
        return False
    # the module's other statements (an `if __name__ == "__main__":` block) left out: a part, merged
    kinds = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Expr)
    written = {ast.dump(n) for n in new_tree.body}
    if any(not isinstance(n, kinds) and ast.dump(n) not in written for n in old_tree.body):
        return False
    # an import left out that the new text still uses was dropped by mistake (one it no longer
    # uses went with a rename or a removal: the rewrite means it)
    used = {n.id for n in ast.walk(new_tree) if isinstance(n, ast.Name)}
    if (_imported(old_tree) - _imported(new_tree)) & used:
        return False
    if ast.get_docstring(old_tree) and not ast.get_docstring(new_tree):
        return False  # the module docstring left out (a whole rewrite drops it): merged, it stays
    return not (old_defs & quoted)


def _invented(old: str, new: str, item_text: str, path: str, reply: str = "") -> str | None:
    """Why a Python module's new text is refused for what it makes up (see the checks).
    ``reply``: the model's whole reply (a new function another of its blocks calls is used)."""
    return (
        _invented_function(old, new, item_text, path, reply)
        or _invented_option(old, new, item_text)
        or _undefined_name(old, new, path)
        or _dropped_import(old, new, path)
    )


def _imported_instead(root: Path, path: str, block: str, new: str, pending: dict[str, str] | None = None) -> set[str]:
    """Names ``block`` imports from a project module that defines them, while the module's
    ``new`` text still defines them itself (pyflakes' F811: the import would be shadowed). The
    project module as the same reply writes it counts (``pending``): Qwen2.5-Coder-1.5B wrote the
    import first, the module defining the name second."""
    try:
        block_tree = ast.parse(block)
    except (SyntaxError, ValueError):
        return set()
    defined = _top_level(new)
    found: set[str] = set()
    for node in block_tree.body:
        if not isinstance(node, ast.ImportFrom) or not node.module:
            continue
        names = {a.name for a in node.names if a.asname is None and a.name in defined}
        if not names:
            continue
        text = _module_text(root, _import_source(path, node), pending or {})
        if text is None:
            continue
        found |= {n for n in names if re.search(rf"^(?:async\s+)?(?:def|class)\s+{n}\b", text, re.MULTILINE)}
    return found


def _import_source(path: str, node: ast.ImportFrom) -> str:
    """The project path of the module a ``from … import`` in the module at ``path`` reads
    (``from .money import x`` in ``pkg/report.py``: ``pkg/money.py``)."""
    base = PurePosixPath(path.strip()).parent
    for _ in range(max(node.level - 1, 0)):
        base = base.parent
    return str((base if node.level else PurePosixPath()) / ("/".join((node.module or "").split(".")) + ".py"))


def _module_text(root: Path, path: str, pending: dict[str, str]) -> str | None:
    """A module's text as the reply being run writes it, else as it is, else None."""
    if path in pending:
        return pending[path]
    try:
        return (root / path).read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def pending_writes(actions: list[Action]) -> dict[str, str]:
    """The Python blocks a reply writes, by path (what the modules will hold, for checks of one
    write against another of the same reply)."""
    found: dict[str, str] = {}
    for action in actions:
        path = action.arguments.get("path")
        content = action.arguments.get("content") if action.tool == "write_file" else action.arguments.get("new")
        if isinstance(path, str) and path.strip().endswith(".py") and isinstance(content, str):
            found.setdefault(path.strip(), content)
    return found


def _import_cycle(root: Path, path: str, block: str, pending: dict[str, str]) -> str | None:
    """Why a block is refused that imports a name from a project module which imports that same
    name from this one, the block not defining it (asked to move a function, Qwen2.5-Coder-1.5B
    made the new module import it from the old one and the old one import it from the new one)."""
    try:
        tree = ast.parse(block)
    except (SyntaxError, ValueError):
        return None
    defined = _top_level(block)
    for node in tree.body:
        if not isinstance(node, ast.ImportFrom) or not node.module:
            continue
        source = _import_source(path, node)
        text = _module_text(root, source, pending)
        if source == path or text is None:
            continue
        try:
            other = ast.parse(text)
        except (SyntaxError, ValueError):
            continue
        back = {
            alias.name
            for imported in other.body
            if isinstance(imported, ast.ImportFrom) and imported.module and _import_source(source, imported) == path
            for alias in imported.names
        }
        for name in sorted({a.name for a in node.names} & back - defined):
            return (
                f"not written: {path} would import `{name}` from {source}, and {source} imports `{name}` from {path}: "
                f"an import cycle, and neither defines it. Write the complete definition of `{name}` (every line) in "
                "the module the task puts it in, and import it from there in the other"
            )
    return None


# an item about the import lines themselves (sort, order, group, clean up the imports)
_IMPORTS_ITEM = re.compile(
    r"\b(?:sort|order|reorder|group|organi[sz]e|tidy|clean)\w*\b[^.;]*\bimports\b|\bimports\b[^.;]*\b(?:sorted|alphabetical)",
    re.IGNORECASE,
)


def _with_imports(text: str, block: str) -> str | None:
    """The module with its import section (the imports before its first other statement) replaced
    by the import statements of ``block``; None when ``block`` has none. A whole module written
    gives its import lines only: asked to sort the imports, Qwen2.5-Coder-1.5B wrote the module
    again without its docstring and with other blank lines, and the item asks for the imports."""
    try:
        tree, new = ast.parse(text), ast.parse(block)
    except (SyntaxError, ValueError):
        return None
    statements = [n for n in new.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    if not statements:
        return None
    if len(statements) < len(new.body):
        lines = block.splitlines()
        start = new.body.index(statements[0])
        if new.body[start : start + len(statements)] == statements:  # one run of imports: its lines
            block = "\n".join(lines[statements[0].lineno - 1 : statements[-1].end_lineno]) + "\n"
        else:
            block = "".join((ast.get_source_segment(block, n) or "") + "\n" for n in statements)
        new = ast.parse(block)
    body = tree.body[1:] if ast.get_docstring(tree) else tree.body
    section: list[ast.stmt] = []
    for node in body:
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            break
        section.append(node)
    if not section:
        return None
    future = [n for n in section if isinstance(n, ast.ImportFrom) and n.module == "__future__"]
    if future and not any(isinstance(n, ast.ImportFrom) and n.module == "__future__" for n in new.body):
        block = "\n".join(ast.get_source_segment(text, n) or "" for n in future) + "\n\n" + block.lstrip("\n")
    lines = text.splitlines(keepends=True)
    start, end = section[0].lineno - 1, section[-1].end_lineno or section[-1].lineno
    return "".join(lines[:start]) + block.strip("\n") + "\n" + "".join(lines[end:])


def _only_imports(block: str) -> bool:
    """``block`` parses as import statements only."""
    try:
        return all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in ast.parse(block).body)
    except (SyntaxError, ValueError):
        return False


def _dropped_import(old: str, new: str, path: str) -> str | None:
    """Why a rewrite is refused that leaves out an import whose name the new text still reads and
    binds nowhere else (an item about imports made Qwen2.5-Coder-1.5B write the module again
    without `import sys` and `import argparse`: ruff's sorted block then lacked them too)."""
    try:
        old_tree, new_tree = ast.parse(old), ast.parse(new)
    except (SyntaxError, ValueError):
        return None
    bound = set(dir(builtins))
    for node in new_tree.body:
        bound |= _bound(node) | ({node.name} if isinstance(node, (ast.FunctionDef, ast.ClassDef)) else set())
    read = {n.id for n in ast.walk(new_tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    lost = sorted((_imported(old_tree) & read) - bound)
    if not lost:
        return None
    statements = [
        ast.get_source_segment(old, node) or ""
        for node in old_tree.body
        if isinstance(node, (ast.Import, ast.ImportFrom))
        and any((alias.asname or alias.name.split(".")[0]) in lost for alias in node.names)
    ]
    return (
        f"not written: it leaves out {', '.join(f'`{s}`' for s in statements)}, which {path} still uses "
        f"({', '.join(lost)}): keep every import the code needs"
    )


_OPTION = re.compile(r"""add_argument\(\s*["'](-{1,2}[\w-]+)["']""")


def _invented_option(old: str, new: str, item_text: str) -> str | None:
    """Why a new command-line option the item does not name is refused (asked to warn when
    `--weeks` is above 52, Qwen2.5-Coder-1.5B added a `--warn` flag and warned only with it: the
    tests passed, the behaviour asked for was missing)."""
    for option in dict.fromkeys(_OPTION.findall(new)):
        if option not in _OPTION.findall(old) and not re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", item_text):
            return (
                f"not written: `{option}` is a new command-line option the task does not ask for: do what the task "
                "asks with the options it names (the behaviour must not need a new flag)"
            )
    return None


def _undefined_name(old: str, new: str, path: str) -> str | None:
    """Why a changed or new top-level definition is refused: it reads a name defined nowhere — not
    in it, not in the module, not a builtin (Qwen2.5-Coder-1.5B's `main` called a `reorder` that
    did not exist; the lint step of aider's loop catches the same with flake8's F821). Names in
    annotations do not count (``from __future__ import annotations`` leaves them unevaluated)."""
    try:
        old_tree, new_tree = ast.parse(old), ast.parse(new)
    except (SyntaxError, ValueError):
        return None
    before = {ast.dump(node) for node in old_tree.body}
    module = set(dir(builtins)) | {"__name__", "__file__", "__doc__", "__spec__", "__path__", "__annotations__"}
    for node in new_tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            module.add(node.name)
        else:
            module |= _bound(node)
    for node in new_tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) or ast.dump(node) in before:
            continue
        annotations = {
            id(inner) for part in ast.walk(node) for annotation in _annotations(part) for inner in ast.walk(annotation)
        }
        local = _bound(node)
        for name in ast.walk(node):
            if (
                isinstance(name, ast.Name)
                and isinstance(name.ctx, ast.Load)
                and id(name) not in annotations
                and name.id not in local | module
            ):
                return (
                    f"not written: `{node.name}` uses `{name.id}`, which is defined nowhere (not in {path}, not "
                    f"imported): write the definition again using only names that exist"
                )
    return None


def _annotations(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.arg):
        return [node.annotation] if node.annotation else []
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return [node.returns] if node.returns else []
    if isinstance(node, ast.AnnAssign):
        return [node.annotation]
    return []


def _bound(node: ast.AST) -> set[str]:
    """Every name a statement binds anywhere inside it (an over-estimate of its locals)."""
    names: set[str] = set()
    for inner in ast.walk(node):
        if isinstance(inner, ast.Name) and isinstance(inner.ctx, (ast.Store, ast.Del)):
            names.add(inner.id)
        elif isinstance(inner, ast.arg):
            names.add(inner.arg)
        elif isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(inner.name)
        elif isinstance(inner, (ast.Import, ast.ImportFrom)):
            names |= {alias.asname or alias.name.split(".")[0] for alias in inner.names}
        elif isinstance(inner, ast.ExceptHandler) and inner.name:
            names.add(inner.name)
        elif isinstance(inner, (ast.Global, ast.Nonlocal)):
            names |= set(inner.names)
        elif isinstance(inner, (ast.MatchAs, ast.MatchStar)) and inner.name:
            names.add(inner.name)
    return names


def _referenced(tree: ast.Module, definition: ast.stmt) -> bool:
    """Whether the module uses the top-level ``definition`` anywhere outside it: a name read
    where it is not a local variable of the same name (``reorder = …`` in another function)."""
    name = getattr(definition, "name", "")
    scopes: list[ast.AST] = [n for n in tree.body if n is not definition]
    while scopes:
        scope = scopes.pop()
        if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            local = any(
                isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store) for n in ast.walk(scope)
            ) or any(a.arg == name for a in ast.walk(scope.args) if isinstance(a, ast.arg))
            if local:
                continue
        for node in ast.walk(scope):
            if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load):
                return True
    return False


def _invented_function(old: str, new: str, item_text: str, path: str, reply: str = "") -> str | None:
    """Why a new top-level function the item does not name is refused: nothing calls it (a small
    model asked for a command-line option writes a new function instead of changing the parser
    and main: seen with Qwen2.5-Coder-1.5B), or it has the name of a function the module imports
    (it would replace the import). Test modules and ``test_*`` functions are exempt (pytest calls
    them). None if every new function is used."""
    if "test" in Path(path).name:
        return None
    try:
        old_tree, new_tree = ast.parse(old), ast.parse(new)
    except (SyntaxError, ValueError):
        return None
    before = _top_level(old)
    functions = [n for n in old_tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    existing = ", ".join(n.name for n in functions[:8]) or "the existing code"
    for node in new_tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or node.name in before:
            continue
        if node.name in _imported(old_tree):
            return (
                f"not written: `{node.name}` is imported in {path}: change it in the module it comes from, or "
                f"change {existing} here (write the complete new definition)"
            )
        if node.name.startswith("test") or re.search(rf"`{re.escape(node.name)}\b", item_text):
            continue
        # a call or an import of it in the reply's other blocks (not the word in its prose: "DONE
        # reorder returns …" let an invented `reorder` through on cli-limit-option)
        use = rf"\b{re.escape(node.name)}\s*\(|^[ \t]*from[ \t][^\n]*\bimport\b[^\n]*\b{re.escape(node.name)}\b"
        called_elsewhere = len(re.findall(use, reply, re.MULTILINE)) > len(
            re.findall(use, ast.get_source_segment(new, node) or "", re.MULTILINE)
        )
        if not _referenced(new_tree, node) and not called_elsewhere:
            return (
                f"not written: `{node.name}` is a new function that nothing calls, and the task does not ask for "
                f"one. Do the task in the code that already runs: change {existing} in {path} (write the complete "
                "new definition of each function you change)"
            )
    return None


_DELETING = re.compile(r"\b(?:delete|remove|drop)\b", re.IGNORECASE)


def _to_delete(item_text: str, module: str) -> set[str]:
    """The quoted names an item asks to delete ("Delete `legacy_total` …")."""
    if not _DELETING.search(item_text):
        return set()
    return {
        name
        for name in re.findall(r"`([A-Za-z_]\w*)`", item_text)
        if re.search(rf"^(?:def|class) {name}\b", module, re.M)
    }


def _defined(block: str) -> set[str]:
    return set(re.findall(r"^[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+(\w+)", block, re.MULTILINE))


def retarget(action: Action, root: Path, default_path: str | None) -> None:
    """A small model writes a guide's example path, or a file that does not exist, where it means
    the step's one file: an edit of a missing file, or a write to an example path, goes there."""
    path = action.arguments.get("path")
    if default_path is None or not isinstance(path, str) or path == default_path:
        return
    example = path.strip() in (EXAMPLE_EDIT, EXAMPLE_NEW) or path.strip().startswith("path/to/")
    # a new output written under its name in another folder (Qwen2.5-Coder-1.5B wrote docs/todo.md's
    # list into the project's to-do list tasks/todo.md, and again when refused)
    elsewhere = path.strip().rsplit("/", 1)[-1] == default_path.rsplit("/", 1)[-1]
    if (action.tool == "edit_file" and not (root / path).exists()) or (action.tool == "write_file" and example):
        action.arguments["path"] = default_path
    elif action.tool == "write_file" and elsewhere:
        action.arguments["path"] = default_path
        action.note = f"(written to {default_path}, the file the task names, not {path.strip()})"


def pep561_marker(action: Action, root: Path) -> None:
    """A ``py.typed`` written is PEP 561's marker: empty (or ``partial``), beside the package's
    ``__init__.py`` (the project's one package when the path has none). Qwen2.5-Coder-1.5B wrote
    pages of prose into a top-level py.typed, and again when refused."""
    path = action.arguments.get("path")
    if action.tool != "write_file" or not isinstance(path, str) or path.strip().rsplit("/", 1)[-1] != "py.typed":
        return
    folder = path.strip().rsplit("/", 1)[0] if "/" in path.strip() else "."
    if not (root / folder / "__init__.py").is_file():
        found = [*root.glob("*/__init__.py"), *root.glob("src/*/__init__.py")]
        packages = sorted({p.parent.relative_to(root).as_posix() for p in found} - {"tests", "test"})
        if len(packages) != 1:
            return
        action.arguments["path"] = f"{packages[0]}/py.typed"
    if str(action.arguments.get("content") or "").strip() not in ("", "partial"):
        action.arguments["content"] = ""
    action.note = f"(PEP 561's marker, written empty: {action.arguments['path']})"


def to_existing(action: Action, root: Path, in_play: list[str]) -> None:
    """A write to a bare file name that does not exist (``report.py``) where exactly one file in
    play has that name under a folder (``stockroom/report.py``) goes there: the model dropped the
    folder (Qwen2.5-Coder-1.5B on move-function, which made a new top-level module)."""
    path = action.arguments.get("path")
    if action.tool not in CHANGING_TOOLS or not isinstance(path, str) or (root / path.strip()).exists():
        return
    if "/" in path.strip():
        misspelt_folder(action, root, in_play)
        return
    matches = [p for p in in_play if p.endswith("/" + path.strip()) and (root / p).is_file()]
    if len(matches) == 1:
        action.arguments["path"] = matches[0]
        action.note = f"(written to {matches[0]}: {path.strip()} does not exist)"


def misspelt_folder(action: Action, root: Path, in_play: list[str]) -> None:
    """A write into a folder that does not exist whose name is one letter off a folder of exactly
    one file in play with the same name goes to that file (heldout24 log-kind-filter, blind: Qwen
    wrote the whole of ``kilnlog/cli.py`` to a new ``killnlog/cli.py`` five times; the real CLI
    never changed)."""
    path = PurePosixPath(action.arguments["path"].strip())
    if (root / path.parent).exists():
        return
    matches = [
        p for p in in_play
        if PurePosixPath(p).name == path.name and _one_letter_off(str(PurePosixPath(p).parent), str(path.parent))
        and (root / p).is_file()
    ]  # fmt: skip
    if len(matches) == 1:
        action.arguments["path"] = matches[0]
        action.note = f"(written to {matches[0]}: {path} does not exist)"


def _one_letter_off(a: str, b: str) -> bool:
    """One letter added, dropped, changed or two swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        first, second = [*diffs, 0, 0][:2]
        swapped = len(diffs) == 2 and second == first + 1 and (a[first], a[second]) == (b[second], b[first])
        return len(diffs) == 1 or swapped
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))

