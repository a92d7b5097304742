"""The request and response types every provider speaks.

One :class:`ChatRequest` goes in, one :class:`ChatResponse` comes out, whatever the provider.
``request_hash`` is the identity of a request for replay caching and resume-without-paying-twice:
the canonical JSON of everything but the model.
"""

from __future__ import annotations

import hashlib
import json
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

    def request_hash(self) -> str:
        blob = json.dumps(self.canonical(), sort_keys=True, separators=(",", ":"))
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
