"""The Anthropic protocol: ``POST /v1/messages`` (plain and streamed; ``?beta=true`` and
``anthropic-beta`` headers accepted) and ``POST /v1/messages/count_tokens``.

Where a request goes is decided by :mod:`.routing` (the requested model, ``[gateway]`` rules):

- to an ``anthropic`` tier (a pass-through of a ``claude-*`` model, or a rule naming such a tier):
  the body is forwarded as it came (:mod:`.anthropic_passthrough`) — thinking, ``cache_control``,
  images, server tools and betas included — with the gateway's own key, and the answer relayed byte
  for byte; the ledger row's usage is read from the answer;
- to any other tier (the embedded model, ollama, an OpenAI-compatible server), or to ``auto``: the
  body is translated to a ChatRequest and the answer back (:mod:`.anthropic_wire`, which lists what
  crosses and what is refused with a 400).

Errors are always ``{"type": "error", "error": {"type", "message"}}`` with the status of
:mod:`.errors` (an overloaded upstream is Anthropic's 529); ``retry-after`` on 429s; a budget cap
adds ``x-should-retry: false`` (the SDKs would otherwise retry a cap that resets hours later).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from ..chat import ChatDelta, ChatResponse, FinishReason
from .anthropic_passthrough import Passthrough
from .anthropic_wire import (
    AnthropicWireError,
    ForcedTool,
    MessageStreamEncoder,
    WireRequest,
    answer_blocks,
    count_tokens_body,
    error_body,
    stop_reason_for,
    to_anthropic_message,
    to_chat_request,
)
from .app import GatewayServer, ProtocolModule, RequestContext
from .calls import ServedStream, served_headers
from .errors import ApiError
from .streaming import DeltaStreamResponse
from .wire import read_json

NAME = "anthropic"

_ERROR_TYPES = {
    "invalid_request": "invalid_request_error",
    "authentication": "authentication_error",
    "permission": "permission_error",
    "not_found": "not_found_error",
    "rate_limit": "rate_limit_error",
    "upstream": "api_error",
    "overloaded": "overloaded_error",
    "internal": "api_error",
}


def anthropic_error(error: ApiError) -> tuple[int, dict[str, Any]]:
    """The status and body of an ApiError in Anthropic's terms (an overloaded upstream is 529)."""
    status = 529 if error.kind == "overloaded" else error.status
    kind = "request_too_large" if status == 413 else _ERROR_TYPES.get(error.kind, "api_error")
    return status, error_body(status, error.message, error_type=kind)


def render_error(error: ApiError, request_id: str) -> Response:
    status, body = anthropic_error(error)
    body["request_id"] = request_id
    headers = error.response_headers()
    if error.code == "budget_exhausted":
        headers["x-should-retry"] = "false"
    return JSONResponse(body, status_code=status, headers=headers)


def wire_error(exc: AnthropicWireError) -> ApiError:
    kind = "invalid_request" if exc.status < 500 else "internal"
    return ApiError(exc.status, kind, exc.message)  # type: ignore[arg-type]


def translate(body: dict[str, Any], tier: str | None, *, counting: bool = False) -> WireRequest:
    try:
        return to_chat_request(body, tier=tier, counting=counting)
    except AnthropicWireError as exc:
        raise wire_error(exc) from None


class DeltaEncoder:
    """Anthropic's SSE events for a stream of ChatDeltas (the :class:`~.streaming.StreamEncoder`
    of this protocol). A forced tool call (:class:`ForcedTool`) arrives as JSON text: it is held
    back and sent as the ``tool_use`` block it stands for at the end."""

    def __init__(self, model: str, forced: ForcedTool | None) -> None:
        self.events = MessageStreamEncoder(model=model)
        self.forced = forced
        self._held: list[str] = []
        self._open_tool: int | None = None
        self._finish: FinishReason | None = None

    def start(self) -> bytes:
        return self.events.start()

    def delta(self, delta: ChatDelta) -> bytes:
        out = b""
        if delta.text:
            if self.forced is not None:
                self._held.append(delta.text)
            else:
                out += self.events.text(delta.text)
        piece = delta.tool_call
        if piece is not None:
            if piece.index != self._open_tool:
                self._open_tool = piece.index
                out += self.events.tool_call(piece.name or "", piece.id or "")
            out += self.events.tool_arguments(piece.arguments)
        if delta.finish_reason is not None:
            self._finish = delta.finish_reason
        return out

    def end(self, stream: ServedStream) -> bytes:
        response = stream.response
        usage = response.usage if response is not None else None
        out = b""
        stop_reason = stop_reason_for(self._finish or "stop")
        if self._open_tool is not None and stop_reason == "end_turn":
            stop_reason = "tool_use"
        if self.forced is not None:
            whole = response or ChatResponse(text="".join(self._held), finish_reason=self._finish or "stop")
            answer = answer_blocks(whole, self.forced)
            out += self.events.text(answer.text)
            for call in answer.calls:
                out += self.events.tool_call(call.name)
                out += self.events.tool_arguments(json.dumps(call.arguments, ensure_ascii=False))
            stop_reason = answer.stop_reason
        return out + self.events.finish(stop_reason, usage)

    def error(self, error: ApiError) -> bytes:
        status, body = anthropic_error(error)
        return self.events.error(status, error.message, error_type=body["error"]["type"])


def routes(server: GatewayServer) -> list[BaseRoute]:
    passthrough = Passthrough(server)
    calls = server.calls

    def anthropic_tier(tier: str | None) -> bool:
        return tier is not None and server.config.tiers[tier].provider == "anthropic"

    async def read(request: Request, *, counting: bool = False) -> tuple[RequestContext, dict[str, Any], WireRequest]:
        context = server.context(request, NAME)
        body = await read_json(request, server.config.gateway.max_request_bytes)
        # Routing and budgets read the request as text (images as placeholders): an Anthropic tier
        # takes it whole; only a translation needs every block to be expressible.
        return context, body, translate(body, None, counting=counting)

    async def messages(request: Request) -> Response:
        context, body, routed = await read(request)
        model = routed.model
        planned = await run_in_threadpool(lambda: calls.plan(context, model, routed.chat, as_sent=anthropic_tier))
        if anthropic_tier(planned.tier):
            return await passthrough.messages(request, context, body, routed.chat, planned)
        try:
            wire = translate(body, planned.tier)
        except ApiError:
            await run_in_threadpool(calls.release, planned)
            raise
        if wire.stream:
            served = await run_in_threadpool(calls.stream, context, model, wire.chat, planned)
            encoder = DeltaEncoder(model, wire.forced_tool)
            return DeltaStreamResponse(served, encoder, headers=served_headers(served.planned))
        response, planned = await run_in_threadpool(calls.call, context, model, wire.chat, planned)
        body = to_anthropic_message(response, model=model, forced=wire.forced_tool)
        return JSONResponse(body, headers=served_headers(planned))

    async def count_tokens(request: Request) -> Response:
        context, body, routed = await read(request, counting=True)
        resolved = calls.resolve(routed.model, routed.chat)
        if anthropic_tier(resolved.tier):
            return await passthrough.count_tokens(request, context, body, resolved)
        wire = translate(body, resolved.tier or "auto", counting=True)
        return JSONResponse(count_tokens_body(wire.chat))

    return [
        Route("/v1/messages", messages, methods=["POST"]),
        Route("/v1/messages/count_tokens", count_tokens, methods=["POST"]),
    ]


PROTOCOL = ProtocolModule(name=NAME, routes=routes, render_error=render_error, prefixes=("/v1/messages",))
