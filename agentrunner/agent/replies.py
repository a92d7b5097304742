"""Reading a model's text reply: its actions (edit blocks, fenced files, commands, tool calls
written as text) in the order written."""

from __future__ import annotations

import re

from ..edits import strip_line_numbers
from ..toolcalls import parse_tool_calls
from ..tools import MODEL_TOOLS
from .actions import Action, Reply
from .guide import SYSTEM

_PATHLIKE = re.compile(r"^[\w.][\w./-]*$")
_EDIT_BLOCK = re.compile(
    r"^[ \t]*<{5,9}[ \t]*SEARCH[ \t]*\n(?P<old>.*?)^[ \t]*={5,9}[ \t]*\n(?P<new>.*?)^[ \t]*>{5,9}[ \t]*REPLACE[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
_COMMAND = re.compile(
    r"^[ \t]*[`*]*(?P<verb>READ|GREP|GLOB|RUN|DONE)\b[`*]*:?[ \t]*(?P<rest>[^\n]*?)[`*]*[ \t]*$",
    re.MULTILINE,
)
_TOOL_CALL = re.compile(
    r"<tool_call>.*?(?:</tool_call>|\Z)|^```[ \t]*(?:json|tool_call|tool_code)?[ \t]*\n\s*[\[{].*?^```[ \t]*$",
    re.DOTALL | re.MULTILINE,
)
_TOP_DEFINITION = re.compile(r"^(?:async[ \t]+)?(?:def|class)[ \t]+(\w+)", re.MULTILINE)
_EXTENSIONLESS = {"makefile", "dockerfile", "license", "changelog", "readme", "procfile", "justfile", "authors"}


def path_of(line: str) -> str | None:
    """The path a line names when it is only a path (decorations like ``**x**``, `` `x` ``,
    ``File: x``, ``# x`` or a trailing colon allowed), else None."""
    text = line.strip().strip("*`'\"").strip()
    text = re.sub(r"^(?:#+\s*|(?:file(?:name)?|path)\s*:\s*)", "", text, flags=re.IGNORECASE).strip("*`'\": ")
    if not text or not _PATHLIKE.match(text) or text.startswith(".."):
        return None
    name = text.rsplit("/", 1)[-1]
    if "." in name.strip(".") or name.startswith(".") or "/" in text or name.lower() in _EXTENSIONLESS:
        return text
    return None


def _path_before(text: str, start: int, known: frozenset[str] = frozenset()) -> str | None:
    """The path named on the last non-blank line before ``start`` (skipping an opening fence):
    the line itself, a backticked path in prose ("Here is the updated `calc/stats.py`:"), or a
    bare one the loop knows (a file in play or of the project)."""
    lines = text[:start].rstrip("\n").splitlines()
    for line in reversed(lines[-3:]):
        if not line.strip() or line.strip().startswith(("```", "~~~")):
            continue
        named = [p for p in (path_of(token) for token in re.findall(r"`([^`\n]+)`", line)) if p]
        bare = [token for token in re.findall(r"[\w./-]+", line) if token.strip(".") in known]
        return path_of(line) or (named[-1] if named else None) or (bare[-1].strip(".") if bare else None)
    return None


_LANGUAGES = {
    "py": {"python", "py", "python3"},
    "md": {"markdown", "md", "text", "txt", ""},
    "txt": {"text", "txt", ""},
    "toml": {"toml", "ini", ""},
    "json": {"json", ""},
    "": {"", "text", "txt", "gitignore", "ignore", "makefile", "make", "bash", "sh", "shell"},
}


def _fits(path: str, language: str) -> bool:
    """Whether a fenced block's language tag suits the file (a python block is no markdown file)."""
    name = path.rsplit("/", 1)[-1]
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name.lstrip(".") else ""
    allowed = _LANGUAGES.get(suffix)
    return language.lower() in allowed if allowed is not None else True


def _blank_lines_empty(text: str) -> str:
    """Whitespace-only lines made empty: a model copying the numbered view (``   4\t`` for a blank
    line) writes a tab on every blank line of the file (seen with Qwen on pyproject.toml)."""
    return re.sub(r"^[ \t]+$", "", text, flags=re.MULTILINE)


_FENCE_LINE = re.compile(r"^(```+|~~~+)[ \t]*([^\n`]*?)[ \t]*$")


def _fenced_blocks(text: str) -> list[tuple[int, int, str, str]]:
    """The fenced blocks of a reply: (start, end, language, body). A block may hold fenced blocks
    of its own (a README section with a ```console example): a fence line with a language opens
    one inside, a bare fence line closes the innermost. When the nesting never closes, the block
    ends at its first bare fence line (as a plain regex would read it)."""
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    blocks: list[tuple[int, int, str, str]] = []
    index = 0
    while index < len(lines):
        opening = _FENCE_LINE.match(lines[index].rstrip("\n"))
        if opening is None:
            index += 1
            continue
        fence, language = opening.group(1), opening.group(2)
        first_close = close = None
        depth = 0
        for later in range(index + 1, len(lines)):
            inner = _FENCE_LINE.match(lines[later].rstrip("\n"))
            if inner is None or inner.group(1) != fence:
                continue
            if inner.group(2):
                depth += 1
                continue
            first_close = later if first_close is None else first_close
            if depth == 0:
                close = later
                break
            depth -= 1
        close = close if close is not None else first_close
        if close is None:
            index += 1
            continue
        end = offsets[close] + len(lines[close].rstrip("\n"))
        blocks.append((offsets[index], end, language, "".join(lines[index + 1 : close])))
        index = close + 1
    return blocks


def _shingles(text: str, size: int = 6) -> set[str]:
    words = re.findall(r"[\w'\"]+", text.lower())
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


_GUIDE_SHINGLES = _shingles(SYSTEM.replace("{", " ").replace("}", " "))


def without_guide_echo(text: str) -> str:
    """The reply cut where it starts copying the action guide (Qwen2.5-Coder-1.5B wrote a README
    section, then the guide word for word, placeholders and all, inside the same block): a line
    sharing six words in a row with the guide ends the reply; a fence left open there is closed."""
    lines = text.splitlines(keepends=True)
    cut = next((i for i, line in enumerate(lines) if _shingles(line) & _GUIDE_SHINGLES), None)
    if cut is None:
        return text
    kept = lines[:cut]
    depth, fence = 0, ""
    for line in kept:
        opening = _FENCE_LINE.match(line.rstrip("\n"))
        if opening is None or (depth and opening.group(1) != fence):
            continue
        if depth == 0:
            depth, fence = 1, opening.group(1)
        else:
            depth += 1 if opening.group(2) else -1
    while kept and not kept[-1].strip():
        kept.pop()
    closing = f"\n{fence}" * depth
    return "".join(kept).rstrip("\n") + closing + "\n"


def definition_owners(texts: dict[str, str]) -> dict[str, str]:
    """Each top-level function or class name of the given Python files → the one file defining
    it (a name two files define belongs to neither)."""
    owners: dict[str, str] = {}
    twice: set[str] = set()
    for path, text in texts.items():
        if not path.endswith(".py"):
            continue
        for name in _TOP_DEFINITION.findall(text):
            if owners.setdefault(name, path) != path:
                twice.add(name)
    return {name: path for name, path in owners.items() if name not in twice}


def _owner(body: str, language: str, owners: dict[str, str]) -> str | None:
    """The file a python block of whole definitions belongs to: the one file defining them all
    (Qwen2.5-Coder-1.5B wrote a function's name, not its file, above its new definition)."""
    if language.lower() not in _LANGUAGES["py"] | {""}:
        return None
    places = {owners.get(name) for name in _TOP_DEFINITION.findall(body)}
    return places.pop() if len(places) == 1 else None


def parse_reply(
    text: str,
    default_path: str | None = None,
    known: frozenset[str] = frozenset(),
    owners: dict[str, str] | None = None,
) -> Reply:
    """The actions of a model's text reply, in the order written. ``default_path`` takes an edit
    block or a fenced block (of a fitting language) that names no path; ``known`` are the paths a
    bare name in prose may refer to; ``owners`` (name → file, see ``definition_owners``) places a
    python block of definitions that names no path when there is no ``default_path``."""
    found: list[tuple[int, Action]] = []
    taken: list[tuple[int, int]] = []
    for match in _TOOL_CALL.finditer(text):
        # tool calls written as text, the way the providers' parser reads them (toolcalls.py):
        # Qwen's <tool_call> blocks (closing tag optional at the end), or a JSON fence naming a tool
        calls = parse_tool_calls(match.group(0), MODEL_TOOLS).calls
        for call in calls:
            found.append((match.start(), Action(call.name, dict(call.arguments))))
        if calls:
            taken.append(match.span())
    for match in _EDIT_BLOCK.finditer(text):
        path = _path_before(text, match.start(), known) or default_path
        if path:
            arguments = {"path": path, "old": match.group("old"), "new": _blank_lines_empty(match.group("new"))}
            found.append((match.start(), Action("edit_file", arguments)))
        taken.append(match.span())

    def inside_taken(position: int) -> bool:
        return any(start <= position < end for start, end in taken)

    for start, end, language, body in _fenced_blocks(text):
        if inside_taken(start) or _EDIT_BLOCK.search(body):
            continue  # a fence around edit blocks: its other lines (DONE, READ …) still count
        path = _path_before(text, start, known)
        taken.append((start, end))
        if path is None and default_path is not None and _fits(default_path, language):
            path = default_path
        if path is None and default_path is None and owners:
            path = _owner(body, language, owners)
        if path is None:
            continue
        body = _blank_lines_empty(strip_line_numbers(body) or body)
        found.append((start, Action("write_file", {"path": path, "content": body})))
    done: str | None = None
    for match in _COMMAND.finditer(text):
        if inside_taken(match.start()):
            continue
        verb, rest = match.group("verb"), match.group("rest").strip()
        if verb == "DONE":
            done = rest or "done"
            continue
        if not rest:
            continue
        if verb == "READ":
            found.append((match.start(), Action("read_file", {"path": rest.split()[0], "line_numbers": True})))
        elif verb == "GREP":
            found.append((match.start(), Action("grep", {"pattern": rest})))
        elif verb == "GLOB":
            found.append((match.start(), Action("glob", {"pattern": rest})))
        elif verb == "RUN":
            found.append((match.start(), Action("run", {"command": rest})))
    return Reply([action for _, action in sorted(found, key=lambda pair: pair[0])], done)
