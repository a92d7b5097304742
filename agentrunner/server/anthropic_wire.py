"""Anthropic's Messages wire format ↔ agentrunner's ChatRequest/ChatResponse, as pure functions.

The gateway speaks the Messages API to its clients (the ``anthropic`` SDKs, Claude Code). A request
routed to a tier of another protocol (the embedded llama.cpp model, ollama, an OpenAI-compatible
server) is translated here, and the answer translated back — the complete Message, or the SSE event
sequence the SDKs' stream accumulators parse. A request passed through to an Anthropic tier is not
translated; its usage is read from the upstream's body or stream (:class:`UpstreamStreamReader`) for
the ledger row.

What crosses, request side (:func:`to_chat_request`):

- ``system`` (a string or text blocks; ``cache_control`` is a caching hint and is dropped) → one
  system message; mid-conversation ``role: "system"`` messages stay system messages in place;
- text blocks → the turn's text; ``tool_use`` → tool calls; ``tool_result`` (string or text blocks,
  ``is_error`` prefixed ``Error: ``) → tool messages; ``thinking`` / ``redacted_thinking`` blocks are
  dropped (they only mean something to the model that wrote them, and Anthropic's API also leaves
  earlier turns' thinking out of the context);
- custom ``tools`` → tool specs; ``tool_choice`` ``auto`` as is, ``none`` offers no tools, ``tool`` (or
  ``any`` with one tool) becomes a JSON schema answer that is turned back into that ``tool_use``,
  ``any`` with several tools a schema of "one of these calls";
- ``output_config.format`` / ``output_format`` JSON schemas → ``json_schema``; ``stop_sequences``,
  ``max_tokens``, ``temperature`` as they are; ``metadata.user_id`` is kept for the ledger.

Refused with a 400 in Anthropic's error shape, naming the place in the body: images, documents and
other non-text content (the translated tiers are text-only), server and Anthropic-defined tools
(``web_search_…``, ``bash_…``: they have no schema here and nothing to run them), MCP servers.
Ignored: ``top_p``/``top_k``, ``thinking`` (no tier of another protocol thinks visibly),
``context_management``, ``output_config.effort``, ``service_tier``, ``container``.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..chat import ChatRequest, ChatResponse, FinishReason, Message, ToolCall, ToolSpec, Usage
from ..errors import AgentRunnerError

# ── errors ──────────────────────────────────────────────────────────────────────────────────────

#: HTTP status → the ``error.type`` Anthropic's API uses for it.
ERROR_TYPES: dict[int, str] = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    502: "api_error",
    503: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}


def error_type_for(status: int) -> str:
    if status in ERROR_TYPES:
        return ERROR_TYPES[status]
    return "invalid_request_error" if 400 <= status < 500 else "api_error"


def error_body(status: int, message: str, *, error_type: str | None = None) -> dict[str, Any]:
    """``{"type": "error", "error": {"type": …, "message": …}}``: what every Anthropic SDK parses."""
    return {"type": "error", "error": {"type": error_type or error_type_for(status), "message": message}}


class AnthropicWireError(AgentRunnerError):
    """A request the gateway answers with an Anthropic-shaped error (HTTP ``status``)."""

    def __init__(self, message: str, *, status: int = 400, error_type: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.error_type = error_type or error_type_for(status)

    def body(self) -> dict[str, Any]:
        return error_body(self.status, self.message, error_type=self.error_type)


def _invalid(where: str, message: str) -> AnthropicWireError:
    return AnthropicWireError(f"{where}: {message}" if where else message, status=400)


# ── request: Messages → ChatRequest ─────────────────────────────────────────────────────────────

#: The answer to ``tool_choice: any`` over several tools, under a JSON schema: which tool, and its input.
CALL_NAME = "name"
CALL_INPUT = "input"


@dataclass(frozen=True)
class ForcedTool:
    """``tool_choice`` asked for a tool call the tier cannot be forced into natively: the request
    carries a JSON schema instead, and its answer is turned back into a ``tool_use`` block.
    ``name`` is set when one tool is forced (the answer is its input); else the answer is
    ``{"name": …, "input": …}`` choosing among ``names``."""

    name: str | None
    names: tuple[str, ...] = ()


@dataclass
class WireRequest:
    """A Messages request, translated: the ChatRequest and what the answer's translation needs."""

    chat: ChatRequest
    model: str
    stream: bool = False
    forced_tool: ForcedTool | None = None
    user_id: str | None = None
    thinking: bool = False
    ignored: list[str] = field(default_factory=list)


_TEXT_ONLY = "the tier {tier!r} this model is routed to takes text only"
_SERVER_TOOL = re.compile(r"^[a-z_]+_\d{8}$")  # web_search_20250305, bash_20250124, text_editor_20250728…
_IGNORED_TOP_LEVEL = ("top_p", "top_k", "thinking", "context_management", "service_tier", "container")
_KNOWN_TOP_LEVEL = {
    "model",
    "messages",
    "system",
    "max_tokens",
    "tools",
    "tool_choice",
    "stop_sequences",
    "temperature",
    "metadata",
    "stream",
    "output_config",
    "output_format",
    "mcp_servers",
    *_IGNORED_TOP_LEVEL,
}


def to_chat_request(body: Any, *, tier: str | None, counting: bool = False) -> WireRequest:
    """Translate a Messages request body for ``tier``, a tier of another protocol (``counting``: a
    ``count_tokens`` body, which has no ``max_tokens``). ``tier=None`` reads the request for
    routing and the ledger only: what cannot be translated becomes a placeholder (``[image]``) or
    is left out (server tools) instead of an error, since an Anthropic tier will take it whole.

    Raises :class:`AnthropicWireError` (400) for a body that is not a valid Messages request or
    that holds what a text-only tier cannot take; the message names the place (``messages.2.
    content.0``) and says what to do.
    """
    if not isinstance(body, dict):
        raise _invalid("", "the request body must be a JSON object")
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise _invalid("model", "a model name is required")
    max_tokens = body.get("max_tokens")
    if counting and max_tokens is None:
        max_tokens = 1
    if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens < 1:
        raise _invalid("max_tokens", "must be an integer ≥ 1")
    raw_messages = body.get("messages")
    if not isinstance(raw_messages, list) or not raw_messages:
        raise _invalid("messages", "must be a non-empty list of messages")
    mcp = body.get("mcp_servers")
    if mcp and tier is not None:
        raise _invalid(
            "mcp_servers",
            f"MCP servers are run by Anthropic's API; {_TEXT_ONLY.format(tier=tier)} and cannot reach them",
        )

    messages: list[Message] = []
    system = _system_text(body.get("system"), tier)
    if system:
        messages.append(Message(role="system", content=system))
    for index, raw in enumerate(raw_messages):
        messages.extend(_messages_of(raw, f"messages.{index}", tier))

    tools = _tools(body.get("tools"), tier)
    json_schema = _output_schema(body)
    try:
        forced, tools, json_schema = _apply_tool_choice(body.get("tool_choice"), tools, json_schema)
    except AnthropicWireError:
        if tier is not None:
            raise
        forced = None  # e.g. a server tool forced: routing only needs the rest

    stop = body.get("stop_sequences") or []
    if not isinstance(stop, list) or not all(isinstance(s, str) for s in stop):
        raise _invalid("stop_sequences", "must be a list of strings")
    temperature = body.get("temperature")
    if temperature is not None and (isinstance(temperature, bool) or not isinstance(temperature, int | float)):
        raise _invalid("temperature", "must be a number")
    stream = body.get("stream", False)
    if not isinstance(stream, bool):
        raise _invalid("stream", "must be true or false")
    metadata = body.get("metadata") or {}
    user_id = metadata.get("user_id") if isinstance(metadata, dict) else None
    thinking = body.get("thinking")
    chat = ChatRequest(
        messages=messages,
        tools=tools,
        json_schema=json_schema,
        max_tokens=max_tokens,
        temperature=float(temperature) if temperature is not None else None,
        stop=list(stop),
    )
    ignored = [key for key in _IGNORED_TOP_LEVEL if body.get(key) is not None]
    ignored += sorted(key for key in body if key not in _KNOWN_TOP_LEVEL)
    return WireRequest(
        chat=chat,
        model=model,
        stream=stream,
        forced_tool=forced,
        user_id=str(user_id) if user_id is not None else None,
        thinking=isinstance(thinking, dict) and thinking.get("type") in ("enabled", "adaptive"),
        ignored=ignored,
    )


def _system_text(system: Any, tier: str | None) -> str:
    if system is None or system == "":
        return ""
    if isinstance(system, str):
        return system
    if not isinstance(system, list):
        raise _invalid("system", "must be a string or a list of text blocks")
    return "\n\n".join(_text_of_block(block, f"system.{i}", tier) for i, block in enumerate(system))


def _text_of_block(block: Any, where: str, tier: str | None) -> str:
    if isinstance(block, str):
        return block
    if not isinstance(block, dict):
        raise _invalid(where, "a content block must be an object")
    kind = block.get("type")
    if kind != "text":
        if tier is None and isinstance(kind, str):
            return f"[{kind}]"
        raise _refused_block(kind, where, tier)
    text = block.get("text")
    if not isinstance(text, str):
        raise _invalid(f"{where}.text", "must be a string")
    return text


def _refused_block(kind: Any, where: str, tier: str | None) -> AnthropicWireError:
    if kind in ("image", "document", "search_result", "container_upload"):
        return _invalid(
            where,
            f"{kind} blocks cannot be translated: {_TEXT_ONLY.format(tier=tier)}. "
            "Send text, or route this model to an Anthropic tier ([gateway] rules in routes.toml)",
        )
    if isinstance(kind, str) and kind:
        return _invalid(
            where,
            f"{kind!r} blocks cannot be translated for tier {tier!r} (text, tool_use, tool_result and thinking can)",
        )
    return _invalid(where, "a content block needs a type")


def _messages_of(raw: Any, where: str, tier: str | None) -> list[Message]:
    if not isinstance(raw, dict):
        raise _invalid(where, "a message must be an object with role and content")
    role = raw.get("role")
    content = raw.get("content")
    if role not in ("user", "assistant", "system"):
        raise _invalid(f"{where}.role", f"must be 'user' or 'assistant', not {role!r}")
    if isinstance(content, str):
        return [Message(role=role, content=content)]
    if not isinstance(content, list):
        raise _invalid(f"{where}.content", "must be a string or a list of content blocks")
    if role == "system":
        return [
            Message(
                role="system",
                content="\n\n".join(_text_of_block(b, f"{where}.content.{i}", tier) for i, b in enumerate(content)),
            )
        ]
    if role == "assistant":
        return [_assistant_message(content, where, tier)]
    return _user_messages(content, where, tier)


def _assistant_message(content: list[Any], where: str, tier: str | None) -> Message:
    texts: list[str] = []
    calls: list[ToolCall] = []
    for index, block in enumerate(content):
        at = f"{where}.content.{index}"
        if not isinstance(block, dict):
            raise _invalid(at, "a content block must be an object")
        kind = block.get("type")
        if kind == "text":
            texts.append(_text_of_block(block, at, tier))
        elif kind == "tool_use":
            name = block.get("name")
            if not isinstance(name, str) or not name:
                raise _invalid(f"{at}.name", "a tool_use block needs a name")
            arguments = block.get("input")
            if arguments is None:
                arguments = {}
            if not isinstance(arguments, dict):
                raise _invalid(f"{at}.input", "must be an object")
            calls.append(ToolCall(id=str(block.get("id") or ""), name=name, arguments=arguments))
        elif kind in ("thinking", "redacted_thinking"):
            continue  # only meaningful to the model that wrote it (see the module docstring)
        else:
            texts.append(_text_of_block(block, at, tier))  # a placeholder, or the 400
    return Message(role="assistant", content="".join(texts), tool_calls=calls)


def _user_messages(content: list[Any], where: str, tier: str | None) -> list[Message]:
    """A user turn's blocks in order: tool results become tool messages, runs of text one user
    message each (so a result's place relative to the user's words is kept)."""
    out: list[Message] = []
    texts: list[str] = []

    def flush() -> None:
        if texts:
            out.append(Message(role="user", content="\n".join(texts)))
            texts.clear()

    for index, block in enumerate(content):
        at = f"{where}.content.{index}"
        if isinstance(block, dict) and block.get("type") == "tool_result":
            flush()
            out.append(_tool_result(block, at, tier))
        else:
            texts.append(_text_of_block(block, at, tier))
    flush()
    return out


def _tool_result(block: dict[str, Any], where: str, tier: str | None) -> Message:
    tool_use_id = block.get("tool_use_id")
    if not isinstance(tool_use_id, str) or not tool_use_id:
        raise _invalid(f"{where}.tool_use_id", "a tool_result needs the id of its tool_use")
    content = block.get("content")
    if content is None:
        text = ""
    elif isinstance(content, str):
        text = content
    elif isinstance(content, list):
        text = "\n".join(_text_of_block(b, f"{where}.content.{i}", tier) for i, b in enumerate(content))
    else:
        raise _invalid(f"{where}.content", "must be a string or a list of text blocks")
    if block.get("is_error"):
        text = f"Error: {text}"
    return Message(role="tool", content=text, tool_call_id=tool_use_id)


def _tools(raw: Any, tier: str | None) -> list[ToolSpec]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise _invalid("tools", "must be a list of tools")
    tools: list[ToolSpec] = []
    for index, tool in enumerate(raw):
        at = f"tools.{index}"
        if not isinstance(tool, dict):
            raise _invalid(at, "a tool must be an object")
        kind = tool.get("type")
        name = tool.get("name")
        if kind not in (None, "custom"):
            if tier is None:
                continue
            raise _invalid(
                at,
                f"tool type {kind!r} ({name}) is defined and run by Anthropic's API; tier {tier!r} "
                "cannot run it. Offer a custom tool with an input_schema, or route this model to an Anthropic tier",
            )
        if not isinstance(name, str) or not name:
            raise _invalid(f"{at}.name", "a tool needs a name")
        schema = tool.get("input_schema")
        if not isinstance(schema, dict):
            raise _invalid(f"{at}.input_schema", "a custom tool needs an input_schema object")
        description = tool.get("description") or ""
        if not isinstance(description, str):
            raise _invalid(f"{at}.description", "must be a string")
        tools.append(ToolSpec(name=name, description=description, parameters=schema))
    return tools


def _output_schema(body: dict[str, Any]) -> dict[str, Any] | None:
    """Structured outputs: ``output_config.format`` (current) or ``output_format`` (the beta's)."""
    for where, holder, key in (
        ("output_config.format", body.get("output_config"), "format"),
        ("output_format", body, "output_format"),
    ):
        if not isinstance(holder, dict):
            continue
        fmt = holder.get(key)
        if fmt is None:
            continue
        if not isinstance(fmt, dict) or fmt.get("type") != "json_schema" or not isinstance(fmt.get("schema"), dict):
            raise _invalid(where, 'must be {"type": "json_schema", "schema": {…}}')
        return dict(fmt["schema"])
    return None


def _apply_tool_choice(
    choice: Any, tools: list[ToolSpec], json_schema: dict[str, Any] | None
) -> tuple[ForcedTool | None, list[ToolSpec], dict[str, Any] | None]:
    if choice is None:
        return None, tools, json_schema
    if not isinstance(choice, dict):
        raise _invalid("tool_choice", "must be an object with a type")
    kind = choice.get("type")
    if kind == "auto":
        return None, tools, json_schema
    if kind == "none":
        return None, [], json_schema
    if kind not in ("any", "tool"):
        raise _invalid("tool_choice.type", f"must be auto, any, tool or none, not {kind!r}")
    if not tools:
        raise _invalid("tool_choice", f"tool_choice {kind!r} needs tools")
    if json_schema is not None:
        raise _invalid("tool_choice", "a forced tool call and an output format cannot be combined")
    if kind == "tool":
        name = choice.get("name")
        chosen = [t for t in tools if t.name == name]
        if not chosen:
            raise _invalid("tool_choice.name", f"no tool named {name!r} is offered")
        return ForcedTool(name=chosen[0].name), [], chosen[0].parameters
    if len(tools) == 1:
        return ForcedTool(name=tools[0].name), [], tools[0].parameters
    schema = {
        "anyOf": [
            {
                "type": "object",
                "properties": {CALL_NAME: {"const": tool.name}, CALL_INPUT: tool.parameters},
                "required": [CALL_NAME, CALL_INPUT],
            }
            for tool in tools
        ]
    }
    return ForcedTool(name=None, names=tuple(t.name for t in tools)), [], schema


# ── response: ChatResponse → Message ─────────────────────────────────────────────────────────────

STOP_REASONS: dict[str, str] = {
    "stop": "end_turn",
    "length": "max_tokens",
    "tool_calls": "tool_use",
    "content_filter": "refusal",
}
_TOOL_ID = re.compile(r"^[A-Za-z0-9_-]+$")


def new_message_id() -> str:
    return "msg_" + secrets.token_hex(12)


def stop_reason_for(finish: FinishReason | str, *, stop_sequence: str | None = None) -> str:
    """agentrunner's finish reason → Anthropic's ``stop_reason`` (``stop_sequence`` when the tier
    said which sequence ended the answer; llama.cpp and OpenAI-compatible servers do not, so a
    stop there reads ``end_turn``)."""
    if stop_sequence:
        return "stop_sequence"
    return STOP_REASONS.get(finish, "end_turn")


def anthropic_usage(usage: Usage) -> dict[str, int]:
    """Usage in Anthropic's terms: ``input_tokens`` excludes cache reads and writes."""
    input_tokens = usage.input_tokens or 0
    if usage.input_includes_cache:
        input_tokens = max(0, input_tokens - usage.cache_read_tokens - usage.cache_write_tokens)
    return {
        "input_tokens": input_tokens,
        "output_tokens": usage.output_tokens or 0,
        "cache_creation_input_tokens": usage.cache_write_tokens,
        "cache_read_input_tokens": usage.cache_read_tokens,
    }


def tool_use_id(call: ToolCall, salt: str, index: int) -> str:
    """A ``toolu_`` id unique within the conversation. Local tiers number their calls ``call_0``
    in every answer; a client that keys results by id (Claude Code) needs them unique, and the
    ledger call id (``salt``) makes them so."""
    if call.id.startswith("toolu_") and _TOOL_ID.match(call.id):
        return call.id
    return f"toolu_{salt}_{index}" if salt else f"toolu_{secrets.token_hex(12)}"


@dataclass
class AnswerBlocks:
    """What a ChatResponse says in Messages terms: text, tool calls and the stop reason."""

    text: str
    calls: list[ToolCall]
    stop_reason: str
    stop_sequence: str | None = None


def answer_blocks(
    response: ChatResponse, forced: ForcedTool | None = None, *, stop_sequence: str | None = None
) -> AnswerBlocks:
    """Read the answer, turning a forced tool call's JSON text back into the ``tool_use`` it stands
    for. An answer that is not the expected JSON (cut off by max_tokens) stays text."""
    stop_reason = stop_reason_for(response.finish_reason, stop_sequence=stop_sequence)
    if forced is None:
        return AnswerBlocks(response.text, list(response.tool_calls), stop_reason, stop_sequence)
    try:
        data = json.loads(response.text)
    except json.JSONDecodeError:
        return AnswerBlocks(response.text, [], stop_reason, stop_sequence)
    if forced.name is not None and isinstance(data, dict):
        return AnswerBlocks("", [ToolCall(name=forced.name, arguments=data)], "tool_use")
    if isinstance(data, dict) and data.get(CALL_NAME) in forced.names and isinstance(data.get(CALL_INPUT), dict):
        return AnswerBlocks("", [ToolCall(name=str(data[CALL_NAME]), arguments=data[CALL_INPUT])], "tool_use")
    return AnswerBlocks(response.text, [], stop_reason, stop_sequence)


def to_anthropic_message(
    response: ChatResponse,
    *,
    model: str,
    forced: ForcedTool | None = None,
    message_id: str | None = None,
    stop_sequence: str | None = None,
) -> dict[str, Any]:
    """A complete Messages response body for a ChatResponse."""
    answer = answer_blocks(response, forced, stop_sequence=stop_sequence)
    salt = response.call_id or secrets.token_hex(8)
    content: list[dict[str, Any]] = []
    if answer.text:
        content.append({"type": "text", "text": answer.text})
    for index, call in enumerate(answer.calls):
        content.append(
            {"type": "tool_use", "id": tool_use_id(call, salt, index), "name": call.name, "input": call.arguments}
        )
    return {
        "id": message_id or new_message_id(),
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": answer.stop_reason,
        "stop_sequence": answer.stop_sequence,
        "usage": anthropic_usage(response.usage),
    }


# ── streaming: the SSE events ──────────────────────────────────────────────────────────────────


def sse_event(event: str, data: Mapping[str, Any]) -> bytes:
    """One server-sent event as Anthropic writes them: ``event:`` line, one ``data:`` JSON line."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False, separators=(',', ':'))}\n\n".encode()


def sse_error(status: int, message: str, *, error_type: str | None = None) -> bytes:
    """An ``error`` event: how a stream that already started (HTTP 200 sent) reports a failure;
    the SDKs raise it as the API error of that type."""
    return sse_event("error", error_body(status, message, error_type=error_type))


class MessageStreamEncoder:
    """Builds a Messages SSE stream piece by piece: ``start()`` first, then text, thinking and tool
    call pieces in the order they arrive (a block is opened and closed around each run of one kind),
    then ``finish()``. Each method returns the bytes to send (possibly empty)."""

    def __init__(self, *, model: str, message_id: str | None = None, input_tokens: int = 0, salt: str = "") -> None:
        self.model = model
        self.message_id = message_id or new_message_id()
        self.input_tokens = input_tokens
        self.salt = salt or secrets.token_hex(8)
        self._index = -1
        self._open: str | None = None  # the type of the open block
        self._tools = 0
        self.started = False
        self.finished = False

    def start(self) -> bytes:
        self.started = True
        message: dict[str, Any] = {
            "id": self.message_id,
            "type": "message",
            "role": "assistant",
            "model": self.model,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {
                "input_tokens": self.input_tokens,
                "output_tokens": 0,
                "cache_creation_input_tokens": 0,
                "cache_read_input_tokens": 0,
            },
        }
        return sse_event("message_start", {"type": "message_start", "message": message}) + self.ping()

    @staticmethod
    def ping() -> bytes:
        return sse_event("ping", {"type": "ping"})

    def _close(self) -> bytes:
        if self._open is None:
            return b""
        self._open = None
        return sse_event("content_block_stop", {"type": "content_block_stop", "index": self._index})

    def _open_block(self, kind: str, block: dict[str, Any]) -> bytes:
        out = self._close()
        self._index += 1
        self._open = kind
        return out + sse_event(
            "content_block_start", {"type": "content_block_start", "index": self._index, "content_block": block}
        )

    def _delta(self, delta: dict[str, Any]) -> bytes:
        return sse_event("content_block_delta", {"type": "content_block_delta", "index": self._index, "delta": delta})

    def text(self, chunk: str) -> bytes:
        if not chunk:
            return b""
        out = b"" if self._open == "text" else self._open_block("text", {"type": "text", "text": ""})
        return out + self._delta({"type": "text_delta", "text": chunk})

    def thinking(self, chunk: str) -> bytes:
        if not chunk:
            return b""
        out = (
            b""
            if self._open == "thinking"
            else self._open_block("thinking", {"type": "thinking", "thinking": "", "signature": ""})
        )
        return out + self._delta({"type": "thinking_delta", "thinking": chunk})

    def tool_call(self, name: str, call_id: str = "") -> bytes:
        """Open a ``tool_use`` block; its input follows as :meth:`tool_arguments` pieces."""
        ident = tool_use_id(ToolCall(id=call_id, name=name), self.salt, self._tools)
        self._tools += 1
        return self._open_block("tool_use", {"type": "tool_use", "id": ident, "name": name, "input": {}})

    def tool_arguments(self, partial_json: str) -> bytes:
        if self._open != "tool_use" or not partial_json:
            return b""
        return self._delta({"type": "input_json_delta", "partial_json": partial_json})

    def finish(self, stop_reason: str, usage: Usage | None = None, *, stop_sequence: str | None = None) -> bytes:
        self.finished = True
        counts = anthropic_usage(usage or Usage(input_tokens=self.input_tokens, output_tokens=0))
        return (
            self._close()
            + sse_event(
                "message_delta",
                {
                    "type": "message_delta",
                    "delta": {"stop_reason": stop_reason, "stop_sequence": stop_sequence},
                    "usage": counts,
                },
            )
            + sse_event("message_stop", {"type": "message_stop"})
        )

    def error(self, status: int, message: str, *, error_type: str | None = None) -> bytes:
        self.finished = True
        return self._close() + sse_error(status, message, error_type=error_type)


#: The size of the text pieces a complete answer is streamed in (an answer that arrives whole, e.g.
#: a forced tool call or tool calls read from the text, is still a stream of deltas).
STREAM_PIECE = 64


def stream_response(
    response: ChatResponse,
    *,
    model: str,
    forced: ForcedTool | None = None,
    message_id: str | None = None,
    started: MessageStreamEncoder | None = None,
) -> Iterator[bytes]:
    """The whole SSE event sequence for an answer that is complete already. ``started`` is an
    encoder whose ``start()`` was sent (pings while the tier worked): the events continue it."""
    encoder = started or MessageStreamEncoder(model=model, message_id=message_id, salt=response.call_id or "")
    if started is None:
        yield encoder.start()
    answer = answer_blocks(response, forced)
    for piece in _pieces(answer.text):
        yield encoder.text(piece)
    for call in answer.calls:
        yield encoder.tool_call(call.name, call.id)
        yield encoder.tool_arguments(json.dumps(call.arguments, ensure_ascii=False))
    yield encoder.finish(answer.stop_reason, response.usage, stop_sequence=answer.stop_sequence)


def _pieces(text: str) -> Iterable[str]:
    return (text[i : i + STREAM_PIECE] for i in range(0, len(text), STREAM_PIECE))


# ── passthrough: usage and answer from an upstream Anthropic response ────────────────────────────


def usage_from_json(usage: Any) -> Usage:
    """A Messages ``usage`` object (a dict) → ledger usage (input excludes cache: Anthropic's way)."""
    if not isinstance(usage, dict):
        return Usage(input_includes_cache=False)
    details = usage.get("output_tokens_details")
    thinking = details.get("thinking_tokens") if isinstance(details, dict) else None
    return Usage(
        input_tokens=_int_or_none(usage.get("input_tokens")),
        output_tokens=_int_or_none(usage.get("output_tokens")),
        cache_read_tokens=_int_or_none(usage.get("cache_read_input_tokens")) or 0,
        cache_write_tokens=_int_or_none(usage.get("cache_creation_input_tokens")) or 0,
        reasoning_tokens=_int_or_none(thinking) or 0,
        input_includes_cache=False,
    )


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


_FINISH: dict[str, FinishReason] = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "pause_turn": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "tool_calls",
    "refusal": "content_filter",
}


def response_from_message(message: Any) -> ChatResponse:
    """A Messages response body (a dict) → ChatResponse for the ledger row: text blocks joined,
    tool_use blocks as tool calls, thinking left out of the text, usage with cache tokens."""
    if not isinstance(message, dict):
        return ChatResponse(finish_reason="unknown", usage=Usage(input_includes_cache=False))
    texts: list[str] = []
    calls: list[ToolCall] = []
    for block in message.get("content") or []:
        if not isinstance(block, dict):
            continue
        if block.get("type") == "text":
            texts.append(str(block.get("text") or ""))
        elif block.get("type") == "tool_use":
            arguments = block.get("input")
            calls.append(
                ToolCall(
                    id=str(block.get("id") or ""),
                    name=str(block.get("name") or ""),
                    arguments=arguments if isinstance(arguments, dict) else {},
                )
            )
    return ChatResponse(
        text="".join(texts),
        tool_calls=calls,
        usage=usage_from_json(message.get("usage")),
        finish_reason=_FINISH.get(str(message.get("stop_reason") or ""), "unknown"),
        resolved_model=message.get("model") if isinstance(message.get("model"), str) else None,
    )


class UpstreamStreamReader:
    """Reads an upstream Messages SSE stream as it is relayed byte for byte, so the ledger row gets
    the answer and its usage: ``feed(chunk)`` with every chunk (split anywhere), then
    ``response()``. ``complete`` says whether ``message_stop`` arrived (a cut stream is still
    recorded, with the usage seen so far); ``error`` holds an ``error`` event's body."""

    def __init__(self) -> None:
        self._buffer = b""
        self._message: dict[str, Any] | None = None
        self._blocks: dict[int, dict[str, Any]] = {}
        self._json: dict[int, str] = {}
        self.complete = False
        self.error: dict[str, Any] | None = None

    def feed(self, chunk: bytes) -> None:
        self._buffer += chunk
        while True:
            cut = _event_end(self._buffer)
            if cut is None:
                return
            raw, self._buffer = self._buffer[: cut[0]], self._buffer[cut[1] :]
            self._event(raw)

    def _event(self, raw: bytes) -> None:
        event = ""
        data: list[str] = []
        for line in raw.decode("utf-8", errors="replace").splitlines():
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].removeprefix(" "))
        if not data:
            return
        try:
            payload = json.loads("\n".join(data))
        except json.JSONDecodeError:
            return
        if not isinstance(payload, dict):
            return
        kind = payload.get("type") or event
        if kind == "message_start" and isinstance(payload.get("message"), dict):
            self._message = dict(payload["message"])
            self._message["usage"] = dict(self._message.get("usage") or {})
        elif kind == "content_block_start" and isinstance(payload.get("content_block"), dict):
            self._blocks[int(payload.get("index") or 0)] = dict(payload["content_block"])
        elif kind == "content_block_delta":
            self._delta(int(payload.get("index") or 0), payload.get("delta") or {})
        elif kind == "message_delta" and self._message is not None:
            delta = payload.get("delta") or {}
            if isinstance(delta, dict):
                self._message["stop_reason"] = delta.get("stop_reason")
                self._message["stop_sequence"] = delta.get("stop_sequence")
            usage = payload.get("usage")
            if isinstance(usage, dict):
                # message_delta counts are cumulative totals: they replace, absent ones keep the start's
                self._message["usage"].update({k: v for k, v in usage.items() if v is not None})
        elif kind == "message_stop":
            self.complete = True
        elif kind == "error":
            self.error = payload

    def _delta(self, index: int, delta: Any) -> None:
        block = self._blocks.get(index)
        if block is None or not isinstance(delta, dict):
            return
        if delta.get("type") == "text_delta":
            block["text"] = str(block.get("text") or "") + str(delta.get("text") or "")
        elif delta.get("type") == "input_json_delta":
            self._json[index] = self._json.get(index, "") + str(delta.get("partial_json") or "")
        elif delta.get("type") == "thinking_delta":
            block["thinking"] = str(block.get("thinking") or "") + str(delta.get("thinking") or "")

    def message(self) -> dict[str, Any] | None:
        """The message as accumulated so far (None before ``message_start``)."""
        if self._message is None:
            return None
        message = dict(self._message)
        content = []
        for index in sorted(self._blocks):
            block = dict(self._blocks[index])
            if index in self._json:
                try:
                    block["input"] = json.loads(self._json[index])
                except json.JSONDecodeError:
                    block["input"] = {}
            content.append(block)
        message["content"] = content
        return message

    def response(self) -> ChatResponse:
        return response_from_message(self.message())


def _event_end(buffer: bytes) -> tuple[int, int] | None:
    """Where the first complete event ends in ``buffer``: (end of its text, start of the rest)."""
    best: tuple[int, int] | None = None
    for separator in (b"\n\n", b"\r\n\r\n", b"\r\r"):
        at = buffer.find(separator)
        if at != -1 and (best is None or at < best[0]):
            best = (at, at + len(separator))
    return best


# ── count_tokens ───────────────────────────────────────────────────────────────────────────────


def count_tokens_body(request: ChatRequest) -> dict[str, int]:
    """``/v1/messages/count_tokens`` for a translated tier: agentrunner's estimate (≈3.5
    characters a token), the number routing and budgets use for this request too."""
    return {"input_tokens": request.estimated_prompt_tokens()}
