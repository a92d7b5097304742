"""The general path: one step in which the model works the item with tools until it says it is done.

Designed for a 1.5B coder model first (mini-swe-agent's lesson: a small text interface beats a
model-written plan), a premium model second:

- The model sees an action guide of 25 lines (its example paths are the step's own files), one
  worked example turn, then the item, its context lines, the files the item names (numbered
  lines) and what a developer would open first (failing tests' output and the code they import,
  the files holding a quoted string or defining a named function, grep of TODO comments, the file
  list when nothing is named). No "expected output" text that could be copied into a file.
- It answers in plain text with *actions*: aider-style SEARCH/REPLACE blocks (an exact-snippet
  edit), a path followed by a fenced block (a new or short file, whole), and one-line commands
  ``READ``, ``GREP``, ``GLOB``, ``RUN``, ``DONE``. Tool calls in a model's native format — the
  provider's ``tool_calls``, or ``<tool_call>{json}</tool_call>`` written as text — are accepted too.
  Every action goes through the :class:`~agentrunner.tools.Workspace` tools (confinement, parse
  checks, the ledger).
- Results come back as the next turn. A step ends when the model says ``DONE`` (or answers without
  an action), when the turn budget (``agent.max_tool_calls``) is spent, when it answers twice
  without an action while an output is missing, or when it repeats itself: the same call twice with
  no file changed in between (which also catches A,B,A,B cycles).
- Before it accepts ``DONE``, the loop runs the test files the item names or the step changed
  (lint-and-test loop, as aider): failing tests are the next turn's input, not a tick.
"""

from __future__ import annotations

import ast
import builtins
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..atomic import atomic_write
from ..chat import ChatRequest, Message, ToolCall
from ..edits import (
    EditError,
    Unchanged,
    apply_edit,
    dropped_content,
    merge_definitions,
    parse_problem,
    remove_definitions,
    rewrite_keeping_blanks,
    strip_line_numbers,
)
from ..toolcalls import parse_tool_calls
from ..tools import MODEL_TOOLS, ToolResult
from .checks import heading_problem, place_under_headings
from .intent import item_intent
from .journal import FileChange
from .validators import ActResult
from .verification import content_checks, extras_table_fixed, tests_for

MAX_FILE_CHARS = 6_000  # one named file in the first prompt
MAX_FILES_CHARS = 12_000  # all of them
MAX_RESULT_CHARS = 1_500  # one tool result fed back
MAX_LISTED_FILES = 40
CHANGING_TOOLS = ("write_file", "edit_file", "replace_identifier", "csv_to_markdown")

SYSTEM = """You are a careful coding agent. You work in a project folder by writing actions.

To add or change a Python function, method, class or constant, write the file's path, then the
complete new definition (every line of it) in a python block. It replaces the definition of the
same name in the file, or is added to the file (a method to its class, an import to the imports).

To change other lines, write the file's path, then an edit block
(SEARCH copies the current lines exactly, without line numbers):
{edit_path}
<<<<<<< SEARCH
lines to replace
=======
new lines
>>>>>>> REPLACE

To create a new file, or to rewrite a short file completely,
write its path, then its full content in a fenced block:
{new_path}
```
full content
```

Other actions, each on its own line:
READ {read_path}
GREP regex
RUN pytest -q
DONE one-line summary

Do all the changes the task asks for, then write DONE. Never use "..." to skip lines."""
# the guide's example paths are the step's own files: a small model copies an example path
# ("path/to/file.py") literally
EXAMPLE_EDIT, EXAMPLE_NEW = "src/module.py", "docs/notes.md"
# ... and the guide's placeholder lines: an edit whose SEARCH is one of these is refused with a hint
PLACEHOLDERS = {"lines to replace", "new lines", "full content"}
# one worked example before the real task (a small model follows a demonstration far better than
# a description); its file does not exist, and an action that copies its code into a real file is
# refused, never applied
EXAMPLE_TASK = (
    "Task: Make `greet` in `hello.py` say Hi, and document it\n\nhello.py (line numbers are not part of the file):\n"
    '   1\tdef greet(name):\n   2\t    return "Hello " + name\n\nWrite your actions now.'
)
EXAMPLE_ANSWER = (
    'hello.py\n```python\ndef greet(name):\n    """Say hi to name."""\n    return "Hi " + name\n```\nDONE greet says Hi'
)
# lines only the worked example has: an action holding one was copied from it
EXAMPLE_LINES = ('return "Hi " + name', 'return "Hello " + name', '"""Say hi to name."""')


def system_prompt(existing: list[str], missing: list[str]) -> str:
    edit_path = existing[0] if existing else EXAMPLE_EDIT
    new_path = missing[0] if missing else EXAMPLE_NEW
    return SYSTEM.format(edit_path=edit_path, new_path=new_path, read_path=edit_path)


# -- parsing actions out of a reply -------------------------------------------------------------


@dataclass
class Action:
    tool: str
    arguments: dict[str, Any]
    native_id: str | None = None  # a native tool call answered with a tool message
    note: str = ""  # what the loop changed about the action before running it (shown with its result)


@dataclass
class Reply:
    actions: list[Action] = field(default_factory=list)
    done: str | None = None  # the DONE summary


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


def _without_guide_echo(text: str) -> str:
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


def parse_reply(text: str, default_path: str | None = None, known: frozenset[str] = frozenset()) -> Reply:
    """The actions of a model's text reply, in the order written. ``default_path`` takes an edit
    block or a fenced block (of a fitting language) that names no path; ``known`` are the paths a
    bare name in prose may refer to."""
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


# -- the prompt ---------------------------------------------------------------------------------


def first_prompt(
    title: str,
    context: str,
    files: dict[str, str],
    listing: list[str],
    tests: str = "",
    markers: str = "",
    note: str = "",
) -> str:
    parts = [f"Task: {title}"]
    if context.strip():
        parts.append(f"Context:\n{context.strip()}")
    for path, text in files.items():
        parts.append(f"{path} (line numbers are not part of the file):\n{text}")
    if listing:
        parts.append("Project files: " + ", ".join(listing))
    if tests:
        parts.append(f"The tests fail now:\n{tests}")
    if markers:
        parts.append(f"GREP {MARKERS.pattern} found:\n{markers}")
    if note:
        parts.append(note)
    parts.append("Write your actions now.")
    return "\n\n".join(parts)


def _clip(text: str, limit: int = MAX_RESULT_CHARS) -> str:
    """Long output keeps its head and its tail (pytest puts the summary last)."""
    if len(text) <= limit:
        return text
    half = limit // 2
    return text[:half] + f"\n[… {len(text) - limit} characters left out …]\n" + text[-half:]


def describe(action: Action, outcome: ToolResult) -> str:
    arguments = action.arguments
    target = arguments.get("path") or arguments.get("command") or arguments.get("pattern") or ""
    label = f"{action.tool} {target}".strip()
    if outcome.ok:
        return f"[{label}] ok:\n{_clip(outcome.output)}" + (f"\n{action.note}" if action.note else "")
    return f"[{label}] FAILED: {_clip(outcome.error or '')}"


# -- the loop -----------------------------------------------------------------------------------


def _fingerprint(root: Path, paths: set[str]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.encode())
        try:
            digest.update((root / path).read_bytes())
        except OSError:
            digest.update(b"\0missing")
    return digest.hexdigest()


def test_files(paths: list[str]) -> list[str]:
    """The pytest files among paths (``test_*.py`` / ``*_test.py``)."""
    return [p for p in paths if re.search(r"(?:^|/)(?:test_[^/]*|[^/]*_test)\.py$", p)]


def run_loop(ctx: Any, instruction: str, reads: list[str], writes: list[str], max_tokens: int) -> ActResult:
    """Work one item with the tools until the model is done; see the module docstring."""
    workspace = ctx.workspace
    root: Path = workspace.root
    result = ActResult(writes=list(writes))
    listing = [workspace.relative(p) for p in workspace.walk(root)][:MAX_LISTED_FILES]
    failing = _failing_tests(ctx, result, instruction, [*reads, *writes])
    # what a developer would open first: the files the item names, else the ones holding what it
    # quotes or the names it mentions, and the code a failing test's traceback points at
    named = [p for p in [*reads, *writes] if (root / p).is_file()]
    found = _traceback_files(root, failing) + (_imported_by(root, test_files(named)) if failing else [])
    found = _defining_first(root, found, failing)
    found += [] if named else _files_about(ctx, f"{instruction}\n{ctx.item.context}", instruction)
    shown = [*reads, *writes, *found[:MAX_FOUND_FILES]]
    files = _named_files(ctx, shown)
    missing = [p for p in writes if not (root / p).exists()]
    markers = _markers(ctx, instruction)
    head = [
        Message(role="system", content=system_prompt(list(files), missing)),
        Message(role="user", content=EXAMPLE_TASK),
        Message(role="assistant", content=EXAMPLE_ANSWER),
    ]
    # the project's file list only when the item names no file to show: it costs a few hundred
    # prompt tokens, which is seconds per turn for a small local model
    task = first_prompt(instruction, ctx.item.context, files, [] if files else listing, failing, markers)
    messages = [*head, Message(role="user", content=task)]
    in_play = list(dict.fromkeys([*writes, *files]))
    default_path = writes[0] if len(writes) == 1 else in_play[0] if len(in_play) == 1 else None
    known = frozenset([*in_play, *listing])
    seen: set[str] = set()
    touched: set[str] = set(files) | set(writes)
    changed: set[str] = set()
    turns = max(ctx.max_tool_calls, 1)
    tests_failed_at: str | None = None
    originals: dict[str, bytes | None] = {}  # each changed file as it was before the step touched it
    idle = False  # the previous reply had no action
    restarts = 0
    last_feedback = ""  # what the model was last told (the lesson a fresh start keeps)

    def fresh_start(why: str, turn: int) -> bool:
        """Instead of ending a stuck attempt (the model repeats a refused reply, or says DONE again
        in the state the gate refused): start over from the files as before the step, in a fresh
        conversation whose task carries the failure as a short note, sampled with a seed. At
        temperature 0 with its failed attempt in context a 1.5B model says the same again."""
        nonlocal messages, restarts, idle, tests_failed_at
        if restarts >= MAX_FRESH_STARTS or turn + 1 >= turns:
            return False
        restarts += 1
        _restore(root, originals)
        changed.clear()
        idle, tests_failed_at = False, None
        note = (
            f"An earlier attempt at this task was refused:\n{_clip(why.strip(), MAX_NOTE_CHARS)}\n"
            "Start again from the files as they are shown here, and do it differently."
        )
        now = _named_files(ctx, shown)
        prompt = first_prompt(instruction, ctx.item.context, now, [] if now else listing, failing, markers, note)
        messages = [*head, Message(role="user", content=prompt)]
        return True

    for turn in range(turns):
        _trim_history(messages)
        tools = list(getattr(ctx, "native_tools", []))  # a premium tier's own tool calling (graph._Act)
        sampling: dict[str, Any] = {"temperature": 0.0}
        if restarts:
            sampling = {"temperature": FRESH_TEMPERATURE, "seed": restarts}
        response = ctx.call(ChatRequest(messages=messages, max_tokens=max_tokens, tools=tools, **sampling))
        reply = parse_reply(_without_guide_echo(response.text), default_path, known)
        reply.actions += [
            Action(call.name, dict(call.arguments), call.id or f"call_{turn}") for call in response.tool_calls
        ]
        result.text = reply.done or response.text.strip()
        if not reply.actions:
            unwritten = [p for p in writes if not (root / p).exists()]
            if reply.done is None and unwritten:
                nudge = (
                    f"{', '.join(unwritten)} does not exist yet. "
                    "Write the path, then the full content in a fenced block."
                )
                if idle and fresh_start(nudge, turn):
                    continue
                if turn + 1 >= turns or idle:
                    # a second answer without any action will not be followed by one (a tiny model)
                    why = "answered twice without an action" if idle else f"not finished within {turns} turns"
                    result.error = f"{why}: {', '.join(unwritten)} not written"
                    return result
                idle = True
                messages += [Message(role="assistant", content=response.text), Message(role="user", content=nudge)]
                last_feedback = nudge
                continue
            last = turn + 1 >= turns
            feedback, tests_failed_at = _gate_done(
                ctx, result, changed, reads, touched, tests_failed_at, last, originals
            )
            if feedback is None:
                # the same refused state again: start over (still no change: the verification
                # says what is missing, as it did before fresh starts)
                if result.error and fresh_start(last_feedback or result.error, turn):
                    result.error = None
                    continue
                return result
            messages += [Message(role="assistant", content=response.text), Message(role="user", content=feedback)]
            last_feedback = feedback
            continue
        idle = False
        reports: list[str] = []
        native: list[tuple[Action, ToolResult]] = []
        ran_from = len(result.tool_results)
        rewritten_as_is = False  # a definition written as the file has it (merging is True)
        restarted = False
        for action in _unique(reply.actions):
            state = _fingerprint(root, touched | changed)
            signature = json.dumps([action.tool, action.arguments, state], sort_keys=True, default=str)
            if signature in seen:
                if fresh_start(last_feedback or "the same reply twice", turn):
                    restarted = True
                    break
                told = _first_line(last_feedback)
                result.error = (
                    f"the model repeated the same tool call {action.tool}({_short(action.arguments)}) "
                    "with no file changed in between: stopped the loop" + (f" (it was told: {told})" if told else "")
                )
                return result
            seen.add(signature)
            if action.tool == "read_file":
                action.arguments.setdefault("line_numbers", True)
            _retarget(action, root, default_path)
            _to_existing(action, root, in_play)
            _pep561_marker(action, root)
            copied = _copied_placeholder(action) or _rewrite_refused(action, root)
            merging = (
                None if copied else _as_merge(action, root, f"{instruction}\n{ctx.item.context}", response.text)
            )
            if merging is True:
                # a definition written again as it is (next to the one the model changed): no
                # change and no failure — "Fix what failed" made the model repeat the reply
                outcome = ToolResult(True, f"{action.arguments.get('path')}: already so, nothing to change")
                rewritten_as_is = True
            elif isinstance(merging, str):
                outcome = ToolResult(False, "", merging)
            elif copied:
                outcome = ToolResult(False, "", copied)
            else:
                _remember(originals, root, action)
                outcome = ctx.tool(action.tool, action.arguments)
            _record(result, action, outcome)
            path = action.arguments.get("path") or action.arguments.get("destination")
            if outcome.ok and merging is not True and action.tool in CHANGING_TOOLS and isinstance(path, str):
                changed.add(path.strip())
            if action.native_id is not None:
                native.append((action, outcome))
            else:
                reports.append(describe(action, outcome))
        if restarted:
            continue
        messages.append(
            Message(
                role="assistant",
                content=response.text,
                tool_calls=[ToolCall(id=a.native_id or "", name=a.tool, arguments=a.arguments) for a, _ in native],
            )
        )
        messages += [
            Message(role="tool", content=_clip(o.as_message(), 4_000), tool_call_id=a.native_id) for a, o in native
        ]
        failed = any(not r["ok"] for r in result.tool_results[ran_from:])
        changed_now = any(
            r["ok"] and r["tool"] in CHANGING_TOOLS and "already so" not in str(r.get("output"))
            for r in result.tool_results[ran_from:]
        )
        if failing and rewritten_as_is and not changed_now and not failed:
            # a small model asked to fix a failing test writes the failing function again as it is
            # (Qwen2.5-Coder-1.5B on fix-ci-currency, session 4) and says DONE: show it the failure
            reports.append(_still_failing(failing))
            failed = True
        if reply.done is not None and not failed:
            last = turn + 1 >= turns
            feedback, tests_failed_at = _gate_done(
                ctx, result, changed, reads, touched, tests_failed_at, last, originals
            )
            if feedback is None:
                # the same refused state again: start over (still no change: the verification
                # says what is missing, as it did before fresh starts)
                if result.error and fresh_start(last_feedback or result.error, turn):
                    result.error = None
                    continue
                return result
            reports.append(feedback)
        if reports:
            tail = "Fix what failed, then write DONE." if failed else "Continue; write DONE when the task is finished."
            messages.append(Message(role="user", content="\n\n".join([*reports, tail])))
            last_feedback = "\n\n".join(reports)
    result.error = result.error or f"not finished within {turns} turns (agent.max_tool_calls)"
    return result


MAX_FRESH_STARTS = 2  # fresh conversations after a stuck attempt, within the same turn budget
FRESH_TEMPERATURE = 0.5  # a fresh start is sampled (seeded): at 0 the model would say the same again
MAX_NOTE_CHARS = 700  # the failure a fresh start's task carries


def _first_line(feedback: str) -> str | None:
    """What a stuck attempt's last feedback says, as its error (None when there was none)."""
    lines = [line for line in feedback.strip().splitlines() if line.strip()]
    return lines[0][:300] if lines else None


def _restore(root: Path, originals: dict[str, bytes | None]) -> None:
    """Every file the step changed back to its bytes before the step (a created one removed)."""
    for path, data in originals.items():
        target = root / path
        if data is None:
            target.unlink(missing_ok=True)
        elif not target.is_file() or target.read_bytes() != data:
            atomic_write(target, data)


def _gate_done(
    ctx: Any,
    result: ActResult,
    changed: set[str],
    reads: list[str],
    touched: set[str],
    failed_at: str | None,
    last_turn: bool,
    originals: dict[str, bytes | None] | None = None,
) -> tuple[str | None, str | None]:
    """The model said DONE: check what it changed does what the item literally asks (the
    verification's ``asked`` check) and run the tests it touches. ``(None, …)``: finished — all
    good, or ``result.error`` says what is still wrong (the same state twice, or no turn left).
    Otherwise what is wrong, to show the model, and the state it was found in."""
    nudge = None if changed else _no_change_feedback(ctx, result)
    feedback = _asked_feedback(ctx, changed, originals or {}) or nudge or _test_feedback(ctx, result, changed, reads)
    if feedback is None:
        return None, failed_at
    state = _fingerprint(ctx.workspace.root, touched | changed)
    if (state == failed_at or last_turn) and feedback == nudge:
        return None, failed_at  # still no change: the verification says what is missing (its intent check)
    if state == failed_at or last_turn:
        first = feedback.strip().splitlines()
        result.error = ("tests fail: " + first[-1][:300]) if first[0].startswith("The tests fail") else first[0][:300]
        return None, failed_at
    return feedback, state


def _remember(originals: dict[str, bytes | None], root: Path, action: Action) -> None:
    """Keep the bytes of the file a changing action is about to touch, the first time."""
    path = action.arguments.get("path")
    if action.tool not in CHANGING_TOOLS or not isinstance(path, str) or path.strip() in originals:
        return
    try:
        originals[path.strip()] = (root / path.strip()).read_bytes()
    except OSError:
        originals[path.strip()] = None


def _no_change_feedback(ctx: Any, result: ActResult) -> str | None:
    """A change item (agent/intent.py) that changed no file is not done. A command may have
    changed files the loop does not track: then the verification's journal decides."""
    if any(r.get("ok") and r.get("tool") in ("shell", "run") for r in result.tool_results):
        return None
    if not item_intent(ctx.item.title, ctx.item.context, ctx.item.tags).change:
        return None
    refused = next((r for r in reversed(result.tool_results) if not r.get("ok")), None)
    why = f" ({refused.get('tool')} was refused: {refused.get('error')})" if refused else ""
    return f"Not done yet: no file changed, but the task asks for a change{why}. Make it, then write DONE."


def _asked_feedback(ctx: Any, changed: set[str], originals: dict[str, bytes | None]) -> str | None:
    root = ctx.workspace.root
    changes = []
    for path in sorted(changed):
        try:
            after: bytes | None = (root / path).read_bytes()
        except OSError:
            after = None
        if path in originals and originals[path] != after:
            changes.append(FileChange(path, originals[path], after))
    changes = [_extras_table_named(ctx, _placed_under_headings(ctx, change)) for change in changes]
    if not changes:
        return None
    # every content check the verification will run (an `__all__` listing imports, a stub, a file
    # gutted …), not only `asked`: told now, the model can fix it; found after the loop, the item
    # fails without the model ever hearing why (issue 12, add-dunder-all)
    literals = {"instruction": ctx.item.title}  # the general step's instruction is the item title
    checks = content_checks(changes, literals=literals, item_text=f"{ctx.item.title}\n{ctx.item.context}", root=root)
    failed = next((check for check in checks if not check.ok), None)
    problem = failed and (failed.detail if failed.name == "asked" else f"{failed.name}: {failed.detail}")
    if not problem:
        return None
    # a list to copy ends on its own line: Qwen copied ". Fix it, then write DONE." into a bullet
    return f"Not done yet: {problem}" + ("\n" if "\n" in problem else ". ") + "Fix it, then write DONE."



def _placed_under_headings(ctx: Any, change: FileChange) -> FileChange:
    """A markdown change whose added lines are not under the headings the item names, with them
    moved there (:func:`~agentrunner.agent.checks.place_under_headings`), written through the
    edit tool; the change as it was when they cannot be moved."""
    item_text = f"{ctx.item.title}\n{ctx.item.context}"
    if change.before is None or change.after is None or not heading_problem([change], item_text):
        return change
    before, after = change.before.decode("utf-8", "replace"), change.after.decode("utf-8", "replace")
    placed = place_under_headings(before, after, item_text)
    if placed is None or heading_problem([FileChange(change.path, change.before, placed.encode())], item_text):
        return change
    outcome = ctx.tool("edit_file", {"path": change.path, "old": after, "new": placed})
    return FileChange(change.path, change.before, placed.encode()) if outcome.ok else change


def _extras_table_named(ctx: Any, change: FileChange) -> FileChange:
    """A pyproject.toml change with its extras in a table PEP 621 does not read, with that table
    named ``[project.optional-dependencies]`` (:func:`~agentrunner.agent.verification.extras_table_fixed`)."""
    if change.before is None or change.after is None or not change.path.endswith("pyproject.toml"):
        return change
    fixed = extras_table_fixed(change.before, change.after, f"{ctx.item.title}\n{ctx.item.context}")
    if fixed is None:
        return change
    outcome = ctx.tool("edit_file", {"path": change.path, "old": change.after.decode(), "new": fixed.decode()})
    return FileChange(change.path, change.before, fixed) if outcome.ok else change

# `x` of any length (a short one like `,` must not pair its closing backtick with the next one)
_QUOTED = re.compile(r'"([^"\n]{4,80})"|“([^”\n]{4,80})”|`([^`\n]{1,80})`')
_TRACEBACK_FILE = re.compile(r"^([\w./-]+\.py):\d+:", re.MULTILINE)
MAX_FOUND_FILES = 2


def _files_about(ctx: Any, text: str, title: str = "") -> list[str]:
    """Files holding what an item that names no file quotes ("Inventroy file not found"), the
    functions and classes it names (`load_items`: where it is defined), or the words of a command
    it names (`stockroom summary`, `--weeks`: where they are string literals, as an argparse CLI
    has them); the files most of them point at first. When what the title quotes is found, files
    found only by the context's words are left out (a field name in the context matched a model
    class's property, shown first, and Qwen2.5-Coder-1.5B changed that class)."""
    hits: dict[str, int] = {}
    for groups in _QUOTED.findall(text):
        token = next(g for g in groups if g)
        if len(token) < 3 or path_of(token) is not None:
            continue  # a named file: shown already when it exists
        if re.fullmatch(r"[A-Za-z_]\w*", token):
            pattern = rf"^\s*(?:async\s+)?(?:def|class)\s+{token}\b"
        elif groups[2] and re.fullmatch(r"-{0,2}[\w-]+(?: +-{0,2}[\w-]+)*", token):
            words = [w for w in token.split() if not re.fullmatch(r"[A-Z]+", w)]  # `--limit N`: N is a value
            pattern = "[\"']({})[\"']".format("|".join(re.escape(w) for w in words)) if words else re.escape(token)
        else:
            pattern = re.escape(token)
        outcome = ctx.tool("grep", {"pattern": pattern})
        if not outcome.ok:
            continue
        weight = TITLE_WEIGHT if f"`{token}`" in title or f'"{token}"' in title else 1
        for path in dict.fromkeys(line.split(":", 1)[0] for line in outcome.output.splitlines()):
            if path.endswith(".py") and (ctx.workspace.root / path).is_file():
                hits[path] = hits.get(path, 0) + weight
    if any(score >= TITLE_WEIGHT for score in hits.values()):
        hits = {path: score for path, score in hits.items() if score >= TITLE_WEIGHT}
    return sorted(hits, key=lambda path: -hits[path])


TITLE_WEIGHT = 100  # a file found by what the item's title quotes outranks any number of context hits


def _traceback_files(root: Path, output: str) -> list[str]:
    """The project's non-test source files a failing test's output points at."""
    found: list[str] = []
    for path in _TRACEBACK_FILE.findall(output):
        if path not in found and not test_files([path]) and (root / path).is_file():
            found.append(path)
    return found


MARKERS = re.compile(r"\b(?:TODO|FIXME|XXX|HACK)\b")


def _markers(ctx: Any, text: str) -> str:
    """An item about TODO/FIXME comments starts with where they are (grep's answer)."""
    if not MARKERS.search(text):
        return ""
    outcome = ctx.tool("grep", {"pattern": MARKERS.pattern})
    # not the to-do list's own lines (the item and its context): Qwen took them for the code's
    # TODOs and wrote the item into tasks/todo.md (issue 12, list-todos)
    lines = outcome.output.splitlines() if outcome.ok else []
    to_do_lists = {match.group(1) for line in lines if (match := _CHECKLIST_LINE.match(line))}
    return _clip("\n".join(line for line in lines if line.split(":", 1)[0] not in to_do_lists))


_CHECKLIST_LINE = re.compile(r"^([^:\n]+):\d+:\s*[-*]\s+\[[ xX]\]\s")


_IMPORT = re.compile(r"^\s*(?:from\s+([\w.]+)\s+import|import\s+([\w.]+))", re.MULTILINE)


def _imported_by(root: Path, tests: list[str]) -> list[str]:
    """The project's modules the given test files import (the code a failing test is about)."""
    found: list[str] = []
    for test in tests:
        try:
            text = (root / test).read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for groups in _IMPORT.findall(text):
            module = (groups[0] or groups[1]).replace(".", "/")
            for candidate in (f"{module}.py", f"{module}/__init__.py"):
                if (root / candidate).is_file() and candidate not in found:
                    found.append(candidate)
                    break
    return found


def _copied_placeholder(action: Action) -> str | None:
    """Why an action is the guide's example copied, not a real change (None if it is real)."""
    if action.tool not in ("edit_file", "write_file"):
        return None
    text = str(action.arguments.get("old") or action.arguments.get("content") or "").strip()
    written = "\n".join(str(action.arguments.get(key) or "") for key in ("old", "new", "content"))
    if any(line in written for line in EXAMPLE_LINES):
        return (
            "that is the worked example's code (hello.py), not this task's: write the lines this task "
            "needs, for the files of this task"
        )
    if text in PLACEHOLDERS:
        return (
            f"{text!r} is the guide's placeholder: SEARCH must be real lines copied from the file, and the "
            "part after ======= the lines you want instead"
        )
    return None


def _unique(actions: list[Action]) -> list[Action]:
    """The reply's actions without exact repeats (a small model that loops writes the same block
    over and over in one reply: that is one action, not a repeated call across turns)."""
    kept: list[Action] = []
    seen: set[str] = set()
    for action in actions:
        key = json.dumps([action.tool, action.arguments], sort_keys=True, default=str)
        if key not in seen:
            seen.add(key)
            kept.append(action)
    return kept


_CLASS_NAME = re.compile(r"`([A-Z][A-Za-z0-9_]*)`")


REWRITE_MAX_LINES = 12  # an existing text file longer than this is changed with edit blocks


def _rewrite_refused(action: Action, root: Path) -> str | None:
    """Why a whole-file write of an existing text file (not Python: merged by name) is refused:
    a small model rewriting `pyproject.toml` to bump its version drops blank lines and a setting
    on the way (seen on the chores benchmark, and ticked: the file still parsed, the tests passed).
    Accepted: files of up to REWRITE_MAX_LINES lines, rewrites that keep every old line in
    order (only additions: a new section, a changelog entry), and rewrites that drop only blank
    lines: their changed and added lines are applied to the old text, blank lines kept."""
    path = action.arguments.get("path")
    if action.tool != "write_file" or not isinstance(path, str) or path.strip().endswith((".py", ".pyi")):
        return None
    target = root / path.strip()
    try:
        old = target.read_text("utf-8") if target.is_file() else None
    except (OSError, UnicodeDecodeError):
        return None
    content = str(action.arguments.get("content") or "")
    if old is not None and path.strip().lower().endswith((".md", ".markdown")) and _new_section(old, content):
        action.arguments["content"] = old.rstrip("\n") + "\n\n" + content.strip("\n") + "\n"
        action.note = f"(the block is a new section: added at the end of {path.strip()}, the rest kept)"
        return None
    if old is None or len(old.splitlines()) <= REWRITE_MAX_LINES:
        return None
    new_lines = iter(content.splitlines())
    if all(any(line == candidate for candidate in new_lines) for line in old.splitlines()):
        return None  # every old line is still there, in order: only additions
    kept = rewrite_keeping_blanks(old, content)
    if kept is not None:
        # it changes or adds lines and drops none but blank ones: those changes, to the old text
        action.arguments["content"] = kept
        return None
    return (
        f"not written: {path.strip()} exists ({len(old.splitlines())} lines) and this rewrite changes or drops "
        "some of its lines. Change it with an edit block: the path, then <<<<<<< SEARCH, the exact lines to "
        "change, =======, the new lines, >>>>>>> REPLACE (to add lines, SEARCH the line before them and "
        "REPLACE it with that line and the new ones)"
    )


def _new_section(old: str, content: str) -> bool:
    """Whether a block written for an existing markdown file is a new section, not the file: it
    starts with a heading the file does not have and repeats none of its lines (Qwen2.5-Coder-1.5B
    asked to add a README section writes just the section)."""
    lines = [line.strip() for line in content.splitlines() if line.strip()]
    heading = re.match(r"#{1,6}\s+(.+)", lines[0]) if lines else None
    if heading is None or not old.strip():
        return False
    old_lines = {line.strip() for line in old.splitlines()}
    if any(re.fullmatch(r"#{1,6}\s+" + re.escape(heading.group(1).strip()), line) for line in old_lines):
        return False  # a section the file has: changed with an edit block, not added twice
    return not any(line in old_lines for line in lines if len(line) > 3 and not line.startswith(("```", "~~~")))


def _as_merge(action: Action, root: Path, item_text: str, reply: str = "") -> str | bool | None:
    """A Python definition written for an existing module becomes a merge by name
    (:func:`~agentrunner.edits.merge_definitions`): a fenced block holding only the changed or new
    functions (not the whole file), and an edit block whose SEARCH is not in the file — or is
    the same as its REPLACE, the way a small model "adds" a function — while its REPLACE is whole
    definitions. The action becomes a ``write_file`` of the merged module (so every write guard
    still applies). Returns why the merge is refused (the model's next turn), True when the
    definitions are already in the file as written (nothing to do), or None."""
    path = action.arguments.get("path")
    if action.tool not in ("write_file", "edit_file") or not isinstance(path, str) or not path.endswith(".py"):
        return None
    target = root / path.strip()
    if not target.is_file():
        return None
    try:
        text = target.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    quoted = set(_QUOTED_NAME.findall(item_text))
    if action.tool == "write_file":
        block = str(action.arguments.get("content") or "")
        section = _with_imports(text, block) if _IMPORTS_ITEM.search(item_text) else None
        if section is not None:
            # only import lines, for an item about the imports: they are the module's new imports
            # (merged by name they were "already so" and nothing changed: sort-imports)
            action.arguments["content"] = section
            return _dropped_import(text, section, path)
        if parse_problem(path, block) is None and _meant_whole(text, block, quoted, item_text):
            # the whole file, rewritten: write_file's own guards decide, after what it invents
            return _invented(text, block, item_text, path, reply)
    else:
        old, block = str(action.arguments.get("old") or ""), str(action.arguments.get("new") or "")
        try:
            apply_edit(text, old, block)
            return None  # an edit that applies is an edit
        except EditError:
            pass
    # an item that names definitions of this file asks to change those: a rewrite that also
    # changes others (Qwen2.5-Coder-1.5B added a field to the dataclass next to the class it was
    # asked to give a __repr__) keeps the others as they are
    defined = _top_level(text)
    frozen = frozenset(defined - quoted) if defined & quoted else frozenset()
    try:
        merged = merge_definitions(text, block, classes_named=tuple(_CLASS_NAME.findall(item_text)), frozen=frozen)
    except Unchanged as unchanged:
        if unchanged.kept:
            named = sorted(defined & quoted)
            return (
                f"not written: the block changes {_names(unchanged.kept)}, which the task does not ask to change "
                f"(left as it is), and leaves {_names(named)} as it is. Change {_names(named)} as the task asks"
                + _member_hint(path, text, named, set(_WHOLE_QUOTED.findall(item_text)))
            )
        # an item that deletes a definition: the model writes the module's other definitions, as
        # they are, without it (seen with Qwen2.5-Coder-1.5B on remove-dead-code)
        left_out = _to_delete(item_text, text) - _defined(block)
        pruned = remove_definitions(text, left_out) if left_out else None
        if pruned is None:
            return True
        # as an edit of the whole text: write_file refuses a rewrite that drops a definition
        action.tool = "edit_file"
        action.arguments = {"path": path, "old": text, "new": pruned}
        return None
    except EditError as exc:
        return f"{path}: {exc}"
    if merged is None:
        return None
    moved = _imported_instead(root, path, text, merged.text)
    if moved:
        # the block imports a name the module defines, from a project module that defines it
        # (move-function: `from .money import format_currency` for report.py): it comes from
        # there now, so the local definition goes
        merged.text = remove_definitions(merged.text, moved) or merged.text
        invented = _invented(text, merged.text, item_text, path, reply)
        if invented:
            return invented
        # as an edit of the whole text: write_file refuses a rewrite that drops a definition
        action.tool = "edit_file"
        action.arguments = {"path": path, "old": text, "new": merged.text}
        action.note = f"(removed the definition of {_names(sorted(moved))}: it is imported now)"
        return None
    invented = _invented(text, merged.text, item_text, path, reply)
    if invented:
        return invented
    if merged.kept:
        action.note = (
            f"(kept {_names(merged.kept)} as it was: the task does not ask to change it; "
            f"merged {_names(sorted(_defined(block) - set(merged.kept)))})"
        )
    action.tool = "write_file"
    action.arguments = {"path": path, "content": merged.text}
    return None


_QUOTED_NAME = re.compile(r"`([A-Za-z_]\w*)")
_WHOLE_QUOTED = re.compile(r"`([A-Za-z_]\w*)(?:\(\))?`")  # `name` or `name()`, not `pkg/mod.py`


def _member_hint(path: str, text: str, named: list[str], quoted: set[str]) -> str:
    """How to write only the new member a task asks a class for (a small model shown the whole
    module writes the whole module again): the class line and the member's def line."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return ": write its complete new definition"
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name in named]
    existing = {m.name for c in classes for m in c.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))}
    wanted = sorted(name for name in quoted - existing if re.fullmatch(r"[a-z_]\w*", name))
    if len(classes) != 1 or not wanted:
        return ": write its complete new definition"
    return (
        f", in a block with only the class line and the new method (the rest of the class stays):\n{path}\n"
        f"```python\nclass {classes[0].name}:\n    def {wanted[0]}(self):\n        (its body)\n```"
    )


def _names(names: Any) -> str:
    return ", ".join(f"`{name}`" for name in names)


def _top_level(text: str) -> set[str]:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return set()
    return {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}


def _imported(tree: ast.Module) -> set[str]:
    return {
        alias.asname or alias.name.split(".")[0]
        for node in tree.body
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }


def _meant_whole(text: str, block: str, quoted: set[str], item_text: str) -> bool:
    """Whether a Python module written whole is meant as the new file, not as its definitions to
    merge by name: it keeps every import and top-level definition of the file (a small model
    rewriting a module drops an import or a function it did not look at: seen with
    Qwen2.5-Coder-1.5B, the tests then fail), or it leaves out one the item names (a rename, a
    deletion), or the item is about imports. A rewrite that keeps everything is still merged
    when the item names definitions of the file (only those change)."""
    if dropped_content(".py", text, block) is not None:
        return False
    try:
        old_tree, new_tree = ast.parse(text), ast.parse(block)
    except (SyntaxError, ValueError):
        return True
    old_defs, new_defs = _top_level(text), _top_level(block)
    if (old_defs - new_defs) & quoted or re.search(r"\bimports?\b", item_text, re.IGNORECASE):
        return True
    if not old_defs <= new_defs:
        return False
    # the module's other statements (an `if __name__ == "__main__":` block) left out: a part, merged
    kinds = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Expr)
    written = {ast.dump(n) for n in new_tree.body}
    if any(not isinstance(n, kinds) and ast.dump(n) not in written for n in old_tree.body):
        return False
    # an import left out that the new text still uses was dropped by mistake (one it no longer
    # uses went with a rename or a removal: the rewrite means it)
    used = {n.id for n in ast.walk(new_tree) if isinstance(n, ast.Name)}
    if (_imported(old_tree) - _imported(new_tree)) & used:
        return False
    if ast.get_docstring(old_tree) and not ast.get_docstring(new_tree):
        return False  # the module docstring left out (a whole rewrite drops it): merged, it stays
    return not (old_defs & quoted)


def _invented(old: str, new: str, item_text: str, path: str, reply: str = "") -> str | None:
    """Why a Python module's new text is refused for what it makes up (see the checks).
    ``reply``: the model's whole reply (a new function another of its blocks calls is used)."""
    return (
        _invented_function(old, new, item_text, path, reply)
        or _invented_option(old, new, item_text)
        or _undefined_name(old, new, path)
        or _dropped_import(old, new, path)
    )


def _imported_instead(root: Path, path: str, old: str, new: str) -> set[str]:
    """Names ``new`` newly imports from a project module that defines them, while it still defines
    them itself (pyflakes' F811: the import would be shadowed)."""
    try:
        old_tree, new_tree = ast.parse(old), ast.parse(new)
    except (SyntaxError, ValueError):
        return set()
    before = {ast.dump(n) for n in old_tree.body if isinstance(n, ast.ImportFrom)}
    defined = _top_level(new)
    found: set[str] = set()
    for node in new_tree.body:
        if not isinstance(node, ast.ImportFrom) or ast.dump(node) in before or not node.module:
            continue
        names = {a.name for a in node.names if a.asname is None and a.name in defined}
        if not names:
            continue
        parts = node.module.split(".")
        base = PurePosixPath(path.strip()).parent
        for _ in range(max(node.level - 1, 0)):
            base = base.parent
        source = root / (base if node.level else PurePosixPath()) / ("/".join(parts) + ".py")
        try:
            text = source.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        found |= {n for n in names if re.search(rf"^(?:async\s+)?(?:def|class)\s+{n}\b", text, re.MULTILINE)}
    return found


# an item about the import lines themselves (sort, order, group, clean up the imports)
_IMPORTS_ITEM = re.compile(
    r"\b(?:sort|order|reorder|group|organi[sz]e|tidy|clean)\w*\b[^.;]*\bimports\b|\bimports\b[^.;]*\b(?:sorted|alphabetical)",
    re.IGNORECASE,
)


def _with_imports(text: str, block: str) -> str | None:
    """The module with its import section (the imports before its first other statement) replaced
    by ``block``, when ``block`` is only import statements; else None."""
    try:
        tree, new = ast.parse(text), ast.parse(block)
    except (SyntaxError, ValueError):
        return None
    if not new.body or not all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in new.body):
        return None
    body = tree.body[1:] if ast.get_docstring(tree) else tree.body
    section: list[ast.stmt] = []
    for node in body:
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            break
        section.append(node)
    if not section:
        return None
    future = [n for n in section if isinstance(n, ast.ImportFrom) and n.module == "__future__"]
    if future and not any(isinstance(n, ast.ImportFrom) and n.module == "__future__" for n in new.body):
        block = "\n".join(ast.get_source_segment(text, n) or "" for n in future) + "\n\n" + block.lstrip("\n")
    lines = text.splitlines(keepends=True)
    start, end = section[0].lineno - 1, section[-1].end_lineno or section[-1].lineno
    return "".join(lines[:start]) + block.strip("\n") + "\n" + "".join(lines[end:])


def _dropped_import(old: str, new: str, path: str) -> str | None:
    """Why a rewrite is refused that leaves out an import whose name the new text still reads and
    binds nowhere else (an item about imports made Qwen2.5-Coder-1.5B write the module again
    without `import sys` and `import argparse`: ruff's sorted block then lacked them too)."""
    try:
        old_tree, new_tree = ast.parse(old), ast.parse(new)
    except (SyntaxError, ValueError):
        return None
    bound = set(dir(builtins))
    for node in new_tree.body:
        bound |= _bound(node) | ({node.name} if isinstance(node, (ast.FunctionDef, ast.ClassDef)) else set())
    read = {n.id for n in ast.walk(new_tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    lost = sorted((_imported(old_tree) & read) - bound)
    if not lost:
        return None
    statements = [
        ast.get_source_segment(old, node) or ""
        for node in old_tree.body
        if isinstance(node, (ast.Import, ast.ImportFrom))
        and any((alias.asname or alias.name.split(".")[0]) in lost for alias in node.names)
    ]
    return (
        f"not written: it leaves out {', '.join(f'`{s}`' for s in statements)}, which {path} still uses "
        f"({', '.join(lost)}): keep every import the code needs"
    )


_OPTION = re.compile(r"""add_argument\(\s*["'](-{1,2}[\w-]+)["']""")


def _invented_option(old: str, new: str, item_text: str) -> str | None:
    """Why a new command-line option the item does not name is refused (asked to warn when
    `--weeks` is above 52, Qwen2.5-Coder-1.5B added a `--warn` flag and warned only with it: the
    tests passed, the behaviour asked for was missing)."""
    for option in dict.fromkeys(_OPTION.findall(new)):
        if option not in _OPTION.findall(old) and not re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", item_text):
            return (
                f"not written: `{option}` is a new command-line option the task does not ask for: do what the task "
                "asks with the options it names (the behaviour must not need a new flag)"
            )
    return None


def _undefined_name(old: str, new: str, path: str) -> str | None:
    """Why a changed or new top-level definition is refused: it reads a name defined nowhere — not
    in it, not in the module, not a builtin (Qwen2.5-Coder-1.5B's `main` called a `reorder` that
    did not exist; the lint step of aider's loop catches the same with flake8's F821). Names in
    annotations do not count (``from __future__ import annotations`` leaves them unevaluated)."""
    try:
        old_tree, new_tree = ast.parse(old), ast.parse(new)
    except (SyntaxError, ValueError):
        return None
    before = {ast.dump(node) for node in old_tree.body}
    module = set(dir(builtins)) | {"__name__", "__file__", "__doc__", "__spec__", "__path__", "__annotations__"}
    for node in new_tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            module.add(node.name)
        else:
            module |= _bound(node)
    for node in new_tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) or ast.dump(node) in before:
            continue
        annotations = {
            id(inner) for part in ast.walk(node) for annotation in _annotations(part) for inner in ast.walk(annotation)
        }
        local = _bound(node)
        for name in ast.walk(node):
            if (
                isinstance(name, ast.Name)
                and isinstance(name.ctx, ast.Load)
                and id(name) not in annotations
                and name.id not in local | module
            ):
                return (
                    f"not written: `{node.name}` uses `{name.id}`, which is defined nowhere (not in {path}, not "
                    f"imported): write the definition again using only names that exist"
                )
    return None


def _annotations(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.arg):
        return [node.annotation] if node.annotation else []
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return [node.returns] if node.returns else []
    if isinstance(node, ast.AnnAssign):
        return [node.annotation]
    return []


def _bound(node: ast.AST) -> set[str]:
    """Every name a statement binds anywhere inside it (an over-estimate of its locals)."""
    names: set[str] = set()
    for inner in ast.walk(node):
        if isinstance(inner, ast.Name) and isinstance(inner.ctx, (ast.Store, ast.Del)):
            names.add(inner.id)
        elif isinstance(inner, ast.arg):
            names.add(inner.arg)
        elif isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(inner.name)
        elif isinstance(inner, (ast.Import, ast.ImportFrom)):
            names |= {alias.asname or alias.name.split(".")[0] for alias in inner.names}
        elif isinstance(inner, ast.ExceptHandler) and inner.name:
            names.add(inner.name)
        elif isinstance(inner, (ast.Global, ast.Nonlocal)):
            names |= set(inner.names)
        elif isinstance(inner, (ast.MatchAs, ast.MatchStar)) and inner.name:
            names.add(inner.name)
    return names


def _referenced(tree: ast.Module, definition: ast.stmt) -> bool:
    """Whether the module uses the top-level ``definition`` anywhere outside it: a name read
    where it is not a local variable of the same name (``reorder = …`` in another function)."""
    name = getattr(definition, "name", "")
    scopes: list[ast.AST] = [n for n in tree.body if n is not definition]
    while scopes:
        scope = scopes.pop()
        if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            local = any(
                isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store) for n in ast.walk(scope)
            ) or any(a.arg == name for a in ast.walk(scope.args) if isinstance(a, ast.arg))
            if local:
                continue
        for node in ast.walk(scope):
            if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load):
                return True
    return False


def _invented_function(old: str, new: str, item_text: str, path: str, reply: str = "") -> str | None:
    """Why a new top-level function the item does not name is refused: nothing calls it (a small
    model asked for a command-line option writes a new function instead of changing the parser
    and main: seen with Qwen2.5-Coder-1.5B), or it has the name of a function the module imports
    (it would replace the import). Test modules and ``test_*`` functions are exempt (pytest calls
    them). None if every new function is used."""
    if "test" in Path(path).name:
        return None
    try:
        old_tree, new_tree = ast.parse(old), ast.parse(new)
    except (SyntaxError, ValueError):
        return None
    before = _top_level(old)
    functions = [n for n in old_tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    existing = ", ".join(n.name for n in functions[:8]) or "the existing code"
    for node in new_tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or node.name in before:
            continue
        if node.name in _imported(old_tree):
            return (
                f"not written: `{node.name}` is imported in {path}: change it in the module it comes from, or "
                f"change {existing} here (write the complete new definition)"
            )
        if node.name.startswith("test") or re.search(rf"`{re.escape(node.name)}\b", item_text):
            continue
        # a call or an import of it in the reply's other blocks (not the word in its prose: "DONE
        # reorder returns …" let an invented `reorder` through on cli-limit-option)
        use = rf"\b{re.escape(node.name)}\s*\(|^[ \t]*from[ \t][^\n]*\bimport\b[^\n]*\b{re.escape(node.name)}\b"
        called_elsewhere = len(re.findall(use, reply, re.MULTILINE)) > len(
            re.findall(use, ast.get_source_segment(new, node) or "", re.MULTILINE)
        )
        if not _referenced(new_tree, node) and not called_elsewhere:
            return (
                f"not written: `{node.name}` is a new function that nothing calls, and the task does not ask for "
                f"one. Do the task in the code that already runs: change {existing} in {path} (write the complete "
                "new definition of each function you change)"
            )
    return None


_DELETING = re.compile(r"\b(?:delete|remove|drop)\b", re.IGNORECASE)


def _to_delete(item_text: str, module: str) -> set[str]:
    """The quoted names an item asks to delete ("Delete `legacy_total` …")."""
    if not _DELETING.search(item_text):
        return set()
    return {
        name
        for name in re.findall(r"`([A-Za-z_]\w*)`", item_text)
        if re.search(rf"^(?:def|class) {name}\b", module, re.M)
    }


def _defined(block: str) -> set[str]:
    return set(re.findall(r"^[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+(\w+)", block, re.MULTILINE))


def _retarget(action: Action, root: Path, default_path: str | None) -> None:
    """A small model writes a guide's example path, or a file that does not exist, where it means
    the step's one file: an edit of a missing file, or a write to an example path, goes there."""
    path = action.arguments.get("path")
    if default_path is None or not isinstance(path, str) or path == default_path:
        return
    example = path.strip() in (EXAMPLE_EDIT, EXAMPLE_NEW) or path.strip().startswith("path/to/")
    # a new output written under its name in another folder (Qwen2.5-Coder-1.5B wrote docs/todo.md's
    # list into the project's to-do list tasks/todo.md, and again when refused)
    elsewhere = path.strip().rsplit("/", 1)[-1] == default_path.rsplit("/", 1)[-1]
    if (action.tool == "edit_file" and not (root / path).exists()) or (action.tool == "write_file" and example):
        action.arguments["path"] = default_path
    elif action.tool == "write_file" and elsewhere:
        action.arguments["path"] = default_path
        action.note = f"(written to {default_path}, the file the task names, not {path.strip()})"


def _pep561_marker(action: Action, root: Path) -> None:
    """A ``py.typed`` written is PEP 561's marker: empty (or ``partial``), beside the package's
    ``__init__.py`` (the project's one package when the path has none). Qwen2.5-Coder-1.5B wrote
    pages of prose into a top-level py.typed, and again when refused."""
    path = action.arguments.get("path")
    if action.tool != "write_file" or not isinstance(path, str) or path.strip().rsplit("/", 1)[-1] != "py.typed":
        return
    folder = path.strip().rsplit("/", 1)[0] if "/" in path.strip() else "."
    if not (root / folder / "__init__.py").is_file():
        found = [*root.glob("*/__init__.py"), *root.glob("src/*/__init__.py")]
        packages = sorted({p.parent.relative_to(root).as_posix() for p in found} - {"tests", "test"})
        if len(packages) != 1:
            return
        action.arguments["path"] = f"{packages[0]}/py.typed"
    if str(action.arguments.get("content") or "").strip() not in ("", "partial"):
        action.arguments["content"] = ""
    action.note = f"(PEP 561's marker, written empty: {action.arguments['path']})"


def _to_existing(action: Action, root: Path, in_play: list[str]) -> None:
    """A write to a bare file name that does not exist (``report.py``) where exactly one file in
    play has that name under a folder (``stockroom/report.py``) goes there: the model dropped the
    folder (Qwen2.5-Coder-1.5B on move-function, which made a new top-level module)."""
    path = action.arguments.get("path")
    if action.tool not in CHANGING_TOOLS or not isinstance(path, str) or "/" in path.strip():
        return
    if (root / path.strip()).exists():
        return
    matches = [p for p in in_play if p.endswith("/" + path.strip()) and (root / p).is_file()]
    if len(matches) == 1:
        action.arguments["path"] = matches[0]
        action.note = f"(written to {matches[0]}: {path.strip()} does not exist)"


def _named_files(ctx: Any, paths: list[str]) -> dict[str, str]:
    """The numbered text of each existing file among paths, within the prompt's budget."""
    shown: dict[str, str] = {}
    budget = MAX_FILES_CHARS
    for path in dict.fromkeys(paths):
        target = ctx.workspace.root / path
        if not target.is_file() or budget <= 0:
            continue
        outcome = ctx.tool("read_file", {"path": path, "line_numbers": True})
        if not outcome.ok:
            continue
        text = outcome.output
        limit = min(MAX_FILE_CHARS, budget)
        if len(text) > limit:
            text = text[:limit] + "\n[… more lines: READ the file to see them]"
        shown[path] = text
        budget -= len(text)
    return shown


_FIXING = re.compile(r"\b(?:fix|repair|debug|failing|fails|broken)\b", re.IGNORECASE)


def _failing_tests(ctx: Any, result: ActResult, instruction: str, named: list[str]) -> str:
    """For an item about failing tests: the output of the test files it names (or of the whole
    suite when it names none), so the first turn starts from the failure, as a developer would."""
    if not _FIXING.search(instruction) or "run" not in ctx.workspace.enabled:
        return ""
    targets = [p for p in test_files(named) if (ctx.workspace.root / p).is_file()]
    if not targets and not re.search(r"\btests?\b", instruction, re.IGNORECASE):
        return ""  # "fix the typo in …" is no test failure: the whole suite costs minutes on a busy machine
    arguments = {"command": "python -m pytest -q -x " + " ".join(targets)}
    outcome = ctx.tool("run", arguments)
    _record(result, Action("run", arguments), outcome)
    if not outcome.ok or outcome.output.startswith("exit code 0"):
        return ""
    return _clip(outcome.output)


_CALLED = re.compile(r"([A-Za-z_]\w*)\s*\(")


def _defining_first(root: Path, found: list[str], failing: str) -> list[str]:
    """Of the modules a failing test touches, those defining what its failing line (pytest's
    ``>`` line) calls, without the others: shown the test's every imported module, a small model
    rewrote a dataclass the test merely builds (Qwen2.5-Coder-1.5B on fix-failing-test, where
    `needs_reorder` in another module was the bug). All of them when none defines it."""
    called = {name for line in failing.splitlines() if line.startswith(">") for name in _CALLED.findall(line)}
    if not called:
        return found
    defining = []
    for path in found:
        try:
            text = (root / path).read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if any(re.search(rf"^\s*(?:async\s+)?(?:def|class)\s+{re.escape(name)}\b", text, re.M) for name in called):
            defining.append(path)
    return defining or found


def _still_failing(output: str) -> str:
    """The next turn for a fix written back unchanged: the failing lines of the test output."""
    gist = [line for line in output.splitlines() if line.startswith((">", "E "))][:8]
    shown = "\n".join(gist) if gist else _clip(output, 800)
    return (
        "Nothing changed: what you wrote is what the file already has, and the test still fails:\n"
        f"{shown}\nFind the line that gives the wrong result and write the definition with that line fixed."
    )


def _test_feedback(ctx: Any, result: ActResult, changed: set[str], named: list[str]) -> str | None:
    """Run the test files the item names or the step changed (when ``run`` is enabled): None when
    they pass (or there are none), else the failure for the next turn."""
    if not changed or "run" not in ctx.workspace.enabled:
        return None
    root = ctx.workspace.root
    targets = [p for p in test_files(sorted({*named, *changed})) if (root / p).is_file()]
    # and the tests of the modules it changed (verification runs them too: a NameError the step
    # left in a module should be the next turn, not a failed item)
    targets += [p for p in _tests_of(root, sorted(changed)) if p not in targets]
    if not targets:
        return None
    # every failure, not the first (-x): a small model writing tests fixed one test per turn and
    # ran out of turns with the same mistake in the others (Qwen2.5-Coder-1.5B on test-inventory)
    arguments = {"command": "python -m pytest -q --tb=short " + " ".join(targets)}
    outcome = ctx.tool("run", arguments)
    _record(result, Action("run", arguments), outcome)
    if outcome.ok and outcome.output.startswith("exit code 0"):
        return None
    return f"The tests fail:\n{_failures(outcome.output) if outcome.ok else _clip(outcome.error or '')}"


_FAILURE_HEADER = re.compile(r"^_{3,} (.+?) _{3,}$", re.MULTILINE)


def _failures(output: str) -> str:
    """pytest's output with the first failure whole and each other one as its name and error
    lines (the same mistake in six tests reads as six short lines, within the clip), then the
    summary line last."""
    heads = list(_FAILURE_HEADER.finditer(output))
    if len(heads) < 2:
        return _clip(output)
    first = output[heads[0].start() : heads[1].start()].rstrip()
    others = []
    for index, head in enumerate(heads[1:], 1):
        end = heads[index + 1].start() if index + 1 < len(heads) else len(output)
        errors = [line for line in output[head.end() : end].splitlines() if line.startswith("E ")][:2]
        others.append(f"{head.group(1)}: " + " / ".join(e[1:].strip() for e in errors))
    summary = output.rstrip().splitlines()[-1]
    return "\n".join([_clip(first, 900), "Also failing:", _clip("\n".join(others), 500), summary])


def _tests_of(root: Path, paths: list[str]) -> list[str]:
    """The test files (``test_<stem>.py`` / ``<stem>_test.py`` anywhere in the project) of the
    non-test Python modules among paths."""
    changes = [FileChange(p, None, b"") for p in paths if p.endswith(".py") and not test_files([p])]
    if not changes:
        return []
    return [p for p in tests_for([], changes, root, mentions_tests=False) if test_files([p])]


MAX_HISTORY_CHARS = 24_000  # ≈ 7k tokens: the conversation must fit a small model's context


def _trim_history(messages: list[Message]) -> None:
    """Shorten the oldest turns (never the guide, the example or the task) until the conversation
    fits; the latest two turns stay whole."""
    keep_head, keep_tail = 4, 4
    for message in messages[keep_head : max(len(messages) - keep_tail, keep_head)]:
        if sum(len(m.content) for m in messages) <= MAX_HISTORY_CHARS:
            return
        if len(message.content) > 200:
            message.content = message.content[:200] + "\n[… older output left out]"


def _short(arguments: dict[str, Any]) -> str:
    text = json.dumps(arguments, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."


def _record(result: ActResult, action: Action, outcome: ToolResult) -> None:
    result.tool_results.append(
        {
            "tool": action.tool,
            "arguments": action.arguments,
            "ok": outcome.ok,
            "output": outcome.output[:500],
            "error": outcome.error,
        }
    )


__all__ = [
    "SYSTEM",
    "Action",
    "Reply",
    "first_prompt",
    "parse_reply",
    "path_of",
    "run_loop",
    "system_prompt",
    "test_files",
]
