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

import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .chat import ChatRequest, ChatResponse, ToolCall, Usage
from .config import Config
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

    def provider(self, tier: str) -> Provider:
        if tier not in self.config.tiers:
            raise UsageError(f"unknown tier {tier!r}; configured tiers: {', '.join(self.config.tiers)}")
        with self._lock:
            if tier not in self._providers:
                self._providers[tier] = create_provider(tier, self.config.tiers[tier], self.config.base_dir)
            return self._providers[tier]

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

    def call(
        self,
        tier: str,
        request: ChatRequest,
        context: CallContext | None = None,
        *,
        reuse: bool = False,
    ) -> ChatResponse:
        context = context or CallContext()
        tier_config = self.config.tiers.get(tier)
        if tier_config is None:
            raise UsageError(f"unknown tier {tier!r}; configured tiers: {', '.join(self.config.tiers)}")
        if request.max_tokens is not None and request.max_tokens > tier_config.max_tokens:
            # The tier's max_tokens is a ceiling (time and money): no request asks a tier for more.
            request = request.model_copy(update={"max_tokens": tier_config.max_tokens})
        request_hash = request.request_hash()
        if reuse:
            row = self.ledger.find_completed(request_hash, step_id=context.step_id, model=tier_config.model)
            if row is not None:
                return response_from_row(row)

        request_json = json.dumps(
            {"model": tier_config.model, **request.canonical()}, ensure_ascii=False, sort_keys=True
        )
        available = self.availability(tier)
        attempts = tier_config.max_retries + 1
        for attempt in range(1, attempts + 1):
            ts_start = utcnow()
            started = time.perf_counter()
            base = CallRecord(
                ts_start=ts_start,
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
                user=self.config.ledger.user or None,
                team=self.config.ledger.team or None,
                project=self.config.ledger.project or None,
                replay_of=context.replay_of,
                config_name=context.config_name,
                task_type=context.task_type,
            )
            try:
                if not available:
                    raise ProviderUnavailable(f"unavailable: {available.reason}", tier=tier)
                response = self.provider(tier).complete(request)
            except ProviderError as exc:
                error = exc if exc.tier else type(exc)(exc.message, tier=tier, retry_after=exc.retry_after)
                self._record_error(base, started, error)
                if isinstance(error, ProviderAuthError | ProviderUnavailable):
                    # A rejected key or a vanished model will not come back within this run:
                    # availability (and so routing) skips the tier from now on.
                    self.mark_unavailable(tier, error.message)
                if not error.retryable or attempt == attempts:
                    raise error from None
                self._sleep(backoff_delay(attempt - 1, error.retry_after, self._rng))
                continue
            except Exception as exc:  # an SDK choking on a body it could not parse, etc.
                error = ProviderResponseError(f"{type(exc).__name__}: {exc}", tier=tier)
                self._record_error(base, started, error)
                if attempt == attempts:
                    raise error from None
                self._sleep(backoff_delay(attempt - 1, None, self._rng))
                continue
            return self._record_ok(base, started, tier, response)
        raise AssertionError("unreachable")  # pragma: no cover

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

    def _record_ok(self, base: CallRecord, started: float, tier: str, response: ChatResponse) -> ChatResponse:
        latency_ms = response.latency_ms or (time.perf_counter() - started) * 1000
        usage = response.usage
        cost = price_call(self.config.tiers[tier], usage, latency_ms, when=datetime.now(UTC))
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
                "status": "ok",
            }
        )
        call_id = self.ledger.record_call(record)
        return response.model_copy(
            update={"call_id": call_id, "cost_usd": cost.usd, "tier": tier, "latency_ms": latency_ms}
        )


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
