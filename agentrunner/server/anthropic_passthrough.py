"""Messages requests passed through to an Anthropic tier, as they came.

The body is forwarded unchanged but for ``model`` (the tier's, when a rule names the tier), to the
tier's ``base_url`` (default ``https://api.anthropic.com``), with the gateway's own key from the
tier's ``api_key_env`` — never the caller's — and the caller's ``anthropic-version`` and
``anthropic-beta`` headers. Nothing is translated, so thinking blocks and their signatures,
``cache_control``, images, server tools and every beta reach the upstream as sent. The answer is
relayed: a JSON body as it is, a stream chunk by chunk as it arrives.

One ledger row per request (an SDK's retry is a new request, and its row says which attempt it
was, from ``x-stainless-retry-count``): the usage, text and tool calls are read from the answer
(:class:`~.anthropic_wire.UpstreamStreamReader` for a stream), priced like any call of that
model. A stream cut short — the client gone, the upstream broken — is recorded with what arrived,
``partial``. Upstream errors are relayed in Anthropic's shape with their status and
``retry-after`` (the caller's SDK retries them), except 401/403: the gateway's key was refused,
which is the gateway's problem, so the caller gets a 503 naming the variable.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from typing import Any

import anyio
import httpx
from anyio import to_thread
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from ..chat import ChatRequest
from ..config import TierConfig
from ..errors import (
    ProviderAuthError,
    ProviderConnectionError,
    ProviderError,
    ProviderRateLimited,
    ProviderRequestError,
    ProviderResponseError,
    ProviderServerError,
)
from ..gateway import Attempt
from ..providers.anthropic import DEFAULT_KEY_ENV
from ..providers.base import parse_retry_after
from .anthropic_wire import UpstreamStreamReader, error_body, response_from_message, sse_error
from .app import GatewayServer, RequestContext
from .calls import Planned
from .errors import ApiError
from .routing import Resolved

DEFAULT_BASE_URL = "https://api.anthropic.com"
#: Upstream response headers worth relaying (request ids for support, rate-limit state for clients).
RELAYED_HEADERS = ("request-id", "retry-after", "retry-after-ms", "x-should-retry")
RELAYED_PREFIXES = ("anthropic-ratelimit-",)


def upstream_error(status: int, message: str, tier: str, retry_after: float | None) -> ProviderError:
    """An upstream HTTP error as agentrunner's exception (for the ledger row's ``error``)."""
    if status == 429:
        return ProviderRateLimited(f"HTTP 429 rate limited: {message}", tier=tier, retry_after=retry_after)
    if status in (401, 403):
        return ProviderAuthError(f"HTTP {status}: {message}", tier=tier)
    if status >= 500 or status in (408, 409):
        return ProviderServerError(f"HTTP {status}: {message}", tier=tier, retry_after=retry_after)
    return ProviderRequestError(f"HTTP {status}: {message}", tier=tier)


def _message_of(body: bytes) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return body[:200].decode("utf-8", errors="replace")
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        return str(error["message"])
    return body[:200].decode("utf-8", errors="replace")


def _relayed(headers: httpx.Headers) -> dict[str, str]:
    return {
        name: value
        for name, value in headers.items()
        if name.lower() in RELAYED_HEADERS or name.lower().startswith(RELAYED_PREFIXES)
    }


class Passthrough:
    """Forwards Messages requests to Anthropic tiers (one HTTP connection pool per server)."""

    def __init__(self, server: GatewayServer) -> None:
        self.server = server
        self._client: httpx.AsyncClient | None = None

    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(follow_redirects=False)
        return self._client

    # ── the pieces ─────────────────────────────────────────────────────────────────────────────
    def _upstream(self, request: Request, tier: str, tier_config: TierConfig, path: str) -> tuple[str, dict[str, str]]:
        env = tier_config.api_key_env or DEFAULT_KEY_ENV
        key = os.environ.get(env, "")
        if not key:
            raise ApiError(503, "upstream", f"tier {tier!r}: {env} is not set in the gateway's environment")
        base = (tier_config.base_url or DEFAULT_BASE_URL).rstrip("/")
        url = f"{base}{path}"
        if request.url.query:
            url += f"?{request.url.query}"
        headers = {
            "x-api-key": key,
            "anthropic-version": request.headers.get("anthropic-version") or "2023-06-01",
            "content-type": "application/json",
            "accept": "application/json",
            "user-agent": "agentrunner-gateway",
        }
        beta = request.headers.get("anthropic-beta")
        if beta:
            headers["anthropic-beta"] = beta
        return url, headers

    def _timeout(self, tier_config: TierConfig) -> httpx.Timeout:
        return httpx.Timeout(tier_config.timeout, connect=tier_config.connect_timeout)

    def _record(self, attempt: Attempt, context: RequestContext, **kwargs: Any) -> None:
        """The attempt's ledger row (:meth:`Attempt.ok` / :meth:`Attempt.failed`), and its tokens
        and cost in ``/metrics`` like a translated call's."""
        error: ProviderError | None = kwargs.pop("error", None)
        if error is not None:
            attempt.failed(error)
            return
        response = attempt.ok(**kwargs)
        self.server.calls.observe(context, attempt.tier, response)

    def _error_response(
        self, tier: str, tier_config: TierConfig, status: int, body: bytes, headers: httpx.Headers
    ) -> Response:
        """An upstream error, relayed (it is Anthropic's own shape already), or the 503 for a
        refused gateway key."""
        if status in (401, 403):
            env = tier_config.api_key_env or DEFAULT_KEY_ENV
            raise ApiError(
                503, "upstream", f"tier {tier!r}: the upstream rejected the gateway's key in ${env} (HTTP {status})"
            )
        try:
            json.loads(body)
            content = body
        except ValueError:
            content = json.dumps(error_body(status, _message_of(body))).encode()
        return Response(content, status_code=status, media_type="application/json", headers=_relayed(headers))

    # ── POST /v1/messages ─────────────────────────────────────────────────────────────────────
    async def messages(
        self, request: Request, context: RequestContext, body: dict[str, Any], routed: ChatRequest, planned: Planned
    ) -> Response:
        """Forward a request routed (and reserved: ``planned``, released here) to an Anthropic tier."""
        calls = self.server.calls
        released = False
        try:
            tier = planned.tier
            gateway = calls.gateway
            tier_config = gateway.tier_config(tier, planned.model)
            url, headers = self._upstream(request, tier, tier_config, "/v1/messages")
            upstream_body = body if body.get("model") == tier_config.model else {**body, "model": tier_config.model}
            content = json.dumps(upstream_body, ensure_ascii=False).encode()
            retry_count = request.headers.get("x-stainless-retry-count", "0")
            attempt = gateway.start_attempt(
                tier,
                routed,
                calls.call_context(context, planned),
                model=planned.model,
                attempt=int(retry_count) + 1 if retry_count.isdigit() else 1,
                as_sent=True,  # forwarded with the caller's own max_tokens
            )
            served = {"x-agentrunner-tier": tier, "x-agentrunner-model": tier_config.model}
            client = self.client()
            upstream_request = client.build_request(
                "POST", url, content=content, headers=headers, timeout=self._timeout(tier_config)
            )
            try:
                upstream = await client.send(upstream_request, stream=True)
            except httpx.HTTPError as exc:
                error = _transport_error(exc, tier, url, tier_config)
                await to_thread.run_sync(lambda: self._record(attempt, context, error=error))
                raise ApiError(
                    504 if isinstance(exc, httpx.TimeoutException) else 502, "upstream", str(error)
                ) from None
            if upstream.status_code != 200:
                raw = await upstream.aread()
                await upstream.aclose()
                retry_after = parse_retry_after(dict(upstream.headers))
                error = upstream_error(upstream.status_code, _message_of(raw), tier, retry_after)
                await to_thread.run_sync(lambda: self._record(attempt, context, error=error))
                return self._error_response(tier, tier_config, upstream.status_code, raw, upstream.headers)
            if "text/event-stream" not in upstream.headers.get("content-type", ""):
                raw = await upstream.aread()
                await upstream.aclose()
                response = response_from_message(_json_or_none(raw))
                await to_thread.run_sync(lambda: self._record(attempt, context, response=response))
                return Response(
                    raw,
                    status_code=200,
                    media_type="application/json",
                    headers={**_relayed(upstream.headers), **served},
                )
            released = True  # the relay below releases it when the stream ends
            return StreamingResponse(
                self._relay(upstream, attempt, context, planned),
                status_code=200,
                media_type="text/event-stream",
                headers={"cache-control": "no-cache", **_relayed(upstream.headers), **served},
            )
        finally:
            if not released:
                await run_in_threadpool(calls.release, planned)

    async def _relay(
        self, upstream: httpx.Response, attempt: Attempt, context: RequestContext, planned: Planned
    ) -> AsyncIterator[bytes]:
        reader = UpstreamStreamReader()
        broken: str | None = None
        try:
            try:
                async for chunk in upstream.aiter_bytes():
                    reader.feed(chunk)
                    yield chunk
            except httpx.HTTPError as exc:
                broken = f"{type(exc).__name__}: {exc}"
                yield sse_error(502, f"tier {planned.tier!r}: the upstream stream broke: {broken}")
        finally:
            with anyio.CancelScope(shield=True):  # the row is written even when the client left
                await upstream.aclose()
                response = reader.response()
                if reader.complete:
                    partial, status = None, "ok"
                elif reader.error is not None:
                    partial, status = f"partial: the upstream sent an error event: {reader.error.get('error')}", "error"
                elif broken is not None:
                    partial, status = f"partial: the upstream stream broke: {broken}", "error"
                else:
                    partial, status = "partial: the client stopped reading before the end", "ok"
                await to_thread.run_sync(
                    lambda: self._record(attempt, context, response=response, partial=partial, status=status)
                )
                await to_thread.run_sync(self.server.calls.release, planned)

    # ── POST /v1/messages/count_tokens ────────────────────────────────────────────────────────
    async def count_tokens(
        self, request: Request, context: RequestContext, body: dict[str, Any], resolved: Resolved
    ) -> Response:
        assert resolved.tier is not None
        tier = resolved.tier
        tier_config = self.server.calls.gateway.tier_config(tier, resolved.model)
        url, headers = self._upstream(request, tier, tier_config, "/v1/messages/count_tokens")
        upstream_body = body if body.get("model") == tier_config.model else {**body, "model": tier_config.model}
        try:
            upstream = await self.client().post(
                url, content=json.dumps(upstream_body).encode(), headers=headers, timeout=self._timeout(tier_config)
            )
        except httpx.HTTPError as exc:
            error = _transport_error(exc, tier, url, tier_config)
            raise ApiError(504 if isinstance(exc, httpx.TimeoutException) else 502, "upstream", str(error)) from None
        if upstream.status_code != 200:
            return self._error_response(tier, tier_config, upstream.status_code, upstream.content, upstream.headers)
        return Response(
            upstream.content, status_code=200, media_type="application/json", headers=_relayed(upstream.headers)
        )


def _transport_error(exc: httpx.HTTPError, tier: str, url: str, tier_config: TierConfig) -> ProviderError:
    if isinstance(exc, httpx.TimeoutException):
        return ProviderConnectionError(f"timed out after {tier_config.timeout:g}s waiting for {url}", tier=tier)
    if isinstance(exc, httpx.DecodingError):
        return ProviderResponseError(f"malformed response body: {exc}", tier=tier)
    return ProviderConnectionError(f"cannot reach {url}: {type(exc).__name__}: {exc}", tier=tier)


def _json_or_none(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None
