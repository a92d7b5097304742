"""Which tier serves a requested model: the ``[gateway]`` section of routes.toml.

``[[gateway.routes]]`` entries are tried in order; the first whose ``model`` glob matches the
requested model (:func:`fnmatch.fnmatchcase`) and whose ``when`` conditions all hold decides:

- a tier name: that tier, with its own model;
- ``auto``: the router decides, with the same stages as runs (``agentrunner route`` explains them);
- ``passthrough``: the requested model, unchanged, on a tier of the provider serving its family.

Conditions (``when = {…}``): ``max_tokens = N`` (the request asks for at most N output tokens),
``no_tools = true`` (it offers no tools), ``max_prompt_chars = N`` (its prompt is shorter).

Without a matching entry the defaults apply, and they never downgrade silently: a tier name routes
to that tier, ``auto`` to the router, a tier's own model name to that tier, a premium model name
(``claude-*``, ``gpt-*``, ``o1``/``o3``/``o4``…) passes through to a tier of its provider; anything
else is "model not found".
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Literal

from ..chat import ChatRequest
from ..config import Config, GatewayMatch

RouteKind = Literal["tier", "auto", "passthrough"]

#: Model-name families of the premium APIs → the provider that serves them.
FAMILIES: tuple[tuple[str, str], ...] = (
    ("claude-*", "anthropic"),
    ("gpt-*", "openai"),
    ("chatgpt-*", "openai"),
    ("o1*", "openai"),
    ("o3*", "openai"),
    ("o4*", "openai"),
    ("codex-*", "openai"),
)


@dataclass(frozen=True)
class Resolved:
    """Where a request goes. ``tier`` is None for ``auto`` (the router picks); ``model`` is the
    model to ask for instead of the tier's own (pass-through), else None."""

    kind: RouteKind
    tier: str | None
    model: str | None
    reason: str


class ModelNotFound(LookupError):
    def __init__(self, model: str, known: list[str]) -> None:
        self.model = model
        self.known = known
        super().__init__(
            f"model {model!r} is not served here; served: {', '.join(known)} "
            "(and models a [[gateway.routes]] entry maps)"
        )


def conditions_hold(when: GatewayMatch, request: ChatRequest) -> bool:
    if when.max_tokens is not None and (request.max_tokens is None or request.max_tokens > when.max_tokens):
        return False
    if when.no_tools and request.tools:
        return False
    return not (when.max_prompt_chars is not None and request.prompt_chars() >= when.max_prompt_chars)


def describe(when: GatewayMatch) -> str:
    parts = [f"{key}={value}" for key, value in when.model_dump(exclude_none=True).items()]
    return ", ".join(parts)


def family_provider(model: str) -> str | None:
    return next((provider for pattern, provider in FAMILIES if fnmatchcase(model.lower(), pattern)), None)


def passthrough_tier(config: Config, model: str) -> str | None:
    """The tier whose provider (and connection) serves a model's family: a tier of that provider
    with no ``base_url`` first (the vendor's own API), else the last (most premium) of them."""
    provider = family_provider(model)
    if provider is None:
        # Not a known family: a tier serving exactly this model, else none.
        return next((name for name, tier in config.tiers.items() if tier.model == model), None)
    candidates = [name for name, tier in config.tiers.items() if tier.provider == provider]
    if not candidates:
        return None
    direct = [name for name in candidates if not config.tiers[name].base_url]
    return direct[0] if direct else candidates[-1]


def _passthrough(config: Config, model: str, why: str) -> Resolved:
    tier = passthrough_tier(config, model)
    if tier is None:
        raise ModelNotFound(model, known_models(config))
    own = config.tiers[tier].model == model
    return Resolved("passthrough", tier, None if own else model, f"{why} → {tier} ({model}, passed through)")


def resolve(config: Config, model: str, request: ChatRequest) -> Resolved:
    """Route a requested model (see the module doc). Raises :class:`ModelNotFound`."""
    for number, route in enumerate(config.gateway.routes, start=1):
        if not fnmatchcase(model, route.model) or not conditions_hold(route.when, request):
            continue
        conditions = describe(route.when)
        why = f"gateway route {number} ({route.model}{'; ' + conditions if conditions else ''})"
        if route.to == "auto":
            return Resolved("auto", None, None, f"{why} → auto")
        if route.to == "passthrough":
            return _passthrough(config, model, why)
        return Resolved("tier", route.to, None, f"{why} → {route.to}")
    if model in config.tiers:
        return Resolved("tier", model, None, f"model names tier {model}")
    if model == "auto":
        return Resolved("auto", None, None, "model 'auto'")
    own = next((name for name, tier in config.tiers.items() if tier.model == model), None)
    if own is not None:
        return Resolved("tier", own, None, f"model {model} is tier {own}'s")
    if family_provider(model) is not None:
        return _passthrough(config, model, "default")
    raise ModelNotFound(model, known_models(config))


def known_models(config: Config) -> list[str]:
    """The names ``GET /v1/models`` lists: tiers, ``auto``, the tiers' models, literal route models."""
    names: list[str] = [*config.tiers, "auto"]
    names += [tier.model for tier in config.tiers.values()]
    names += [route.model for route in config.gateway.routes if not any(ch in route.model for ch in "*?[")]
    return list(dict.fromkeys(names))
