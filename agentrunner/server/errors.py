"""Errors of the HTTP gateway: one :class:`ApiError` (an HTTP status, a protocol-neutral kind, a
message) that each protocol module renders in its own error shape, and the mapping from
agentrunner's exception tree to it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from ..errors import (
    AgentRunnerError,
    BudgetExhausted,
    ConfigError,
    LedgerError,
    OverBudget,
    ProviderAuthError,
    ProviderConnectionError,
    ProviderError,
    ProviderRateLimited,
    ProviderRequestError,
    ProviderResponseError,
    ProviderServerError,
    ProviderUnavailable,
    UsageError,
)

#: What went wrong, independent of the protocol; each protocol maps these to its own type names
#: (OpenAI: ``invalid_request_error``…, Anthropic: ``invalid_request_error``, ``overloaded_error``…).
ErrorKind = Literal[
    "invalid_request",  # 400, 413, 415: the request cannot be served as sent
    "authentication",  # 401: no key, unknown or revoked key
    "permission",  # 403: a valid key that may not do this
    "not_found",  # 404: unknown model or path
    "rate_limit",  # 429: a budget cap or the upstream's rate limit
    "upstream",  # 502/503: the upstream failed or is unavailable
    "overloaded",  # 529 (Anthropic) / 503: the upstream is overloaded
    "internal",  # 500: a bug; the message never carries a traceback
]


@dataclass
class ApiError(Exception):
    status: int
    kind: ErrorKind
    message: str
    param: str | None = None
    code: str | None = None
    retry_after: float | None = None  # seconds; sent as the retry-after header
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def response_headers(self) -> dict[str, str]:
        headers = dict(self.headers)
        if self.retry_after is not None:
            headers["retry-after"] = str(max(1, math.ceil(self.retry_after)))
        return headers


def _reset_seconds(message: str) -> float | None:
    """Seconds until the cap in a budget message ("… resets 2026-12-01 00:00 UTC") resets."""
    marker = "resets "
    if marker not in message:
        return None
    text = message.rsplit(marker, 1)[1].strip()
    try:
        when = datetime.strptime(text[:20], "%Y-%m-%d %H:%M UTC").replace(tzinfo=UTC)
    except ValueError:
        return None
    return max((when - datetime.now(UTC)).total_seconds(), 1.0)


def api_error_for(exc: AgentRunnerError) -> ApiError:
    """agentrunner's exception → the HTTP error a client gets. Upstream auth failures are the
    gateway's configuration (its key), never the caller's: 503, not 401."""
    message = str(exc)
    if isinstance(exc, OverBudget):  # a caller's cap: seconds until its window resets (None: never)
        return ApiError(429, "rate_limit", message, code="budget_exhausted", retry_after=exc.retry_after_s)
    if isinstance(exc, BudgetExhausted):
        return ApiError(429, "rate_limit", message, code="budget_exhausted", retry_after=_reset_seconds(message))
    if isinstance(exc, ProviderError):
        if isinstance(exc, ProviderRateLimited):
            return ApiError(429, "rate_limit", f"upstream: {message}", code="upstream_rate_limited",
                            retry_after=exc.retry_after)
        if isinstance(exc, ProviderRequestError):
            return ApiError(400, "invalid_request", f"upstream refused the request: {message}")
        if isinstance(exc, ProviderAuthError):
            return ApiError(503, "upstream", f"upstream rejected the gateway's credentials: {message}")
        if isinstance(exc, ProviderUnavailable):
            return ApiError(503, "upstream", message, retry_after=exc.retry_after)
        if isinstance(exc, ProviderServerError):
            return ApiError(503, "overloaded", f"upstream: {message}", retry_after=exc.retry_after)
        if isinstance(exc, ProviderConnectionError | ProviderResponseError):
            return ApiError(502, "upstream", f"upstream: {message}")
        return ApiError(502, "upstream", message)
    if isinstance(exc, ConfigError | LedgerError):
        return ApiError(500, "internal", message)
    if isinstance(exc, UsageError):
        return ApiError(400, "invalid_request", message)
    return ApiError(500, "internal", message)
