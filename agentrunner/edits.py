"""Exact-snippet edits and the guards around writes: what makes a small model's edits safe.

An edit replaces one *unique* snippet of a file (Claude Code's Edit, aider's search/replace block).
Small models copy snippets imperfectly, so a snippet that is not found verbatim is looked for again
with the forgivable differences removed — line-number prefixes copied from a numbered listing,
trailing spaces, a uniform indentation shift — and never with anything looser: a fuzzy match that
picks the wrong place would damage the file. A snippet that still is not found, or is found more
than once, is refused with the nearest lines of the file, so the next turn can copy them right.

A write or edit is also refused when it would leave a file that no longer parses (Python, JSON,
TOML) or when it replaces code with an elision placeholder (``# ... rest unchanged``), the typical
way a model damages a file it rewrites whole.
"""

from __future__ import annotations

import ast
import difflib
import json
import re
import textwrap
import tomllib
from dataclasses import dataclass

_NUMBERED = re.compile(r"^\s*\d+(?:\t|\s*[|:│]\s?)")
_ELISION = re.compile(
    r"^\s*(?:#|//|<!--)?\s*(?:\.\.\.|…)\s*(?:-->)?\s*$"
    r"|(?:rest of (?:the )?(?:code|file|module|function|class)|existing code|remains? (?:the same|unchanged)"
    r"|(?:code|lines?) (?:omitted|unchanged)|same as before)",
    re.IGNORECASE | re.MULTILINE,
)


class EditError(Exception):
    """The edit cannot be applied; the message says why and what to copy instead."""


class Unchanged(EditError):
    """The definitions written are already in the file, as written: nothing to do, nothing wrong.
    ``kept``: definitions the block did change but the merge was told to leave as they are."""

    def __init__(self, message: str, kept: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.kept = kept


@dataclass
class Applied:
    text: str  # the whole new file text
    start_line: int  # 1-based first line of the replacement in the new text
    end_line: int
    how: str  # "exact" or the forgiving rule that found the snippet
    kept: tuple[str, ...] = ()  # definitions the block changed that were left as they are (``frozen``)


def numbered(text: str, start: int = 1) -> str:
    """Lines prefixed with their 1-based number and a tab (the read_file view)."""
    return "\n".join(f"{number:>4}\t{line}" for number, line in enumerate(text.splitlines(), start))


def strip_line_numbers(snippet: str) -> str | None:
    """The snippet without ``  12\\t`` / ``12: `` / ``12| `` prefixes when every non-blank line has
    one (a model copied them from a numbered listing), else None."""
    lines = snippet.splitlines()
    filled = [line for line in lines if line.strip()]
    if not filled or not all(_NUMBERED.match(line) for line in filled):
        return None
    return "\n".join(_NUMBERED.sub("", line, count=1) for line in lines)


def _line_start(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _exact(text: str, old: str, new: str, how: str) -> Applied | None:
    count = text.count(old)
    if count == 0:
        return None
    if count > 1:
        lines: list[str] = []
        position = text.find(old)
        while position != -1 and len(lines) < 5:
            lines.append(str(_line_start(text, position)))
            position = text.find(old, position + 1)
        raise EditError(
            f"the snippet occurs {count} times (lines {', '.join(lines)}); include more surrounding lines "
            "so that it matches exactly one place"
        )
    position = text.find(old)
    result = text[:position] + new + text[position + len(old) :]
    start = _line_start(text, position)
    return Applied(result, start, start + max(new.count("\n"), 0), how)


def _by_lines(text: str, old: str, new: str) -> Applied | None:
    """Match whole lines ignoring trailing spaces and a uniform indentation difference; the new
    lines are re-indented by the same difference."""
    old_lines = [line.rstrip() for line in old.strip("\n").splitlines()]
    if not old_lines or not any(line.strip() for line in old_lines):
        return None
    file_lines = text.splitlines(keepends=True)
    stripped = [line.rstrip() for line in file_lines]
    found: list[tuple[int, int]] = []
    for first in range(len(file_lines) - len(old_lines) + 1):
        window = stripped[first : first + len(old_lines)]
        if [w.strip() for w in window] != [o.strip() for o in old_lines]:
            continue
        # the same relative indentation, shifted by one amount
        shifts = {
            (len(w) - len(w.lstrip())) - (len(o) - len(o.lstrip()))
            for w, o in zip(window, old_lines, strict=True)
            if o.strip()
        }
        if len(shifts) != 1:
            continue
        found.append((first, shifts.pop()))
    if not found:
        return None
    if len(found) > 1:
        where = ", ".join(str(first + 1) for first, _ in found[:5])
        raise EditError(f"the snippet occurs {len(found)} times (lines {where}); include more surrounding lines")
    first, shift = found[0]
    new_lines = new.strip("\n").splitlines() if new.strip() else []
    if shift > 0:
        new_lines = [(" " * shift + line) if line.strip() else line for line in new_lines]
    elif shift < 0:
        new_lines = [line[min(-shift, len(line) - len(line.lstrip())) :] for line in new_lines]
    replaced = "".join(line + "\n" for line in new_lines)
    last = first + len(old_lines)
    tail = "".join(file_lines[last:])
    if last == len(file_lines) and not text.endswith("\n") and replaced:
        replaced = replaced[:-1]
    result = "".join(file_lines[:first]) + replaced + tail
    return Applied(result, first + 1, first + max(len(new_lines), 1), "matched ignoring indentation/trailing spaces")


def apply_edit(text: str, old: str, new: str) -> Applied:
    """``text`` with the unique occurrence of ``old`` replaced by ``new``, or :class:`EditError`."""
    if not old.strip():
        raise EditError("old is empty: give the exact lines to replace (to create a file use write_file)")
    if old == new:
        raise EditError(
            "the SEARCH and REPLACE parts are the same: nothing would change. To add lines, SEARCH one "
            "existing line (such as the def line) and REPLACE it with that line followed by the new lines"
        )
    position = text.find(old)
    indent = text[text.rfind("\n", 0, position) + 1 : position] if position > 0 else ""
    if indent and not indent.strip() and "\n" in new.strip("\n"):
        # whole lines given without their indentation: a plain replace would put the new lines'
        # continuation at column 0; the line match re-indents them
        applied = _by_lines(text, old, new)
        if applied:
            return applied
    applied = _exact(text, old, new, "exact")
    if applied:
        return applied
    unnumbered_old = strip_line_numbers(old)
    if unnumbered_old is not None:
        unnumbered_new = strip_line_numbers(new) if new.strip() else new
        new = unnumbered_new if unnumbered_new is not None else new
        old = unnumbered_old
        applied = _exact(text, old, new, "exact after removing copied line numbers")
        if applied:
            return applied
    applied = _by_lines(text, old, new)
    if applied:
        return applied
    applied = _skipping_blank_lines(text, old, new)
    if applied:
        return applied
    raise EditError("the snippet was not found in the file. " + near_matches(text, old))


def _skipping_blank_lines(text: str, old: str, new: str) -> Applied | None:
    """Match the snippet's non-blank lines to consecutive non-blank lines of the file, blank lines
    between them skipped (Qwen2.5-Coder-1.5B copies a markdown file's headings and bullets without
    the blank lines between them); the replacement keeps the file's blank lines around the lines it
    keeps, as :func:`rewrite_keeping_blanks` does. Lines compared as :func:`_by_lines` does."""
    wanted = [line.rstrip() for line in old.splitlines() if line.strip()]
    if len(wanted) < 2:
        return None
    file_lines = text.splitlines(keepends=True)
    filled = [i for i, line in enumerate(file_lines) if line.strip()]
    found: list[tuple[int, int, int]] = []  # (first line index, last line index, indentation shift)
    for k in range(len(filled) - len(wanted) + 1):
        window = [file_lines[i].rstrip() for i in filled[k : k + len(wanted)]]
        if [w.strip() for w in window] != [o.strip() for o in wanted]:
            continue
        shifts = {(len(w) - len(w.lstrip())) - (len(o) - len(o.lstrip())) for w, o in zip(window, wanted, strict=True)}
        if len(shifts) == 1:
            found.append((filled[k], filled[k + len(wanted) - 1], shifts.pop()))
    if not found:
        return None
    if len(found) > 1:
        where = ", ".join(str(first + 1) for first, _, _ in found[:5])
        raise EditError(f"the snippet occurs {len(found)} times (lines {where}); include more surrounding lines")
    first, last, shift = found[0]
    new_lines = new.splitlines()
    if shift > 0:
        new_lines = [(" " * shift + line) if line.strip() else line for line in new_lines]
    elif shift < 0:
        new_lines = [line[min(-shift, len(line) - len(line.lstrip())) :] for line in new_lines]
    region = "".join(file_lines[first : last + 1])
    replaced = rewrite_keeping_blanks(region, "\n".join(new_lines) + "\n", allow_dropping=True) if new.strip() else ""
    if replaced is None:
        raise EditError("the SEARCH and REPLACE parts have the same lines: nothing would change")
    result = "".join(file_lines[:first]) + replaced + "".join(file_lines[last + 1 :])
    end = first + max(replaced.count("\n"), 1)
    return Applied(result, first + 1, end, "matched skipping blank lines")


def near_matches(text: str, old: str, context: int = 1) -> str:
    """The lines of ``text`` most like ``old`` (numbered), to copy exactly next time."""
    old_lines = [line.strip() for line in old.strip("\n").splitlines() if line.strip()]
    file_lines = text.splitlines()
    if not old_lines or not file_lines:
        return "The file is empty." if not file_lines else ""
    size = len(old_lines)
    scored: list[tuple[float, int]] = []
    for first in range(max(len(file_lines) - size + 1, 1)):
        window = [line.strip() for line in file_lines[first : first + size]]
        ratio = difflib.SequenceMatcher(None, "\n".join(window), "\n".join(old_lines), autojunk=False).ratio()
        scored.append((ratio, first))
    ratio, first = max(scored)
    if ratio < 0.4:
        return "No similar lines either: read the file again (read_file) and copy the lines exactly."
    begin, end = max(first - context, 0), min(first + size + context, len(file_lines))
    shown = numbered("\n".join(file_lines[begin:end]), begin + 1)
    return f"The most similar lines ({ratio:.0%} alike) are:\n{shown}\nCopy them exactly (without the line numbers)."


def parse_problem(path: str, text: str) -> str | None:
    """Why ``text`` does not parse as the file type of ``path`` (Python, JSON, TOML), or None."""
    suffix = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    try:
        if suffix == "py":
            compile(text, path, "exec", dont_inherit=True)
        elif suffix == "json":
            json.loads(text)
        elif suffix == "toml":
            tomllib.loads(text)
    except SyntaxError as exc:
        return f"line {exc.lineno}: {exc.msg}"
    except json.JSONDecodeError as exc:
        return f"line {exc.lineno}: {exc.msg}"
    except tomllib.TOMLDecodeError as exc:
        return str(exc)
    except ValueError as exc:  # e.g. a NUL byte in Python source
        return str(exc)
    return None


def _top_level_names(text: str) -> list[str] | None:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    return [node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]


def dropped_content(path: str, old_text: str, new_text: str) -> str | None:
    """What a whole-file rewrite loses that the old file had: for Python, top-level functions and
    classes that are gone (a rename keeps the count, so only a shrinking set counts); for other
    text, more than half of the old file's non-blank lines (when it had at least 8). None if it
    keeps them."""
    if path.endswith(".py"):
        before, after = _top_level_names(old_text), _top_level_names(new_text)
        if before is None or after is None:
            return None
        gone = [name for name in before if name not in after]
        if gone and len(after) < len(before):
            return f"would drop {', '.join(gone)}"
        return None
    old_lines = {line.strip() for line in old_text.splitlines() if line.strip()}
    if len(old_lines) < 8:
        return None
    kept = old_lines & {line.strip() for line in new_text.splitlines()}
    if len(kept) * 2 < len(old_lines):
        return f"would drop {len(old_lines) - len(kept)} of the old file's {len(old_lines)} lines"
    return None


def rewrite_keeping_blanks(old_text: str, new_text: str, *, allow_dropping: bool = False) -> str | None:
    """``new_text`` (a model's whole rewrite of a text file) as changes to ``old_text``: the lines it
    changes or adds, compared without blank lines and trailing spaces, applied to the old text, which
    keeps its own blank lines (a small model rewriting a file drops them: seen with Qwen2.5-Coder-1.5B
    bumping a version in pyproject.toml). None when the rewrite drops old non-blank lines (unless
    ``allow_dropping``) or changes nothing."""
    old_lines = old_text.splitlines()
    content = [i for i, line in enumerate(old_lines) if line.strip()]
    # compared without indentation too: a line the model indented by copying the numbered view's
    # tab (seen on pyproject.toml) is the old line, kept as it was
    old_filled = [old_lines[i].strip() for i in content]
    new_filled = [line.rstrip() for line in new_text.splitlines() if line.strip()]
    matcher = difflib.SequenceMatcher(None, old_filled, [line.strip() for line in new_filled], autojunk=False)
    if not content:
        return None
    # each old non-blank line owns the blank lines after it; the blank lines before the first stay
    owned = [
        old_lines[i + 1 : (content[k + 1] if k + 1 < len(content) else len(old_lines))] for k, i in enumerate(content)
    ]
    out = old_lines[: content[0]]
    changed = False
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i1, i2):
                out += [old_lines[content[k]], *owned[k]]
            continue
        changed = True
        if not allow_dropping and (tag == "delete" or (tag == "replace" and j2 - j1 < i2 - i1)):
            return None
        if tag == "insert" and i1 > 0:
            # new lines go right after the line before them, ahead of its blank lines
            trailing = owned[i1 - 1]
            if trailing:
                del out[len(out) - len(trailing) :]
            out += [*new_filled[j1:j2], *trailing]
            continue
        out += new_filled[j1:j2]
        if i2 > i1:
            out += owned[i2 - 1]
    if not changed:
        return None
    return "\n".join(out) + ("\n" if old_text.endswith("\n") or not old_text else "")


def elision(old_text: str, new_text: str) -> str | None:
    """A placeholder line in the new text that stands for dropped content (``# ...``, "rest of the
    code", "existing code") and was not in the old text, or None."""
    before = {m.group(0).strip().lower() for m in _ELISION.finditer(old_text)}
    for match in _ELISION.finditer(new_text):
        if match.group(0).strip().lower() not in before:
            line = new_text[: match.start()].count("\n") + 1
            full = new_text.splitlines()[line - 1].strip() if new_text.splitlines() else match.group(0)
            return f"line {line}: {full[:80]!r} stands for left-out content"
    return None


# -- merging Python definitions by name ---------------------------------------------------------

_MERGEABLE = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.Import,
    ast.ImportFrom,
    ast.Assign,
    ast.AnnAssign,
)
# a replaced function keeps its end and most of its lines: a model that writes a def line and the
# two lines it changed (a partial body) would otherwise cut the rest of the function away; a real
# rewrite (a loop made a comprehension) may be half as long, not shorter, and still returns
KEEP_RATIO = 0.4
KEEP_MIN_LINES = 6


def _assigned(node: ast.stmt) -> str | None:
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        return node.targets[0].id
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return node.target.id
    return None


def _name(node: ast.stmt) -> str | None:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return node.name
    return _assigned(node)


def _first_line(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", [])
    return min([node.lineno, *(d.lineno for d in decorators)])


def _source(lines: list[str], node: ast.stmt) -> list[str]:
    """The node's lines (decorators included), without their common indentation."""
    chunk = lines[_first_line(node) - 1 : node.end_lineno or node.lineno]
    return textwrap.dedent("".join(chunk)).splitlines(keepends=True)


def _indented(chunk: list[str], indent: str) -> list[str]:
    return [indent + line if line.strip() else line for line in chunk]


def _is_method(node: ast.stmt) -> bool:
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    first = node.args.posonlyargs[:1] or node.args.args[:1]
    return bool(first) and first[0].arg in ("self", "cls")


def merge_definitions(
    text: str, block: str, *, classes_named: tuple[str, ...] = (), frozen: frozenset[str] = frozenset()
) -> Applied | None:
    """``text`` (a Python module) with the definitions of ``block`` merged in by name — the way a
    developer reads "here is the new ``total_value``": a function, class or module constant of the
    same name is replaced, a new one is added (a function at the end, a constant after the
    imports, a method at the end of its class), a missing import is added after the imports.
    A method written without its class goes to the class that has a method of that name, else the
    one class the item names (``classes_named``) or the file's only class.

    A whole module written again merges the same way: its other statements (the module docstring,
    an ``if __name__ == "__main__":`` block) are skipped when the file has them as they are, a
    definition written as it is stays as the file has it, and what the block leaves out (an import,
    a function) stays. Top-level definitions named in ``frozen`` (the ones the item does not ask to
    change, when it names others of the file) stay as they are even when the block changes them;
    their names are in the result's ``kept``.

    None when ``block`` is no set of definitions (it does not parse, or holds other statements);
    :class:`EditError` when it is one but cannot be placed, or would cut a function short."""
    source = textwrap.dedent(block.strip("\n") + "\n")
    indented_block = source != block.strip("\n") + "\n"
    try:
        new_tree = ast.parse(source)
        old_tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    nodes = list(new_tree.body)
    if nodes and isinstance(nodes[0], ast.Expr) and isinstance(nodes[0].value, ast.Constant):
        nodes = nodes[1:]  # a module docstring in a partial block: not a definition
    # the file's own statements written again as they are (a whole module rewritten): nothing to merge
    old_dumps = {ast.dump(node) for node in old_tree.body}
    nodes = [node for node in nodes if isinstance(node, _MERGEABLE) or ast.dump(node) not in old_dumps]
    if not nodes or not all(isinstance(node, _MERGEABLE) for node in nodes):
        return None
    if any(isinstance(node, (ast.Assign, ast.AnnAssign)) and _assigned(node) is None for node in nodes):
        return None
    new_lines = source.splitlines(keepends=True)
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    # (first line index, last line index exclusive, replacement lines); applied bottom-up
    changes: list[tuple[int, int, list[str]]] = []
    appended: list[list[str]] = []
    top = {(_name(n), type(n) is ast.ClassDef): n for n in old_tree.body if _name(n)}
    classes = {n.name: n for n in old_tree.body if isinstance(n, ast.ClassDef)}
    imports = [n for n in old_tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    after_imports = (imports[-1].end_lineno or 0) if imports else _docstring_end(old_tree)

    def replace(old: ast.stmt, chunk: list[str], indent: str) -> None:
        old_size = (old.end_lineno or old.lineno) - _first_line(old) + 1
        function = isinstance(old, (ast.FunctionDef, ast.AsyncFunctionDef))
        short = old_size >= KEEP_MIN_LINES and len(chunk) < KEEP_RATIO * old_size
        if function and (short or (_returns_value(old) and not _returns_value(_parsed(chunk)))):
            raise EditError(
                f"the new {_name(old)} ({len(chunk)} lines) looks cut short: the file's has {old_size} lines"
                f"{' and returns a value' if _returns_value(old) else ''}. Write the complete function (every "
                "line of it), or change only a snippet with an edit block"
            )
        if getattr(old, "decorator_list", []) and not (chunk and chunk[0].lstrip().startswith("@")):
            # written again without its decorators: kept (Qwen2.5-Coder-1.5B wrote a `@dataclass`
            # class back without the decorator, and every `Item(...)` then failed, fix-failing-test)
            kept = textwrap.dedent("".join(lines[_first_line(old) - 1 : old.lineno - 1]))
            chunk = kept.splitlines(keepends=True) + chunk
        changes.append((_first_line(old) - 1, old.end_lineno or old.lineno, _indented(chunk, indent)))

    def method_into(cls: ast.ClassDef, node: ast.stmt, chunk: list[str]) -> None:
        indent = " " * cls.body[0].col_offset if cls.body else "    "
        same = [m for m in cls.body if _name(m) == _name(node)]
        if same:
            replace(same[0], chunk, indent)
            return
        end = cls.end_lineno or cls.lineno
        changes.append((end, end, ["\n", *_indented(chunk, indent)]))

    kept: list[str] = []
    # an import comes in only when the module or the merged code uses it (a whole module written
    # again often adds an import nothing uses)
    applied = "\n".join(
        "".join(_source(new_lines, node))
        for node in nodes
        if not isinstance(node, (ast.Import, ast.ImportFrom))
        and ast.dump(node) not in old_dumps
        and _name(node) not in frozen
    )
    for node in nodes:
        chunk = _source(new_lines, node)
        name = _name(node)
        if ast.dump(node) in old_dumps and not indented_block:
            continue  # written as the file has it: the file's lines (and blank lines) stay
        if name in frozen and any(key[0] == name for key in top) and not indented_block:
            kept.append(name)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            wanted = {alias.asname or alias.name for alias in node.names}
            have = {alias.asname or alias.name for imp in imports for alias in imp.names}
            used = any(re.search(rf"\b{re.escape(name.split('.')[0])}\b", f"{applied}\n{text}") for name in wanted)
            if not wanted <= have and used:
                changes.append((after_imports, after_imports, chunk))
            continue
        if isinstance(node, ast.ClassDef) and (name, True) in top and not indented_block:
            old_class = top[(name, True)]
            assert isinstance(old_class, ast.ClassDef)
            old_members = {_name(m) for m in old_class.body if _name(m)}
            new_members = {_name(m) for m in node.body if _name(m)}
            if old_members <= new_members:
                replace(old_class, chunk, "")
                continue
            for member in node.body:  # a class written with only its new or changed members
                if _name(member) is None:
                    continue  # the class docstring or other lines: the file's stay
                method_into(old_class, member, _source(new_lines, member))
            continue
        if (name, False) in top and not indented_block:
            replace(top[(name, False)], chunk, "")
            continue
        if indented_block or _is_method(node):
            owners = [c for c in classes.values() if any(_name(m) == name for m in c.body)]
            named = [classes[c] for c in classes_named if c in classes]
            target = (
                owners[:1]
                or (named if len(named) == 1 else [])
                or (list(classes.values()) if len(classes) == 1 else [])
            )
            if not target:
                raise EditError(
                    f"{name} looks like a method but the file has no class to put it in that is clear: "
                    "write it inside its class (the `class …:` line, then the method)"
                )
            method_into(target[0], node, chunk)
            continue
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            changes.append((after_imports, after_imports, ["\n", *chunk]))
            continue
        appended.append(chunk)
    # new functions go at the end, ahead of a closing ``if __name__ == "__main__":`` block
    if appended and old_tree.body and _is_main_guard(old_tree.body[-1]):
        guard = _first_line(old_tree.body[-1]) - 1
        changes += [(guard, guard, [*chunk, "\n", "\n"]) for chunk in appended]
        appended = []
    # bottom-up, so earlier line numbers stay right; two insertions at one place keep their order
    order = sorted(range(len(changes)), key=lambda i: (changes[i][0], changes[i][1], i), reverse=True)
    for first, last, chunk in (changes[i] for i in order):
        lines[first:last] = chunk
    for chunk in appended:
        while lines and not lines[-1].strip():
            lines.pop()
        lines += ["\n", "\n", *chunk]
    merged = "".join(lines)
    if merged == text or merged == text + "\n":
        raise Unchanged(
            "the definitions are the same as in the file: nothing would change (to delete lines, SEARCH "
            "them in an edit block and leave its REPLACE part empty)",
            tuple(kept),
        )
    pairs = zip(merged.splitlines(), text.splitlines(), strict=False)
    start = next((i for i, (a, b) in enumerate(pairs) if a != b), 0) + 1
    return Applied(merged, start, start + len(block.splitlines()), "merged definitions by name", tuple(kept))


def _is_main_guard(node: ast.stmt) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "__name__"


def remove_definitions(text: str, names: set[str]) -> str | None:
    """``text`` (a Python module) without its top-level functions and classes named in ``names``
    (decorators and the blank lines after each included), or None when it defines none of them."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    doomed = [n for n in tree.body if isinstance(n, _MERGEABLE[:3]) and _name(n) in names]
    if not doomed:
        return None
    lines = text.splitlines(keepends=True)
    for node in reversed(doomed):
        first, last = _first_line(node) - 1, node.end_lineno or node.lineno
        while last < len(lines) and not lines[last].strip():
            last += 1
        del lines[first:last]
    while lines and not lines[-1].strip():
        lines.pop()
    return "".join(lines)


def _parsed(chunk: list[str]) -> ast.stmt | None:
    try:
        body = ast.parse(textwrap.dedent("".join(chunk))).body
    except SyntaxError:
        return None
    return body[0] if body else None


def _returns_value(node: ast.stmt | None) -> bool:
    """Whether a function returns (or yields) a value somewhere in its own body."""
    if node is None:
        return False
    pending = list(ast.iter_child_nodes(node))
    while pending:
        child = pending.pop()
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue  # a nested function's return is its own
        if isinstance(child, ast.Return) and child.value is not None:
            return True
        if isinstance(child, (ast.Yield, ast.YieldFrom)):
            return True
        pending.extend(ast.iter_child_nodes(child))
    return False


def _docstring_end(tree: ast.Module) -> int:
    """The last line of the module docstring and ``from __future__`` imports (0: none)."""
    end = 0
    for node in tree.body:
        docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and end == 0
        if docstring or (isinstance(node, ast.ImportFrom) and node.module == "__future__"):
            end = node.end_lineno or node.lineno
            continue
        break
    return end


__all__ = [
    "Applied",
    "EditError",
    "Unchanged",
    "apply_edit",
    "dropped_content",
    "elision",
    "merge_definitions",
    "near_matches",
    "numbered",
    "parse_problem",
    "remove_definitions",
    "rewrite_keeping_blanks",
    "strip_line_numbers",
]
