"""The request and response types every provider speaks.

One :class:`ChatRequest` goes in, one :class:`ChatResponse` comes out, whatever the provider.
``request_hash`` is the identity of a request for replay caching and resume-without-paying-twice:
the canonical JSON of everything but the model.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["system", "user", "assistant", "tool"]


class ToolCall(BaseModel):
    id: str = ""
    name: str
    arguments: dict[str, Any] = Field(default_factory=dict)


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role
    content: str = ""
    tool_calls: list[ToolCall] = Field(default_factory=list)
    tool_call_id: str | None = None
    name: str | None = None


class ToolSpec(BaseModel):
    """A tool the model may call: a name, a description and a JSON schema for its arguments."""

    name: str
    description: str = ""
    parameters: dict[str, Any] = Field(default_factory=lambda: {"type": "object", "properties": {}})


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    messages: list[Message]
    tools: list[ToolSpec] = Field(default_factory=list)
    json_schema: dict[str, Any] | None = None
    max_tokens: int | None = None
    temperature: float | None = None
    stop: list[str] = Field(default_factory=list)
    seed: int | None = None

    @property
    def system(self) -> str:
        return "\n\n".join(m.content for m in self.messages if m.role == "system")

    def canonical(self) -> dict[str, Any]:
        """Everything that decides the answer except the model: what request_hash covers."""
        return self.model_dump(mode="json", exclude_defaults=False)

    def request_hash(self, canonical: dict[str, Any] | None = None) -> str:
        """``canonical``: this request's :meth:`canonical` when the caller has it already (the
        gateway also stores it as request_json: one model_dump per call, not two)."""
        blob = json.dumps(self.canonical() if canonical is None else canonical, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def prompt_chars(self) -> int:
        return sum(len(m.content) for m in self.messages) + len(
            json.dumps([t.model_dump() for t in self.tools])
        )

    def estimated_prompt_tokens(self) -> int:
        """A cheap upper-ish estimate (≈3.5 characters per token) for budgets and context checks."""
        return int(self.prompt_chars() / 3.5) + 8 * len(self.messages) + 16


class Usage(BaseModel):
    """Token counts as the provider reported them.

    ``input_includes_cache`` says whether ``input_tokens`` already counts cache reads/writes
    (OpenAI, Gemini, Codex: yes; Anthropic: no). Pricing needs to know.
    """

    input_tokens: int | None = None
    output_tokens: int | None = None
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    reasoning_tokens: int = 0
    input_includes_cache: bool = True


FinishReason = Literal["stop", "length", "tool_calls", "content_filter", "error", "unknown"]


class ChatResponse(BaseModel):
    text: str = ""
    tool_calls: list[ToolCall] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    finish_reason: FinishReason = "unknown"
    resolved_model: str | None = None
    latency_ms: float = 0.0
    raw: dict[str, Any] | None = None
    # Filled by the gateway once the call is in the ledger.
    call_id: str | None = None
    cost_usd: float | None = None
    tier: str | None = None
    reused: bool = False

    def parsed_json(self) -> Any:
        """The text as JSON (for requests with a json_schema). Raises ValueError if it is not."""
        return json.loads(self.text)


# ── Streaming ─────────────────────────────────────────────────────────────────────────────────────
# A provider's ``stream()`` yields ChatDeltas; the gateway forwards them and folds them into a
# ChatResponse (StreamAccumulator) for the ledger row. Dataclasses with slots, not pydantic: one is
# made per token, and they are never validated from outside.


@dataclass(frozen=True, slots=True)
class ToolCallDelta:
    """A piece of one tool call: ``id`` and ``name`` come with its first piece, ``arguments`` is a
    fragment of the JSON text of its arguments (the fragments of one ``index`` concatenate)."""

    index: int
    id: str | None = None
    name: str | None = None
    arguments: str = ""


@dataclass(frozen=True, slots=True)
class ChatDelta:
    """One event of a streamed answer. Usually one field is set: a text fragment, a tool-call
    piece, the usage (at the end, or when the provider reports it), or the finish reason (last)."""

    text: str = ""
    tool_call: ToolCallDelta | None = None
    usage: Usage | None = None
    finish_reason: FinishReason | None = None
    resolved_model: str | None = None


def deltas_from_response(response: ChatResponse) -> list[ChatDelta]:
    """A complete answer as the deltas of a stream (providers that cannot stream a request, e.g.
    tool calls a model writes as text: they are only known once the text is complete)."""
    deltas: list[ChatDelta] = []
    if response.text:
        deltas.append(ChatDelta(text=response.text, resolved_model=response.resolved_model))
    for index, call in enumerate(response.tool_calls):
        deltas.append(
            ChatDelta(
                tool_call=ToolCallDelta(
                    index=index,
                    id=call.id or f"call_{index}",
                    name=call.name,
                    arguments=json.dumps(call.arguments, ensure_ascii=False),
                )
            )
        )
    deltas.append(ChatDelta(usage=response.usage, resolved_model=response.resolved_model))
    deltas.append(ChatDelta(finish_reason=response.finish_reason))
    return deltas


class StreamAccumulator:
    """Folds deltas into the ChatResponse they add up to (for the ledger row, and for a stream
    cut short: what arrived so far)."""

    def __init__(self) -> None:
        self._text: list[str] = []
        self._calls: dict[int, list[str]] = {}
        self._call_heads: dict[int, tuple[str, str]] = {}
        self.usage: Usage | None = None
        self.finish_reason: FinishReason | None = None
        self.resolved_model: str | None = None
        self.deltas = 0
        self.content_deltas = 0  # text and tool-call pieces: about one token each in token streams

    def add(self, delta: ChatDelta) -> None:
        self.deltas += 1
        if delta.text or delta.tool_call is not None:
            self.content_deltas += 1
        if delta.text:
            self._text.append(delta.text)
        if delta.tool_call is not None:
            piece = delta.tool_call
            head_id, head_name = self._call_heads.get(piece.index, ("", ""))
            self._call_heads[piece.index] = (piece.id or head_id, piece.name or head_name)
            self._calls.setdefault(piece.index, []).append(piece.arguments)
        if delta.usage is not None:
            self.usage = delta.usage
        if delta.finish_reason is not None:
            self.finish_reason = delta.finish_reason
        if delta.resolved_model:
            self.resolved_model = delta.resolved_model

    @property
    def text(self) -> str:
        return "".join(self._text)

    def tool_calls(self) -> list[ToolCall]:
        calls: list[ToolCall] = []
        for index in sorted(self._calls):
            call_id, name = self._call_heads[index]
            raw = "".join(self._calls[index])
            try:
                arguments = json.loads(raw or "{}")
            except ValueError:
                arguments = {"_raw": raw}  # cut off mid-arguments, or a model's invalid JSON: kept visible
            if not isinstance(arguments, dict):
                arguments = {"_value": arguments}
            calls.append(ToolCall(id=call_id or f"call_{index}", name=name, arguments=arguments))
        return calls

    def response(self, *, latency_ms: float = 0.0) -> ChatResponse:
        calls = self.tool_calls()
        finish: FinishReason = self.finish_reason or "unknown"
        if calls and finish in ("stop", "unknown") and self.finish_reason is not None:
            finish = "tool_calls"
        return ChatResponse(
            text=self.text,
            tool_calls=calls,
            usage=self.usage or Usage(),
            finish_reason=finish,
            resolved_model=self.resolved_model,
            latency_ms=latency_ms,
        )
