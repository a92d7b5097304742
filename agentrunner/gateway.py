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
from .errors import ProviderAuthError, ProviderError, ProviderResponseError, ProviderUnavailable, UsageError
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
        self, tier: str, request: ChatRequest, model: str | None
    ) -> tuple[TierConfig, ChatRequest, str, str]:
        tier_config = self.tier_config(tier, model)
        if request.max_tokens is not None and request.max_tokens > tier_config.max_tokens:
            # The tier's max_tokens is a ceiling (time and money): no request asks a tier for more.
            request = request.model_copy(update={"max_tokens": tier_config.max_tokens})
        request_hash = request.request_hash()
        request_json = json.dumps(
            {"model": tier_config.model, **request.canonical()}, ensure_ascii=False, sort_keys=True
        )
        return tier_config, request, request_hash, request_json

    def _base_record(
        self,
        tier: str,
        tier_config: TierConfig,
        context: CallContext,
        attempt: int,
        request_hash: str,
        request_json: str,
    ) -> CallRecord:
        return CallRecord(
            ts_start=utcnow(),
            run_id=context.run_id,
            task_id=context.task_id,
            step_id=context.step_id,
            step_kind=context.step_kind,
            attempt=attempt,
            tier=tier,
            provider=tier_config.provider,
            model=tier_config.model,
            request_json=request_json,
            request_hash=request_hash,
            route_reason=context.route_reason,
            route_score=context.route_score,
            config_hash=self.config_hash,
            user=context.user or self.config.ledger.user or None,
            team=context.team or self.config.ledger.team or None,
            project=self.config.ledger.project or None,
            source=context.source,
            replay_of=context.replay_of,
            config_name=context.config_name,
            task_type=context.task_type,
            client=context.client,
            key_id=context.key_id,
            request_id=context.request_id,
            protocol=context.protocol,
        )

    def _failed_attempt(self, tier: str, base: CallRecord, started: float, exc: Exception) -> ProviderError:
        """Record a failed attempt; return it as a ProviderError of this tier."""
        if isinstance(exc, ProviderError):
            error = exc if exc.tier else type(exc)(exc.message, tier=tier, retry_after=exc.retry_after)
        else:  # an SDK choking on a body it could not parse, etc.
            error = ProviderResponseError(f"{type(exc).__name__}: {exc}", tier=tier)
        self._record_error(base, started, error)
        if isinstance(error, ProviderAuthError | ProviderUnavailable):
            # A rejected key or a vanished model will not come back within this run:
            # availability (and so routing) skips the tier from now on.
            self.mark_unavailable(tier, error.message)
        return error

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
        tier_config, request, request_hash, request_json = self._prepare(tier, request, model)
        if reuse:
            row = self.ledger.find_completed(request_hash, step_id=context.step_id, model=tier_config.model)
            if row is not None:
                return response_from_row(row)
        available = self.availability(tier)
        attempts = tier_config.max_retries + 1
        for attempt in range(1, attempts + 1):
            base = self._base_record(tier, tier_config, context, attempt, request_hash, request_json)
            started = time.perf_counter()
            self.ledger.ensure_writable()  # never pay for a call whose row cannot be written (LedgerError)
            try:
                if not available:
                    raise ProviderUnavailable(f"unavailable: {available.reason}", tier=tier)
                response = self.provider(tier, model).complete(request)
            except Exception as exc:
                error = self._failed_attempt(tier, base, started, exc)
                if not _retry(error, exc, attempt, attempts):
                    raise error from None
                self._sleep(backoff_delay(attempt - 1, error.retry_after, self._rng))
                continue
            return self._record_ok(base, started, tier_config, response)
        raise AssertionError("unreachable")  # pragma: no cover

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

    def _record_error(self, base: CallRecord, started: float, error: ProviderError) -> None:
        record = base.model_copy(
            update={
                "ts_end": utcnow(),
                "latency_ms": (time.perf_counter() - started) * 1000,
                "status": "error",
                "error": f"{type(error).__name__}: {error}",
                "finish_reason": "error",
            }
        )
        self.ledger.record_call(record)

    def _record_ok(
        self,
        base: CallRecord,
        started: float,
        tier_config: TierConfig,
        response: ChatResponse,
        *,
        partial: str | None = None,
        status: str = "ok",
    ) -> ChatResponse:
        latency_ms = response.latency_ms or (time.perf_counter() - started) * 1000
        usage = response.usage
        cost = price_call(tier_config, usage, latency_ms, when=datetime.now(UTC))
        record = base.model_copy(
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
        call_id = self.ledger.record_call(record)
        return response.model_copy(
            update={"call_id": call_id, "cost_usd": cost.usd, "tier": base.tier, "latency_ms": latency_ms}
        )


def _retry(error: ProviderError, exc: Exception, attempt: int, attempts: int) -> bool:
    retryable = error.retryable or not isinstance(exc, ProviderError)
    return retryable and attempt < attempts


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
        gateway = self._gateway
        tier_config, request, request_hash, request_json = gateway._prepare(tier, request, model)
        available = gateway.availability(tier)
        attempts = tier_config.max_retries + 1
        for attempt in range(1, attempts + 1):
            base = gateway._base_record(tier, tier_config, context, attempt, request_hash, request_json)
            started = time.perf_counter()
            gateway.ledger.ensure_writable()  # no paid stream without a writable ledger row (LedgerError)
            upstream: Iterator[ChatDelta] | None = None
            try:
                if not available:
                    raise ProviderUnavailable(f"unavailable: {available.reason}", tier=tier)
                upstream = gateway.provider(tier, model).stream(request)
                first = next(upstream, None)  # failures before anything was passed on are retried
            except Exception as exc:
                _close_quietly(upstream)
                error = gateway._failed_attempt(tier, base, started, exc)
                if not _retry(error, exc, attempt, attempts):
                    raise error from None
                gateway._sleep(backoff_delay(attempt - 1, error.retry_after, gateway._rng))
                continue
            break
        else:  # pragma: no cover - the loop either breaks or raises
            raise AssertionError("unreachable")
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
            self.response = gateway._record_ok(
                base, started, tier_config, _partial_response(accumulated, request, started),
                partial=f"partial: the client stopped reading after {accumulated.content_deltas} pieces",
            )
            raise
        except Exception as exc:
            _close_quietly(upstream)
            error = exc if isinstance(exc, ProviderError) else ProviderResponseError(
                f"{type(exc).__name__}: {exc}", tier=tier
            )
            self.response = gateway._record_ok(
                base, started, tier_config, _partial_response(accumulated, request, started),
                partial=f"partial: the stream broke after {accumulated.content_deltas} pieces: "
                f"{type(error).__name__}: {error}",
                status="error",
            )
            raise error from None
        latency_ms = (time.perf_counter() - started) * 1000
        self.response = gateway._record_ok(base, started, tier_config, accumulated.response(latency_ms=latency_ms))


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
