"""A docstring put where it belongs: the model writes its text, code places it.

Asked to add a docstring, Qwen2.5-Coder-1.5B in the general loop often wrote no edit that applied
("the step did not write birdlog/seasons.py", heldout11; "no change made in 4 calls", heldout10)
— the words were not the problem, the edit was. So the docstring recipe asks for the text alone
(one JSON answer) and :func:`with_docstring` inserts it, or replaces the one there, as the first
statement of the function with the body's indentation; the gate's docstring checks then judge
what it says.
"""

from __future__ import annotations

import ast
import textwrap

WIDTH = 100


def find_function(tree: ast.Module, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The one function or method called ``name`` (``Class.method`` also reads), or None."""
    owner, _, short = name.rpartition(".")
    found = [
        node
        for parent in ast.walk(tree)
        if not owner or (isinstance(parent, ast.ClassDef) and parent.name == owner)
        for node in ast.iter_child_nodes(parent)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == short
    ]
    unique = list({id(node): node for node in found}.values())
    return unique[0] if len(unique) == 1 else None


def _lines(text: str, indent: str) -> list[str]:
    """The docstring's lines: its paragraphs wrapped to the width, the closing quotes on their own
    line when it has more than one line."""
    text = text.replace('"""', "'''").replace("\\", "\\\\").strip()
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]
    if not paragraphs:
        return []
    width = max(40, WIDTH - len(indent))
    body: list[str] = []
    for number, paragraph in enumerate(paragraphs):
        if number:
            body.append("")
        body += textwrap.wrap(paragraph, width - (3 if number == 0 else 0)) or [""]
    if len(body) == 1 and len(body[0]) + 6 <= width:
        return [f'{indent}"""{body[0]}"""']
    return [f'{indent}"""{body[0]}', *[f"{indent}{line}" if line else "" for line in body[1:]], f'{indent}"""']


def with_docstring(source: str, name: str, text: str) -> str | None:
    """``source`` with the function's docstring set to ``text`` (None: no such single function, or
    nothing to write)."""
    tree = ast.parse(source)
    node = find_function(tree, name)
    if node is None or not node.body:
        return None
    lines = source.splitlines(keepends=True)
    first = node.body[0]
    indent = " " * first.col_offset
    if first.lineno == node.lineno:  # `def f(): return 1` on one line: no place for a docstring
        return None
    new = _lines(text, indent)
    if not new:
        return None
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    block = [line + newline for line in new]
    has = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str)
    start = first.lineno - 1
    end = (first.end_lineno or first.lineno) if has else start
    result = "".join([*lines[:start], *block, *lines[end:]])
    ast.parse(result)  # a SyntaxError here is a bug of this function, not the model's
    return result


__all__ = ["find_function", "with_docstring"]
