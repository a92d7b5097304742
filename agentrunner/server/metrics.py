"""Prometheus metrics of the gateway, served at ``GET /metrics`` (text exposition format).

=============================================  ====================================  ===================
metric                                         labels                                what
=============================================  ====================================  ===================
``agentrunner_gateway_requests_total``         protocol, tier, user, code            HTTP requests answered
``agentrunner_gateway_request_seconds``        protocol, tier                        time to the last byte (histogram)
``agentrunner_gateway_first_byte_seconds``     protocol, tier                        time to the first body byte
``agentrunner_gateway_errors_total``           protocol, tier, kind                  error answers by kind
``agentrunner_gateway_tokens_total``           tier, user, kind                      input/output/cache tokens
``agentrunner_gateway_cost_usd_total``         tier, user                            priced spend
``agentrunner_gateway_in_flight``              —                                     requests being answered
=============================================  ====================================  ===================

Cardinality stays bounded: ``tier`` is a configured tier or ``-`` (refused before routing);
``protocol`` is ``openai``, ``anthropic`` or ``other``; ``code`` an HTTP status; ``kind`` a fixed
word; ``user`` a key's user — at most :data:`MAX_USERS` distinct names per process, the rest
counted as ``other`` — and the histograms carry no user at all (buckets × users would explode).

Requests are measured by :class:`MetricsMiddleware` (an ASGI middleware: status, time to first
and last byte); the call path tells it the tier and user of a request and the tokens and cost of
each call with :func:`note_call` (keyed by the request id of ``RequestIdMiddleware``, which must
run outside this middleware).

With ``agentrunner serve --workers N`` each worker is its own process: the server sets
``PROMETHEUS_MULTIPROC_DIR`` before the workers start, and ``/metrics`` (whichever worker answers)
adds up every worker's values (prometheus_client's multiprocess mode).

``/metrics`` answers loopback clients without a key; from another host it needs a valid key
(Prometheus: ``authorization: { credentials: ar-… }`` in the scrape config) — it names users and
their spend.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import multiprocess as prometheus_multiprocess
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..chat import Usage

MAX_USERS = 1000
"""Distinct ``user`` label values per process; later users are counted as ``other``."""
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)
_PROTOCOLS = {
    "/v1/messages": "anthropic",
    "/v1/chat/completions": "openai",
    "/chat/completions": "openai",
    "/v1/responses": "openai",
    "/responses": "openai",
}
_KINDS = {
    400: "invalid_request",
    401: "authentication",
    403: "permission",
    404: "not_found",
    405: "invalid_request",
    408: "timeout",
    413: "too_large",
    415: "invalid_request",
    422: "invalid_request",
    429: "rate_limited",
    499: "client_gone",
    500: "internal",
    502: "upstream",
    503: "unavailable",
    504: "upstream_timeout",
    529: "overloaded",
}


class GatewayMetrics:
    """The gateway's metric families, in their own registry (one per app)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        registry = self.registry
        self.requests = Counter(
            "agentrunner_gateway_requests",
            "HTTP requests answered by the gateway.",
            ["protocol", "tier", "user", "code"],
            registry=registry,
        )
        self.latency = Histogram(
            "agentrunner_gateway_request_seconds",
            "Seconds from a request's arrival to the last byte of its answer (streams: the last event).",
            ["protocol", "tier"],
            buckets=_LATENCY_BUCKETS,
            registry=registry,
        )
        self.first_byte = Histogram(
            "agentrunner_gateway_first_byte_seconds",
            "Seconds from a request's arrival to the first byte of its answer's body.",
            ["protocol", "tier"],
            buckets=_LATENCY_BUCKETS,
            registry=registry,
        )
        self.errors = Counter(
            "agentrunner_gateway_errors",
            "Error answers (HTTP status >= 400, or a stream ended by an error event) by kind.",
            ["protocol", "tier", "kind"],
            registry=registry,
        )
        self.tokens = Counter(
            "agentrunner_gateway_tokens",
            "Tokens of the gateway's upstream calls, by kind (input, output, cache_read, cache_write).",
            ["tier", "user", "kind"],
            registry=registry,
        )
        self.cost = Counter(
            "agentrunner_gateway_cost_usd",
            "Priced cost of the gateway's upstream calls, USD (unpriced calls add nothing).",
            ["tier", "user"],
            registry=registry,
        )
        self.in_flight = Gauge(
            "agentrunner_gateway_in_flight",
            "Requests being answered now.",
            registry=registry,
            multiprocess_mode="livesum",
        )
        self._users: set[str] = set()
        self._lock = threading.Lock()
        self._live: dict[str, _Labels] = {}  # request id → labels the call path filled in

    # -- labels --------------------------------------------------------------------------------

    def user_label(self, user: str | None) -> str:
        name = user or "-"
        with self._lock:
            if name in self._users:
                return name
            if len(self._users) >= MAX_USERS:
                return "other"
            self._users.add(name)
        return name

    def _labels(self, request_id: str) -> _Labels | None:
        with self._lock:
            return self._live.get(request_id)

    # -- what the call path reports ------------------------------------------------------------

    def note_caller(self, request_id: str, user: str | None) -> None:
        labels = self._labels(request_id)
        if labels is not None:
            labels.user = self.user_label(user)

    def note_call(
        self, request_id: str, *, tier: str, user: str | None, usage: Usage | None, cost_usd: float | None
    ) -> None:
        """One upstream call of a request ended: its tier labels the request; tokens and cost count."""
        user_label = self.user_label(user)
        labels = self._labels(request_id)
        if labels is not None:
            labels.tier, labels.user = tier, user_label
        if usage is not None:
            for kind, count in (
                ("input", usage.input_tokens),
                ("output", usage.output_tokens),
                ("cache_read", usage.cache_read_tokens),
                ("cache_write", usage.cache_write_tokens),
            ):
                if count:
                    self.tokens.labels(tier, user_label, kind).inc(count)
        if cost_usd:
            self.cost.labels(tier, user_label).inc(cost_usd)

    def note_stream_error(self, request_id: str) -> None:
        """A stream that had started (HTTP 200) ended with an error event."""
        labels = self._labels(request_id)
        if labels is not None:
            labels.stream_error = True

    # -- exposition ----------------------------------------------------------------------------

    def exposition(self) -> bytes:
        if os.environ.get(MULTIPROC_ENV):
            registry = CollectorRegistry()
            prometheus_multiprocess.MultiProcessCollector(registry)
            return generate_latest(registry)
        return generate_latest(self.registry)


@dataclass
class _Labels:
    protocol: str
    tier: str = "-"
    user: str = "-"
    stream_error: bool = False


def protocol_of(path: str) -> str:
    for prefix, name in _PROTOCOLS.items():
        if path.startswith(prefix):
            return name
    return "other"


def error_kind(status: int) -> str:
    return _KINDS.get(status, "client_error" if status < 500 else "server_error")


class MetricsMiddleware:
    """Counts and times every request (not ``/metrics`` and ``/healthz`` themselves)."""

    def __init__(self, app: ASGIApp, metrics: GatewayMetrics, request_id: Callable[[Scope], str]) -> None:
        self.app = app
        self.metrics = metrics
        self.request_id = request_id

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in ("/metrics", "/healthz"):
            await self.app(scope, receive, send)
            return
        metrics = self.metrics
        started = time.perf_counter()
        request_id = self.request_id(scope)
        labels = _Labels(protocol_of(scope["path"]))
        with metrics._lock:
            metrics._live[request_id] = labels
        status = 500
        first_byte: float | None = None

        async def measured_send(message: Message) -> None:
            nonlocal status, first_byte
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif message["type"] == "http.response.body" and first_byte is None and message.get("body"):
                first_byte = time.perf_counter() - started
            await send(message)

        metrics.in_flight.inc()
        try:
            await self.app(scope, receive, measured_send)
        finally:
            metrics.in_flight.dec()
            with metrics._lock:
                metrics._live.pop(request_id, None)
            elapsed = time.perf_counter() - started
            metrics.requests.labels(labels.protocol, labels.tier, labels.user, str(status)).inc()
            metrics.latency.labels(labels.protocol, labels.tier).observe(elapsed)
            if first_byte is not None:
                metrics.first_byte.labels(labels.protocol, labels.tier).observe(first_byte)
            if status >= 400:
                metrics.errors.labels(labels.protocol, labels.tier, error_kind(status)).inc()
            elif labels.stream_error:
                metrics.errors.labels(labels.protocol, labels.tier, "stream_error").inc()


def metrics_endpoint(metrics: GatewayMetrics, allowed: Callable[[Request], bool]) -> Callable[[Request], Response]:
    """``GET /metrics``; ``allowed(request)`` decides who may read it (loopback, or a valid key)."""

    async def endpoint(request: Request) -> Response:
        if not allowed(request):
            return Response(
                "metrics need a gateway key from a non-loopback client\n", status_code=401, media_type="text/plain"
            )
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    return endpoint  # type: ignore[return-value]


__all__ = ["MAX_USERS", "MULTIPROC_ENV", "GatewayMetrics", "MetricsMiddleware", "metrics_endpoint", "protocol_of"]
