"""An item that asks to resolve a TODO comment: deleting the comment is not resolving it.

Asked to "resolve the TODO in `cli.py`: warn on stderr when …", Qwen2.5-Coder-1.5B wrote the
function again without the ``# TODO`` line and nothing else (session 6). Merged by name that is
"already so" (comments are not code), the model was told "no file changed" and wrote the same
again. Told what its block did — left out the comment, changed no code — and where the code goes,
it has the next step.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

MARKER = re.compile(r"#\s*(?:TODO|FIXME|XXX)\b.*")
_ABOUT_MARKER = re.compile(r"\b(?:TODO|FIXME|XXX)\b")


def _functions(tree: ast.Module) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    found: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found.setdefault(node.name, node)
    return found


def only_marker_dropped(path: str, old: str, block: str, item_text: str) -> str | None:
    """Why a block for an item about a TODO comment is no change: it writes a function again with
    the same code as the file's, only without the marker comment the function had. None when the
    item is not about a marker, or the block changes code."""
    if not _ABOUT_MARKER.search(item_text):
        return None
    try:
        old_tree, new_tree = ast.parse(old), ast.parse(block)
    except (SyntaxError, ValueError):
        return None
    old_lines, new_functions = old.splitlines(), _functions(new_tree)
    for name, before in _functions(old_tree).items():
        after = new_functions.get(name)
        if after is None or ast.dump(before) != ast.dump(after):
            continue
        start, end = before.lineno, before.end_lineno or before.lineno
        markers = [(n, MARKER.search(old_lines[n - 1])) for n in range(start, end + 1)]
        segment = ast.get_source_segment(block, after) or ""
        for number, found in markers:
            if found and found.group().strip() not in segment:
                return (
                    f"not written: the block only leaves out the comment `{found.group().strip()}` (line {number} "
                    f"of {path}) and changes no code. Resolving it means writing the code it asks for in its place: "
                    f"the complete new `{name}`, with that code where the comment was"
                )
    return None


def marker_only(action: Any, root: Path, item_text: str) -> str | None:
    """:func:`only_marker_dropped` for a write action the merge found "already so"."""
    path = str(action.arguments.get("path") or "").strip()
    try:
        old = (root / path).read_text("utf-8")
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return only_marker_dropped(path, old, str(action.arguments.get("content") or ""), item_text)
