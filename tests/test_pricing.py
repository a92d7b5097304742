"""Pricing: genai-prices (with each provider's cache convention), routes.toml overrides, local time."""

from __future__ import annotations

import logging

import pytest

from agentrunner.chat import Usage
from agentrunner.config import Price, TierConfig
from agentrunner.pricing import (
    DEFAULT_LOCAL_COST_PER_HOUR,
    price_call,
    price_tokens,
    worst_case_cost,
)


def test_anthropic_input_excludes_cache_reads() -> None:
    # Sonnet 4.5: $3 input, $0.30 cache read, $3.75 cache write, $15 output per Mtok.
    usage = Usage(
        input_tokens=1000, cache_read_tokens=10_000, cache_write_tokens=2000, output_tokens=500,
        input_includes_cache=False,
    )
    cost = price_tokens("claude-sonnet-4-5", usage, provider="anthropic")
    expected = (1000 * 3 + 10_000 * 0.3 + 2000 * 3.75 + 500 * 15) / 1e6
    assert cost.usd == pytest.approx(expected)
    assert cost.source is not None and cost.source.startswith("genai-prices ")


def test_openai_input_includes_cached() -> None:
    # gpt-4o: $2.50 input, $1.25 cached input, $10 output per Mtok.
    usage = Usage(input_tokens=3000, cache_read_tokens=1000, output_tokens=100, input_includes_cache=True)
    cost = price_tokens("gpt-4o", usage, provider="openai")
    assert cost.usd == pytest.approx((2000 * 2.5 + 1000 * 1.25 + 100 * 10) / 1e6)


def test_routes_toml_price_overrides_genai_prices() -> None:
    price = Price(input_per_mtok=1.0, output_per_mtok=2.0, cache_read_per_mtok=0.1)
    usage = Usage(input_tokens=1000, cache_read_tokens=500, output_tokens=1000, input_includes_cache=False)
    cost = price_tokens("claude-sonnet-4-5", usage, provider="anthropic", price=price)
    assert cost.usd == pytest.approx((1000 * 1.0 + 500 * 0.1 + 1000 * 2.0) / 1e6)
    assert cost.source == "routes.toml"


def test_local_cost_is_wall_time() -> None:
    tier = TierConfig(provider="llama-cpp", model="gemma3-270m", cost_per_hour=0.36)
    cost = price_call(tier, Usage(input_tokens=10, output_tokens=10), latency_ms=10_000)
    assert cost.usd == pytest.approx(0.001)
    assert cost.source == "local cost_per_hour"
    default = TierConfig(provider="ollama", model="llama3")
    assert price_call(default, Usage(), latency_ms=3_600_000).usd == pytest.approx(DEFAULT_LOCAL_COST_PER_HOUR)


def test_unknown_model_is_unpriced_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        cost = price_tokens("my-private-model-9000", Usage(input_tokens=5, output_tokens=5), provider="openai")
    assert cost.usd is None and cost.source is None
    assert "my-private-model-9000" in caplog.text


def test_worst_case_cost_uses_max_tokens() -> None:
    tier = TierConfig(provider="anthropic", model="claude-sonnet-4-5", max_tokens=1000)
    assert worst_case_cost(tier, prompt_tokens=2000) == pytest.approx((2000 * 3 + 1000 * 15) / 1e6)
    assert worst_case_cost(tier, prompt_tokens=2000, max_tokens=10) == pytest.approx((2000 * 3 + 10 * 15) / 1e6)
    local = TierConfig(provider="llama-cpp", model="gemma3-270m", cost_per_hour=3.6, max_tokens=20)
    assert worst_case_cost(local, prompt_tokens=200) == pytest.approx((1 + 1) / 3600 * 3.6)
