"""How fast a replay may call each endpoint: parallel requests, requests and tokens per minute, and
a 429's ``Retry-After`` shared by every worker.

One :class:`Limiter` per endpoint — ``(provider, base_url or host or model file, model)`` — shared by
every configuration of a replay that names it, so two candidates on the same server share its
slots. Its limits come from the tiers' ``max_concurrency``, ``requests_per_minute`` and
``tokens_per_minute`` in routes.toml (the strictest of the tiers naming the endpoint), and
``--concurrency N`` replaces ``max_concurrency`` for every tier but the in-process ``llama-cpp``
one, which answers one request at a time.

- **slots**: at most ``max_concurrency`` requests in flight (a semaphore held only around the
  provider call, not the ledger write);
- **requests per minute**: requests are spaced ``60 / rpm`` seconds apart (no burst: a provider's
  minute window can never be exceeded by our own pacing);
- **tokens per minute**: a bucket of ``tpm`` tokens refilled continuously; a request takes its
  estimate (prompt characters / 4 + its ``max_tokens``, what providers count against the limit)
  and gives back what its usage shows it did not use;
- **Retry-After**: a 429 carrying it closes the endpoint for that long for *every* worker, not just
  the one that got it (the gateway's own retry of that request waits at least as long).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..chat import ChatRequest, ChatResponse
from ..config import Config, TierConfig
from ..errors import ProviderRateLimited, UsageError
from ..gateway import Attempt, Gateway
from ..providers.base import Availability, Provider
from .inflight import InflightJournal

IN_PROCESS_PROVIDERS = frozenset({"llama-cpp"})
MAX_CONCURRENCY = 1024
_RECHECK_S = 0.5  # a waiting worker looks again at least this often (a Retry-After may move the gate)

EndpointKey = tuple[str, str, str]


def endpoint_of(tier: TierConfig) -> EndpointKey:
    """What a limit applies to: one server (or API) and model."""
    where = tier.base_url or tier.host or tier.model_path or ""
    return (tier.provider, where, tier.model)


@dataclass(frozen=True)
class Limits:
    max_concurrency: int = 1
    requests_per_minute: int | None = None
    tokens_per_minute: int | None = None

    @classmethod
    def of(cls, tier: TierConfig, concurrency: int | None = None) -> Limits:
        slots = tier.max_concurrency if concurrency is None else concurrency
        if tier.provider in IN_PROCESS_PROVIDERS:
            slots = 1
        return cls(slots, tier.requests_per_minute, tier.tokens_per_minute)

    def strictest(self, other: Limits) -> Limits:
        def low(a: int | None, b: int | None) -> int | None:
            return b if a is None else a if b is None else min(a, b)

        return Limits(
            min(self.max_concurrency, other.max_concurrency),
            low(self.requests_per_minute, other.requests_per_minute),
            low(self.tokens_per_minute, other.tokens_per_minute),
        )


def estimated_tokens(request: ChatRequest, tier: TierConfig) -> int:
    """What a provider counts against tokens-per-minute before answering: prompt + max output."""
    chars = sum(len(m.content or "") for m in request.messages)
    return chars // 4 + 1 + (request.max_tokens or tier.max_tokens)


class Limiter:
    """The gate of one endpoint (see the module doc). Thread-safe."""

    def __init__(
        self,
        limits: Limits,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.limits = limits
        self._slots = threading.BoundedSemaphore(limits.max_concurrency)
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep
        self._next_start = 0.0
        self._blocked_until = 0.0
        tpm = limits.tokens_per_minute
        self._tokens = float(tpm) if tpm else 0.0
        self._tokens_at = clock()
        self.waited_s = 0.0  # total time workers spent waiting on rate limits (not on slots)

    def _refill(self, now: float) -> None:
        tpm = self.limits.tokens_per_minute
        if tpm:
            self._tokens = min(float(tpm), self._tokens + (now - self._tokens_at) * tpm / 60.0)
        self._tokens_at = now

    def acquire(self, tokens: int) -> None:
        """Wait for a slot, then for the rate limits and any Retry-After; then go."""
        self._slots.acquire()
        try:
            while True:
                with self._lock:
                    now = self._clock()
                    self._refill(now)
                    wait = self._blocked_until - now
                    rpm = self.limits.requests_per_minute
                    if rpm:
                        wait = max(wait, self._next_start - now)
                    tpm = self.limits.tokens_per_minute
                    if tpm:
                        need = min(tokens, tpm)  # a request larger than a minute's worth waits for a full bucket
                        if self._tokens < need:
                            wait = max(wait, (need - self._tokens) * 60.0 / tpm)
                    if wait <= 0:
                        if rpm:
                            self._next_start = max(now, self._next_start) + 60.0 / rpm
                        if tpm:
                            self._tokens -= tokens
                        return
                    self.waited_s += min(wait, _RECHECK_S)
                self._sleep(min(wait, _RECHECK_S))
        except BaseException:
            self._slots.release()
            raise

    def release(self, estimated: int = 0, used: int | None = None) -> None:
        """Free the slot; give back the tokens the estimate over-counted."""
        if self.limits.tokens_per_minute and used is not None and used < estimated:
            with self._lock:
                self._tokens = min(float(self.limits.tokens_per_minute), self._tokens + (estimated - used))
        self._slots.release()

    def block_for(self, seconds: float) -> None:
        """Close the gate for every worker (a 429's Retry-After)."""
        with self._lock:
            self._blocked_until = max(self._blocked_until, self._clock() + max(seconds, 0.0))


class LimitedProvider(Provider):
    """A provider whose every attempt passes its endpoint's :class:`Limiter`."""

    def __init__(
        self, inner: Provider, limiter: Limiter, before_send: Callable[[ChatRequest], None] | None = None
    ) -> None:
        super().__init__(inner.tier_name, inner.tier, inner.base_dir)
        self.inner = inner
        self.limiter = limiter
        self.before_send = before_send  # the write-ahead record of the call (inflight.py)
        self.name = inner.name  # type: ignore[misc]

    def complete(self, request: ChatRequest) -> ChatResponse:
        estimate = estimated_tokens(request, self.tier)
        self.limiter.acquire(estimate)
        used: int | None = None
        try:
            if self.before_send is not None:
                self.before_send(request)
            response = self.inner.complete(request)
            usage = response.usage
            if usage.input_tokens is not None and usage.output_tokens is not None:
                used = usage.input_tokens + usage.output_tokens
            return response
        except ProviderRateLimited as exc:
            if exc.retry_after is not None:
                self.limiter.block_for(exc.retry_after)
            raise
        finally:
            self.limiter.release(estimate, used)

    def check_available(self) -> Availability:
        return self.inner.check_available()

    def close(self) -> None:
        self.inner.close()

    def __getattr__(self, name: str) -> Any:
        # Anything else a provider offers (streaming, the SDK client) is the wrapped one's, unlimited:
        # replays only complete.
        return getattr(self.inner, name)


class Limiters:
    """Every endpoint's limiter for one replay."""

    def __init__(self, concurrency: int | None = None) -> None:
        if concurrency is not None and not 1 <= concurrency <= MAX_CONCURRENCY:
            raise UsageError(f"--concurrency must be between 1 and {MAX_CONCURRENCY}, got {concurrency}")
        self.concurrency = concurrency
        self._limits: dict[EndpointKey, Limits] = {}
        self._limiters: dict[EndpointKey, Limiter] = {}
        self._lock = threading.Lock()

    def register(self, config: Config) -> None:
        """Take a configuration's tiers into account (before any call)."""
        with self._lock:
            for tier in config.tiers.values():
                key = endpoint_of(tier)
                limits = Limits.of(tier, self.concurrency)
                known = self._limits.get(key)
                self._limits[key] = limits if known is None else known.strictest(limits)

    def for_tier(self, tier: TierConfig) -> Limiter:
        key = endpoint_of(tier)
        with self._lock:
            limiter = self._limiters.get(key)
            if limiter is None:
                limits = self._limits.get(key) or Limits.of(tier, self.concurrency)
                self._limits[key] = limits
                limiter = self._limiters[key] = Limiter(limits)
            return limiter

    def workers(self) -> int:
        """Threads worth running: every endpoint's slots together; 1 (replay serially, as before)
        when no endpoint allows more than one request at a time."""
        with self._lock:
            slots = [limits.max_concurrency for limits in self._limits.values()]
        if max(slots, default=1) <= 1:
            return 1
        return min(MAX_CONCURRENCY, sum(slots))


class LimitedGateway(Gateway):
    """A gateway whose providers pass the replay's limiters; with a ``journal``, every request is
    recorded as in flight (the row it will have, :mod:`.inflight`) once its slot is taken, before
    it is sent."""

    def __init__(
        self, config: Config, ledger: Any, *, limiters: Limiters, journal: InflightJournal | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(config, ledger, **kwargs)
        self.limiters = limiters
        self.journal = journal
        limiters.register(config)
        self._limited: dict[str, Provider] = {}
        self._sending = threading.local()  # this thread's attempt: its row-to-be

    def _attempt(self, *args: Any) -> Attempt:
        attempt = super()._attempt(*args)
        self._sending.attempt = attempt
        return attempt

    def _before_send(self, request: ChatRequest) -> None:
        if self.journal is None:
            return
        attempt: Attempt = self._sending.attempt
        self.journal.open(attempt.record, request, attempt.tier_config)

    def provider(self, tier: str, model: str | None = None) -> Provider:
        inner = super().provider(tier, model)
        key = tier if model is None else f"{tier}\x00{model}"
        with self._lock:
            limited = self._limited.get(key)
            if limited is None or getattr(limited, "inner", None) is not inner:
                limiter = self.limiters.for_tier(self.tier_config(tier, model))
                limited = self._limited[key] = LimitedProvider(inner, limiter, self._before_send)
            return limited
