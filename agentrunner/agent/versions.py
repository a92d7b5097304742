"""Where a Python project keeps its version, and the one-line edits that change it (issue 12).

"Bump the patch version for the next release" names no file. Shown no file, Qwen2.5-Coder-1.5B
wrote a made-up ``[tool.poetry]`` pyproject, a CHANGELOG section and placeholder tests, six turns,
and failed (heldout4 patch-release). A developer knows where the version lives: ``pyproject.toml``
(``[project]`` or ``[tool.poetry]``), a ``setup.cfg``, and a package's ``__version__`` — and keeps
them equal. Finding them and the next version is no model's work.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath

from .journal import FileChange
from .sources import python_modules

_SKIP_DIRS = {"tasks", "tests", "test"}  # beside sources.SKIP_DIRS: tests state versions as data
MAX_MODULES = 2_000


def project_version(data: bytes | None) -> str | None:
    """The version of a ``pyproject.toml``'s bytes (``[project]``, else ``[tool.poetry]``), or None."""
    try:
        document = tomllib.loads((data or b"").decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    for table in (document.get("project"), document.get("tool", {}).get("poetry")):
        if isinstance(table, dict) and isinstance(table.get("version"), str):
            return str(table["version"])
    return None


def bumped(version: str, kind: str) -> str | None:
    """Semantic versioning's next version of a kind (``0.6.2``, minor → ``0.7.0``), or None for a
    version that is not plain numbers."""
    parts = version.split(".")
    if not all(part.isdigit() for part in parts) or not 1 <= len(parts) <= 3:
        return None
    numbers = [int(part) for part in parts] + [0] * (3 - len(parts))
    index = {"major": 0, "minor": 1, "patch": 2}[kind.lower()]
    numbers = numbers[:index] + [numbers[index] + 1] + [0] * (2 - index)
    return ".".join(str(number) for number in numbers[: max(len(parts), index + 1)])



def project_names(root: Path) -> list[str]:
    """The project's name as a README writes it before its version: pyproject's ``name``, with
    ``-`` and ``_`` read alike."""
    path = root / "pyproject.toml"
    try:
        document = tomllib.loads(path.read_text("utf-8")) if path.is_file() else {}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
        return []
    for table in (document.get("project"), document.get("tool", {}).get("poetry")):
        if isinstance(table, dict) and isinstance(table.get("name"), str) and table["name"].strip():
            name = table["name"].strip()
            return list(dict.fromkeys([name, name.replace("-", "_"), name.replace("_", "-")]))
    return []


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


_README_SUFFIXES = {"", ".md", ".rst", ".txt", ".markdown"}


def version_edits(root: Path, old: str, new: str) -> list[VersionEdit]:
    """The edits that change ``old`` to ``new`` wherever the project states its own version:
    pyproject's ``version = "old"`` (the first such line: its table's, not a dependency's inline
    table), setup.cfg's ``version = old``, each non-test module's ``__version__ = "old"``, and each
    line of a README or a page under ``docs/`` stating it (after a version word or the project's name)."""
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
    # the README's "Current release: 0.9.3" (heldout12 minor-version-bump: "everywhere the version
    # number is written down", the README still said the old one) and "brewlog 0.7.2 — a homebrewer's
    # log", "# brewlog 0.7.2" under `--version` (heldout13 minor-release: ticked with the README
    # stale): every line stating it after a version word or the project's name, not a dependency's
    names = project_names(root)
    before = r"\b(?:version|release|v)\b[^\n]*?"
    if names:
        before += "|" + "|".join(rf"(?<![\w.-]){re.escape(name)}[ \t]+v?" for name in names)
    stated = re.compile(
        rf"^[^\n]*(?:{before})(?<![\w.]){re.escape(old)}(?![\w.]*\w)[^\n]*$", re.MULTILINE | re.IGNORECASE
    )
    for page in _pages(root):
        text = page.read_text("utf-8", errors="replace")
        changed = stated.sub(lambda line: line.group(0).replace(old, new), text)
        if changed != text:  # the whole file as the snippet: two lines alike stay one edit
            edits.append(VersionEdit(page.relative_to(root).as_posix(), text, changed))
    # a test asserting the program's version — `== "tanklog 1.4.2"` after `--version`, `__version__ ==
    # "1.4.2"` — states it too (heldout18 minor-version, ticked WRONG: the suite failed after the tick);
    # a version a test holds as data (`parse("1.4.2")`, `__version__ = "1.4.2"` of a fixture) does not
    asserted = rf"__version__[ \t]*==[ \t]*{quoted}|{quoted}[ \t]*==[ \t]*[\w.]*__version__\b"
    if names:
        asserted += "|" + "|".join(rf"""["']{re.escape(name)}[ \t]+v?{re.escape(old)}["']""" for name in names)
    in_test = re.compile(rf"^[^\n]*(?:{asserted})[^\n]*$", re.MULTILINE)
    for test in _test_files(root):
        text = test.read_text("utf-8", errors="replace")
        changed = in_test.sub(lambda line: line.group(0).replace(old, new), text)
        if changed != text:
            edits.append(VersionEdit(test.relative_to(root).as_posix(), text, changed))
    return edits


def _test_files(root: Path) -> list[Path]:
    """The project's test modules (``tests/test_*.py``, ``test/…``, ``*_test.py``)."""
    found = [
        root / module
        for module in python_modules(root, limit=MAX_MODULES)
        if PurePosixPath(module).name.startswith("test_") or PurePosixPath(module).name.endswith("_test.py")
    ]
    return [path for path in found if path.is_file()]


MAX_PAGES = 200


def _pages(root: Path) -> list[Path]:
    """The READMEs and the pages under ``docs/`` (not a changelog: its releases keep their numbers) —
    heldout16 minor-version ("written in more than one place — get them all"): the recipe moved
    pyproject, ``__version__`` and the README, and docs/usage.md's ``qsolog 0.6.0`` stayed."""
    readmes = sorted(p for p in root.glob("README*") if p.is_file() and p.suffix.lower() in _README_SUFFIXES)
    docs = root / "docs"
    pages = (
        sorted(
            p for p in docs.rglob("*")
            if p.is_file() and p.suffix.lower() in _README_SUFFIXES - {""} and not _CHANGELOG.match(p.name)
            and not any(part.startswith(".") for part in p.relative_to(docs).parts)
        )[:MAX_PAGES]
        if docs.is_dir() and not docs.is_symlink()
        else []
    )  # fmt: skip
    return readmes + pages


# a changelog's release heading: "## [0.5.0] - 2026-12-02", "## 0.5.0 (2026-12-02)", "## v0.5.0"
_RELEASE_HEADING = re.compile(
    r"^##[ \t]+\[?v?(\d+(?:\.\d+){1,2}(?:[-+.][\w.]+)?)\]?(?:[ \t]*[-–—(][ \t]*(\d{4}-\d{2}-\d{2}))?",
    re.MULTILINE,
)
_CHANGELOG = re.compile(r"^(?:changelog|changes|history|news)(?:\.\w+)?$", re.IGNORECASE)


def _releases(data: bytes | None) -> dict[str, str | None]:
    text = (data or b"").decode("utf-8", "replace")
    return {match.group(1): match.group(2) for match in _RELEASE_HEADING.finditer(text)}


def _section_entries(data: bytes | None, version: str) -> list[str]:
    """The list items of a changelog's release section (up to the next ``## `` heading)."""
    lines = (data or b"").decode("utf-8", "replace").splitlines()
    entries: list[str] = []
    inside = False
    for line in lines:
        if line.startswith("## "):
            heading = _RELEASE_HEADING.match(line)
            inside = heading is not None and heading.group(1) == version
        elif inside and re.match(r"[ \t]*[-*+][ \t]+\S", line):
            entries.append(line)
    return entries


def release_problem(changes: list[FileChange], item_text: str, root: Path, today: date | None = None) -> str | None:
    """A release the changes cut that does not agree with itself (held-out 5 minor-release, ticked
    wrong: pyproject went 0.4.2 → 0.5.0, ``__version__`` stayed 0.4.2, and the changelog's new
    section was "## [0.4.3] - 2026-10-30", the last release's date, for an item that said "bump
    the version everywhere it's recorded … today's date is fine"). When the changes move
    pyproject's version: every other place the project states the old version states the new one;
    a release section they add to a changelog is that version and lists changes; and a date it
    gives is not before the last release's, nor other than today's when the item says today."""
    moved = None
    for change in changes:
        if change.path == "pyproject.toml" and change.before is not None and change.after is not None:
            old, new = project_version(change.before), project_version(change.after)
            if old and new and old != new:
                moved = (old, new)
    if moved is None:
        return None
    old, new = moved
    stale = [edit.path for edit in version_edits(root, old, new) if edit.path != "pyproject.toml"]
    if stale:
        return f"{', '.join(stale)}: still version {old} where pyproject.toml now says {new} — change it there too"
    today = today or date.today()
    for change in changes:
        if change.after is None or not _CHANGELOG.match(PurePosixPath(change.path).name):
            continue
        before, after = _releases(change.before), _releases(change.after)
        gone = [version for version, dated in before.items() if dated and version not in after]
        if gone:
            # heldout16 minor-version's wrong patch: "## [0.6.0] - 2026-04-18" renamed 0.7.0 — a
            # released section is history; the new version gets a section of its own
            return (
                f"{change.path}: the released section {gone[0]} ({before[gone[0]]}) is gone or renamed; leave "
                f"released sections as they are (add a section for {new} above them if one is asked)"
            )
        for version, dated in after.items():
            if version in before:
                continue
            if version != new:
                return f"{change.path}: the new release section is {version}; the project's version is now {new}"
            if not _section_entries(change.after, version):
                return f"{change.path}: the new release section {version} lists no changes"
            try:
                day = date.fromisoformat(dated) if dated else None
            except ValueError:
                return f"{change.path}: release {version} is dated {dated}, which is no date"
            last = max((d for d in before.values() if d), default=None)
            if dated and last and dated < last:
                return f"{change.path}: release {version} is dated {dated}, before the last release ({last})"
            # "We're releasing 1.7.0 today (2026-05-09)": the day written is the one (heldout27 release-1-7)
            written = re.findall(r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)", item_text)
            if written and dated not in written:
                return f"{change.path}: release {version} is dated {dated}; the item says {written[0]}"
            if day and not written and re.search(r"\btoday\b", item_text, re.I) and abs((day - today).days) > 1:
                return f"{change.path}: release {version} is dated {dated}; the item says today ({today.isoformat()})"
    return None


__all__ = [
    "VersionEdit",
    "bumped",
    "current_version",
    "next_version",
    "project_names",
    "project_version",
    "release_problem",
    "version_edits",
]
