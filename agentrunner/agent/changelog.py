"""A changelog entry put where Keep a Changelog says it goes: under ``## [Unreleased]``, in its
category's ``### Added/Changed/…`` section (made when missing, in the format's order).

Writing the entry is the model's part (one line); placing it is not — a 1.5B model asked to edit
a changelog wrote no-op edit blocks and whole-file rewrites (held-out chore changelog-by-task)."""

from __future__ import annotations

import difflib
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


# a release's heading ("## [1.3.2] - 2026-01-28", "## 1.3.0 - 2025-09-14"), its version the first group
_RELEASE = re.compile(r"^##[ \t]+\[?v?(\d+(?:\.\d+){1,2})\]?")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_LINK = re.compile(r"^\[([^\]]+)\]:[ \t]*(\S+)[ \t]*$")


def has_unreleased_entries(text: str) -> bool:
    """Whether the changelog's Unreleased section lists anything to release."""
    section = unreleased_section(text) or ""
    return any(_BULLET.match(line.strip()) for line in section.splitlines()[1:])


def released(text: str, new: str, day: str) -> str | None:
    """``text`` with its Unreleased notes made release ``new``'s section dated ``day`` (ISO), as
    Keep a Changelog cuts a release: an empty Unreleased heading stays above the new section, whose
    heading is written like the last release's ("## [1.3.2] - 2026-01-28" → "## [1.4.0] - …"), and a
    compare link ``[Unreleased]: …/compare/v1.3.2...HEAD`` moves on to the new tag, with the new
    release's link under it. None when there is no Unreleased section or it lists nothing.
    Every other line stays as it was."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if _UNRELEASED.match(line)), None)
    if start is None or not has_unreleased_entries(text):
        return None
    end = next((i for i in range(start + 1, len(lines)) if _SECTION.match(lines[i])), len(lines))
    last = next((line for line in lines[end:] if _RELEASE.match(line)), None)
    if last is not None:
        found = _RELEASE.match(last)
        assert found is not None
        heading = last[: found.start(1)] + new + last[found.end(1) :]
        heading = _ISO_DAY.sub(day, heading, count=1) if _ISO_DAY.search(heading) else f"{heading} - {day}"
    else:
        heading = f"## [{new}] - {day}" if "[" in lines[start] else f"## {new} - {day}"
    body = lines[start + 1 : end]
    out = [*lines[: start + 1], "", heading, *(body if body and not body[0].strip() else ["", *body]), *lines[end:]]
    for index, line in enumerate(out):
        link = _LINK.match(line)
        if link is None or link.group(1).lower() != "unreleased":
            continue
        url = link.group(2)
        tag = re.search(rf"(?<![\w.])(v?){re.escape(_last_version(lines[end:]) or '')}(?!\.?\d)", url)
        if tag is None or not url.endswith("HEAD") or not _last_version(lines[end:]):
            break  # a link this cannot read stays as it was
        new_tag = f"{tag.group(1)}{new}"
        out[index] = f"[{link.group(1)}]: {url[: tag.start()]}{new_tag}{url[tag.end() :]}"
        out.insert(index + 1, f"[{new}]: {url[: tag.start()]}{tag.group(0)}{url[tag.end() : -len('HEAD')]}{new_tag}")
        break
    return _joined(text, out)


def _last_version(lines: list[str]) -> str | None:
    found = next((m for line in lines if (m := _RELEASE.match(line))), None)
    return found.group(1) if found else None


__all__ = [
    "CATEGORIES",
    "NEW_CHANGELOG",
    "category_implied",
    "category_named",
    "entry_given",
    "has_unreleased_entries",
    "implied_category_problem",
    "released",
    "unreleased_section",
    "with_entry",
]


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


# a feature said to go later, which still works: Keep a Changelog's "Deprecated" ("`season --km`
# is on its way out — it still works for now, but it goes in 2.0": heldout27 changelog-km-deprecated,
# blind, ticked WRONG under "Removed")
_DEPRECATION = re.compile(
    r"\bdeprecat\w*|\bon (?:its|their) way out\b|\bstill works?\b[^.\n]{0,60}?\b(?:but|until|for now)\b"
    r"|\b(?:goes|going) away\b|\bgoes in (?:v?\d|the next)|\b(?:will|to) be (?:removed|dropped)\b|\bphas\w+ out\b",
    re.IGNORECASE,
)
# ... unless it is gone now ("`export` is removed (deprecated since 1.2)")
_GONE_NOW = re.compile(
    r"\b(?:is|was|has been|have been|got|are) (?:now )?(?:removed|dropped|deleted|gone)\b|\btook\b[^.\n]{0,40}\bout\b"
    r"|\bno longer (?:works?|exists?|available)\b",
    re.IGNORECASE,
)


# a behaviour said to be another one now, and no bug: Keep a Changelog's "Changed" ("near-specimens
# now start at 85% of the specimen weight instead of 80%": heldout31 changelog-near-specimen, blind,
# ticked WRONG under "Fixed"); "… now goes off the yellow tees when you don't give --tees (it used to
# be the whites)" (heldout33 changelog-yellow-tees, blind: under "Fixed", ticked WRONG)
_NOW_INSTEAD = re.compile(
    r"\bnow\b[^.\n]{0,80}?\b(?:instead of|rather than)\b|\b(?:instead of|rather than)\b[^.\n]{0,60}?\bnow\b"
    r"|\bno longer\b[^.\n]{0,60}?\b(?:but|now)\b"
    r"|\bnow\b[^.\n]{0,100}?\b(?:used to|previously|formerly|until now)\b"
    r"|\b(?:used to|previously|formerly)\b[^.\n]{0,100}?\bnow\b"
    # "the labour cap going up from £20 to £24 a job" (heldout46 changelog-labour-cap, seen: put under
    # Added, ticked WRONG), "the overdue threshold went from 10 days to 7"
    r"|\b(?:up|down|went|gone|going|goes|raised|lowered|increased|decreased|changed|moved|bumped|dropped|rose"
    r"|risen)\s+(?:\w+\s+){0,2}from\b[^.\n]{0,40}?\bto\b",
    re.IGNORECASE,
)
_FIX_WORDS = re.compile(
    r"\b(?:bugs?|fix\w*|wrong\w*|broken|break\w*|crash\w*|incorrect\w*|errors?|typos?|regress\w*|mistake\w*"
    r"|nonsense|should (?:have|be)|was meant to|off by|correct\w*)\b",
    re.IGNORECASE,
)


def category_implied(item_text: str) -> str | None:
    """The category an item's words imply when it names none: "Deprecated" for a feature said to
    be on its way out that still works; "Changed" for a behaviour said to be another now, instead
    of the old one, when no word of the item speaks of a bug."""
    if category_named(item_text) is not None:
        return None
    if _DEPRECATION.search(item_text) and not _GONE_NOW.search(item_text):
        return "Deprecated"
    if _NOW_INSTEAD.search(item_text) and not _FIX_WORDS.search(item_text) and not _GONE_NOW.search(item_text):
        return "Changed"
    return None


def implied_category_problem(changes: list[FileChange], item_text: str) -> str | None:
    """A changelog entry put under another category than the one the item's words imply: for a
    feature the item says still works and goes later, "Deprecated" (heldout27 changelog-km-deprecated:
    under "Removed"); for a behaviour that is another one now, "Changed" (heldout31
    changelog-near-specimen: under "Fixed")."""
    implied = category_implied(item_text)
    if implied is None:
        return None
    for change in changes:
        if change.after is None or not CHANGELOG_FILE.match(PurePosixPath(change.path).name):
            continue
        old = (change.before or b"").decode("utf-8", "replace").splitlines()
        new = change.after.decode("utf-8", "replace").splitlines()
        added = [
            index
            for tag, _, _, start, end in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
            if tag in ("insert", "replace")
            for index in range(start, end)
            if _BULLET.match(new[index].strip())
        ]
        for index in added:
            heading = next((m.group(1) for line in reversed(new[:index]) if (m := _SUBSECTION.match(line))), None)
            if heading is not None and heading.strip().lower() != implied.lower():
                said = (
                    "it still works and goes later"
                    if implied == "Deprecated"
                    else "how it works now instead, and names no bug"
                )
                return (
                    f"{change.path}: the entry is under {heading!r}, but the item says {said}: that is {implied} — "
                    f"put it under a `### {implied}` subsection of Unreleased"
                )
    return None
