"""Simon Willison's ``llm`` logs: the SQLite database ``llm logs path`` prints.

Default: ``$LLM_USER_PATH/logs.db``, else ``~/.config/io.datasette.llm/logs.db`` (Linux) or
``~/Library/Application Support/io.datasette.llm/logs.db`` (macOS). Opened read-only.

Two layouts, both read when present:

* ``responses`` (llm 0.4+): one row per prompt — ``id, model, resolved_model, prompt, system,
  response, conversation_id, duration_ms, datetime_utc, input_tokens, output_tokens,
  token_details`` (JSON). The request is rebuilt from the earlier responses of the same
  conversation (their prompts and answers), with ``prompt_fragments``/``system_fragments`` content
  put back in front of the prompt and system text as llm does. Rows whose conversation used tools
  or attachments are not replayable (those parts are not rebuilt).
* ``turns`` over the content-addressed ``messages``/``parts`` tree (newer llm): one row per model
  call; its request is the message chain from the root to ``parent_message_hash``, its response
  the messages from there to ``tip_message_hash``.

Tokens. ``output_tokens`` already includes reasoning (OpenAI's completion tokens, and llm-gemini
adds thoughtsTokenCount). ``token_details`` holds the rest: OpenAI
``prompt_tokens_details.cached_tokens`` (input includes it), Anthropic
``cache_read_input_tokens``/``cache_creation_input_tokens`` (input excludes them), Gemini
``cachedContentTokenCount``/``thoughtsTokenCount``. llm records no cost of its own.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from ..chat import ChatRequest, Message, ToolCall, Usage
from ..errors import UsageError
from ._common import (
    Conversation,
    FoundCall,
    ImportContext,
    Importer,
    as_int,
    build_call,
    json_text,
    parse_timestamp,
    provider_for_model,
    tool_arguments,
)

SOURCE = "import:llm"


def default_paths() -> list[Path]:
    configured = os.environ.get("LLM_USER_PATH", "").strip()
    if configured:
        return [Path(configured).expanduser() / "logs.db"]
    paths = [Path.home() / ".config" / "io.datasette.llm" / "logs.db"]
    mac = Path.home() / "Library" / "Application Support" / "io.datasette.llm" / "logs.db"
    return [mac, *paths] if sys.platform == "darwin" else [*paths, mac]


def discover(roots: list[Path]) -> list[Path]:
    found: list[Path] = []
    for root in roots:
        candidate = root / "logs.db" if root.is_dir() else root
        if candidate.is_file() and candidate not in found:
            found.append(candidate)
    return found


def open_read_only(path: Path) -> sqlite3.Connection:
    """The logs database, read-only (never locks or changes llm's file)."""
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.Error as exc:
        raise UsageError(f"{path}: not a readable llm logs database ({exc})") from None
    if "responses" not in tables and "turns" not in tables:
        conn.close()
        raise UsageError(f"{path}: not an llm logs database (no responses or turns table)")
    return conn


# -- tokens --------------------------------------------------------------------------------------


def _find(details: Any, *names: str) -> int:
    """The first of ``names`` found anywhere in a nested token_details object."""
    if isinstance(details, dict):
        for name in names:
            if name in details and not isinstance(details[name], dict | list):
                return as_int(details[name])
        for value in details.values():
            found = _find(value, *names)
            if found:
                return found
    return 0


def usage_from(input_tokens: Any, output_tokens: Any, token_details: Any, provider: str | None) -> Usage:
    details: Any = None
    if isinstance(token_details, str) and token_details.strip():
        try:
            details = json.loads(token_details)
        except ValueError:
            details = None
    anthropic_style = isinstance(details, dict) and (
        "cache_read_input_tokens" in details or "cache_creation_input_tokens" in details
    )
    excludes_cache = anthropic_style or (provider == "anthropic" and details is not None)
    if excludes_cache:
        cache_read = _find(details, "cache_read_input_tokens")
        cache_write = _find(details, "cache_creation_input_tokens")
    else:
        cache_read = _find(details, "cached_tokens", "cachedContentTokenCount", "cache_read_input_tokens")
        cache_write = 0
    return Usage(
        input_tokens=None if input_tokens is None else as_int(input_tokens),
        output_tokens=None if output_tokens is None else as_int(output_tokens),
        cache_read_tokens=cache_read,
        cache_write_tokens=cache_write,
        reasoning_tokens=_find(details, "reasoning_tokens", "thoughtsTokenCount"),
        input_includes_cache=not excludes_cache,
    )


def _model_name(model: str) -> str:
    """The model name without the provider prefix some llm plugins put on their ids
    (``anthropic/claude-3-5-sonnet-latest``): the name genai-prices and other rows use."""
    return model.split("/", 1)[1] if "/" in model and not model.startswith("models/") else model


# -- responses table ------------------------------------------------------------------------------


def _id_set(conn: sqlite3.Connection, tables: set[str], table: str, column: str = "response_id") -> set[str]:
    if table not in tables:
        return set()
    return {str(row[0]) for row in conn.execute(f'SELECT DISTINCT "{column}" FROM "{table}"')}


def _fragments(conn: sqlite3.Connection, table: str, response_id: str) -> list[str]:
    rows = conn.execute(
        f'SELECT f.content FROM "{table}" pf JOIN fragments f ON f.id = pf.fragment_id '
        'WHERE pf.response_id = ? ORDER BY pf."order"',
        [response_id],
    )
    return [str(row[0] or "") for row in rows]


def _read_responses(conn: sqlite3.Connection, path: Path, ctx: ImportContext, tables: set[str]) -> Iterator[FoundCall]:
    columns = {row[1] for row in conn.execute("PRAGMA table_info(responses)")}
    with_tools = _id_set(conn, tables, "tool_calls") | _id_set(conn, tables, "tool_results")
    with_attachments = _id_set(conn, tables, "prompt_attachments")
    with_prompt_fragments = _id_set(conn, tables, "prompt_fragments") if "fragments" in tables else set()
    with_system_fragments = _id_set(conn, tables, "system_fragments") if "fragments" in tables else set()

    def column(name: str) -> str:
        return f'"{name}"' if name in columns else f'NULL AS "{name}"'

    wanted = ("id", "model", "resolved_model", "prompt", "system", "response", "conversation_id",
              "duration_ms", "datetime_utc", "input_tokens", "output_tokens", "token_details")
    # Ordered by conversation, so one conversation's history is held at a time (flat memory).
    query = (
        f"SELECT {', '.join(column(name) for name in wanted)} FROM responses "
        "ORDER BY coalesce(conversation_id, id), datetime_utc, id"
    )
    current_conversation: object = object()
    conversation = Conversation(ctx.options.max_request_chars)
    broken = False  # this conversation used tools or attachments: its history is incomplete
    for row in conn.execute(query):
        response_id = str(row["id"])
        conversation_key = row["conversation_id"] or response_id
        if conversation_key != current_conversation:
            current_conversation = conversation_key
            conversation.reset()
            broken = False
        when = parse_timestamp(row["datetime_utc"])
        model = row["model"]
        if when is None or not isinstance(model, str) or not model:
            ctx.stats.malformed(path, 0, f"responses row {response_id}: no model or datetime_utc")
            continue
        prompt = str(row["prompt"] or "")
        system = str(row["system"] or "")
        if response_id in with_prompt_fragments:
            prompt = "\n".join([*_fragments(conn, "prompt_fragments", response_id), prompt]).strip("\n")
        if response_id in with_system_fragments:
            system = "\n".join([*_fragments(conn, "system_fragments", response_id), system]).strip("\n")
        if response_id in with_tools or response_id in with_attachments:
            broken = True
        request: ChatRequest | None = None
        if not broken and not conversation.overflow:
            messages = ([Message(role="system", content=system)] if system else []) + conversation.messages
            messages.append(Message(role="user", content=prompt))
            if sum(len(m.content) for m in messages) <= ctx.options.max_request_chars:
                request = ChatRequest(messages=messages)
        conversation.add(Message(role="user", content=prompt))
        conversation.add(Message(role="assistant", content=str(row["response"] or "")))
        resolved = row["resolved_model"] if isinstance(row["resolved_model"], str) else None
        pricing_model = _model_name(model)
        provider = provider_for_model(pricing_model)
        usage = usage_from(row["input_tokens"], row["output_tokens"], row["token_details"], provider)
        found = build_call(
            ctx,
            source=SOURCE,
            source_id=f"response:{response_id}",
            when=when,
            provider=provider,
            model=pricing_model,
            usage=usage,
            request=request,
            response_text=str(row["response"] or ""),
            resolved_model=resolved,
            latency_ms=float(row["duration_ms"]) if isinstance(row["duration_ms"], int | float) else None,
        )
        yield found


# -- turns over the message tree ---------------------------------------------------------------------


class _Tree:
    """Reads chains of the content-addressed message store."""

    def __init__(self, conn: sqlite3.Connection, tables: set[str]) -> None:
        self.conn = conn
        self.has_fragments = "fragments" in tables

    def message(self, message_hash: str) -> tuple[str | None, str, list[sqlite3.Row]] | None:
        row = self.conn.execute("SELECT parent_hash, role FROM messages WHERE hash = ?", [message_hash]).fetchone()
        if row is None:
            return None
        parts = self.conn.execute(
            "SELECT type, tool_name, text, payload FROM parts WHERE message_hash = ? ORDER BY position",
            [message_hash],
        ).fetchall()
        return row["parent_hash"], str(row["role"] or "user"), parts

    def text(self, part: sqlite3.Row) -> str | None:
        """A text part's text, fragments resolved; None when it cannot be rebuilt."""
        if part["text"] is not None:
            return str(part["text"])
        payload = _json(part["payload"])
        segments = payload.get("text_ref") if isinstance(payload, dict) else None
        if not isinstance(segments, list):
            return None
        pieces = []
        for segment in segments:
            if isinstance(segment, dict) and isinstance(segment.get("literal"), str):
                pieces.append(segment["literal"])
                continue
            fragment = segment.get("fragment", segment.get("fragment_id")) if isinstance(segment, dict) else None
            if fragment is None or not self.has_fragments:
                return None
            row = self.conn.execute("SELECT content FROM fragments WHERE id = ?", [fragment]).fetchone()
            if row is None:
                return None
            pieces.append(str(row[0] or ""))
        return "".join(pieces)

    def to_messages(self, role: str, parts: list[sqlite3.Row]) -> list[Message] | None:
        """Chat messages for one stored message; None if a part cannot be rebuilt."""
        texts: list[str] = []
        calls: list[ToolCall] = []
        results: list[Message] = []
        for part in parts:
            kind = part["type"]
            payload = _json(part["payload"])
            payload = payload if isinstance(payload, dict) else {}
            if kind == "text":
                text = self.text(part)
                if text is None:
                    return None
                texts.append(text)
            elif kind == "reasoning":
                continue
            elif kind == "tool_call":
                calls.append(
                    ToolCall(
                        id=str(payload.get("tool_call_id") or payload.get("id") or ""),
                        name=str(part["tool_name"] or payload.get("name") or "tool"),
                        arguments=tool_arguments(payload.get("arguments", payload.get("input"))),
                    )
                )
            elif kind == "tool_result":
                results.append(
                    Message(
                        role="tool",
                        content=json_text(payload.get("output", payload.get("content", ""))),
                        tool_call_id=str(payload.get("tool_call_id") or ""),
                    )
                )
            else:
                return None  # attachments: binary content is not rebuilt
        chat_role: Literal["system", "user", "assistant"] = (
            "system" if role == "system" else "assistant" if role == "assistant" else "user"
        )
        messages: list[Message] = []
        if texts or calls:
            messages.append(
                Message(role=chat_role, content="".join(texts), tool_calls=calls if chat_role == "assistant" else [])
            )
        return messages + results

    def chain(self, tip: str | None, stop: str | None, max_chars: int) -> tuple[list[Message] | None, bool]:
        """Messages from ``tip`` back to (not including) ``stop``, oldest first, and whether the
        walk got there. ``None`` messages: too long or not rebuildable."""
        collected: list[list[Message]] = []
        chars = 0
        current = tip
        rebuildable = True
        while current is not None and current != stop:
            found = self.message(current)
            if found is None:
                return None, False
            parent, role, parts = found
            if rebuildable:
                messages = self.to_messages(role, parts)
                if messages is None:
                    rebuildable = False
                else:
                    chars += sum(len(m.content) for m in messages)
                    if chars > max_chars:
                        rebuildable = False
                    collected.append(messages)
            if not rebuildable and stop is None:
                return None, True  # the request cannot be rebuilt; no need to walk further
            current = parent
        if not rebuildable:
            return None, True
        return [m for group in reversed(collected) for m in group], True


def _json(value: Any) -> Any:
    if not isinstance(value, str) or not value:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return None


def _read_turns(conn: sqlite3.Connection, path: Path, ctx: ImportContext, tables: set[str]) -> Iterator[FoundCall]:
    if "messages" not in tables or "parts" not in tables:
        return
    tree = _Tree(conn, tables)
    rows = conn.execute(
        "SELECT id, parent_message_hash, tip_message_hash, model, resolved_model, input_tokens, "
        "output_tokens, token_details, duration_ms, datetime_utc FROM turns ORDER BY datetime_utc, id"
    )
    for row in rows:
        turn_id = str(row["id"])
        when = parse_timestamp(row["datetime_utc"])
        model = row["model"]
        if when is None or not isinstance(model, str) or not model:
            ctx.stats.malformed(path, 0, f"turns row {turn_id}: no model or datetime_utc")
            continue
        history, _ = tree.chain(row["parent_message_hash"], None, ctx.options.max_request_chars)
        request = ChatRequest(messages=history) if history else None
        output, _ = tree.chain(row["tip_message_hash"], row["parent_message_hash"], 10 * ctx.options.max_request_chars)
        response_text = "".join(m.content for m in output or [] if m.role == "assistant")
        tool_calls = [c for m in output or [] for c in m.tool_calls]
        resolved = row["resolved_model"] if isinstance(row["resolved_model"], str) else None
        pricing_model = _model_name(model)
        provider = provider_for_model(pricing_model)
        yield build_call(
            ctx,
            source=SOURCE,
            source_id=f"turn:{turn_id}",
            when=when,
            provider=provider,
            model=pricing_model,
            usage=usage_from(row["input_tokens"], row["output_tokens"], row["token_details"], provider),
            request=request,
            response_text=response_text,
            tool_calls=tool_calls,
            resolved_model=resolved,
            latency_ms=float(row["duration_ms"]) if isinstance(row["duration_ms"], int | float) else None,
        )


def read(files: list[Path], ctx: ImportContext) -> Iterator[FoundCall]:
    for path in files:
        conn = open_read_only(path)
        try:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            ctx.stats.files_read += 1
            if "responses" in tables:
                yield from _read_responses(conn, path, ctx, tables)
            if "turns" in tables:
                yield from _read_turns(conn, path, ctx, tables)
        except sqlite3.Error as exc:
            raise UsageError(f"{path}: cannot read the llm logs database ({exc})") from None
        finally:
            conn.close()


IMPORTER = Importer(
    name="llm",
    title="llm logs databases",
    default_paths=default_paths,
    discover=discover,
    read=read,
)
