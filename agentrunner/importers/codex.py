"""Codex CLI sessions: ``${CODEX_HOME:-~/.codex}/sessions/**/*.jsonl`` and ``archived_sessions/``.

Each line is ``{timestamp, type, payload}``. ``session_meta`` opens a rollout (``payload.id``;
a fork also has ``forked_from_id``, a subagent ``source.subagent.thread_spawn.parent_thread_id``).
``turn_context`` sets the model for the following calls. ``response_item`` lines are the
conversation (``message`` with role user/developer/assistant, ``function_call``,
``function_call_output``, ``reasoning`` …). ``event_msg`` with ``payload.type == "token_count"``
ends one model call: ``info.last_token_usage`` is that call's usage (else we take the difference of
``info.total_token_usage`` from the previous event). ``input_tokens`` includes
``cached_input_tokens``; ``output_tokens`` includes ``reasoning_output_tokens``.

Forks. A forked (or spawned) rollout starts with its own ``session_meta``, then the ancestors'
metas and their whole history copied in, token_count events included, re-stamped to the fork time.
Our rule: a call's key is the lineage's root session id plus the *cumulative* token totals at that
event. The copied events carry exactly the totals they had in the parent, so they get the parent's
keys and the ledger's UNIQUE (source, source_id) drops them; the fork's own calls push the totals
past anything the parent recorded, so they get new keys. A token_count repeated with unchanged
totals (Codex re-emits one on rate-limit updates) gets the same key too and is not counted twice.
Files are read in name order (rollout-<start time>-<id>.jsonl), so a parent is read before its
forks and its rows keep their real timestamps.
"""

from __future__ import annotations

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
    tool_arguments,
)

SOURCE = "import:codex"
UNKNOWN_MODEL = "unknown"
_COUNTERS = ("input_tokens", "cached_input_tokens", "output_tokens", "reasoning_output_tokens")


def codex_home() -> Path:
    value = os.environ.get("CODEX_HOME", "").strip()
    return Path(value).expanduser() if value else Path.home() / ".codex"


def default_paths() -> list[Path]:
    home = codex_home()
    return [home / "sessions", home / "archived_sessions"]


def discover(roots: list[Path]) -> list[Path]:
    expanded: list[Path] = []
    for root in roots:
        # A CODEX_HOME given as PATH: read its sessions, not its history.jsonl or logs.
        if root.is_dir() and ((root / "sessions").is_dir() or (root / "archived_sessions").is_dir()):
            expanded += [root / "sessions", root / "archived_sessions"]
        else:
            expanded.append(root)
    return find_files(expanded, ["**/*.jsonl"])


Counters = tuple[int, int, int, int]  # _COUNTERS, in that order


def _counters(values: list[int]) -> Counters:
    return (values[0], values[1], values[2], values[3])


def _totals(value: Any) -> Counters | None:
    if not isinstance(value, dict):
        return None
    return _counters([as_int(value.get(name)) for name in _COUNTERS])


def _parent_of(payload: dict[str, Any]) -> str | None:
    forked = payload.get("forked_from_id")
    if isinstance(forked, str) and forked:
        return forked
    source = payload.get("source")
    if isinstance(source, dict):
        spawn = (source.get("subagent") or {}) if isinstance(source.get("subagent"), dict) else {}
        thread = spawn.get("thread_spawn") if isinstance(spawn, dict) else None
        if isinstance(thread, dict) and isinstance(thread.get("parent_thread_id"), str):
            return str(thread["parent_thread_id"])
    return None


class _FileReader:
    def __init__(self, path: Path, ctx: ImportContext) -> None:
        self.path = path
        self.ctx = ctx
        self.stats = ctx.stats
        self.session_id: str | None = None
        self.root_id: str | None = None
        self.model: str | None = None
        self.provider = "openai"
        self.previous_totals: tuple[int, int, int, int] | None = None
        self.running_totals = (0, 0, 0, 0)  # for files whose events have no total_token_usage
        self.conversation = Conversation(ctx.options.max_request_chars)
        self.output_texts: list[str] = []
        self.output_calls: list[ToolCall] = []
        self.keys: set[str] = set()  # this file's keys (bounded by its number of calls)

    def read(self) -> Iterator[FoundCall]:
        for number, line in iter_jsonl(self.path, self.stats):
            kind = line.get("type")
            payload = line.get("payload")
            if not isinstance(payload, dict):
                if kind in ("session_meta", "turn_context", "event_msg", "response_item", "compacted"):
                    self.stats.malformed(self.path, number, f"{kind} line without a payload object")
                continue
            if kind == "session_meta":
                self.meta(payload)
            elif kind == "turn_context":
                model = payload.get("model")
                if isinstance(model, str) and model:
                    self.model = model
            elif kind == "response_item":
                self.item(payload)
            elif kind == "compacted":
                self.compacted(payload)
            elif kind == "event_msg" and payload.get("type") == "token_count":
                found = self.token_count(number, line, payload)
                if found is not None:
                    yield found

    def meta(self, payload: dict[str, Any]) -> None:
        session_id = payload.get("id") or payload.get("session_id")
        if not isinstance(session_id, str) or not session_id:
            return
        parent = _parent_of(payload)
        if self.session_id is None:
            self.session_id = session_id
            self.root_id = parent or session_id
            provider = payload.get("model_provider")
            if isinstance(provider, str) and provider:
                self.provider = provider
        elif session_id != self.session_id:
            # A copied ancestor's meta: the lineage root is the one that has no parent.
            self.root_id = parent or session_id

    def item(self, payload: dict[str, Any]) -> None:
        kind = payload.get("type")
        if kind == "message":
            role = payload.get("role")
            text = text_of(payload.get("content"))
            if role == "assistant":
                self.output_texts.append(text)
            elif role in ("user", "developer", "system"):
                self.flush_outputs()
                self.conversation.add(Message(role="user" if role == "user" else "system", content=text))
        elif kind in ("function_call", "custom_tool_call", "local_shell_call"):
            name = payload.get("name") or ("local_shell" if kind == "local_shell_call" else "tool")
            raw = payload.get("arguments", payload.get("input", payload.get("action")))
            call_id = payload.get("call_id") or payload.get("id") or ""
            self.output_calls.append(ToolCall(id=str(call_id), name=str(name), arguments=tool_arguments(raw)))
        elif kind in ("function_call_output", "custom_tool_call_output"):
            self.flush_outputs()
            output = payload.get("output")
            if isinstance(output, dict) and "content" in output:
                output = output["content"]
            self.conversation.add(
                Message(role="tool", content=json_text(output), tool_call_id=str(payload.get("call_id") or ""))
            )

    def flush_outputs(self) -> None:
        """Model output seen without its token_count: it still belongs to the history."""
        if self.output_texts or self.output_calls:
            self.conversation.add(assistant_message("".join(self.output_texts), self.output_calls))
            self.output_texts, self.output_calls = [], []

    def compacted(self, payload: dict[str, Any]) -> None:
        self.flush_outputs()
        history = payload.get("replacement_history")
        summary = payload.get("message")
        self.conversation.reset()
        if isinstance(history, list):
            for entry in history:
                if isinstance(entry, dict):
                    self.item(entry)
            self.flush_outputs()
        elif isinstance(summary, str) and summary:
            self.conversation.add(Message(role="user", content=summary))

    def token_count(self, number: int, line: dict[str, Any], payload: dict[str, Any]) -> FoundCall | None:
        info = payload.get("info")
        if info is None:
            return None  # a rate-limit update without usage: not a call
        if not isinstance(info, dict):
            self.stats.malformed(self.path, number, "token_count info is not an object")
            return None
        if isinstance(info.get("model"), str) and info["model"]:
            self.model = info["model"]  # some versions name the model on the event itself
        last = _totals(info.get("last_token_usage"))
        total = _totals(info.get("total_token_usage"))
        if last is None and total is None:
            self.stats.malformed(self.path, number, "token_count without last or total token usage")
            return None
        when = parse_timestamp(line.get("timestamp"))
        if when is None:
            self.stats.malformed(self.path, number, "token_count without a valid timestamp")
            return None
        if last is None:
            assert total is not None
            previous = self.previous_totals
            if previous is None or any(now < before for now, before in zip(total, previous, strict=True)):
                last = total  # first event, or the counters restarted
            else:
                last = _counters([now - before for now, before in zip(total, previous, strict=True)])
        assert last is not None
        if total is None:
            total = _counters([a + b for a, b in zip(self.running_totals, last, strict=True)])
        assert total is not None
        self.running_totals = total
        self.previous_totals = total
        if not any(last):
            return None  # nothing was used: an echo of the previous event
        session = self.session_id or self.path.stem
        root = self.root_id or session
        key = f"{root}:{':'.join(str(n) for n in total)}"
        request = self.conversation.request()
        response_text = "".join(self.output_texts)
        tool_calls = self.output_calls
        self.flush_outputs()
        if key in self.keys:
            self.stats.in_source_duplicates += 1
            return None
        self.keys.add(key)
        input_tokens, cached, output_tokens, reasoning = last
        model = self.model or UNKNOWN_MODEL
        return build_call(
            self.ctx,
            source=SOURCE,
            source_id=key,
            when=when,
            provider=self.provider,
            model=model,
            usage=Usage(
                input_tokens=input_tokens,
                output_tokens=output_tokens,
                cache_read_tokens=min(cached, input_tokens),
                reasoning_tokens=reasoning,
                input_includes_cache=True,
            ),
            request=request,
            response_text=response_text,
            tool_calls=tool_calls,
            finish_reason="tool_calls" if tool_calls else "stop",
        )


def read(files: list[Path], ctx: ImportContext) -> Iterator[FoundCall]:
    for path in files:
        yield from _FileReader(path, ctx).read()


IMPORTER = Importer(
    name="codex",
    title="Codex CLI sessions",
    default_paths=default_paths,
    discover=discover,
    read=read,
)
