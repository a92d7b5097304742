"""The replay engine: one original ledger call, replayed through one candidate configuration.

For each original call: rebuild its :class:`~agentrunner.chat.ChatRequest` from ``request_json``;
route it with the candidate's :class:`~agentrunner.router.Router` (``Step.for_request`` with the
original step kind and the item's tags); answer it from the response cache or by calling the chosen
tier through the candidate's :class:`~agentrunner.gateway.Gateway`; escalate on provider errors as a
real run would; score the answer against the original with the step kind's scorer.

Ledger conventions (documented in docs/compare-and-tune.md):

- replayed calls are recorded with ``step_kind = "replay"``, ``replay_of = <original call id>`` and
  ``config_name = <candidate name>``; the judge's calls with ``step_kind = "judge"`` and the same
  ``replay_of``/``config_name``. Reports keep both apart from real work by ``replay_of``; budgets
  count them (it is real spend).
- the request sent is the original one with ``max_tokens``/``temperature`` filled in from the
  candidate tier when the original left them unset, so the request hash covers every parameter
  that decides the answer.

Response cache: before calling, an ok ledger row with the same request hash, provider and model is
looked up (``(request_hash, provider, model, params)``: the params are inside the hash). The
original call itself also counts as a cached answer when it was made by the same provider and model
and ended on its own (``finish_reason`` stop/tool_calls) within the candidate's ``max_tokens``: a
larger cap could not have changed it. ``use_cache=False`` (``--no-cache``) calls every time. A
cached answer costs what its row says (the configuration's cost), but nothing is paid again.

Budgets: the router first decides without reserving; only when the answer is not cached is the
step routed again holding the worst-case reservation for the real call (released when it ends).
Scores are written in batches of :data:`SCORE_BATCH` (a judge's at once, since it cost money).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..chat import ChatRequest, ChatResponse
from ..config import Config, load_config
from ..errors import AgentRunnerError, ProviderError, UsageError
from ..gateway import CallContext, Gateway, response_from_row
from ..ledger import Ledger, new_id
from ..router import RouteContext, Router, Step
from .inflight import InflightJournal
from .limits import LimitedGateway, Limiters
from .scorers import JudgeCall, ScorerSet

REPLAY_STEP_KIND = "replay"
JUDGE_STEP_KIND = "judge"
_NATURAL_END = ("stop", "tool_calls")
SCORE_BATCH = 500


@dataclass
class Candidate:
    """A configuration to compare: its name (the file's stem, or a given label) and its content."""

    name: str
    config: Config

    @classmethod
    def load(cls, path: str | Path, name: str | None = None) -> Candidate:
        return cls(name or Path(path).stem, load_config(path))


@dataclass
class ReplayResult:
    """What one configuration did with one original call."""

    baseline_id: str
    config_name: str
    tier: str | None
    model: str | None
    call_id: str | None
    text: str
    cost_usd: float | None
    latency_ms: float | None
    input_tokens: int | None
    output_tokens: int | None
    cached: bool
    paid_usd: float  # what this replay actually spent now (0 on a cache hit)
    score: float
    scorer: str
    score_details: dict[str, Any] = field(default_factory=dict)
    route_reason: str = ""
    error: str | None = None


def request_from_row(row: dict[str, Any]) -> ChatRequest:
    """The request of a ledger row: ``request_json`` is ``{"model": …, **ChatRequest.canonical()}``."""
    try:
        data = json.loads(row["request_json"])
        data.pop("model", None)
        return ChatRequest.model_validate(data)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"ledger call {row.get('id')}: request_json cannot be rebuilt: {exc}") from None


def answer_text(row_or_response: dict[str, Any] | ChatResponse) -> str:
    """The text a scorer compares: the answer text, or the tool calls as canonical JSON."""
    if isinstance(row_or_response, ChatResponse):
        if row_or_response.text or not row_or_response.tool_calls:
            return row_or_response.text
        calls = [{"name": c.name, "arguments": c.arguments} for c in row_or_response.tool_calls]
        return json.dumps(calls, sort_keys=True, ensure_ascii=False)
    text = row_or_response.get("response_text") or ""
    if text or not row_or_response.get("response_json"):
        return str(text)
    try:
        data = json.loads(row_or_response["response_json"])
        calls = [{"name": c.get("name"), "arguments": c.get("arguments", {})} for c in data.get("tool_calls", [])]
    except (TypeError, ValueError, AttributeError):
        return str(row_or_response["response_json"])
    return json.dumps(calls, sort_keys=True, ensure_ascii=False)


def prompt_text(request: ChatRequest) -> str:
    """The request as one string (for judges and outcome datasets): a lone user message as is,
    otherwise every message prefixed with its role."""
    if len(request.messages) == 1 and request.messages[0].role == "user":
        return request.messages[0].content
    return "\n\n".join(f"{m.role}: {m.content}" for m in request.messages if m.content)


def effective_request(request: ChatRequest, config: Config, tier: str) -> ChatRequest:
    """The request as the tier receives it: the tier's defaults filled in where the original left
    them unset, and ``max_tokens`` clamped to the tier's as the gateway does (else the cache key
    would be the unclamped request's and never match the row the gateway recorded)."""
    tier_config = config.tiers[tier]
    updates: dict[str, Any] = {}
    if request.max_tokens is None or request.max_tokens > tier_config.max_tokens:
        updates["max_tokens"] = tier_config.max_tokens
    if request.temperature is None:
        updates["temperature"] = tier_config.temperature
    return request.model_copy(update=updates) if updates else request


class ResponseCache:
    """Answers already in the ledger, keyed by (request_hash, provider, model)."""

    def __init__(self, ledger: Ledger, enabled: bool = True) -> None:
        self.ledger = ledger
        self.enabled = enabled
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()

    def count(self, *, hit: bool) -> None:
        with self._lock:  # replay workers run in threads
            if hit:
                self.hits += 1
            else:
                self.misses += 1

    def lookup(self, request_hash: str, provider: str, model: str) -> dict[str, Any] | None:
        if not self.enabled:
            return None
        return self.ledger.fetch_one(
            "SELECT * FROM calls WHERE request_hash = ? AND provider = ? AND model = ? AND status = 'ok' "
            "ORDER BY ts_end DESC LIMIT 1",
            [request_hash, provider, model],
        )

    def lookup_in_run(
        self, run_id: str, replay_of: str | None, config_name: str | None, request_hash: str, provider: str, model: str
    ) -> dict[str, Any] | None:
        """An answer this replay run itself already got for this call (a resumed ``--no-cache``
        replay: the cache is off, but nothing is paid twice)."""
        return self.ledger.fetch_one(
            "SELECT * FROM calls WHERE replay_of = ? AND run_id = ? AND config_name = ? AND request_hash = ? "
            "AND provider = ? AND model = ? AND status = 'ok' ORDER BY ts_end DESC LIMIT 1",
            [replay_of, run_id, config_name, request_hash, provider, model],
        )

    def original_answers(self, original: dict[str, Any], provider: str, model: str, max_tokens: int) -> bool:
        """Whether the original call is the answer this provider/model would give (see module doc)."""
        if not self.enabled or original.get("provider") != provider or original.get("model") != model:
            return False
        output = original.get("output_tokens")
        return original.get("finish_reason") in _NATURAL_END and output is not None and output <= max_tokens


def item_tags(state_path: Path) -> Callable[[str | None], list[str]]:
    """``task_id → tags`` from the queue's state.db (empty when it or the item is missing)."""
    cache: dict[str, list[str]] = {}
    conn: sqlite3.Connection | None = None
    lock = threading.Lock()  # replay workers share the one read-only connection
    if state_path.exists():
        try:
            conn = sqlite3.connect(f"file:{state_path}?mode=ro", uri=True, check_same_thread=False)
            conn.execute("SELECT id, tags FROM items LIMIT 0")
        except sqlite3.Error:
            conn = None

    def tags(task_id: str | None) -> list[str]:
        if conn is None or not task_id:
            return []
        with lock:
            return _lookup(task_id)

    def _lookup(task_id: str) -> list[str]:
        assert conn is not None
        if task_id not in cache:
            if len(cache) > 10_000:  # bounded: replays stream in time order, items repeat locally
                cache.clear()
            try:
                row = conn.execute("SELECT tags FROM items WHERE id = ?", [task_id]).fetchone()
                value = json.loads(row[0]) if row and row[0] else []
                cache[task_id] = [str(t).lstrip("#") for t in value] if isinstance(value, list) else []
            except (sqlite3.Error, ValueError):
                cache[task_id] = []
        return cache[task_id]

    return tags


class ReplayEngine:
    """Replays original calls through candidate configurations, with the response cache."""

    def __init__(
        self,
        ledger: Ledger,
        candidates: list[Candidate],
        scorers: ScorerSet | Callable[[Callable[[str], JudgeCall]], ScorerSet],
        *,
        use_cache: bool = True,
        run_id: str | None = None,
        judge_config: Config | None = None,
        gateway_factory: Callable[[Config], Gateway] | None = None,
        state_path: Path | None = None,
        concurrency: int | None = None,
        limiters: Limiters | None = None,
        resuming: bool = False,
        journal: InflightJournal | None = None,
    ) -> None:
        if not candidates:
            raise UsageError("name at least one configuration to compare")
        names = [c.name for c in candidates]
        if len(set(names)) != len(names):
            raise UsageError(f"two configurations have the same name ({', '.join(names)}): rename a file")
        self.ledger = ledger
        self.candidates = candidates
        self.run_id = run_id or new_id()
        self.cache = ResponseCache(ledger, use_cache)
        self.resuming = resuming  # this run_id made calls before (a killed replay, continued)
        # Every endpoint's slots and rate limits (routes.toml, or --concurrency N for all tiers).
        self.limiters = limiters or Limiters(concurrency)
        for candidate in candidates:
            self.limiters.register(candidate.config)
        # Every request written down before it is sent (inflight.py): a kill leaves no spend unrecorded.
        self._owns_journal = journal is None
        self.journal = InflightJournal(ledger) if self._owns_journal else journal
        make_gateway = gateway_factory or (
            lambda config: LimitedGateway(config, ledger, limiters=self.limiters, journal=self.journal)
        )
        self.gateways = {c.name: make_gateway(c.config) for c in candidates}
        self.routers = {
            c.name: Router(c.config, ledger, self.gateways[c.name].availability, run_id=self.run_id)
            for c in candidates
        }
        self.judge_gateway = make_gateway(judge_config or candidates[0].config)
        # The judge's calls carry the replayed call's ids: per worker thread, set before scoring.
        self._local = threading.local()
        self.scorers = scorers if isinstance(scorers, ScorerSet) else scorers(self._judge_call)
        self.tags_of = item_tags(state_path) if state_path else (lambda _task: [])
        self._pending_keys: dict[tuple[str, str, str], dict[str, Any]] = {}
        self._scores_lock = threading.RLock()
        self._paid_lock = threading.Lock()
        self.paid_usd = 0.0  # what this engine's calls (replays and judges) cost so far

    def _paid(self, response: ChatResponse) -> float:
        amount = response.cost_usd or 0.0
        if amount:
            with self._paid_lock:
                self.paid_usd += amount
        return amount

    @property
    def _judge_context(self) -> CallContext:
        context: CallContext | None = getattr(self._local, "judge_context", None)
        return context or CallContext(step_kind=JUDGE_STEP_KIND, run_id=self.run_id)

    @_judge_context.setter
    def _judge_context(self, context: CallContext) -> None:
        self._local.judge_context = context

    def workers(self) -> int:
        """Worker threads for this replay: every endpoint's slots (1: serial, in the caller's thread)."""
        return self.limiters.workers()

    def close(self) -> None:
        self.flush_scores()
        for gateway in {id(g): g for g in [*self.gateways.values(), self.judge_gateway]}.values():
            gateway.close()
        if self._owns_journal and self.journal is not None:
            self.journal.close()

    # -- calls ------------------------------------------------------------------------------

    def _cached_call(self, gateway: Gateway, tier: str, request: ChatRequest, context: CallContext) -> ChatResponse:
        tier_config = gateway.config.tiers[tier]
        row = self.cache.lookup(request.request_hash(), tier_config.provider, tier_config.model)
        if row is None and self.resuming and not self.cache.enabled:
            row = self.cache.lookup_in_run(self.run_id, context.replay_of, context.config_name,
                                           request.request_hash(), tier_config.provider, tier_config.model)
        if row is not None:
            self.cache.count(hit=True)
            return response_from_row(row)
        self.cache.count(hit=False)
        response = gateway.call(tier, request, context)
        self._paid(response)
        return response

    def _judge_call(self, tier: str) -> JudgeCall:
        if tier not in self.judge_gateway.config.tiers:
            known = ", ".join(self.judge_gateway.config.tiers)
            raise UsageError(f"judge tier {tier!r} is not configured (tiers: {known})")

        def call(request: ChatRequest) -> ChatResponse:
            return self._cached_call(self.judge_gateway, tier, request, self._judge_context)

        return call

    # -- one replay -------------------------------------------------------------------------

    def answer_key(self, original: dict[str, Any], candidate: Candidate) -> tuple[str, str, str] | None:
        """The response-cache key the first answer of this replay will have — (request hash,
        provider, model) of the tier the router picks — or None when it cannot be routed. Parallel
        replays use it so that of two replays of the same request the later one waits for the
        earlier and then finds its answer, as a serial replay would."""
        try:
            request = request_from_row(original)
            step = Step.for_request(
                request, kind=original.get("step_kind") or "act", tags=self.tags_of(original.get("task_id"))
            )
            decision = self.routers[candidate.name].choose(step, RouteContext(run_id=self.run_id), reserve=False)
        except AgentRunnerError:
            return None
        tier_config = candidate.config.tiers[decision.tier]
        sent = effective_request(request, candidate.config, decision.tier)
        return (sent.request_hash(), tier_config.provider, tier_config.model)

    def replay(self, original: dict[str, Any], candidate: Candidate) -> ReplayResult:
        """Route, answer (cache or call, escalating on provider errors) and score one call."""
        request = request_from_row(original)
        step = Step.for_request(
            request, kind=original.get("step_kind") or "act", tags=self.tags_of(original.get("task_id"))
        )
        router = self.routers[candidate.name]
        gateway = self.gateways[candidate.name]
        context = RouteContext(run_id=self.run_id)
        try:
            # Decide without reserving: a cached answer spends nothing, so it needs no reservation.
            decision = router.choose(step, context, reserve=False)
        except ProviderError as exc:  # no capable tier: this configuration cannot do the step
            return self._failed(original, candidate, str(exc))
        tried: list[str] = []
        while True:
            tier_config = candidate.config.tiers[decision.tier]
            sent = effective_request(request, candidate.config, decision.tier)
            paid_now = 0.0
            cap = sent.max_tokens or tier_config.max_tokens
            # The latest answer to exactly this request on this provider/model (after a --no-cache
            # run, its fresh answers), else the original call's own answer when it is equivalent.
            cached = self.cache.lookup(sent.request_hash(), tier_config.provider, tier_config.model)
            if cached is None and self.cache.original_answers(original, tier_config.provider, tier_config.model, cap):
                cached = original
            if cached is None and self.resuming and not self.cache.enabled:
                cached = self.cache.lookup_in_run(self.run_id, original["id"], candidate.name, sent.request_hash(),
                                                  tier_config.provider, tier_config.model)
            if cached is not None:
                self.cache.count(hit=True)
                response = response_from_row(cached)
                break
            if decision.escalation == 0 and decision.reservation_id is None:
                # A real call: route again, this time holding the worst case against the budgets.
                decision = router.choose(step, context)
                tier_config = candidate.config.tiers[decision.tier]
                sent = effective_request(request, candidate.config, decision.tier)
            call_context = CallContext(
                run_id=self.run_id,
                task_id=original.get("task_id"),
                step_id=original.get("step_id"),
                step_kind=REPLAY_STEP_KIND,
                route_reason=decision.reason,
                route_score=decision.score,
                replay_of=original["id"],
                config_name=candidate.name,
                task_type=original.get("task_type"),
            )
            try:
                self.cache.count(hit=False)
                response = gateway.call(decision.tier, sent, call_context)
                paid_now = self._paid(response)
                break
            except ProviderError as exc:
                router.release(decision)
                tried.append(decision.tier)
                escalated = router.escalate(step, decision, RouteContext(run_id=self.run_id, exclude=frozenset(tried)))
                if escalated is None:
                    return self._failed(original, candidate, str(exc), tier=decision.tier)
                decision = escalated
        router.release(decision)
        text = answer_text(response)
        score, scorer_name, details = self._score(original, request, response, text, candidate)
        return ReplayResult(
            baseline_id=original["id"],
            config_name=candidate.name,
            tier=decision.tier,
            model=tier_config.model,
            call_id=response.call_id,
            text=text,
            cost_usd=response.cost_usd,
            latency_ms=response.latency_ms,
            input_tokens=response.usage.input_tokens,
            output_tokens=response.usage.output_tokens,
            cached=response.reused,
            paid_usd=paid_now,
            score=score,
            scorer=scorer_name,
            score_details=details,
            route_reason=decision.reason,
        )

    def _failed(
        self, original: dict[str, Any], candidate: Candidate, error: str, tier: str | None = None
    ) -> ReplayResult:
        return ReplayResult(
            baseline_id=original["id"],
            config_name=candidate.name,
            tier=tier,
            model=None,
            call_id=None,
            text="",
            cost_usd=None,
            latency_ms=None,
            input_tokens=None,
            output_tokens=None,
            cached=False,
            paid_usd=0.0,
            score=0.0,
            scorer="failed",
            error=error,
        )

    def _score(
        self, original: dict[str, Any], request: ChatRequest, response: ChatResponse, text: str, candidate: Candidate
    ) -> tuple[float, str, dict[str, Any]]:
        scorer = self.scorers.for_kind(original.get("step_kind"))
        assert response.call_id is not None
        key = (response.call_id, original["id"], scorer.name)
        with self._scores_lock:
            pending = self._pending_keys.get(key)
        if pending is not None:
            return float(pending["score"]), scorer.name, json.loads(pending["details"])
        known = self.ledger.fetch_one(
            "SELECT score, details FROM scores WHERE call_id = ? AND baseline_call_id = ? AND scorer = ? "
            "LIMIT 1", list(key)
        )
        if known is not None:  # scored before (a judge is not paid twice either)
            return float(known["score"]), scorer.name, json.loads(known["details"] or "{}")
        reference = answer_text(original)
        if text == reference:
            value, details = 1.0, {"identical": True}
        else:
            self._judge_context = CallContext(
                step_kind=JUDGE_STEP_KIND,
                run_id=self.run_id,
                task_id=original.get("task_id"),
                replay_of=original["id"],
                config_name=candidate.name,
            )
            result = scorer.score(text, reference, prompt=prompt_text(request))
            value, details = result.value, result.details
        row = {
            "call_id": response.call_id,
            "baseline_call_id": original["id"],
            "scorer": scorer.name,
            "score": value,
            "details": json.dumps(details, ensure_ascii=False),
        }
        with self._scores_lock:
            self._pending_keys[key] = row
            full = len(self._pending_keys) >= SCORE_BATCH
        if full or scorer.name.startswith("judge"):
            self.flush_scores()  # a judge's verdict cost money: keep it at once
        return value, scorer.name, details

    def flush_scores(self) -> None:
        """Write buffered scores in one transaction (one fsync per batch instead of per score)."""
        with self._scores_lock:
            if not self._pending_keys:
                return
            rows = list(self._pending_keys.values())
            self.ledger.record_scores(rows)
            self._pending_keys.clear()
