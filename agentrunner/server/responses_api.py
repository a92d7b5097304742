"""The OpenAI Responses API: ``POST /v1/responses`` (plain and streamed), what Codex CLI speaks.

Request → :class:`~agentrunner.chat.ChatRequest`, like chat completions (routing, budgets, ledger
and tiers are the same; :mod:`.openai_api` renders the errors):

- ``instructions`` → a system message; ``input`` a string (one user message) or a list of items:
  messages (``role`` user/system/developer/assistant, content a string or ``input_text`` /
  ``output_text`` parts), ``function_call`` (an assistant tool call) and ``function_call_output``
  (its result); ``reasoning`` items are dropped (no tier here can read another model's reasoning);
- ``tools``: ``function`` tools (flat: name, description, parameters), also grouped in a
  ``namespace`` (Codex); ``tool_choice: "none"`` drops them; tools the OpenAI API runs itself
  (:data:`HOSTED_TOOLS`: web search, image generation) are left out; other types (file search,
  computer use, MCP…) are refused (400);
- ``max_output_tokens``, ``temperature``, ``text.format`` (``json_schema`` / ``json_object``).
- Refused (400): ``previous_response_id`` and ``conversation`` (this gateway stores no responses:
  send the whole input, as Codex does with ``store: false``), images, files and audio.

Response: a ``response`` object with ``message`` (``output_text``) and ``function_call`` output
items, ``usage``, ``status`` ``completed`` (or ``incomplete`` with reason ``max_output_tokens``).
Streaming: the typed events (``response.created``, ``response.in_progress``,
``response.output_item.added``, ``response.content_part.added``, ``response.output_text.delta``/
``.done``, ``response.function_call_arguments.delta``/``.done``, ``response.content_part.done``,
``response.output_item.done``, ``response.completed``), each with its ``sequence_number``; an
upstream failure after the start is a ``response.failed`` event.
"""

from __future__ import annotations

import json
import time
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from ..chat import ChatDelta, ChatRequest, ChatResponse, Message, ToolCall, ToolSpec, Usage
from .app import GatewayServer, ProtocolModule
from .calls import ServedStream, served_headers
from .errors import ApiError
from .openai_api import render_error
from .streaming import DeltaStreamResponse, sse
from .wire import bad_request, read_json, text_of, tool_arguments

NAME = "openai"


# ── request → ChatRequest ─────────────────────────────────────────────────────────────────────────
def _messages(body: dict[str, Any]) -> list[Message]:
    messages: list[Message] = []
    instructions = body.get("instructions")
    if instructions:
        if not isinstance(instructions, str):
            raise bad_request("instructions must be a string", "instructions")
        messages.append(Message(role="system", content=instructions))
    raw = body.get("input")
    if isinstance(raw, str):
        return [*messages, Message(role="user", content=raw)]
    if not isinstance(raw, list) or not raw:
        raise bad_request("input must be a string or a non-empty array of items", "input")
    for index, item in enumerate(raw):
        param = f"input[{index}]"
        if not isinstance(item, dict):
            raise bad_request("an input item must be an object", param)
        kind = item.get("type", "message")
        if kind == "message":
            role = item.get("role")
            content = text_of(item.get("content"), f"{param}.content")
            if role in ("system", "developer"):
                messages.append(Message(role="system", content=content))
            elif role in ("user", "assistant"):
                messages.append(Message(role=role, content=content))
            else:
                raise bad_request(f"unknown role {role!r}", f"{param}.role")
        elif kind == "function_call":
            call = ToolCall(
                id=str(item.get("call_id") or item.get("id") or f"call_{index}"),
                name=str(item.get("name") or ""),
                arguments=tool_arguments(item.get("arguments"), f"{param}.arguments"),
            )
            last = messages[-1] if messages else None
            if last is not None and last.role == "assistant":  # one assistant turn: its text and calls
                messages[-1] = last.model_copy(update={"tool_calls": [*last.tool_calls, call]})
            else:
                messages.append(Message(role="assistant", content="", tool_calls=[call]))
        elif kind == "function_call_output":
            output = item.get("output")
            text = output if isinstance(output, str) else text_of(output, f"{param}.output")
            messages.append(Message(role="tool", content=text, tool_call_id=str(item.get("call_id") or "")))
        elif kind == "reasoning":
            continue
        else:
            raise bad_request(f"input items of type {kind!r} are not supported by this gateway", f"{param}.type")
    return messages


#: Tools the OpenAI API runs itself (no model here can): left out of the request, not refused, so
#: that clients offering them by default (Codex offers ``web_search``) still work.
HOSTED_TOOLS = ("web_search", "web_search_preview", "image_generation")


def _function(tool: dict[str, Any], param: str) -> ToolSpec:
    name = tool.get("name")
    if not isinstance(name, str) or not name:
        raise bad_request("a function tool needs a name", f"{param}.name")
    parameters = tool.get("parameters") or {"type": "object", "properties": {}}
    if not isinstance(parameters, dict):
        raise bad_request("parameters must be a JSON schema object", f"{param}.parameters")
    return ToolSpec(name=name, description=str(tool.get("description") or ""), parameters=parameters)


def _tools(raw: Any, tool_choice: Any) -> list[ToolSpec]:
    if raw is None or tool_choice == "none":
        return []
    if not isinstance(raw, list):
        raise bad_request("tools must be an array", "tools")
    tools: list[ToolSpec] = []
    for index, tool in enumerate(raw):
        kind = tool.get("type") if isinstance(tool, dict) else None
        if kind == "function":
            tools.append(_function(tool, f"tools[{index}]"))
        elif kind == "namespace" and isinstance(tool.get("tools"), list):  # a group of functions (Codex)
            for number, inner in enumerate(tool["tools"]):
                where = f"tools[{index}].tools[{number}]"
                if not isinstance(inner, dict) or inner.get("type") != "function":
                    raise bad_request("a namespace may hold function tools only", where)
                tools.append(_function(inner, where))
        elif kind in HOSTED_TOOLS:
            continue
        else:
            raise bad_request(f"only function tools are supported by this gateway, not {kind!r}", f"tools[{index}]")
    return tools


def _json_schema(text: Any) -> dict[str, Any] | None:
    fmt = text.get("format") if isinstance(text, dict) else None
    if not isinstance(fmt, dict) or fmt.get("type") in (None, "text"):
        return None
    if fmt.get("type") == "json_object":
        return {"type": "object"}
    if fmt.get("type") == "json_schema" and isinstance(fmt.get("schema"), dict):
        return dict(fmt["schema"])
    raise bad_request("text.format must be text, json_object or json_schema with a schema", "text.format")


def responses_request(body: dict[str, Any]) -> tuple[str, ChatRequest, bool]:
    """A Responses body → (model, request, stream). Raises ApiError 400."""
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise bad_request("model is required", "model")
    for name in ("previous_response_id", "conversation"):
        if body.get(name):
            raise bad_request(
                f"{name} is not supported: this gateway stores no responses; send the whole conversation as input",
                name,
            )
    max_tokens = body.get("max_output_tokens")
    if max_tokens is not None and (isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens < 1):
        raise bad_request("max_output_tokens must be a positive integer", "max_output_tokens")
    temperature = body.get("temperature")
    if temperature is not None and (isinstance(temperature, bool) or not isinstance(temperature, int | float)):
        raise bad_request("temperature must be a number", "temperature")
    stream = body.get("stream") or False
    if not isinstance(stream, bool):
        raise bad_request("stream must be a boolean", "stream")
    request = ChatRequest(
        messages=_messages(body),
        tools=_tools(body.get("tools"), body.get("tool_choice")),
        json_schema=_json_schema(body.get("text")),
        max_tokens=max_tokens,
        temperature=temperature,
    )
    return model, request, stream


# ── ChatResponse → wire ───────────────────────────────────────────────────────────────────────────
def usage_body(usage: Usage | None) -> dict[str, Any] | None:
    if usage is None:
        return None
    prompt = usage.input_tokens or 0
    if not usage.input_includes_cache:
        prompt += usage.cache_read_tokens + usage.cache_write_tokens
    output = usage.output_tokens or 0
    return {
        "input_tokens": prompt,
        "input_tokens_details": {"cached_tokens": usage.cache_read_tokens},
        "output_tokens": output,
        "output_tokens_details": {"reasoning_tokens": usage.reasoning_tokens},
        "total_tokens": prompt + output,
    }


def _message_item(item_id: str, text: str, status: str = "completed") -> dict[str, Any]:
    return {
        "type": "message",
        "id": item_id,
        "status": status,
        "role": "assistant",
        "content": [{"type": "output_text", "text": text, "annotations": [], "logprobs": []}] if text else [],
    }


def _call_item(item_id: str, call_id: str, name: str, arguments: str, status: str = "completed") -> dict[str, Any]:
    return {
        "type": "function_call",
        "id": item_id,
        "call_id": call_id,
        "name": name,
        "arguments": arguments,
        "status": status,
    }


def response_body(
    response_id: str,
    model: str,
    body: dict[str, Any],
    output: list[dict[str, Any]],
    *,
    status: str,
    usage: Usage | None,
    incomplete: bool = False,
    error: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "id": response_id,
        "object": "response",
        "created_at": int(time.time()),
        "status": status,
        "error": error,
        "incomplete_details": {"reason": "max_output_tokens"} if incomplete else None,
        "instructions": body.get("instructions"),
        "max_output_tokens": body.get("max_output_tokens"),
        "model": model,
        "output": output,
        "parallel_tool_calls": bool(body.get("parallel_tool_calls", True)),
        "previous_response_id": None,
        "store": False,
        "temperature": body.get("temperature"),
        "text": body.get("text") or {"format": {"type": "text"}},
        "tool_choice": body.get("tool_choice") or "auto",
        "tools": body.get("tools") or [],
        "top_p": body.get("top_p"),
        "truncation": "disabled",
        "usage": usage_body(usage),
        "metadata": body.get("metadata") or {},
    }


def completed_body(response: ChatResponse, model: str, body: dict[str, Any], request_id: str) -> dict[str, Any]:
    output: list[dict[str, Any]] = []
    if response.text or not response.tool_calls:
        output.append(_message_item(f"msg_{request_id}", response.text))
    for index, call in enumerate(response.tool_calls):
        arguments = json.dumps(call.arguments, ensure_ascii=False)
        output.append(_call_item(f"fc_{request_id}_{index}", call.id or f"call_{index}", call.name, arguments))
    incomplete = response.finish_reason == "length"
    return response_body(
        f"resp_{request_id}", model, body, output,
        status="incomplete" if incomplete else "completed", usage=response.usage, incomplete=incomplete,
    )


class ResponseEventEncoder:
    """The Responses API's stream events for one answer (a :class:`~.streaming.StreamEncoder`)."""

    def __init__(self, model: str, body: dict[str, Any], request_id: str) -> None:
        self.model = model
        self.body = body
        self.request_id = request_id
        self.response_id = f"resp_{request_id}"
        self.sequence = 0
        self.output: list[dict[str, Any]] = []  # items so far, in order (finished or open)
        self._text: dict[str, Any] | None = None  # the open message item
        self._calls: dict[int, dict[str, Any]] = {}  # tool-call index → its open function_call item
        self._finish: str | None = None

    def _event(self, kind: str, **fields: Any) -> bytes:
        data = {"type": kind, "sequence_number": self.sequence, **fields}
        self.sequence += 1
        return sse(json.dumps(data, ensure_ascii=False, separators=(",", ":")), event=kind)

    def _snapshot(self, status: str, usage: Usage | None = None, **extra: Any) -> dict[str, Any]:
        return response_body(self.response_id, self.model, self.body, list(self.output), status=status, usage=usage,
                             **extra)

    def start(self) -> bytes:
        snapshot = self._snapshot("in_progress")
        return self._event("response.created", response=snapshot) + self._event(
            "response.in_progress", response=snapshot
        )

    def _closetext_of(self) -> bytes:
        item, self._text = self._text, None
        if item is None:
            return b""
        index = self.output.index(item)
        text = item["content"][0]["text"]
        part = item["content"][0]
        item["status"] = "completed"
        where = {"item_id": item["id"], "output_index": index, "content_index": 0}
        return (
            self._event("response.output_text.done", **where, text=text, logprobs=[])
            + self._event("response.content_part.done", **where, part=part)
            + self._event("response.output_item.done", output_index=index, item=item)
        )

    def _close_calls(self) -> bytes:
        out = b""
        for item in self._calls.values():
            index = self.output.index(item)
            item["status"] = "completed"
            out += self._event(
                "response.function_call_arguments.done",
                item_id=item["id"], output_index=index, name=item["name"], arguments=item["arguments"],
            )
            out += self._event("response.output_item.done", output_index=index, item=item)
        self._calls = {}
        return out

    def delta(self, delta: ChatDelta) -> bytes:
        out = b""
        if delta.text:
            if self._text is None:
                out += self._close_calls()
                self._text = _message_item(f"msg_{self.request_id}_{len(self.output)}", "", status="in_progress")
                self.output.append(self._text)
                index = len(self.output) - 1
                out += self._event("response.output_item.added", output_index=index, item={**self._text})
                part = {"type": "output_text", "text": "", "annotations": [], "logprobs": []}
                self._text["content"] = [part]
                out += self._event(
                    "response.content_part.added",
                    item_id=self._text["id"], output_index=index, content_index=0, part={**part},
                )
            self._text["content"][0]["text"] += delta.text
            out += self._event(
                "response.output_text.delta",
                item_id=self._text["id"], output_index=self.output.index(self._text), content_index=0,
                delta=delta.text, logprobs=[],
            )
        piece = delta.tool_call
        if piece is not None:
            item = self._calls.get(piece.index)
            if item is None:
                out += self._closetext_of()
                item = _call_item(
                    f"fc_{self.request_id}_{len(self.output)}", piece.id or f"call_{piece.index}", piece.name or "",
                    "", status="in_progress",
                )
                self._calls[piece.index] = item
                self.output.append(item)
                out += self._event("response.output_item.added", output_index=len(self.output) - 1, item={**item})
            if piece.arguments:
                item["arguments"] += piece.arguments
                out += self._event(
                    "response.function_call_arguments.delta",
                    item_id=item["id"], output_index=self.output.index(item), delta=piece.arguments,
                )
        if delta.finish_reason is not None:
            self._finish = delta.finish_reason
        return out

    def end(self, stream: ServedStream) -> bytes:
        response = stream.response
        out = self._closetext_of() + self._close_calls()
        if not self.output:  # an empty answer is still one (empty) message
            item = _message_item(f"msg_{self.request_id}_0", "")
            self.output.append(item)
            out += self._event("response.output_item.added", output_index=0, item=item)
            out += self._event("response.output_item.done", output_index=0, item=item)
        incomplete = (self._finish or (response.finish_reason if response else "stop")) == "length"
        usage = response.usage if response is not None else None
        if incomplete:
            return out + self._event(
                "response.incomplete", response=self._snapshot("incomplete", usage, incomplete=True)
            )
        return out + self._event("response.completed", response=self._snapshot("completed", usage))

    def error(self, error: ApiError) -> bytes:
        failed = {"code": "server_error", "message": error.message}
        return self._event("response.failed", response=self._snapshot("failed", error=failed))


def routes(server: GatewayServer) -> list[BaseRoute]:
    async def responses(request: Request) -> Response:
        context = server.context(request, NAME)
        body = await read_json(request, server.config.gateway.max_request_bytes)
        model, chat, stream = responses_request(body)
        if stream:
            served = await run_in_threadpool(server.calls.stream, context, model, chat)
            encoder = ResponseEventEncoder(model, body, context.request_id)
            return DeltaStreamResponse(served, encoder, headers=served_headers(served.planned))
        response, planned = await run_in_threadpool(server.calls.call, context, model, chat)
        return JSONResponse(
            completed_body(response, model, body, context.request_id), headers=served_headers(planned)
        )

    return [
        Route("/v1/responses", responses, methods=["POST"]),
        Route("/responses", responses, methods=["POST"]),
    ]


PROTOCOL = ProtocolModule(name="responses", routes=routes, render_error=render_error, prefixes=("/v1/responses",))
