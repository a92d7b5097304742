"""The OpenAI protocol: ``POST /v1/chat/completions`` (plain and streamed) and ``GET /v1/models``.

Request → :class:`~agentrunner.chat.ChatRequest`: ``system``/``developer`` messages are system
text; content given as parts keeps its text parts (images and audio are refused: 400); assistant
``tool_calls`` and ``tool`` results map one to one; ``tools`` (functions) become ToolSpecs;
``tool_choice: "none"`` drops the tools (other values leave the choice to the model);
``response_format`` ``json_schema`` → its schema, ``json_object`` → any JSON object;
``max_completion_tokens`` or ``max_tokens``; ``stop``, ``seed``, ``temperature``. ``n`` > 1 is
refused. Other fields (``top_p``, ``user``, ``metadata``…) are accepted and not used.

Response: the OpenAI shapes, ``model`` as requested; ``x-agentrunner-tier`` says which tier
answered. Streaming: ``chat.completion.chunk`` events, a usage chunk when
``stream_options.include_usage``, then ``data: [DONE]``; an upstream failure after the first
chunk is an ``{"error": …}`` event. Errors: ``{"error": {"message", "type", "param", "code"}}``
with the HTTP status of :mod:`.errors`.
"""

from __future__ import annotations

import json
import time
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from ..chat import ChatDelta, ChatRequest, ChatResponse, FinishReason, Message, ToolCall, ToolSpec, Usage
from .app import GatewayServer, ProtocolModule
from .calls import ServedStream, served_headers
from .errors import ApiError
from .streaming import DeltaStreamResponse, sse
from .wire import bad_request, read_json, text_of, tool_arguments

NAME = "openai"

_ERROR_TYPES = {
    "invalid_request": "invalid_request_error",
    "authentication": "authentication_error",
    "permission": "permission_error",
    "not_found": "not_found_error",
    "rate_limit": "rate_limit_error",
    "upstream": "api_error",
    "overloaded": "api_error",
    "internal": "server_error",
}

_FINISH: dict[FinishReason, str] = {
    "stop": "stop",
    "length": "length",
    "tool_calls": "tool_calls",
    "content_filter": "content_filter",
    "error": "stop",
    "unknown": "stop",
}


def error_body(error: ApiError) -> dict[str, Any]:
    return {
        "error": {
            "message": error.message,
            "type": _ERROR_TYPES.get(error.kind, "api_error"),
            "param": error.param,
            "code": error.code,
        }
    }


def render_error(error: ApiError, request_id: str) -> Response:
    return JSONResponse(error_body(error), status_code=error.status, headers=error.response_headers())


# ── request → ChatRequest ─────────────────────────────────────────────────────────────────────────
def _messages(raw: Any) -> list[Message]:
    if not isinstance(raw, list) or not raw:
        raise bad_request("messages must be a non-empty array", "messages")
    messages: list[Message] = []
    for index, item in enumerate(raw):
        param = f"messages[{index}]"
        if not isinstance(item, dict):
            raise bad_request("a message must be an object", param)
        role = item.get("role")
        content = text_of(item.get("content"), f"{param}.content")
        if role in ("system", "developer"):
            messages.append(Message(role="system", content=content))
        elif role == "user":
            messages.append(Message(role="user", content=content))
        elif role == "assistant":
            calls: list[ToolCall] = []
            for number, call in enumerate(item.get("tool_calls") or []):
                where = f"{param}.tool_calls[{number}]"
                function = call.get("function") if isinstance(call, dict) else None
                if not isinstance(function, dict) or not isinstance(function.get("name"), str):
                    raise bad_request("a tool call needs function.name", where)
                calls.append(
                    ToolCall(
                        id=str(call.get("id") or f"call_{number}"),
                        name=function["name"],
                        arguments=tool_arguments(function.get("arguments"), f"{where}.function.arguments"),
                    )
                )
            messages.append(Message(role="assistant", content=content, tool_calls=calls))
        elif role in ("tool", "function"):
            call_id = str(item.get("tool_call_id") or item.get("name") or "")
            messages.append(Message(role="tool", content=content, tool_call_id=call_id))
        else:
            raise bad_request(f"unknown role {role!r}", f"{param}.role")
    return messages


def _tools(raw: Any, tool_choice: Any) -> list[ToolSpec]:
    if raw is None or tool_choice == "none":
        return []
    if not isinstance(raw, list):
        raise bad_request("tools must be an array", "tools")
    tools: list[ToolSpec] = []
    for index, tool in enumerate(raw):
        function = tool.get("function") if isinstance(tool, dict) else None
        if not isinstance(tool, dict) or tool.get("type", "function") != "function" or not isinstance(function, dict):
            raise bad_request("only function tools are supported", f"tools[{index}]")
        name = function.get("name")
        if not isinstance(name, str) or not name:
            raise bad_request("a function needs a name", f"tools[{index}].function.name")
        parameters = function.get("parameters") or {"type": "object", "properties": {}}
        if not isinstance(parameters, dict):
            raise bad_request("parameters must be a JSON schema object", f"tools[{index}].function.parameters")
        tools.append(ToolSpec(name=name, description=str(function.get("description") or ""), parameters=parameters))
    return tools


def _json_schema(raw: Any) -> dict[str, Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise bad_request("response_format must be an object", "response_format")
    kind = raw.get("type")
    if kind in (None, "text"):
        return None
    if kind == "json_object":
        return {"type": "object"}
    if kind == "json_schema":
        spec = raw.get("json_schema")
        schema = spec.get("schema") if isinstance(spec, dict) else None
        if not isinstance(schema, dict):
            raise bad_request("response_format.json_schema.schema must be a JSON schema object", "response_format")
        return schema
    raise bad_request(f"response_format type {kind!r} is not supported", "response_format.type")


def _number(body: dict[str, Any], name: str, kind: type, *, low: float | None = None) -> Any:
    value: Any = body.get(name)  # Any: a JSON value, its type checked below
    if value is None:
        return None
    accepted: tuple[type, ...] = (int, float) if kind is float else (kind,)
    if isinstance(value, bool) or not isinstance(value, accepted):
        raise bad_request(f"{name} must be {'an integer' if kind is int else 'a number'}", name)
    if low is not None and body[name] < low:  # an int or float: checked above
        raise bad_request(f"{name} must be at least {low:g}", name)
    return value


def chat_request(body: dict[str, Any]) -> tuple[str, ChatRequest, bool, bool]:
    """A Chat Completions body → (model, request, stream, include_usage). Raises ApiError 400."""
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise bad_request("model is required", "model")
    n = _number(body, "n", int)
    if n not in (None, 1):
        raise bad_request("n > 1 is not supported by this gateway", "n")
    max_tokens = _number(body, "max_completion_tokens", int, low=1) or _number(body, "max_tokens", int, low=1)
    temperature = _number(body, "temperature", float, low=0)
    seed = _number(body, "seed", int)
    stop = body.get("stop")
    if isinstance(stop, str):
        stop = [stop]
    if stop is not None and (not isinstance(stop, list) or not all(isinstance(s, str) for s in stop)):
        raise bad_request("stop must be a string or an array of strings", "stop")
    stream = body.get("stream") or False
    if not isinstance(stream, bool):
        raise bad_request("stream must be a boolean", "stream")
    options = body.get("stream_options") or {}
    include_usage = bool(isinstance(options, dict) and options.get("include_usage"))
    request = ChatRequest(
        messages=_messages(body.get("messages")),
        tools=_tools(body.get("tools"), body.get("tool_choice")),
        json_schema=_json_schema(body.get("response_format")),
        max_tokens=max_tokens,
        temperature=temperature,
        stop=stop or [],
        seed=seed,
    )
    return model, request, stream, include_usage


# ── ChatResponse → wire ───────────────────────────────────────────────────────────────────────────
def usage_body(usage: Usage) -> dict[str, Any]:
    prompt = usage.input_tokens or 0
    if not usage.input_includes_cache:
        prompt += usage.cache_read_tokens + usage.cache_write_tokens
    completion = usage.output_tokens or 0
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": usage.cache_read_tokens},
        "completion_tokens_details": {"reasoning_tokens": usage.reasoning_tokens},
    }


def _tool_calls_body(calls: list[ToolCall]) -> list[dict[str, Any]]:
    return [
        {
            "id": call.id or f"call_{index}",
            "type": "function",
            "function": {"name": call.name, "arguments": json.dumps(call.arguments, ensure_ascii=False)},
        }
        for index, call in enumerate(calls)
    ]


def completion_body(response: ChatResponse, model: str, request_id: str) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": response.text or None}
    if response.tool_calls:
        message["tool_calls"] = _tool_calls_body(response.tool_calls)
    elif response.text == "":
        message["content"] = ""
    return {
        "id": f"chatcmpl-{request_id}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {"index": 0, "message": message, "finish_reason": _FINISH[response.finish_reason], "logprobs": None}
        ],
        "usage": usage_body(response.usage),
        "system_fingerprint": None,
    }


class ChunkEncoder:
    """Chat Completions stream chunks for one answer."""

    def __init__(self, model: str, request_id: str, include_usage: bool) -> None:
        self.model = model
        self.id = f"chatcmpl-{request_id}"
        self.created = int(time.time())
        self.include_usage = include_usage
        self._tool_indexes: set[int] = set()
        self._finish: str | None = None

    def _chunk(self, delta: dict[str, Any], finish: str | None = None, **extra: Any) -> bytes:
        data = {
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "system_fingerprint": None,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
            **extra,
        }
        if self.include_usage:
            data.setdefault("usage", None)
        return sse(json.dumps(data, ensure_ascii=False, separators=(",", ":")))

    def start(self) -> bytes:
        return self._chunk({"role": "assistant", "content": ""})

    def delta(self, delta: ChatDelta) -> bytes:
        out = b""
        if delta.text:
            out += self._chunk({"content": delta.text})
        piece = delta.tool_call
        if piece is not None:
            call: dict[str, Any] = {"index": piece.index}
            if piece.index not in self._tool_indexes:
                self._tool_indexes.add(piece.index)
                call.update({"id": piece.id or f"call_{piece.index}", "type": "function",
                             "function": {"name": piece.name or "", "arguments": piece.arguments}})
            else:
                call["function"] = {"arguments": piece.arguments}
            out += self._chunk({"tool_calls": [call]})
        if delta.finish_reason is not None:
            self._finish = _FINISH[delta.finish_reason]
        return out

    def end(self, stream: ServedStream) -> bytes:
        response = stream.response
        finish = self._finish or "stop"
        if self._tool_indexes and finish == "stop":
            finish = "tool_calls"
        out = self._chunk({}, finish)
        if self.include_usage:
            usage = usage_body(response.usage) if response is not None else None
            data = {
                "id": self.id,
                "object": "chat.completion.chunk",
                "created": self.created,
                "model": self.model,
                "system_fingerprint": None,
                "choices": [],
                "usage": usage,
            }
            out += sse(json.dumps(data, separators=(",", ":")))
        return out + sse("[DONE]")

    def error(self, error: ApiError) -> bytes:
        return sse(json.dumps(error_body(error), ensure_ascii=False)) + sse("[DONE]")


def _model_body(name: str) -> dict[str, Any]:
    return {"id": name, "object": "model", "created": 0, "owned_by": "agentrunner"}


# ── endpoints ─────────────────────────────────────────────────────────────────────────────────────
def routes(server: GatewayServer) -> list[BaseRoute]:
    async def chat_completions(request: Request) -> Response:
        context = server.context(request, NAME)
        body = await read_json(request, server.config.gateway.max_request_bytes)
        model, chat, stream, include_usage = chat_request(body)
        if stream:
            served = await run_in_threadpool(server.calls.stream, context, model, chat)
            encoder = ChunkEncoder(model, context.request_id, include_usage)
            return DeltaStreamResponse(served, encoder, headers=served_headers(served.planned))
        response, planned = await run_in_threadpool(server.calls.call, context, model, chat)
        return JSONResponse(completion_body(response, model, context.request_id), headers=served_headers(planned))

    async def models(request: Request) -> Response:
        server.context(request, NAME)
        data = [_model_body(name) for name in server.calls.models()]
        return JSONResponse({"object": "list", "data": data})

    async def model(request: Request) -> Response:
        server.context(request, NAME)
        name = request.path_params["name"]
        if name not in server.calls.models():
            raise ApiError(404, "not_found", f"model {name!r} is not listed by this gateway", param="model",
                           code="model_not_found")
        return JSONResponse(_model_body(name))

    return [
        Route("/v1/chat/completions", chat_completions, methods=["POST"]),
        Route("/chat/completions", chat_completions, methods=["POST"]),
        Route("/v1/models", models, methods=["GET"]),
        Route("/v1/models/{name:path}", model, methods=["GET"]),
    ]


PROTOCOL = ProtocolModule(name=NAME, routes=routes, render_error=render_error, prefixes=("/v1", "/"))
