"""What a call cost, and where that price came from.

Three sources, in this order:

1. ``price = {...}`` on the tier in routes.toml (source ``routes.toml``);
2. local tiers (llama-cpp, ollama, or any tier with ``cost_per_hour``): wall time × cost per hour
   (source ``local cost_per_hour``) — power and hardware, not tokens;
3. genai-prices for API models (source ``genai-prices X.Y.Z``), at the request's timestamp.

A model none of them knows gets ``cost_usd = None`` and a warning: never a guessed 0.

Token conventions (the ledger's): ``output_tokens`` includes reasoning tokens;
``input_includes_cache`` says whether ``input_tokens`` already counts cache reads and writes
(OpenAI yes, Anthropic no). genai-prices wants the inclusive count, so Anthropic's is summed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version

from .chat import Usage
from .config import Price, TierConfig

log = logging.getLogger(__name__)

DEFAULT_LOCAL_COST_PER_HOUR = 0.05
"""USD per hour of wall time for a local tier that sets no ``cost_per_hour``: roughly 150 W at
$0.25/kWh plus a share of the machine. Set your own in routes.toml."""

LOCAL_PROVIDERS = ("llama-cpp", "ollama")
# Throughput assumed for worst-case local cost estimates (tokens/s on a small CPU).
_LOCAL_PROMPT_TPS = 200.0
_LOCAL_GEN_TPS = 20.0

_GENAI_PROVIDER_IDS = {"anthropic": "anthropic", "openai": "openai"}
_warned: set[str] = set()


@dataclass(frozen=True)
class Cost:
    usd: float | None
    source: str | None

    @property
    def priced(self) -> bool:
        return self.usd is not None


@lru_cache(maxsize=1)
def genai_prices_version() -> str:
    try:
        return version("genai-prices")
    except PackageNotFoundError:  # pragma: no cover - it is a dependency
        return "unknown"


def cost_per_hour(tier: TierConfig) -> float | None:
    """The hourly cost of a tier paid by wall time, or None for per-token tiers."""
    if tier.price is not None:
        return None
    if tier.cost_per_hour is not None:
        return tier.cost_per_hour
    if tier.provider in LOCAL_PROVIDERS:
        return DEFAULT_LOCAL_COST_PER_HOUR
    return None


def inclusive_input(usage: Usage) -> int:
    """Input tokens including cache reads and writes, whatever the provider's convention."""
    base = usage.input_tokens or 0
    if usage.input_includes_cache:
        return base
    return base + usage.cache_read_tokens + usage.cache_write_tokens


def _price_table(price: Price, usage: Usage) -> float:
    total_input = inclusive_input(usage)
    uncached = max(total_input - usage.cache_read_tokens - usage.cache_write_tokens, 0)
    read_rate = price.cache_read_per_mtok if price.cache_read_per_mtok is not None else price.input_per_mtok
    write_rate = (
        price.cache_write_per_mtok if price.cache_write_per_mtok is not None else price.input_per_mtok
    )
    return (
        uncached * price.input_per_mtok
        + usage.cache_read_tokens * read_rate
        + usage.cache_write_tokens * write_rate
        + (usage.output_tokens or 0) * price.output_per_mtok
    ) / 1_000_000


def price_tokens(
    model: str,
    usage: Usage,
    *,
    provider: str | None = None,
    price: Price | None = None,
    base_url: str | None = None,
    when: datetime | None = None,
) -> Cost:
    """Price a call by its tokens: a routes.toml price if given, else genai-prices."""
    if usage.input_tokens is None and usage.output_tokens is None:
        return Cost(None, None)
    if price is not None:
        return Cost(_price_table(price, usage), "routes.toml")
    try:
        from genai_prices import Usage as GenaiUsage
        from genai_prices import calc_price

        # The overloads accept provider_id or provider_api_url, not both; the implementation takes
        # both (the URL identifies OpenAI-compatible servers that are not OpenAI).
        result = calc_price(  # type: ignore[call-overload]
            GenaiUsage(
                input_tokens=inclusive_input(usage),
                output_tokens=usage.output_tokens or 0,
                cache_read_tokens=usage.cache_read_tokens or None,
                cache_write_tokens=usage.cache_write_tokens or None,
            ),
            model_ref=model,
            provider_id=_GENAI_PROVIDER_IDS.get(provider or ""),
            provider_api_url=base_url if provider == "openai" else None,
            genai_request_timestamp=when,
        )
    except LookupError:
        if model not in _warned:
            _warned.add(model)
            log.warning("no price known for model %r: its calls stay unpriced (cost NULL)", model)
        return Cost(None, None)
    return Cost(float(result.total_price), f"genai-prices {genai_prices_version()}")


def price_call(
    tier: TierConfig, usage: Usage, latency_ms: float, *, when: datetime | None = None
) -> Cost:
    """Price a finished call on a configured tier."""
    hourly = cost_per_hour(tier)
    if hourly is not None:
        return Cost(latency_ms / 3_600_000 * hourly, "local cost_per_hour")
    return price_tokens(
        tier.model, usage, provider=tier.provider, price=tier.price, base_url=tier.base_url, when=when
    )


def worst_case_cost(tier: TierConfig, prompt_tokens: int, max_tokens: int | None = None) -> float | None:
    """Upper bound of a call's cost before it is made (budgets): prompt + max_tokens at the tier's
    price, or for a local tier the time those tokens take at a slow CPU's speed. None = unknown."""
    out = max_tokens if max_tokens is not None else tier.max_tokens
    hourly = cost_per_hour(tier)
    if hourly is not None:
        seconds = prompt_tokens / _LOCAL_PROMPT_TPS + out / _LOCAL_GEN_TPS
        return seconds / 3600 * hourly
    return price_tokens(
        tier.model,
        Usage(input_tokens=prompt_tokens, output_tokens=out),
        provider=tier.provider,
        price=tier.price,
        base_url=tier.base_url,
    ).usd
