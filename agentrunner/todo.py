"""To-do files: GitHub task lists in, done lists out, every byte we do not understand kept.

A to-do file is read as a list of lines *with* their line endings, so writing an unchanged file
gives back the same bytes (CRLF, a missing final newline, odd bytes — decoded with
``surrogateescape`` — all survive). An item is a list line with a checkbox, where CommonMark
(markdown-it-py) sees a list item — not in fences, HTML comments or indented code::

    - [ ] Summarise `docs/CHANGELOG.md` into five bullets #local ~$0.50 📅 2026-11-30
      any more-indented lines under it are its context

Inline hints: ``#<tier>`` forces a tier, ``#change``/``#answer`` say whether the item wants files
changed or an answer in its result file (:mod:`agentrunner.agent.intent`; without them its words
decide), any other ``#tag`` is a tag rules can match, ``~$0.50`` caps the item's cost.
An item's identity is a hash of its file, its *normalised* text (hints, tags,
Obsidian Tasks fields, case and whitespace removed) and, when earlier items of the file normalise to
the same text, its rank among them — so ticking it, tagging it or editing other lines does not make
it a different item, and two lines that differ only in case or tags are two items, each worked and
paid once.

Writes go through :func:`update_item` (re-read, find the item again by identity, change, write
atomically) and :func:`add_item` (append in place), both on :mod:`agentrunner.shared_file`: a
folder lock shared by every agentrunner writer, and no byte lost that an editor or a ``>>``
appender writes at the same time.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from markdown_it import MarkdownIt

from .atomic import ENCODING, ERRORS
from .errors import UsageError
from .shared_file import append, rewrite

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+$")
_ITEM = re.compile(
    r"^(?P<indent>[ \t]*)(?P<bullet>[-*+]|\d{1,9}[.)])(?P<gap>[ \t]+)\[(?P<mark>[ xX])\](?P<rest>(?:[ \t].*)?)$"
)
_TAG = re.compile(r"(?<![\w#&/])#([A-Za-z][\w/-]*)")
_COST_CAP = re.compile(r"(?<!\S)~\$(\d+(?:\.\d+)?)(?!\S)")
# Obsidian Tasks fields: dates (due, scheduled, start, created, done, cancelled), priorities,
# recurrence. They are metadata, not part of what the item asks.
_OBSIDIAN_DATE = re.compile(r"[📅⏳🛫➕✅❌]\ufe0f?\s*\d{4}-\d{2}-\d{2}")
_OBSIDIAN_FLAGS = re.compile(r"[⏫🔼🔽⏬🔺]\ufe0f?|🔁\ufe0f?[^📅⏳🛫➕✅❌⏫🔼🔽⏬🔺]*")
_RESULT_LINE = re.compile(r"^[ \t]*[-*+] → ")
_FAILED_LINE = re.compile(r"^[ \t]*[-*+] ⚠ failed")


def split_lines(text: str) -> list[str]:
    """Lines with their own line endings; ``"".join(split_lines(t)) == t`` for every t."""
    return _LINE.findall(text)


def eol_of(line: str) -> str:
    if line.endswith("\r\n"):
        return "\r\n"
    if line.endswith(("\n", "\r")):
        return line[-1]
    return ""


def strip_eol(line: str) -> str:
    return line[: len(line) - len(eol_of(line))]


def indent_width(line: str) -> int:
    expanded = strip_eol(line).expandtabs(4)
    return len(expanded) - len(expanded.lstrip(" "))


def normalise(text: str) -> str:
    """What identifies an item: its words, without hints, tags, cost caps, Obsidian fields,
    case or spacing."""
    text = unicodedata.normalize("NFKC", text)
    text = _OBSIDIAN_DATE.sub(" ", text)
    text = _OBSIDIAN_FLAGS.sub(" ", text)
    text = _TAG.sub(" ", text)
    text = _COST_CAP.sub(" ", text)
    return " ".join(text.split()).casefold()


def clean_text(text: str) -> str:
    """The item's instruction as the model should see it: hints, tags and Obsidian fields
    removed, original case kept."""
    text = _OBSIDIAN_DATE.sub(" ", text)
    text = _OBSIDIAN_FLAGS.sub(" ", text)
    text = _TAG.sub(" ", text)
    text = _COST_CAP.sub(" ", text)
    return " ".join(text.split())


def item_identity(file_key: str, text: str, occurrence: int = 0) -> str:
    """``occurrence``: how many items before this one in the file have the same normalised text
    (0 for the first, whose id is what it always was)."""
    key = f"{file_key}\0{normalise(text)}" + (f"\0{occurrence}" if occurrence else "")
    return hashlib.sha256(key.encode(ENCODING, ERRORS)).hexdigest()[:16]


def slugify(text: str, max_length: int = 48) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    return slug or "item"


@dataclass
class TodoItem:
    """One checkbox line of a to-do file and the indented lines under it."""

    file: Path
    file_key: str
    line_index: int
    line: str  # the raw line, with its line ending
    indent: str
    bullet: str
    checked: bool
    text: str  # everything after the checkbox, stripped
    context: list[str] = field(default_factory=list)  # raw lines (with endings) under the item
    tags: list[str] = field(default_factory=list)
    cost_cap_usd: float | None = None
    occurrence: int = 0  # earlier items of the file with the same normalised text

    @property
    def id(self) -> str:
        return item_identity(self.file_key, self.text, self.occurrence)

    @property
    def title(self) -> str:
        return clean_text(self.text)

    @property
    def line_number(self) -> int:
        return self.line_index + 1

    @property
    def context_text(self) -> str:
        """The context lines as plain text, without our own result/failure annotations."""
        kept = [
            strip_eol(line) for line in self.context if not _RESULT_LINE.match(line) and not _FAILED_LINE.match(line)
        ]
        if not kept:
            return ""
        width = min((indent_width(line) for line in kept if line.strip()), default=0)
        return "\n".join(line.expandtabs(4)[width:] for line in kept).strip("\n")

    def tier_hint(self, tiers: list[str]) -> str | None:
        """The tier forced by an inline ``#tier`` tag, if any (the last one wins)."""
        hinted = [tag for tag in self.tags if tag in tiers]
        return hinted[-1] if hinted else None


@dataclass
class TodoFile:
    path: Path
    file_key: str
    lines: list[str]
    items: list[TodoItem]

    def render(self) -> str:
        return "".join(self.lines)

    def find(self, item_id: str) -> TodoItem | None:
        return next((item for item in self.items if item.id == item_id), None)

    @property
    def eol(self) -> str:
        """The file's dominant line ending (for lines we add)."""
        counts = {"\r\n": 0, "\n": 0, "\r": 0}
        for line in self.lines:
            ending = eol_of(line)
            if ending:
                counts[ending] += 1
        best = max(counts, key=lambda ending: counts[ending])
        return best if counts[best] else "\n"


_markdown: MarkdownIt | None = None


def _list_item_lines(text: str) -> set[int]:
    """The lines where a list item's first paragraph starts, by CommonMark (markdown-it-py, block
    level only): a checkbox line anywhere else — in a fence of any length, an HTML comment, an
    indented code block, a paragraph it merely continues — is no item."""
    global _markdown
    if _markdown is None:
        _markdown = MarkdownIt("commonmark")
        _markdown.disable("inline")  # the item's own text is ours to read, not a renderer's
    tokens = _markdown.parse(text)
    starts: set[int] = set()
    for token, following in itertools.pairwise(tokens):
        if (
            token.type == "list_item_open"
            and following.type == "paragraph_open"
            and token.map is not None
            and following.map is not None
            and following.map[0] == token.map[0]
        ):
            starts.add(token.map[0])
    return starts


def parse_text(text: str, *, path: Path, file_key: str | None = None) -> TodoFile:
    lines = split_lines(text)
    key = file_key if file_key is not None else path.as_posix()
    items: list[TodoItem] = []
    candidates = [(index, _ITEM.match(strip_eol(raw))) for index, raw in enumerate(lines)]
    starts = _list_item_lines(text) if any(match for _, match in candidates) else set()
    for index, match in candidates:
        if match is None or index not in starts:
            continue
        text_part = match.group("rest").strip()
        if not normalise(text_part):
            continue  # `- [ ] ` with no words (or only hints and tags): nothing to do
        raw = lines[index]
        cap = _COST_CAP.search(text_part)
        items.append(
            TodoItem(
                file=path,
                file_key=key,
                line_index=index,
                line=raw,
                indent=match.group("indent"),
                bullet=match.group("bullet"),
                checked=match.group("mark") in "xX",
                text=text_part,
                tags=[tag for tag in _TAG.findall(text_part)],
                cost_cap_usd=float(cap.group(1)) if cap else None,
            )
        )
    seen: dict[str, int] = {}
    for item in items:
        item.context = _context_lines(lines, item)
        words = normalise(item.text)
        item.occurrence = seen.get(words, 0)
        seen[words] = item.occurrence + 1
    return TodoFile(path=path, file_key=key, lines=lines, items=items)


def _context_lines(lines: list[str], item: TodoItem) -> list[str]:
    """More-indented lines under an item (blank lines inside are kept, trailing ones are not)."""
    base = indent_width(item.line)
    context: list[str] = []
    pending_blank: list[str] = []
    for raw in lines[item.line_index + 1 :]:
        if not strip_eol(raw).strip():
            pending_blank.append(raw)
            continue
        if indent_width(raw) <= base:
            break
        context.extend(pending_blank)
        pending_blank = []
        context.append(raw)
    return context


def read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode(ENCODING, ERRORS)
    except FileNotFoundError:
        raise UsageError(f"{path}: to-do file not found") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from None


def parse_file(path: Path, *, file_key: str | None = None) -> TodoFile:
    return parse_text(read_text(path), path=path, file_key=file_key)


Mutation = Callable[[TodoFile, TodoItem], list[str]]


def update_item(path: Path, item_id: str, mutate: Mutation, *, file_key: str | None = None) -> bool:
    """Re-read ``path``, find the item again by identity, replace the file's lines by
    ``mutate(file, item)`` and write it (:func:`agentrunner.shared_file.rewrite`: under the folder
    lock every agentrunner writer takes, edited again if the file changed meanwhile, bytes others
    append kept). False if the item is no longer in the file (the user deleted or reworded it):
    nothing is written then."""
    found = False

    def edit(data: bytes) -> bytes | None:
        nonlocal found
        current = parse_text(data.decode(ENCODING, ERRORS), path=path, file_key=file_key)
        item = current.find(item_id)
        found = item is not None
        if item is None:
            return None
        return "".join(mutate(current, item)).encode(ENCODING, ERRORS)

    try:
        rewrite(path, edit)
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise UsageError(f"{path}: cannot write: {exc.strerror or exc}") from None
    return found


def _annotation_indent(item: TodoItem) -> str:
    return item.indent + " " * (len(item.bullet) + 1)


def _strip_annotations(file: TodoFile, item: TodoItem) -> tuple[int, int]:
    """The range of our own ⚠/→ annotation lines right under the item (to replace, not stack)."""
    start = item.line_index + 1
    end = start
    while (
        end < len(file.lines)
        and (_FAILED_LINE.match(file.lines[end]) or _RESULT_LINE.match(file.lines[end]))
        and indent_width(file.lines[end]) > indent_width(item.line)
    ):
        end += 1
    return start, end


def _splice(file: TodoFile, start: int, end: int, new_bare: list[str], eol: str) -> list[str]:
    """Replace lines[start:end] by new lines; a file that had no final newline keeps none."""
    lines = list(file.lines)
    ends_bare = end == len(lines) and end > 0 and not eol_of(lines[end - 1])
    new = [line + eol for line in new_bare]
    if ends_bare and new:
        new[-1] = new_bare[-1]
    lines[start:end] = new
    return lines


def mark_done(file: TodoFile, item: TodoItem, *, summary: str, day: date) -> list[str]:
    """``- [x] text ✅ day`` and one indented ``- → …`` summary line (replacing a ⚠ line)."""
    eol = eol_of(item.line) or file.eol
    bare = strip_eol(item.line)
    match = _ITEM.match(bare)
    assert match is not None
    checked = bare[: match.start("mark")] + "x" + bare[match.end("mark") :]
    stamp = f"✅ {day.isoformat()}"
    if stamp not in checked:
        checked = f"{checked.rstrip()} {stamp}"
    _, end = _strip_annotations(file, item)
    note = f"{_annotation_indent(item)}- → {summary}"
    return _splice(file, item.line_index, end, [checked, note], eol)


def mark_failed(file: TodoFile, item: TodoItem, *, message: str) -> list[str]:
    """Keep ``- [ ]``; put one ``- ⚠ failed …`` line under it, replacing an earlier one."""
    eol = eol_of(item.line) or file.eol
    start, end = _strip_annotations(file, item)
    note = f"{_annotation_indent(item)}- ⚠ {message}"
    keep_results = [strip_eol(line) for line in file.lines[start:end] if not _FAILED_LINE.match(line)]
    return _splice(file, item.line_index, end, [strip_eol(item.line), note, *keep_results], eol)


def follow_link(path: Path, roots: list[Path], *, what: str = "to-do file") -> Path:
    """Where writes to ``path`` land. A symlink (anywhere on the way) is followed when its target is
    inside one of ``roots`` (the workspace, the project folder); one pointing elsewhere is refused
    with one line, so a link cannot steer agentrunner's writes out of the project."""
    real = Path(os.path.realpath(path))
    if real == Path(os.path.abspath(path)):
        return real  # no link involved: where the user put it
    for root in roots:
        if real.is_relative_to(Path(os.path.realpath(root))):
            return real
    raise UsageError(
        f"{path}: the {what} is a symlink to {real}, outside the workspace ({roots[0]}); "
        "not writing through it (point it inside, or replace it by the file itself)"
    )


def today_file(tasks_dir: Path, today: date | None = None) -> Path:
    day = today or date.today()
    return tasks_dir / f"{day.isoformat()}.md"


def add_item(path: Path, text: str, *, today: date | None = None) -> TodoItem:
    """Append ``- [ ] text`` to a to-do file, creating it with a heading if missing."""
    text = " ".join(text.split())
    if not text:
        raise UsageError("the to-do text is empty")
    if text.startswith("[") and text[1:3] in ("] ", "x]", "X]"):
        raise UsageError("give the item's text only, without a checkbox")
    day = today or date.today()

    def line(current: bytes | None) -> bytes:
        if current is None:
            return f"# Tasks {day.isoformat()}\n\n- [ ] {text}\n".encode(ENCODING, ERRORS)
        existing = parse_text(current.decode(ENCODING, ERRORS), path=path)
        eol = existing.eol
        separator = eol if current and not current.endswith((b"\n", b"\r")) else ""
        return f"{separator}- [ ] {text}{eol}".encode(ENCODING, ERRORS)

    try:
        end = append(path, line)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write: {exc.strerror or exc}") from None
    # The item is the last one up to the bytes we wrote (others may have appended after them).
    with open(path, "rb") as handle:
        written = handle.read(end).decode(ENCODING, ERRORS)
    return parse_text(written, path=path).items[-1]


__all__ = [
    "TodoFile",
    "TodoItem",
    "add_item",
    "clean_text",
    "follow_link",
    "item_identity",
    "mark_done",
    "mark_failed",
    "normalise",
    "parse_file",
    "parse_text",
    "slugify",
    "split_lines",
    "today_file",
    "update_item",
]
