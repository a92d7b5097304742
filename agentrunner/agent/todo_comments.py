"""An item that asks to resolve a TODO comment: deleting the comment is not resolving it.

Asked to "resolve the TODO in `cli.py`: warn on stderr when …", Qwen2.5-Coder-1.5B wrote the
function again without the ``# TODO`` line and nothing else (session 6). Merged by name that is
"already so" (comments are not code), the model was told "no file changed" and wrote the same
again. Told what its block did — left out the comment, changed no code — and where the code goes,
it has the next step.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MARKER = re.compile(r"#\s*(?:TODO|FIXME|XXX)\b.*")
# "in the gradebook package", "under `src/`", "across fleetlog/": where an inventory looks
_IN_FOLDER = re.compile(
    r"\b(?:in|under|inside|within|from|across|of)\s+(?:the\s+)?`?([A-Za-z_][\w.-]*(?:/[\w.-]+)*)/?`?"
    r"(?=\s+(?:package|folder|directory|dir|module|tree)\b|/|`)",
    re.IGNORECASE,
)
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


# --- an inventory of the markers: "collect the TODO comments into docs/todo.md" ------------------
# Finding comments is grep's work, not a model's: Qwen2.5-Coder-1.5B, shown the grep, wrote the
# list into CHANGELOG.md, README.md and pyproject.toml in turn (held-out chore todo-inventory).

_HASH_COMMENTS = {".py", ".pyi", ".sh", ".bash", ".toml", ".cfg", ".ini", ".yaml", ".yml", ".rb", ".pl", ".r"}
_SLASH_COMMENTS = {".js", ".jsx", ".ts", ".tsx", ".c", ".h", ".cc", ".cpp", ".hpp", ".java", ".go", ".rs", ".kt",
                   ".swift", ".cs", ".scala"}  # fmt: skip


@dataclass(frozen=True)
class Marker:
    """One marker comment: where it is, its word (TODO, FIXME…) and what it says."""

    path: str
    line: int
    word: str
    text: str


def _comments(path: Path, text: str) -> list[tuple[int, str]]:
    """(line, comment text without its ``#``/``//``) of a source file's comments. Python's come from
    its tokenizer (a ``"# TODO"`` in a string is no comment); other languages' from their syntax."""
    if path.suffix in (".py", ".pyi"):
        try:
            tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
        except (tokenize.TokenError, SyntaxError):
            tokens = []
        if tokens:
            return [(t.start[0], t.string.lstrip("#")) for t in tokens if t.type == tokenize.COMMENT]
    lead = r"#" if path.suffix in _HASH_COMMENTS else r"//|/\*"
    found: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        match = re.search(rf"(?:^|\s)(?:{lead})(.*)$", line)
        if match:
            found.append((number, match.group(1).rstrip("*/ ").strip()))
    return found


def named_folders(root: Path, item_text: str) -> list[str]:
    """The project folders the item scopes itself to ("the TODO comments in the gradebook package":
    ``gradebook``); empty when it names none (the whole project)."""
    found = [name.strip("/") for name in _IN_FOLDER.findall(item_text)]
    return [name for name in dict.fromkeys(found) if name and (root / name).is_dir()]


def in_folders(path: str, folders: list[str]) -> bool:
    """Whether ``path`` (relative, POSIX) is inside one of ``folders`` (all of them when none)."""
    return not folders or any(path == folder or path.startswith(f"{folder}/") for folder in folders)


def find_markers(root: Path, files: list[Path], words: list[str]) -> list[Marker]:
    """The marker comments (``# TODO: …`` for the words given) of the project's source files."""
    pattern = re.compile(rf"^\s*({'|'.join(map(re.escape, words))})\b(?:\([^)]*\))?[:)\]]?\s*(.*)$")
    markers: list[Marker] = []
    for path in files:
        if path.suffix not in _HASH_COMMENTS | _SLASH_COMMENTS:
            continue
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for number, comment in _comments(path, text):
            match = pattern.match(comment)
            if match:
                where = path.relative_to(root).as_posix()
                markers.append(Marker(where, number, match.group(1), match.group(2).strip()))
    return sorted(markers, key=lambda m: (m.path, m.line))


def render_inventory(markers: list[Marker], words: list[str], *, table: bool = False) -> str:
    """The markers as a markdown list (``- `path:line` — text``) or table, under a heading."""
    title = " and ".join(words)
    lines = [f"# {title} comments", ""]
    if not markers:
        return "\n".join([*lines, f"No {title} comments in the project.", ""])
    if table:
        lines += ["| file | line | comment |", "|---|---|---|"]
        lines += [f"| `{m.path}` | {m.line} | {_cell(m, words)} |" for m in markers]
    else:
        lines += [f"- `{m.path}:{m.line}` — {_said(m, words)}" for m in markers]
    return "\n".join([*lines, ""])


def _said(marker: Marker, words: list[str]) -> str:
    prefix = f"{marker.word}: " if len(words) > 1 else ""
    return prefix + (marker.text or "(no text)")


def _cell(marker: Marker, words: list[str]) -> str:
    return _said(marker, words).replace("|", "\\|")
