"""The router's vocabulary: a :class:`Step` to route, its :class:`RouteContext`, the
:class:`Decision` with one :class:`StageVerdict` per stage, and the :class:`Classifier` protocol.

Every module of the router (rules, classifiers, the Router itself) and its users import these from
here, so no module of the package needs another's implementation to name them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from ..chat import ChatRequest

# ≈3.5 characters per token plus chat-template overhead: ChatRequest.estimated_prompt_tokens' rule.
_CHARS_PER_TOKEN = 3.5
_TEMPLATE_TOKENS = 24


@dataclass
class Step:
    instruction: str  # what the model will be asked (features, regex rules)
    kind: str = "act"  # plan | act | verify | summarise | judge | replay
    tags: list[str] = field(default_factory=list)  # without '#'; a tier name forces that tier
    files: list[str] = field(default_factory=list)  # paths the step touches (glob rules)
    prompt_tokens: int | None = None  # estimate (ChatRequest.estimated_prompt_tokens())
    max_tokens: int | None = None
    needs_json: bool = False
    needs_tools: bool = False
    cost_cap_usd: float | None = None  # per-item cap written `~$0.50` in the to-do item
    cheap_answer: str | None = None  # cascade: the cheap tier's own answer, when known
    # "fast" | "semantic": the learned classifier's features for this step, overriding
    # router.features (a gateway rule can ask for fast decisions); None: router.features.
    features: str | None = None

    @classmethod
    def for_request(
        cls,
        request: ChatRequest,
        *,
        kind: str = "act",
        tags: list[str] | None = None,
        files: list[str] | None = None,
        cost_cap_usd: float | None = None,
        cheap_answer: str | None = None,
        features: str | None = None,
    ) -> Step:
        """The step of a ready request: its last user message is the instruction, its sizes and
        needs come from the request itself."""
        users = [m.content for m in request.messages if m.role == "user"]
        return cls(
            instruction=users[-1] if users else (request.messages[-1].content if request.messages else ""),
            kind=kind,
            tags=list(tags or []),
            files=list(files or []),
            prompt_tokens=request.estimated_prompt_tokens(),
            max_tokens=request.max_tokens,
            needs_json=request.json_schema is not None,
            needs_tools=bool(request.tools),
            cost_cap_usd=cost_cap_usd,
            cheap_answer=cheap_answer,
            features=features,
        )

    def estimated_prompt_tokens(self) -> int:
        if self.prompt_tokens is not None:
            return self.prompt_tokens
        return int(len(self.instruction) / _CHARS_PER_TOKEN) + _TEMPLATE_TOKENS


@dataclass
class RouteContext:
    run_id: str | None = None
    exclude: frozenset[str] = frozenset()  # tiers already tried and failed at this step
    item_spent_usd: float = 0.0  # spent so far on this item (for cost_cap_usd)


@dataclass
class StageVerdict:
    stage: str  # hint | rules | capability | classifier | budget | escalate
    verdict: str
    tier: str | None
    detail: str


@dataclass
class Decision:
    tier: str
    score: float | None
    reason: str
    fallbacks: list[str]  # next capable tiers up, cheapest first: where escalation goes
    stages: list[StageVerdict]
    worst_case_usd: float | None
    reservation_id: str | None
    escalation: int = 0  # how many escalations led here (0 = first choice)


class Classifier(Protocol):
    """Scores a step for the router's classifier stage (and, when it reads answers, the cascade)."""

    name: str

    @property
    def reads_answers(self) -> bool:
        """Whether a cheap answer (``Step.cheap_answer``) changes the score: the cascade stage runs
        only for classifiers that read answers."""
        ...

    def score(self, step: Step) -> float:
        """P(the cheapest capable tier's answer is good enough), in [0, 1]."""
        ...

    def explain(self, step: Step) -> str:
        """Why the score is what it is, for the decision's classifier verdict ("" if nothing to add)."""
        ...


__all__ = ["Classifier", "Decision", "RouteContext", "StageVerdict", "Step"]
