"""Anthropic's Messages API through the official ``anthropic`` SDK.

- System messages become the top-level ``system``; with ``prompt_cache = true`` on the tier it is
  sent as one text block marked ``cache_control: {"type": "ephemeral"}`` so repeated calls with the
  same system prompt read it from Anthropic's cache.
- Tools: ``ToolSpec`` → ``{"name", "description", "input_schema"}``; ``tool_use`` blocks → ``ToolCall``;
  assistant tool calls go back as ``tool_use`` blocks and ``tool`` messages as user ``tool_result``
  blocks (consecutive results merged into one user turn, as the API requires).
- JSON schema: the Messages API of older SDKs has no response_format, so the schema rides on a
  forced tool (``tool_choice = {"type": "tool", "name": "json_response"}``) and the tool's input is
  returned as the JSON text. A schema that is not an object is wrapped in ``{"value": …}`` (tool
  inputs must be objects) and unwrapped again.

Mapping into the ledger: ``input_tokens`` → input_tokens, which does NOT include cache reads or
writes (``input_includes_cache = False``; pricing adds them back for genai-prices),
``cache_read_input_tokens`` → cache_read_tokens, ``cache_creation_input_tokens`` →
cache_write_tokens, ``output_tokens`` → output_tokens, ``output_tokens_details.thinking_tokens``
(when sent) → reasoning_tokens, ``model`` → resolved_model.

The SDK's own retries are off (``max_retries=0``): the gateway retries, so every attempt is a
ledger row. ``base_url`` on the tier points the SDK at another Messages-compatible endpoint.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import anthropic

from ..chat import (
    ChatDelta,
    ChatRequest,
    ChatResponse,
    FinishReason,
    Message,
    ToolCall,
    ToolCallDelta,
    ToolSpec,
    Usage,
)
from ..config import TierConfig
from ..errors import (
    ProviderResponseError,
    ProviderServerError,
    ProviderUnavailable,
)
from .base import Availability, Provider, sdk_errors, stream_transport_errors

DEFAULT_KEY_ENV = "ANTHROPIC_API_KEY"
JSON_TOOL = "json_response"
_WRAP_KEY = "value"

_FINISH: dict[str, FinishReason] = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "pause_turn": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "tool_calls",
    "refusal": "content_filter",
}


def anthropic_messages(messages: list[Message]) -> list[dict[str, Any]]:
    """Non-system messages as Messages-API turns. Consecutive turns of the same role are merged
    (the API wants user/assistant alternation, and parallel tool results in one user turn)."""
    turns: list[dict[str, Any]] = []
    for message in messages:
        if message.role == "system":
            continue
        blocks: list[dict[str, Any]]
        if message.role == "tool":
            role = "user"
            blocks = [{"type": "tool_result", "tool_use_id": message.tool_call_id or "", "content": message.content}]
        elif message.role == "assistant":
            role = "assistant"
            blocks = [{"type": "text", "text": message.content}] if message.content else []
            blocks += [
                {"type": "tool_use", "id": call.id or f"toolu_{index}", "name": call.name, "input": call.arguments}
                for index, call in enumerate(message.tool_calls)
            ]
        else:
            role = "user"
            blocks = [{"type": "text", "text": message.content}]
        if not blocks:
            continue
        if turns and turns[-1]["role"] == role:
            turns[-1]["content"].extend(blocks)
        else:
            turns.append({"role": role, "content": blocks})
    return turns


def anthropic_tools(tools: list[ToolSpec]) -> list[dict[str, Any]]:
    return [{"name": tool.name, "description": tool.description, "input_schema": tool.parameters} for tool in tools]


def _is_object_schema(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "object" or ("properties" in schema and "type" not in schema)


class AnthropicProvider(Provider):
    name = "anthropic"

    def __init__(self, tier_name: str, tier: TierConfig, base_dir: Path, *, http_client: Any | None = None) -> None:
        """``http_client`` (an ``httpx``-compatible client the SDK accepts, e.g. one over a mock
        transport in tests, or through a proxy) is passed to the SDK; by default it builds its own."""
        super().__init__(tier_name, tier, base_dir)
        self._http_client = http_client
        self._client: anthropic.Anthropic | None = None

    @property
    def key_env(self) -> str:
        return self.tier.api_key_env or DEFAULT_KEY_ENV

    def api_key(self) -> str:
        key = os.environ.get(self.key_env, "")
        if not key:
            raise ProviderUnavailable(f"{self.key_env} is not set", tier=self.tier_name)
        return key

    def client(self) -> anthropic.Anthropic:
        if self._client is None:
            self._client = anthropic.Anthropic(
                api_key=self.api_key(),
                base_url=self.tier.base_url,
                timeout=anthropic.Timeout(self.tier.timeout, connect=self.tier.connect_timeout),
                max_retries=0,  # the gateway retries: every attempt is a ledger row
                http_client=self._http_client,
            )
        return self._client

    def close(self) -> None:
        if self._client is not None and self._http_client is None:
            self._client.close()
        self._client = None

    def check_available(self) -> Availability:
        """A set key is all that is checked: probing api.anthropic.com on every run would cost
        a round trip for an API that is nearly always up; real outages surface as retried
        connection/server errors on the call itself."""
        if not os.environ.get(self.key_env):
            return Availability(False, f"{self.key_env} is not set")
        return Availability(True)

    # ── one call ──────────────────────────────────────────────────────────────────────────────
    def build_params(self, request: ChatRequest) -> tuple[dict[str, Any], bool]:
        """The ``messages.create`` keyword arguments, and whether the schema was wrapped."""
        params: dict[str, Any] = {
            "model": self.tier.model,
            "max_tokens": request.max_tokens or self.tier.max_tokens,
            "messages": anthropic_messages(request.messages),
        }
        system = request.system
        if system:
            if self.tier.prompt_cache:
                params["system"] = [{"type": "text", "text": system, "cache_control": {"type": "ephemeral"}}]
            else:
                params["system"] = system
        if request.stop:
            params["stop_sequences"] = request.stop
        tools = anthropic_tools(request.tools)
        wrapped = False
        if request.json_schema is not None:
            schema = request.json_schema
            if not _is_object_schema(schema):
                schema = {"type": "object", "properties": {_WRAP_KEY: schema}, "required": [_WRAP_KEY]}
                wrapped = True
            tools.append(
                {
                    "name": JSON_TOOL,
                    "description": "Give the answer as JSON matching this schema.",
                    "input_schema": schema,
                }
            )
            # With other tools too the model may still call those; with none, the answer is forced.
            params["tool_choice"] = {"type": "any"} if request.tools else {"type": "tool", "name": JSON_TOOL}
        if tools:
            params["tools"] = tools
        extra: dict[str, Any] = dict(self.tier.options)
        # Only sent when asked for: newer models reject sampling parameters they do not support.
        if request.temperature is not None:
            extra["temperature"] = request.temperature
        elif "temperature" in self.tier.model_fields_set:
            extra["temperature"] = self.tier.temperature
        if extra:
            params["extra_body"] = extra
        return params, wrapped

    def complete(self, request: ChatRequest) -> ChatResponse:
        params, wrapped = self.build_params(request)
        started = time.perf_counter()
        where = self._where()
        with sdk_errors(anthropic, tier=self.tier_name, where=where, timeout=self.tier.timeout, key_env=self.key_env):
            message = self.client().messages.create(**params)
        latency_ms = (time.perf_counter() - started) * 1000
        return self._response(message, latency_ms, json_mode=request.json_schema is not None, wrapped=wrapped)

    def stream(self, request: ChatRequest) -> Iterator[ChatDelta]:
        """A real stream of Messages events. A request with a JSON schema is answered whole (its
        answer is a forced tool's input, turned into text at the end)."""
        if request.json_schema is not None:
            yield from super().stream(request)
            return
        params, _ = self.build_params(request)
        params["stream"] = True
        where = self._where()
        timeout, key_env = self.tier.timeout, self.key_env
        with sdk_errors(anthropic, tier=self.tier_name, where=where, timeout=timeout, key_env=key_env):
            events = self.client().messages.create(**params)
        try:
            with (
                sdk_errors(anthropic, tier=self.tier_name, where=where, timeout=timeout, key_env=key_env),
                stream_transport_errors(self.tier_name, where, anthropic),
            ):
                stopped = yield from _event_deltas(events, self.tier.model)
                if not stopped:  # the SDK ends quietly when the connection closes early
                    raise ProviderResponseError(
                        f"the stream from {where} ended without message_stop", tier=self.tier_name
                    )
        finally:
            events.close()  # a consumer that stopped early: the upstream sees the connection close

    def _where(self) -> str:
        return self.tier.base_url or "api.anthropic.com"

    def _response(self, message: Any, latency_ms: float, *, json_mode: bool, wrapped: bool) -> ChatResponse:
        content = getattr(message, "content", None)
        if not isinstance(content, list):
            raise ProviderResponseError("malformed response body: no content blocks", tier=self.tier_name)
        texts: list[str] = []
        tool_calls: list[ToolCall] = []
        json_answer: Any = None
        answered_json = False  # a schema may allow null, so None alone cannot tell
        for block in content:
            kind = getattr(block, "type", None)
            if kind == "text":
                texts.append(getattr(block, "text", "") or "")
            elif kind == "tool_use":
                arguments = getattr(block, "input", None)
                if not isinstance(arguments, dict):
                    arguments = {}
                if json_mode and block.name == JSON_TOOL:
                    json_answer = arguments.get(_WRAP_KEY) if wrapped else arguments
                    answered_json = True
                else:
                    tool_calls.append(ToolCall(id=block.id or "", name=block.name or "", arguments=arguments))
        finish: FinishReason = _FINISH.get(getattr(message, "stop_reason", None) or "", "unknown")
        if answered_json:
            text = json.dumps(json_answer, ensure_ascii=False)
            finish = "stop" if finish == "tool_calls" else finish
        else:
            text = "".join(texts)
        return ChatResponse(
            text=text,
            tool_calls=tool_calls,
            usage=usage_from_anthropic(getattr(message, "usage", None)),
            finish_reason=finish,
            resolved_model=getattr(message, "model", None) or self.tier.model,
            latency_ms=latency_ms,
        )


def _event_deltas(events: Any, model: str) -> Generator[ChatDelta, None, bool]:
    """Messages stream events → deltas: text, tool_use blocks (input JSON fragments), usage (from
    message_start, updated by message_delta), the stop reason. Thinking blocks are not deltas.
    Returns whether message_stop arrived."""
    usage = Usage(input_includes_cache=False)
    resolved = model
    tool_index: dict[int, int] = {}  # content block index → tool call number
    for event in events:
        kind = getattr(event, "type", None)
        if kind == "message_start":
            message = event.message
            resolved = getattr(message, "model", None) or model
            usage = usage_from_anthropic(getattr(message, "usage", None))
            yield ChatDelta(usage=usage, resolved_model=resolved)
        elif kind == "content_block_start":
            block = event.content_block
            if getattr(block, "type", None) == "tool_use":
                number = tool_index.setdefault(event.index, len(tool_index))
                yield ChatDelta(tool_call=ToolCallDelta(index=number, id=block.id, name=block.name))
            elif getattr(block, "type", None) == "text" and getattr(block, "text", ""):
                yield ChatDelta(text=block.text)
        elif kind == "content_block_delta":
            delta = event.delta
            delta_type = getattr(delta, "type", None)
            if delta_type == "text_delta" and delta.text:
                yield ChatDelta(text=delta.text)
            elif delta_type == "input_json_delta" and event.index in tool_index:
                yield ChatDelta(tool_call=ToolCallDelta(index=tool_index[event.index], arguments=delta.partial_json))
        elif kind == "message_delta":
            update = getattr(event, "usage", None)
            if update is not None:
                changes = {
                    "output_tokens": getattr(update, "output_tokens", None),
                    "input_tokens": getattr(update, "input_tokens", None),
                    "cache_read_tokens": getattr(update, "cache_read_input_tokens", None),
                    "cache_write_tokens": getattr(update, "cache_creation_input_tokens", None),
                }
                usage = usage.model_copy(update={k: v for k, v in changes.items() if v is not None})
                yield ChatDelta(usage=usage, resolved_model=resolved)
            stop = getattr(event.delta, "stop_reason", None)
            if stop:
                yield ChatDelta(finish_reason=_FINISH.get(stop, "unknown"))
        elif kind == "message_stop":
            return True
        elif kind == "error":
            error = getattr(event, "error", None)
            raise ProviderServerError(f"stream error event: {getattr(error, 'message', error)}")
    return False


def usage_from_anthropic(usage: Any) -> Usage:
    """Messages usage → ledger usage. Anthropic's input_tokens exclude cache reads and writes."""
    if usage is None:
        return Usage(input_includes_cache=False)
    details = getattr(usage, "output_tokens_details", None)
    return Usage(
        input_tokens=getattr(usage, "input_tokens", None),
        output_tokens=getattr(usage, "output_tokens", None),
        cache_read_tokens=getattr(usage, "cache_read_input_tokens", None) or 0,
        cache_write_tokens=getattr(usage, "cache_creation_input_tokens", None) or 0,
        reasoning_tokens=(getattr(details, "thinking_tokens", None) or 0) if details is not None else 0,
        input_includes_cache=False,
    )
