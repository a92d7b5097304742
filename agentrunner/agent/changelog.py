"""A changelog entry put where Keep a Changelog says it goes: under ``## [Unreleased]``, in its
category's ``### Added/Changed/…`` section (made when missing, in the format's order).

Writing the entry is the model's part (one line); placing it is not — a 1.5B model asked to edit
a changelog wrote no-op edit blocks and whole-file rewrites (held-out chore changelog-by-task)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import PurePosixPath

from .journal import FileChange

# Keep a Changelog 1.1.0's categories, in its order
CATEGORIES = ["Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"]

_UNRELEASED = re.compile(r"^##\s+\[?unreleased\]?", re.IGNORECASE)
_SECTION = re.compile(r"^##\s")
_SUBSECTION = re.compile(r"^###\s+(.*?)\s*$")
_BULLET = re.compile(r"^([-*+])\s")
_NAMED = re.compile(r"(?<![\w-])(" + "|".join(CATEGORIES) + r")\b")
_GIVEN = re.compile(r"(?<![\w-])(?:" + "|".join(CATEGORIES) + r")\s*:\s*(?P<entry>\S.*?)\s*$")
NEW_CHANGELOG = (
    "# Changelog\n\nAll notable changes to this project are documented in this file.\n"
    "The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/).\n"
)


def category_named(item_text: str) -> str | None:
    """The category an item names ("under Unreleased → Fixed", "Added: …"), spelt capitalised as
    the format spells it, if exactly one is named."""
    named = set(_NAMED.findall(item_text))
    return named.pop() if len(named) == 1 else None


def entry_given(item_text: str) -> str | None:
    """The entry an item spells out after its category ("… → Fixed: `load_items` reads BOMs")."""
    match = _GIVEN.search(item_text)
    return match.group("entry").rstrip(".") + "." if match else None


def unreleased_section(text: str) -> str | None:
    """The Unreleased section's lines (its heading included), or None when there is none."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if _UNRELEASED.match(line)), None)
    if start is None:
        return None
    end = next((i for i in range(start + 1, len(lines)) if _SECTION.match(lines[i])), len(lines))
    return "\n".join(lines[start:end]).rstrip() + "\n"


def with_entry(text: str, category: str, entry: str) -> str:
    """``text`` with ``- entry`` at the end of Unreleased → category. An Unreleased section is
    made above the first release when there is none, the category's section after the ones the
    format lists before it. Every other line stays as it was."""
    if category not in CATEGORIES:
        raise ValueError(f"not a Keep a Changelog category: {category!r}")
    lines = (text or NEW_CHANGELOG).splitlines()
    bullet_mark = next((m.group(1) for line in lines if (m := _BULLET.match(line))), "-")
    bullet = f"{bullet_mark} {' '.join(entry.split())}"
    start = next((i for i, line in enumerate(lines) if _UNRELEASED.match(line)), None)
    if start is None:
        at = next((i for i, line in enumerate(lines) if _SECTION.match(line)), len(lines))
        block = ["## [Unreleased]", "", f"### {category}", bullet]
        block = ([""] if at and lines[at - 1].strip() else []) + block + ([""] if at < len(lines) else [])
        return _joined(text, lines[:at] + block + lines[at:])
    end = next((i for i in range(start + 1, len(lines)) if _SECTION.match(lines[i])), len(lines))
    subsections = [(i, m.group(1).strip()) for i in range(start + 1, end) if (m := _SUBSECTION.match(lines[i]))]
    own = next((i for i, title in subsections if title.lower() == category.lower()), None)
    if own is not None:
        after = next((i for i, _ in subsections if i > own), end)
        at = max((i for i in range(own + 1, after) if lines[i].strip()), default=own) + 1
        return _joined(text, [*lines[:at], bullet, *lines[at:]])
    rank = CATEGORIES.index(category)
    later = [i for i, title in subsections if title in CATEGORIES and CATEGORIES.index(title) > rank]
    boundary = later[0] if later else end
    # after the last text before the boundary, not after the blank lines that lead to it
    at = max((i for i in range(start, boundary) if lines[i].strip()), default=start) + 1
    block = ["", f"### {category}", bullet] + ([""] if at < len(lines) and lines[at].strip() else [])
    return _joined(text, lines[:at] + block + lines[at:])


def _joined(original: str, lines: list[str]) -> str:
    """The lines as a file in the original's line endings (a CRLF changelog stays CRLF: every
    other line unchanged), its final newline kept."""
    newline = "\r\n" if "\r\n" in original else "\n"
    return newline.join(lines) + (newline if original.endswith("\n") or not original else "")


__all__ = ["CATEGORIES", "NEW_CHANGELOG", "category_named", "entry_given", "unreleased_section", "with_entry"]


# a changelog by its file name: CHANGELOG.md, CHANGES.rst, HISTORY.txt, NEWS
CHANGELOG_FILE = re.compile(r"^(?:changelog|changes|history|news)(?:\.(?:md|markdown|rst|txt))?$", re.IGNORECASE)


def _bullets(data: bytes | None) -> Counter[str]:
    """A changelog's bullets, each as its words in lower case (marker, case and a final stop aside)."""
    text = (data or b"").decode("utf-8", "replace")
    found: Counter[str] = Counter()
    for line in text.splitlines():
        if _BULLET.match(line.strip()):
            found[" ".join(line.strip()[1:].split()).lower().rstrip(".")] += 1
    return found


def repeated_entry_problem(changes: list[FileChange]) -> str | None:
    """A changelog entry added that says word for word what an entry of the changelog already said
    (heldout9 changelog-unknown-plant: asked for a Fixed entry about unknown plant names, Qwen
    copied an older release's fix under Unreleased, and the copy was ticked)."""
    for change in changes:
        if change.before is None or change.after is None or not CHANGELOG_FILE.match(PurePosixPath(change.path).name):
            continue
        before = _bullets(change.before)
        added = _bullets(change.after) - before
        copied = next((entry for entry in added if entry in before), None)
        if copied is not None:
            return f"{change.path}: the new entry repeats one it has ('{copied}'): write what the item says changed"
    return None
