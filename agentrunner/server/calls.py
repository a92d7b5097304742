"""The gateway's call path, the same for every protocol:

caller → route (:mod:`.routing`; ``auto`` asks the router) → budget reservation (:mod:`..budgets`)
→ :meth:`Gateway.call` / :meth:`Gateway.stream` with a :class:`~agentrunner.gateway.CallContext`
carrying ``source='gateway'``, the caller, the client and the route reason → one ledger row per
upstream attempt → the reservation released.

Everything here is synchronous (SDK clients, llama.cpp); the protocol modules run it in worker
threads. A protocol module converts its wire format to a :class:`~agentrunner.chat.ChatRequest`,
calls :meth:`CallService.call` or :meth:`CallService.stream`, and converts back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import budgets
from ..chat import ChatDelta, ChatRequest, ChatResponse
from ..config import Config
from ..errors import AgentRunnerError
from ..gateway import CallContext, CallStream, Gateway
from ..ledger import Ledger
from ..pricing import worst_case_cost
from ..router import Router, Step
from .callers import RequestContext
from .errors import ApiError, api_error_for
from .routing import ModelNotFound, Resolved, known_models, resolve

if TYPE_CHECKING:
    from .metrics import GatewayMetrics

SOURCE = "gateway"
MAX_FORWARDED_OUTPUT_TOKENS = 128_000
"""The output a forwarded request's reservation covers at most: the largest ``max_tokens`` any
current premium model accepts (a bigger one is refused upstream, so it cannot cost more)."""


@dataclass
class Planned:
    """A routed request: the tier, the model override (pass-through), why, the reservation."""

    tier: str
    model: str | None
    reason: str
    score: float | None
    reservation_id: str | None


class CallService:
    """Routes, budgets and makes the gateway's calls; one per server (thread-safe)."""

    def __init__(
        self, config: Config, ledger: Ledger, *, gateway: Gateway | None = None, router: Router | None = None
    ) -> None:
        self.config = config
        self.ledger = ledger
        self.gateway = gateway or Gateway(config, ledger)
        # Built now: a broken classifier setting is reported when the server starts.
        self.router = router or Router(config, ledger, self.gateway.availability)
        self.metrics: GatewayMetrics | None = None  # set by create_app: tier, tokens, cost per call

    def observe(self, context: RequestContext, tier: str, response: ChatResponse | None = None) -> None:
        """Tell the metrics which tier a request went to and, once it ended, its tokens and cost."""
        if self.metrics is not None:
            usage, cost = (response.usage, response.cost_usd) if response is not None else (None, None)
            self.metrics.note_call(context.request_id, tier=tier, user=context.caller.user, usage=usage, cost_usd=cost)

    def close(self) -> None:
        self.gateway.close()

    def models(self) -> list[str]:
        return known_models(self.config)

    # ── routing and budgets ──────────────────────────────────────────────────────────────────
    def resolve(self, model: str, request: ChatRequest) -> Resolved:
        try:
            return resolve(self.config, model, request)
        except ModelNotFound as exc:
            raise ApiError(404, "not_found", str(exc), param="model", code="model_not_found") from None

    def worst_case(self, tier: str, model: str | None, request: ChatRequest, *, as_sent: bool = False) -> float | None:
        """The most this request can cost on ``tier``. A translated call asks for at most the
        tier's ``max_tokens``; a request forwarded as sent (``as_sent``: the Anthropic
        pass-through) can get as many as it asks for, up to :data:`MAX_FORWARDED_OUTPUT_TOKENS`."""
        tier_config = self.gateway.tier_config(tier, model)
        if as_sent:
            out = min(request.max_tokens or tier_config.max_tokens, MAX_FORWARDED_OUTPUT_TOKENS)
        else:
            out = min(request.max_tokens or tier_config.max_tokens, tier_config.max_tokens)
        return worst_case_cost(tier_config, request.estimated_prompt_tokens(), out)

    @staticmethod
    def spender(context: RequestContext) -> budgets.Spender:
        """Who pays: the caller's user, team and key, with the key's own caps."""
        caller = context.caller
        return budgets.Spender(
            user=caller.user,
            team=caller.team,
            key_id=caller.key_id,
            key_daily_usd=caller.key_daily_usd,
            key_monthly_usd=caller.key_monthly_usd,
        )

    def plan(
        self,
        context: RequestContext,
        model: str,
        request: ChatRequest,
        *,
        as_sent: Callable[[str], bool] = lambda tier: False,
    ) -> Planned:
        """Route and reserve (raises ApiError / AgentRunnerError). Release with :meth:`release`.
        ``as_sent(tier)``: the request would be forwarded to that tier as sent, so its reservation
        covers the request's own ``max_tokens`` (see :meth:`worst_case`).

        A tier, a tier's model or a pass-through is served as asked or, when a cap of the caller
        cannot cover it, by ``[budgets] downgrade_to`` if set (else 429: never a silent downgrade);
        ``auto`` lets the router decide, and the router's own budget stage downgrades to the
        cheapest capable tier like a run's step does."""
        resolved = self.resolve(model, request)
        self.observe(context, resolved.tier or "auto")  # a refusal below is counted under this tier
        spender = self.spender(context)
        if resolved.kind != "auto":
            asked = resolved.tier
            assert asked is not None

            def worst(tier: str) -> float | None:
                return self.worst_case(
                    tier, resolved.model if tier == asked else None, request, as_sent=as_sent(tier)
                )

            fit = budgets.reserve_or_downgrade(self.config, self.ledger, tier=asked, worst_case=worst, spender=spender)
            if fit.downgraded_from is None:
                return Planned(asked, resolved.model, resolved.reason, None, fit.reservation.id)
            return Planned(fit.tier, None, f"{resolved.reason}; {fit.reason}", None, fit.reservation.id)
        step = Step.for_request(request, kind="act")
        decision = self.router.choose(step, reserve=False)
        reason = f"{resolved.reason}: {decision.reason}"
        amount = self.worst_case(decision.tier, None, request, as_sent=as_sent(decision.tier))
        routed = budgets.reserve(self.config, self.ledger, amount, tier=decision.tier, spender=spender)
        if routed.ok:
            return Planned(decision.tier, None, reason, decision.score, routed.id)
        assert routed.blocked_by is not None
        cheapest = next((t for t in self.config.tier_names if self.router.incapable(t, step) is None), None)
        if self.config.budgets.on_exhausted != "downgrade" or cheapest in (None, decision.tier):
            raise budgets.over_budget(routed.blocked_by, amount, decision.tier)
        assert cheapest is not None
        cheap_amount = self.worst_case(cheapest, None, request, as_sent=as_sent(cheapest))
        cheap = budgets.reserve(self.config, self.ledger, cheap_amount, tier=cheapest, spender=spender)
        if not cheap.ok:
            assert cheap.blocked_by is not None
            raise budgets.over_budget(cheap.blocked_by, cheap_amount, cheapest)
        scope = f" for {routed.blocked_by.scope}" if routed.blocked_by.scope else ""
        reason += f"; {routed.blocked_by.name} cap{scope} cannot cover {decision.tier} → downgrade to {cheapest}"
        return Planned(cheapest, None, reason, decision.score, cheap.id)

    def release(self, planned: Planned) -> None:
        if planned.reservation_id is not None:
            budgets.release(self.ledger, planned.reservation_id)
        planned.reservation_id = None

    def call_context(self, context: RequestContext, planned: Planned) -> CallContext:
        caller = context.caller
        return CallContext(
            source=SOURCE,
            user=caller.user,
            team=caller.team,
            key_id=caller.key_id,
            client=context.client,
            request_id=context.request_id,
            protocol=context.protocol,
            route_reason=planned.reason,
            route_score=planned.score,
            reservation_id=planned.reservation_id,
        )

    # ── calls ────────────────────────────────────────────────────────────────────────────────
    def call(
        self, context: RequestContext, model: str, request: ChatRequest, planned: Planned | None = None
    ) -> tuple[ChatResponse, Planned]:
        """One non-streaming call (``planned``: already routed and reserved, e.g. by a protocol that
        needs the tier first; it is released here either way). Errors come out as :class:`ApiError`."""
        try:
            planned = planned or self.plan(context, model, request)
            self.observe(context, planned.tier)
            try:
                response = self.gateway.call(
                    planned.tier, request, self.call_context(context, planned), model=planned.model
                )
                planned.reservation_id = None  # deleted with the answer's row
            finally:
                self.release(planned)
        except AgentRunnerError as exc:
            raise api_error_for(exc) from None
        self.observe(context, planned.tier, response)
        return response, planned

    def stream(
        self, context: RequestContext, model: str, request: ChatRequest, planned: Planned | None = None
    ) -> ServedStream:
        """A streamed call whose first delta has already arrived (so routing, budget and upstream
        failures before it are still clean HTTP errors). Iterate it in a worker thread; close it
        when done (always: the reservation is released then). ``planned`` as for :meth:`call`."""
        try:
            planned = planned or self.plan(context, model, request)
        except AgentRunnerError as exc:
            raise api_error_for(exc) from None
        self.observe(context, planned.tier)
        try:
            call = self.gateway.stream(planned.tier, request, self.call_context(context, planned), model=planned.model)
            first = next(call, None)
        except AgentRunnerError as exc:
            self.release(planned)
            raise api_error_for(exc) from None
        except BaseException:
            self.release(planned)
            raise
        return ServedStream(self, planned, call, first, context=context)


class ServedStream(Iterator[ChatDelta]):
    """The deltas of one streamed gateway call, the first already fetched. ``close()`` ends it
    (an unfinished stream's ledger row is then written, partial) and releases the reservation.
    An upstream failure mid-stream is raised as :class:`ApiError` (the protocol sends it as an
    error event)."""

    def __init__(
        self,
        service: CallService,
        planned: Planned,
        call: CallStream,
        first: ChatDelta | None,
        *,
        context: RequestContext | None = None,
    ) -> None:
        self.planned = planned
        self.context = context
        self._service = service
        self._call = call
        self._pending = first
        self._closed = False

    @property
    def response(self) -> ChatResponse | None:
        """The whole answer with its ledger id and cost, once the stream has ended."""
        return self._call.response

    def __next__(self) -> ChatDelta:
        if self._pending is not None:
            delta, self._pending = self._pending, None
            return delta
        try:
            return next(self._call)
        except StopIteration:
            self.close()
            raise
        except AgentRunnerError as exc:
            self.close()
            if self.context is not None and self._service.metrics is not None:
                self._service.metrics.note_stream_error(self.context.request_id)
            raise api_error_for(exc) from None

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self._call.close()
            if self._call.response is not None:
                self.planned.reservation_id = None  # deleted with the stream's row
        finally:
            self._service.release(self.planned)
        if self.context is not None:
            self._service.observe(self.context, self.planned.tier, self._call.response)


def served_headers(planned: Planned) -> dict[str, str]:
    """The response headers saying who answered: ``x-agentrunner-tier`` (and ``-model`` for a
    pass-through model)."""
    headers = {"x-agentrunner-tier": planned.tier}
    if planned.model:
        headers["x-agentrunner-model"] = planned.model
    return headers


def describe_planned(planned: Planned) -> dict[str, Any]:
    return {"tier": planned.tier, "model": planned.model, "reason": planned.reason}
