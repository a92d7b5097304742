"""Gemini CLI chat recordings: ``~/.gemini/tmp/<project hash>/chats/*.json|*.jsonl`` (the home
directory is ``$GEMINI_CLI_HOME`` when set, as in Gemini CLI).

Older versions write one JSON document per session: ``{sessionId, projectHash, startTime,
lastUpdated, messages: [...]}``. Newer ones append JSON lines: a metadata line (``sessionId``,
``projectHash``), then message records (``{id, timestamp, type, content, …}``), where a message is
appended again each time it changes (its tokens or tool calls arrive later): the last copy of an
id wins, and a message is complete when the next id starts. ``{"$set": {...}}`` lines update
metadata (a ``messages`` snapshot among them: ids already seen are not counted again) and
``{"$rewindTo": id}`` drops the conversation from that message on (the calls were still made and
paid for, so they stay in the ledger; later requests are rebuilt without them).

A message of ``type: "gemini"`` is one model call, with ``model`` and ``tokens{input, output,
cached, thoughts, tool, total}`` (Gemini's promptTokenCount, candidatesTokenCount,
cachedContentTokenCount, thoughtsTokenCount, toolUsePromptTokenCount). Input includes the cached
tokens; thoughts are billed as output, so the ledger's ``output_tokens`` = output + thoughts and
``reasoning_tokens`` = thoughts; tool-use prompt tokens are billed as input and added to it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..chat import Message, ToolCall, Usage
from ._common import (
    Conversation,
    FoundCall,
    ImportContext,
    Importer,
    as_int,
    assistant_message,
    build_call,
    find_files,
    iter_jsonl,
    json_text,
    parse_timestamp,
    text_of,
)

SOURCE = "import:gemini"
UNKNOWN_MODEL = "unknown"
# Legacy whole-file JSON recordings are parsed in one go; refuse absurd ones rather than exhaust
# memory (the JSONL format, which replaced it, is streamed).
MAX_JSON_FILE_BYTES = 512 * 1024 * 1024


def default_paths() -> list[Path]:
    # Gemini CLI's homedir() honours $GEMINI_CLI_HOME (an alternate home, holding .gemini/).
    home = os.environ.get("GEMINI_CLI_HOME", "").strip()
    return [(Path(home).expanduser() if home else Path.home()) / ".gemini" / "tmp"]


def discover(roots: list[Path]) -> list[Path]:
    files: list[Path] = []
    for root in roots:
        if root.is_dir() and root.name == "chats":
            files += find_files([root], ["**/*.json", "**/*.jsonl"])
        else:
            files += find_files([root], ["**/chats/**/*.json", "**/chats/**/*.jsonl"])
    return find_files(files, [])


class _FileReader:
    def __init__(self, path: Path, ctx: ImportContext) -> None:
        self.path = path
        self.ctx = ctx
        self.stats = ctx.stats
        self.session_id = path.stem
        self.conversation = Conversation(ctx.options.max_request_chars)
        self.marks: list[tuple[str, int]] = []  # (message id, conversation length before it)
        self.pending: tuple[int, dict[str, Any]] | None = None  # the newest message, maybe unfinished
        self.done: set[str] = set()  # ids already finished (bounded by the session's messages)

    def read(self) -> Iterator[FoundCall]:
        if self.path.suffix == ".json":
            yield from self.read_document()
        else:
            yield from self.read_lines()
        found = self.finish()
        if found is not None:
            yield found

    def read_document(self) -> Iterator[FoundCall]:
        try:
            size = self.path.stat().st_size
            if size > MAX_JSON_FILE_BYTES:
                self.stats.malformed(self.path, 1, f"JSON recording larger than {MAX_JSON_FILE_BYTES} bytes")
                return
            with self.path.open("rb") as handle:
                document = json.load(handle)
        except OSError as exc:
            self.stats.unreadable_files.append(f"{self.path}: {exc.strerror or exc}")
            return
        except (ValueError, UnicodeDecodeError) as exc:
            self.stats.files_read += 1
            self.stats.malformed(self.path, 1, f"not JSON ({exc})")
            return
        self.stats.files_read += 1
        if not isinstance(document, dict) or not isinstance(document.get("messages"), list):
            self.stats.malformed(self.path, 1, "not a Gemini CLI chat recording (no messages list)")
            return
        if isinstance(document.get("sessionId"), str):
            self.session_id = document["sessionId"]
        for index, message in enumerate(document["messages"], start=1):
            if not isinstance(message, dict) or not isinstance(message.get("id"), str):
                self.stats.malformed(self.path, 1, f"messages[{index - 1}] is not a message record")
                continue
            found = self.message(index, message)
            if found is not None:
                yield found

    def read_lines(self) -> Iterator[FoundCall]:
        for number, record in iter_jsonl(self.path, self.stats):
            if isinstance(record.get("$rewindTo"), str):
                found = self.finish()
                if found is not None:
                    yield found
                self.rewind(record["$rewindTo"])
            elif isinstance(record.get("$set"), dict):
                update = record["$set"]
                if isinstance(update.get("sessionId"), str):
                    self.session_id = update["sessionId"]
                for message in update.get("messages") or []:
                    if isinstance(message, dict) and isinstance(message.get("id"), str):
                        found = self.message(number, message)
                        if found is not None:
                            yield found
            elif isinstance(record.get("id"), str):
                found = self.message(number, record)
                if found is not None:
                    yield found
            elif isinstance(record.get("sessionId"), str):
                self.session_id = record["sessionId"]
            else:
                self.stats.malformed(self.path, number, "neither a message, metadata, $set nor $rewindTo")

    # -- messages ------------------------------------------------------------------------------

    def message(self, number: int, record: dict[str, Any]) -> FoundCall | None:
        """A message record arrives: a newer copy of the pending one, or the next message."""
        message_id = record["id"]
        if self.pending is not None and self.pending[1]["id"] == message_id:
            self.pending = (number, record)
            return None
        if message_id in self.done:
            if record.get("type") == "gemini" and record.get("tokens"):
                self.stats.in_source_duplicates += 1
            return None
        found = self.finish()
        self.pending = (number, record)
        return found

    def finish(self) -> FoundCall | None:
        """The pending message is complete: it becomes a call (if it is the model's) and joins
        the conversation."""
        if self.pending is None:
            return None
        number, record = self.pending
        self.pending = None
        message_id = record["id"]
        self.done.add(message_id)
        self.marks.append((message_id, len(self.conversation.messages)))
        kind = record.get("type")
        if kind == "user":
            text = text_of(record.get("content"))
            if text:
                self.conversation.add(Message(role="user", content=text))
            return None
        if kind != "gemini":
            return None  # info, error, warning: shown to the user, never sent to the model
        tool_calls, results = _tool_calls(record.get("toolCalls"))
        response_text = text_of(record.get("content"))
        found = self.call(number, record, response_text, tool_calls)
        self.conversation.add(assistant_message(response_text, tool_calls))
        self.conversation.extend(results)
        return found

    def call(self, number: int, record: dict[str, Any], text: str, tool_calls: list[ToolCall]) -> FoundCall | None:
        tokens = record.get("tokens")
        if tokens is None:
            self.stats.skip("gemini messages without token counts")
            return None
        if not isinstance(tokens, dict):
            self.stats.malformed(self.path, number, "tokens is not an object")
            return None
        when = parse_timestamp(record.get("timestamp"))
        if when is None:
            self.stats.malformed(self.path, number, "gemini message without a valid timestamp")
            return None
        thoughts = as_int(tokens.get("thoughts"))
        model = record.get("model") if isinstance(record.get("model"), str) and record.get("model") else UNKNOWN_MODEL
        usage = Usage(
            input_tokens=as_int(tokens.get("input")) + as_int(tokens.get("tool")),
            output_tokens=as_int(tokens.get("output")) + thoughts,
            cache_read_tokens=as_int(tokens.get("cached")),
            reasoning_tokens=thoughts,
            input_includes_cache=True,
        )
        return build_call(
            self.ctx,
            source=SOURCE,
            source_id=f"{self.session_id}:{record['id']}",
            when=when,
            provider="google",
            model=str(model),
            usage=usage,
            request=self.conversation.request(),
            response_text=text,
            tool_calls=tool_calls,
            finish_reason="tool_calls" if tool_calls else "stop",
        )

    def rewind(self, message_id: str) -> None:
        for index, (mark_id, length) in enumerate(self.marks):
            if mark_id == message_id:
                del self.marks[index:]
                if not self.conversation.overflow:
                    self.conversation.reset(self.conversation.messages[:length])
                return
        self.marks.clear()
        self.conversation.reset()


def _tool_calls(value: Any) -> tuple[list[ToolCall], list[Message]]:
    """The model's tool calls, and the tool results sent back with the next request."""
    calls: list[ToolCall] = []
    results: list[Message] = []
    if not isinstance(value, list):
        return calls, results
    for entry in value:
        if not isinstance(entry, dict):
            continue
        call_id = str(entry.get("id") or "")
        arguments = entry.get("args")
        calls.append(
            ToolCall(
                id=call_id,
                name=str(entry.get("name") or "tool"),
                arguments=arguments if isinstance(arguments, dict) else {"input": arguments},
            )
        )
        if "result" in entry and entry["result"] is not None:
            results.append(Message(role="tool", content=_result_text(entry["result"]), tool_call_id=call_id))
    return calls, results


def _result_text(result: Any) -> str:
    """A recorded tool result (a list of parts holding functionResponse) as text."""
    parts = result if isinstance(result, list) else [result]
    pieces = []
    for part in parts:
        if isinstance(part, dict) and isinstance(part.get("functionResponse"), dict):
            response = part["functionResponse"].get("response")
            if isinstance(response, dict) and set(response) <= {"output", "error"}:
                response = response.get("output", response.get("error"))
            pieces.append(json_text(response))
        else:
            pieces.append(json_text(part))
    return "\n".join(pieces)


def read(files: list[Path], ctx: ImportContext) -> Iterator[FoundCall]:
    for path in files:
        yield from _FileReader(path, ctx).read()


IMPORTER = Importer(
    name="gemini",
    title="Gemini CLI chat recordings",
    default_paths=default_paths,
    discover=discover,
    read=read,
)
