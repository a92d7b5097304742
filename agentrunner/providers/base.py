"""The provider interface: one attempt of one chat call against one tier.

Providers translate :class:`~agentrunner.chat.ChatRequest` into their SDK's call and the answer
back into :class:`~agentrunner.chat.ChatResponse`, and translate their SDK's failures into the
:mod:`agentrunner.errors` hierarchy (which decides what is retried). Retries, pricing and the
ledger are the gateway's job, the same for every provider.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import ClassVar

import httpx
import httpx2

from ..chat import ChatDelta, ChatRequest, ChatResponse, ToolSpec, deltas_from_response
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


@dataclass(frozen=True)
class Availability:
    ok: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ok


class Provider(ABC):
    """One configured tier's connection to its model."""

    name: ClassVar[str]

    def __init__(self, tier_name: str, tier: TierConfig, base_dir: Path) -> None:
        self.tier_name = tier_name
        self.tier = tier
        self.base_dir = base_dir

    @abstractmethod
    def complete(self, request: ChatRequest) -> ChatResponse:
        """Make one attempt. Raise a :class:`~agentrunner.errors.ProviderError` on failure."""

    def stream(self, request: ChatRequest) -> Iterator[ChatDelta]:
        """Make one attempt, streamed: text and tool-call pieces as they arrive, then usage and the
        finish reason. Errors before the first delta are the same as :meth:`complete`'s (the
        gateway retries them); an error after it ends the stream. Closing the iterator early (a
        client that went away) must stop the generation and release the model.

        This default is not a real stream: it completes the call, then yields the whole answer.
        Providers override it where they can stream."""
        yield from deltas_from_response(self.complete(request))

    @abstractmethod
    def check_available(self) -> Availability:
        """Cheap check that the tier can be used now (key set, model file present, server up)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release clients or servers; most providers hold nothing."""


def tool_choice_schema(tools: list[ToolSpec]) -> dict[str, object]:
    """A JSON schema for "call one of these tools, or answer": how models without native tool
    calling (the embedded GGUF) are asked to use tools, under grammar-constrained decoding."""
    options: list[dict[str, object]] = [
        {
            "type": "object",
            "properties": {"tool": {"const": tool.name}, "arguments": tool.parameters},
            "required": ["tool", "arguments"],
        }
        for tool in tools
    ]
    options.append(
        {"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"]}
    )
    return {"anyOf": options}


# ── Shared fault mapping for the HTTP providers (ollama, openai, anthropic) ───────────────────────
# Each SDK has its own exception classes; all of them end in an HTTP status, a transport failure or
# an unreadable body, so the mapping to agentrunner's hierarchy is decided here, once.

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0"})


def is_loopback_url(url: str | None) -> bool:
    """True for http(s)://localhost…, 127.x.x.x, [::1]: a server on this machine."""
    if not url:
        return False
    from urllib.parse import urlsplit

    host = (urlsplit(url if "://" in url else f"http://{url}").hostname or "").lower()
    return host in LOOPBACK_HOSTS or host.startswith("127.")


def parse_retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds to wait from ``retry-after-ms`` or ``Retry-After`` (seconds or an HTTP date)."""
    if not headers:
        return None
    lowered = {str(key).lower(): str(value) for key, value in headers.items()}
    millis = lowered.get("retry-after-ms")
    if millis:
        try:
            return max(float(millis) / 1000, 0.0)
        except ValueError:
            pass
    value = lowered.get("retry-after")
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    from datetime import UTC, datetime

    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


def error_for_status(
    status: int,
    detail: str,
    *,
    tier: str,
    retry_after: float | None = None,
    key_env: str | None = None,
) -> ProviderError:
    """The agentrunner error for an HTTP error status (the same for every provider).

    401/403 name the env var holding the key; 429 carries Retry-After; 5xx and 529 (Anthropic's
    "overloaded") are server errors; every other 4xx is a refused request (never retried)."""
    detail = " ".join(detail.split())[:300] or "no details"
    if status in (401, 403):
        if key_env is None:  # a keyless (local) endpoint that wants a key after all
            return ProviderAuthError(
                f"HTTP {status}: the server wants an API key; set api_key_env on the tier ({detail})", tier=tier
            )
        verb = "was rejected" if status == 401 else "is not allowed to do this"
        return ProviderAuthError(f"HTTP {status}: the API key in ${key_env} {verb} ({detail})", tier=tier)
    if status == 429:
        return ProviderRateLimited(f"HTTP 429 rate limited: {detail}", tier=tier, retry_after=retry_after)
    if status in (408, 409) or status >= 500:
        # 408 request timeout and 409 conflict (lock contention) are transient on every API we speak.
        return ProviderServerError(f"HTTP {status}: {detail}", tier=tier, retry_after=retry_after)
    return ProviderRequestError(f"HTTP {status}: {detail}", tier=tier)


def body_detail(body: object, fallback: str = "") -> str:
    """The human part of an error body: ``{"error": {"message": …}}``, ``{"error": "…"}`` or text."""
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict):
            message = error.get("message") or error.get("type")
            if message:
                return str(message)
        elif error:
            return str(error)
        message = body.get("message")
        if message:
            return str(message)
    if isinstance(body, str | bytes) and body:
        return body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    return fallback


def root_cause(exc: BaseException) -> str:
    """The innermost transport error (e.g. "ConnectError: [Errno 111] Connection refused") rather
    than an SDK's generic wrapper text ("Connection error.")."""
    inner: BaseException = exc
    seen = {id(exc)}
    while (nxt := inner.__cause__ or inner.__context__) is not None and id(nxt) not in seen:
        seen.add(id(nxt))
        inner = nxt
    text = str(inner) or type(inner).__name__
    return text if inner is exc else f"{type(inner).__name__}: {text}"


@contextmanager
def sdk_errors(sdk: ModuleType, *, tier: str, where: str, timeout: float, key_env: str | None) -> Iterator[None]:
    """Translate the exceptions of the official openai and anthropic SDKs (both generated by
    Stainless, with the same exception classes) into the agentrunner hierarchy."""
    try:
        yield
    except sdk.APIStatusError as exc:
        raise error_for_status(
            exc.status_code,
            body_detail(exc.body, exc.message),
            tier=tier,
            retry_after=parse_retry_after(exc.response.headers),
            key_env=key_env,
        ) from None
    except sdk.APITimeoutError:
        raise ProviderConnectionError(f"timed out after {timeout:g}s waiting for {where}", tier=tier) from None
    except sdk.APIConnectionError as exc:
        raise ProviderConnectionError(f"cannot reach {where}: {root_cause(exc)}", tier=tier) from None
    except sdk.APIResponseValidationError as exc:
        raise ProviderResponseError(f"malformed response body: {exc.message}", tier=tier) from None
    except ValueError as exc:  # the SDK's json.loads on a truncated or non-JSON body
        raise ProviderResponseError(f"malformed response body: {exc}", tier=tier) from None


#: httpx errors of both generations: the SDKs use httpx2, a caller's ``http_client`` may be httpx.
_TIMEOUTS = (httpx.TimeoutException, httpx2.TimeoutException)
_TRANSPORT = (httpx.HTTPError, httpx2.HTTPError)


@contextmanager
def stream_transport_errors(tier: str, where: str, sdk: ModuleType | None = None) -> Iterator[None]:
    """A stream broken after it started (cut, reset, stalled). While iterating, the SDKs raise
    their connection errors or let the HTTP client's own through; either is translated here,
    saying the stream broke (not "cannot reach": it was reached)."""
    timeouts: tuple[type[BaseException], ...] = _TIMEOUTS + ((sdk.APITimeoutError,) if sdk else ())
    transport: tuple[type[BaseException], ...] = _TRANSPORT + ((sdk.APIConnectionError,) if sdk else ())
    try:
        yield
    except timeouts:
        raise ProviderConnectionError(f"timed out mid-stream from {where}", tier=tier) from None
    except transport as exc:
        raise ProviderResponseError(f"the stream from {where} broke: {root_cause(exc)}", tier=tier) from None
