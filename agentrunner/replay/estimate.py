"""``compare --estimate``: what a replay would cost and how long it would take, before any call.

Per configuration, over the selected calls: the router decides each call's tier exactly as the
replay would (rules, classifier, threshold, budgets checked without reserving) but assumes every
tier is available — checking would probe servers, and nothing is contacted. A call whose answer
is already in the ledger (the response cache, as the replay would find it) costs nothing and takes
no time. For the others:

- tokens: the original call's input tokens (else the request's estimate), and its output tokens
  capped at the tier's ``max_tokens`` (else that cap: the worst case);
- cost: those tokens at the tier's price (``price`` in routes.toml or genai-prices), or for a local
  tier its ``cost_per_hour`` over the expected time; unpriced calls are counted apart;
- time: the tier's measured throughput — output tokens per second per request over its model's last
  :data:`THROUGHPUT_ROWS` successful calls in the ledger — else :data:`ASSUMED_TOKENS_PER_S`, said so;
  divided by the endpoint's parallel slots (``max_concurrency`` or ``--concurrency``) and never
  faster than its ``requests_per_minute``/``tokens_per_minute`` allow. Endpoints work at the same time:
  the configuration's time is its slowest endpoint's.

Judge calls (``judge:TIER`` scorers) are not included: how many answers differ is what the replay finds out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..chat import Usage
from ..errors import AgentRunnerError
from ..ledger import Ledger
from ..pricing import price_call
from ..router import RouteContext, Router, Step
from .engine import Candidate, ResponseCache, effective_request, request_from_row
from .limits import EndpointKey, Limits, endpoint_of
from .select import Selection, iter_selected

THROUGHPUT_ROWS = 1000
ASSUMED_TOKENS_PER_S = 30.0


@dataclass
class EndpointLoad:
    limits: Limits
    calls: int = 0
    seconds: float = 0.0  # one request after another
    tokens: int = 0

    def wall_seconds(self) -> float:
        wall = self.seconds / max(self.limits.max_concurrency, 1)
        if self.limits.requests_per_minute:
            wall = max(wall, self.calls * 60.0 / self.limits.requests_per_minute)
        if self.limits.tokens_per_minute:
            wall = max(wall, self.tokens * 60.0 / self.limits.tokens_per_minute)
        return wall


@dataclass
class Estimate:
    """One configuration's expected replay."""

    config: str
    calls: int = 0
    cached: int = 0
    to_call: int = 0
    unroutable: int = 0
    by_tier: Counter[str] = field(default_factory=Counter)
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    unpriced: int = 0
    endpoints: dict[EndpointKey, EndpointLoad] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return max((load.wall_seconds() for load in self.endpoints.values()), default=0.0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "config": self.config,
            "calls": self.calls,
            "cached": self.cached,
            "to_call": self.to_call,
            "unroutable": self.unroutable,
            "by_tier": dict(sorted(self.by_tier.items())),
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cost_usd": round(self.cost_usd, 8),
            "unpriced": self.unpriced,
            "seconds": round(self.seconds, 1),
        }


class Throughput:
    """Output tokens per second per request of a model, measured in the ledger (or assumed)."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self._known: dict[tuple[str, str], float | None] = {}
        self.assumed: set[str] = set()
        self.measured: dict[str, tuple[float, int]] = {}

    def tokens_per_s(self, provider: str, model: str) -> float:
        key = (provider, model)
        if key not in self._known:
            row = self.ledger.fetch_one(
                "SELECT count(*) AS n, sum(latency_ms) AS ms, sum(output_tokens) AS tokens FROM ("
                "SELECT latency_ms, output_tokens FROM calls WHERE provider = ? AND model = ? AND status = 'ok' "
                "AND latency_ms > 0 AND output_tokens > 0 ORDER BY ts_start DESC LIMIT ?)",
                [provider, model, THROUGHPUT_ROWS],
            )
            rate = None
            if row and row["n"] and row["ms"]:
                rate = float(row["tokens"]) / (float(row["ms"]) / 1000)
                self.measured[model] = (rate, int(row["n"]))
            self._known[key] = rate
        rate = self._known[key]
        if rate is None:
            self.assumed.add(model)
            return ASSUMED_TOKENS_PER_S
        return rate

    def notes(self) -> list[str]:
        notes = [
            f"time for {model}: {rate:.1f} output tokens/s per request, measured over its last {n} call(s)"
            for model, (rate, n) in sorted(self.measured.items())
        ]
        notes += [
            f"time for {model}: no calls of it in the ledger; assumed {ASSUMED_TOKENS_PER_S:g} output tokens/s "
            "per request"
            for model in sorted(self.assumed)
        ]
        return notes


def estimate_replay(
    ledger: Ledger,
    candidates: list[Candidate],
    selection: Selection,
    *,
    use_cache: bool = True,
    concurrency: int | None = None,
    tags_of: Callable[[str | None], list[str]] | None = None,
) -> tuple[list[Estimate], list[str]]:
    """Every configuration's :class:`Estimate`, and notes on what the times rest on. No model
    is called and no server contacted."""
    cache = ResponseCache(ledger, use_cache)
    throughput = Throughput(ledger)
    routers = {c.name: Router(c.config, ledger, availability=None) for c in candidates}
    estimates = {c.name: Estimate(c.name) for c in candidates}
    tags: Callable[[str | None], list[str]] = tags_of or (lambda _task: [])
    for original in iter_selected(ledger, selection):
        try:
            request = request_from_row(original)
        except AgentRunnerError:
            continue
        step = Step.for_request(request, kind=original.get("step_kind") or "act", tags=tags(original.get("task_id")))
        for candidate in candidates:
            result = estimates[candidate.name]
            result.calls += 1
            try:
                decision = routers[candidate.name].choose(step, RouteContext(), reserve=False)
            except AgentRunnerError:
                result.unroutable += 1
                continue
            tier = candidate.config.tiers[decision.tier]
            sent = effective_request(request, candidate.config, decision.tier)
            cap = sent.max_tokens or tier.max_tokens
            result.by_tier[decision.tier] += 1
            if cache.lookup(sent.request_hash(), tier.provider, tier.model) is not None or cache.original_answers(
                original, tier.provider, tier.model, cap
            ):
                result.cached += 1
                continue
            result.to_call += 1
            input_tokens = int(original.get("input_tokens") or step.estimated_prompt_tokens())
            output_tokens = min(int(original.get("output_tokens") or cap), cap)
            seconds = output_tokens / throughput.tokens_per_s(tier.provider, tier.model)
            cost = price_call(tier, Usage(input_tokens=input_tokens, output_tokens=output_tokens), seconds * 1000)
            result.input_tokens += input_tokens
            result.output_tokens += output_tokens
            if cost.usd is None:
                result.unpriced += 1
            else:
                result.cost_usd += cost.usd
            key = endpoint_of(tier)
            load = result.endpoints.setdefault(key, EndpointLoad(Limits.of(tier, concurrency)))
            load.calls += 1
            load.seconds += seconds
            load.tokens += input_tokens + output_tokens
    notes = throughput.notes()
    notes.append("every tier assumed available (nothing is probed); judge calls are not included")
    return [estimates[c.name] for c in candidates], notes
