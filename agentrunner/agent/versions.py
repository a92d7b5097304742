"""Where a Python project keeps its version, and the one-line edits that change it (issue 12).

"Bump the patch version for the next release" names no file. Shown no file, Qwen2.5-Coder-1.5B
wrote a made-up ``[tool.poetry]`` pyproject, a CHANGELOG section and placeholder tests, six turns,
and failed (heldout4 patch-release). A developer knows where the version lives: ``pyproject.toml``
(``[project]`` or ``[tool.poetry]``), a ``setup.cfg``, and a package's ``__version__`` — and keeps
them equal. Finding them and the next version is no model's work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .checks import bumped, project_version
from .sources import python_modules

_SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", "build", "dist", "tasks", "tests", "test"}
MAX_MODULES = 2_000


@dataclass(frozen=True)
class VersionEdit:
    """One line of one file that holds the version, and the line that replaces it."""

    path: str
    old: str
    new: str


def current_version(root: Path) -> str | None:
    """The version in ``pyproject.toml`` (``[project]``, else ``[tool.poetry]``), or None."""
    path = root / "pyproject.toml"
    return project_version(path.read_bytes()) if path.is_file() else None


def next_version(version: str, kind: str | None, target: str | None) -> str | None:
    """The version asked for: the one the item names, else semantic versioning's next of a kind."""
    if target:
        return target.removeprefix("v")
    return bumped(version, kind) if kind else None


def _edit(path: str, text: str, pattern: str, old: str, new: str) -> VersionEdit | None:
    """The first line matching ``pattern``, with its version changed; the snippet grows by the
    lines around it until it occurs once in the file (the edit tool replaces a unique snippet:
    ``rich = {version = "0.4.2"}`` holds the line ``version = "0.4.2"`` too)."""
    found = re.search(pattern, text, re.MULTILINE)
    if found is None:
        return None
    lines = text.splitlines(keepends=True)
    index = text.count("\n", 0, found.start())
    start, end = index, index + 1
    while text.count("".join(lines[start:end])) > 1 and (start > 0 or end < len(lines)):
        start, end = max(start - 1, 0), min(end + 1, len(lines))
    snippet = "".join(lines[start:end])
    line = lines[index]
    changed = "".join(lines[start:index]) + line.replace(old, new, 1) + "".join(lines[index + 1 : end])
    return VersionEdit(path, snippet, changed)


def version_edits(root: Path, old: str, new: str) -> list[VersionEdit]:
    """The edits that change ``old`` to ``new`` wherever the project states its own version:
    pyproject's ``version = "old"`` (the first such line: its table's, not a dependency's inline
    table), setup.cfg's ``version = old``, and each non-test module's ``__version__ = "old"``."""
    quoted = rf"""(["']){re.escape(old)}\1"""
    edits: list[VersionEdit] = []
    for name, pattern in (
        ("pyproject.toml", rf"^[ \t]*version[ \t]*=[ \t]*{quoted}"),
        ("setup.cfg", rf"^version[ \t]*=[ \t]*{re.escape(old)}[ \t]*$"),
    ):
        if (root / name).is_file():
            edit = _edit(name, (root / name).read_text("utf-8", errors="replace"), pattern, old, new)
            if edit is not None:
                edits.append(edit)
    seen = 0
    for module in python_modules(root, skip_dirs=_SKIP_DIRS):
        relative = PurePosixPath(module)
        if relative.name.startswith("test_") or relative.name == "setup.py":
            continue
        seen += 1
        if seen > MAX_MODULES:
            break
        try:
            text = (root / module).read_text("utf-8", errors="replace")
        except OSError:
            continue
        edit = _edit(relative.as_posix(), text, rf"^__version__[ \t]*(?::[ \t]*str[ \t]*)?=[ \t]*{quoted}", old, new)
        if edit is not None:
            edits.append(edit)
    return edits


__all__ = ["VersionEdit", "current_version", "next_version", "version_edits"]
