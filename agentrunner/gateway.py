"""The gateway: every model call goes through here, so every attempt is retried the same way,
priced, and written to the ledger.

``Gateway.call(tier, request, context)``:

1. with ``reuse=True``, a finished successful call with the same request hash at the same step is
   returned from the ledger instead of being paid for again (resuming a killed run);
2. each attempt calls the tier's provider once; the attempt's outcome (ok or error with reason)
   becomes one ledger row the moment it ends;
3. retryable failures (429, 5xx, connection errors, malformed bodies) are retried with
   exponential backoff and full jitter, honouring ``Retry-After``; others raise at once.
"""

from __future__ import annotations

import contextlib
import json
import random
import threading
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .chat import ChatDelta, ChatRequest, ChatResponse, StreamAccumulator, ToolCall, Usage
from .config import Config, TierConfig
from .errors import (
    Interrupted,
    ProviderAuthError,
    ProviderError,
    ProviderResponseError,
    ProviderUnavailable,
    UsageError,
)
from .ledger import CallRecord, Ledger, utcnow
from .pricing import price_call
from .providers import create_provider
from .providers.base import Availability, Provider

BACKOFF_BASE_S = 0.5
BACKOFF_CAP_S = 30.0
RETRY_AFTER_CAP_S = 120.0


@dataclass(frozen=True)
class CallContext:
    """Who is calling: recorded with the call in the ledger."""

    run_id: str | None = None
    task_id: str | None = None
    step_id: str | None = None
    step_kind: str | None = None
    route_reason: str | None = None
    route_score: float | None = None
    replay_of: str | None = None
    config_name: str | None = None
    task_type: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    # The HTTP gateway's callers (agentrunner/server/): who, with which key, from which program.
    # user/team None: the configured [ledger] user/team.
    source: str = "agentrunner"
    user: str | None = None
    team: str | None = None
    key_id: str | None = None
    client: str | None = None
    request_id: str | None = None
    protocol: str | None = None
    # A budget reservation to delete in the same transaction as the row of the attempt that
    # answers (one write fewer per call; the HTTP gateway's hot path).
    reservation_id: str | None = None


def backoff_delay(retry: int, retry_after: float | None, rng: random.Random) -> float:
    """Full-jitter exponential backoff; a server's Retry-After is a floor."""
    delay = rng.uniform(0, min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2**retry))
    if retry_after is not None:
        delay = max(delay, min(retry_after, RETRY_AFTER_CAP_S))
    return delay


class Gateway:
    """Calls tiers of one configuration, recording every attempt in one ledger."""

    def __init__(
        self,
        config: Config,
        ledger: Ledger,
        *,
        providers: dict[str, Provider] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        seed: int | None = None,
    ) -> None:
        self.config = config
        self.ledger = ledger
        self._providers: dict[str, Provider] = dict(providers or {})
        self._availability: dict[str, Availability] = {}
        self._lock = threading.Lock()
        self._sleep = sleep
        self._rng = random.Random(seed)
        self.config_hash = config.config_hash()

    def provider(self, tier: str, model: str | None = None) -> Provider:
        """The tier's provider; with ``model``, one for the tier's provider and connection but that
        model (the HTTP gateway's pass-through of a requested model)."""
        tier_config = self.tier_config(tier, model)
        key = tier if model is None else f"{tier}\x00{model}"
        with self._lock:
            if key not in self._providers:
                self._providers[key] = create_provider(tier, tier_config, self.config.base_dir)
            return self._providers[key]

    def tier_config(self, tier: str, model: str | None = None) -> TierConfig:
        """A tier's settings; with ``model`` overriding its model (and dropping its ``price``,
        which was written for its own model: genai-prices prices the other one)."""
        tier_config = self.config.tiers.get(tier)
        if tier_config is None:
            raise UsageError(f"unknown tier {tier!r}; configured tiers: {', '.join(self.config.tiers)}")
        if model is not None and model != tier_config.model:
            tier_config = tier_config.model_copy(update={"model": model, "price": None, "model_path": None})
        return tier_config

    def availability(self, tier: str) -> Availability:
        """Whether a tier can be used, checked once per gateway (i.e. once per run)."""
        with self._lock:
            cached = self._availability.get(tier)
        if cached is not None:
            return cached
        try:
            result = self.provider(tier).check_available()
        except ProviderError as exc:
            result = Availability(False, exc.message)
        with self._lock:
            self._availability[tier] = result
        return result

    def mark_unavailable(self, tier: str, reason: str) -> None:
        with self._lock:
            self._availability[tier] = Availability(False, reason)

    def close(self) -> None:
        for provider in self._providers.values():
            provider.close()

    def _prepare(
        self, tier: str, request: ChatRequest, model: str | None, *, as_sent: bool = False
    ) -> tuple[TierConfig, ChatRequest, str, str]:
        tier_config = self.tier_config(tier, model)
        if not as_sent and request.max_tokens is not None and request.max_tokens > tier_config.max_tokens:
            # The tier's max_tokens is a ceiling (time and money): no request asks a tier for more.
            request = request.model_copy(update={"max_tokens": tier_config.max_tokens})
        canonical = request.canonical()
        request_hash = request.request_hash(canonical)
        request_json = json.dumps({"model": tier_config.model, **canonical}, ensure_ascii=False, sort_keys=True)
        return tier_config, request, request_hash, request_json

    def start_attempt(
        self,
        tier: str,
        request: ChatRequest,
        context: CallContext | None = None,
        *,
        model: str | None = None,
        attempt: int = 1,
        as_sent: bool = False,
    ) -> Attempt:
        """One upstream attempt made outside :meth:`call`/:meth:`stream`, to be recorded here: its
        ledger row is then like any call's (context, request, price, usage). The HTTP gateway's
        Anthropic pass-through forwards the caller's body itself and records through this.
        ``as_sent``: the request went upstream as the caller sent it (its ``max_tokens`` not
        lowered to the tier's). The clock starts now; end it with :meth:`Attempt.ok` or
        :meth:`Attempt.failed`."""
        tier_config, request, request_hash, request_json = self._prepare(tier, request, model, as_sent=as_sent)
        return self._attempt(tier, tier_config, context or CallContext(), attempt, request_hash, request_json)

    def _attempt(
        self,
        tier: str,
        tier_config: TierConfig,
        context: CallContext,
        attempt: int,
        request_hash: str,
        request_json: str,
    ) -> Attempt:
        record = CallRecord(
            ts_start=utcnow(),
            attempt=attempt,
            tier=tier,
            provider=tier_config.provider,
            model=tier_config.model,
            request_json=request_json,
            request_hash=request_hash,
            config_hash=self.config_hash,
            user=context.user or self.config.ledger.user or None,
            team=context.team or self.config.ledger.team or None,
            project=self.config.ledger.project or None,
            **{name: getattr(context, name) for name in _CONTEXT_COLUMNS},
        )
        return Attempt(self, tier, tier_config, record, time.perf_counter(), release=context.reservation_id)

    def _retried(
        self,
        tier: str,
        prepared: tuple[TierConfig, ChatRequest, str, str],
        context: CallContext,
        model: str | None,
        start: Callable[[Provider, ChatRequest], _Started],
    ) -> tuple[Attempt, _Started]:
        """The retry loop of :meth:`call` and :meth:`stream`: ``start`` (one provider call, or a
        stream's opening up to its first delta) until it succeeds or fails for good. Every failed
        attempt is a ledger row; a retryable failure waits (backoff, Retry-After) and goes again."""
        tier_config, request, request_hash, request_json = prepared
        available = self.availability(tier)
        attempts = tier_config.max_retries + 1
        for number in range(1, attempts + 1):
            attempt = self._attempt(tier, tier_config, context, number, request_hash, request_json)
            self.ledger.ensure_writable()  # never pay for a call whose row cannot be written (LedgerError)
            try:
                if not available:
                    raise ProviderUnavailable(f"unavailable: {available.reason}", tier=tier)
                return attempt, start(self.provider(tier, model), request)
            except Interrupted as exc:  # an abandoned in-process call (providers/abandon.py): never retried
                attempt.record_failure(exc)
                raise
            except Exception as exc:
                error = attempt.failed(exc)
                if isinstance(error, ProviderAuthError | ProviderUnavailable):
                    # A rejected key or a vanished model will not come back within this run:
                    # availability (and so routing) skips the tier from now on.
                    self.mark_unavailable(tier, error.message)
                retryable = error.retryable or not isinstance(exc, ProviderError)
                if not retryable or number >= attempts:
                    raise error from None
                self._sleep(backoff_delay(number - 1, error.retry_after, self._rng))
        raise AssertionError("unreachable")  # pragma: no cover

    def call(
        self,
        tier: str,
        request: ChatRequest,
        context: CallContext | None = None,
        *,
        reuse: bool = False,
        model: str | None = None,
    ) -> ChatResponse:
        """One call, retried; every attempt a ledger row. ``model`` overrides the tier's model
        (same provider and connection): the HTTP gateway's pass-through."""
        context = context or CallContext()
        prepared = self._prepare(tier, request, model)
        if reuse:
            row = self.ledger.find_completed(prepared[2], step_id=context.step_id, model=prepared[0].model)
            if row is not None:
                return response_from_row(row)
        attempt, response = self._retried(
            tier, prepared, context, model, lambda provider, request: provider.complete(request)
        )
        return attempt.ok(response)

    def stream(
        self,
        tier: str,
        request: ChatRequest,
        context: CallContext | None = None,
        *,
        model: str | None = None,
    ) -> CallStream:
        """One call, streamed: an iterator of :class:`~agentrunner.chat.ChatDelta`.

        Failures before the first delta are retried like :meth:`call`'s (nothing was sent on yet).
        The ledger row is written when the stream ends; when it ends early — the consumer closes
        the iterator (a client gone), or the upstream cuts it — the row holds what arrived,
        ``partial`` set, its usage as reported so far or estimated. After the end,
        ``CallStream.response`` is the whole answer with its ledger id and cost."""
        return CallStream(self, tier, request, context or CallContext(), model)


_CONTEXT_COLUMNS = (
    "run_id", "task_id", "step_id", "step_kind", "route_reason", "route_score", "source", "replay_of",
    "config_name", "task_type", "client", "key_id", "request_id", "protocol",
)  # CallContext fields that are ledger columns of the same name
_Started = Any  # what an attempt's start returns: a ChatResponse, or an open stream and its first delta


class Attempt:
    """One upstream attempt, its ledger row not yet written (see :meth:`Gateway.start_attempt`)."""

    def __init__(
        self,
        gateway: Gateway,
        tier: str,
        tier_config: TierConfig,
        record: CallRecord,
        started: float,
        *,
        release: str | None = None,
    ) -> None:
        self.gateway = gateway
        self.release = release  # a reservation deleted with the answer's row (CallContext.reservation_id)
        self.tier = tier
        self.tier_config = tier_config
        self.record = record  # the row's columns known before the answer: who, what, which tier
        self.started = started  # time.perf_counter() when the attempt began

    def failed(self, exc: Exception) -> ProviderError:
        """Record the attempt as failed; return the failure as a ProviderError of this tier."""
        if isinstance(exc, ProviderError):
            error = exc if exc.tier else type(exc)(exc.message, tier=self.tier, retry_after=exc.retry_after)
        else:  # an SDK choking on a body it could not parse, etc.
            error = ProviderResponseError(f"{type(exc).__name__}: {exc}", tier=self.tier)
        self.record_failure(error)
        return error

    def record_failure(self, error: Exception) -> None:
        """The attempt's row: failed, with why."""
        row = self.record.model_copy(
            update={
                "ts_end": utcnow(),
                "latency_ms": (time.perf_counter() - self.started) * 1000,
                "status": "error",
                "error": f"{type(error).__name__}: {error}",
                "finish_reason": "error",
            }
        )
        self.gateway.ledger.record_call(row)

    def ok(self, response: ChatResponse, *, partial: str | None = None, status: str = "ok") -> ChatResponse:
        """Record the attempt's answer, priced. ``partial``: it was cut short (why; the row is then
        not replayable); ``status`` "error" when it was cut by a failure. Returns the response with
        its ledger id, cost, tier and latency."""
        latency_ms = response.latency_ms or (time.perf_counter() - self.started) * 1000
        usage = response.usage
        cost = price_call(self.tier_config, usage, latency_ms, when=datetime.now(UTC))
        row = self.record.model_copy(
            update={
                "ts_end": utcnow(),
                "resolved_model": response.resolved_model,
                "response_text": response.text,
                "response_json": json.dumps(
                    {"tool_calls": [c.model_dump() for c in response.tool_calls]}, ensure_ascii=False
                )
                if response.tool_calls
                else None,
                "finish_reason": response.finish_reason,
                "input_tokens": usage.input_tokens,
                "output_tokens": usage.output_tokens,
                "cache_read_tokens": usage.cache_read_tokens,
                "cache_write_tokens": usage.cache_write_tokens,
                "reasoning_tokens": usage.reasoning_tokens,
                "input_includes_cache": usage.input_includes_cache,
                "cost_usd": cost.usd,
                "price_source": cost.source,
                "latency_ms": latency_ms,
                "status": status,
                "partial": partial is not None,
                "error": partial,
                # A cut-short answer is no baseline for compare/tune: its request is kept, not replayed.
                "replayable": partial is None,
            }
        )
        call_id = self.gateway.ledger.record_call(row, release=self.release)
        return response.model_copy(
            update={"call_id": call_id, "cost_usd": cost.usd, "tier": self.tier, "latency_ms": latency_ms}
        )


class CallStream(Iterator[ChatDelta]):
    """The deltas of one streamed call (see :meth:`Gateway.stream`). Iterate it; ``close()`` it
    when stopping early; ``response`` is set once the ledger row is written."""

    def __init__(
        self, gateway: Gateway, tier: str, request: ChatRequest, context: CallContext, model: str | None
    ) -> None:
        self.response: ChatResponse | None = None
        self.tier = tier
        self._gateway = gateway
        self._generator = self._run(tier, request, context, model)

    def __next__(self) -> ChatDelta:
        return next(self._generator)

    def close(self) -> None:
        self._generator.close()

    def _run(
        self, tier: str, request: ChatRequest, context: CallContext, model: str | None
    ) -> Generator[ChatDelta, None, None]:
        prepared = self._gateway._prepare(tier, request, model)
        request = prepared[1]
        attempt, (upstream, first) = self._gateway._retried(tier, prepared, context, model, _open_stream)
        accumulated = StreamAccumulator()
        try:
            if first is not None:
                accumulated.add(first)
                yield first
            for delta in upstream:
                accumulated.add(delta)
                yield delta
        except GeneratorExit:
            _close_quietly(upstream)
            self.response = attempt.ok(
                _partial_response(accumulated, request, attempt.started),
                partial=f"partial: the client stopped reading after {accumulated.content_deltas} pieces",
            )
            raise
        except Exception as exc:
            _close_quietly(upstream)
            error = exc if isinstance(exc, ProviderError) else ProviderResponseError(
                f"{type(exc).__name__}: {exc}", tier=tier
            )
            self.response = attempt.ok(
                _partial_response(accumulated, request, attempt.started),
                partial=f"partial: the stream broke after {accumulated.content_deltas} pieces: "
                f"{type(error).__name__}: {error}",
                status="error",
            )
            if isinstance(exc, Interrupted):
                raise
            raise error from None
        latency_ms = (time.perf_counter() - attempt.started) * 1000
        self.response = attempt.ok(accumulated.response(latency_ms=latency_ms))


def _open_stream(provider: Provider, request: ChatRequest) -> tuple[Iterator[ChatDelta], ChatDelta | None]:
    """A provider's stream, opened up to its first delta (failures until then are retried)."""
    upstream = provider.stream(request)
    try:
        return upstream, next(upstream, None)
    except BaseException:
        _close_quietly(upstream)
        raise


def _close_quietly(iterator: Iterator[ChatDelta] | None) -> None:
    close = getattr(iterator, "close", None)
    if close is not None:
        with contextlib.suppress(Exception):  # closing a broken upstream must not hide why it broke
            close()


def _partial_response(accumulated: StreamAccumulator, request: ChatRequest, started: float) -> ChatResponse:
    """What a cut-short stream amounts to. Usage the provider did not report yet is estimated:
    the prompt by its size, the output as one token per delta (token streams send one each)."""
    response = accumulated.response(latency_ms=(time.perf_counter() - started) * 1000)
    usage = response.usage
    if usage.input_tokens is None or usage.output_tokens is None:
        usage = usage.model_copy(
            update={
                "input_tokens": usage.input_tokens if usage.input_tokens is not None
                else request.estimated_prompt_tokens(),
                "output_tokens": usage.output_tokens
                if usage.output_tokens is not None
                else accumulated.content_deltas,
            }
        )
    return response.model_copy(update={"usage": usage, "finish_reason": response.finish_reason if
                                       accumulated.finish_reason else "unknown"})


def response_from_row(row: dict[str, Any]) -> ChatResponse:
    """Rebuild a response from its ledger row (resume and replay cache): no provider call. The
    row's columns have the types the ledger wrote; pydantic checks them again here."""
    tool_calls: list[ToolCall] = []
    if row.get("response_json"):
        data = json.loads(str(row["response_json"]))
        tool_calls = [ToolCall(**c) for c in data.get("tool_calls", [])]
    return ChatResponse(
        text=str(row.get("response_text") or ""),
        tool_calls=tool_calls,
        usage=Usage(
            input_tokens=row.get("input_tokens"),
            output_tokens=row.get("output_tokens"),
            cache_read_tokens=row.get("cache_read_tokens") or 0,
            cache_write_tokens=row.get("cache_write_tokens") or 0,
            reasoning_tokens=row.get("reasoning_tokens") or 0,
            input_includes_cache=bool(row.get("input_includes_cache", 1)),
        ),
        finish_reason=row.get("finish_reason") or "unknown",
        resolved_model=row.get("resolved_model"),
        latency_ms=float(row.get("latency_ms") or 0.0),
        call_id=str(row["id"]),
        cost_usd=row.get("cost_usd"),
        tier=row.get("tier"),
        reused=True,
    )
