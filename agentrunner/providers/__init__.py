"""Providers by name. Each is imported only when a tier uses it, so an SDK problem in one
provider never stops the others."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from ..config import PROVIDER_NAMES, TierConfig
from ..errors import ProviderUnavailable
from .base import Availability, Provider

PROVIDERS: dict[str, str] = {
    "llama-cpp": "agentrunner.providers.llamacpp:LlamaCppProvider",
    "ollama": "agentrunner.providers.ollama:OllamaProvider",
    "openai": "agentrunner.providers.openai:OpenAIProvider",
    "anthropic": "agentrunner.providers.anthropic:AnthropicProvider",
}


def register_provider(name: str, target: str) -> None:
    """Make ``provider = "NAME"`` valid in routes.toml, built from ``target`` (``"module:Class"``, a
    :class:`Provider` subclass, imported when a tier uses it). For plug-ins and tests."""
    PROVIDERS[name] = target
    if name not in PROVIDER_NAMES:
        PROVIDER_NAMES.append(name)


def create_provider(tier_name: str, tier: TierConfig, base_dir: Path) -> Provider:
    target = PROVIDERS[tier.provider]
    module_name, _, class_name = target.partition(":")
    try:
        cls: type[Provider] = getattr(import_module(module_name), class_name)
    except (ImportError, AttributeError) as exc:
        raise ProviderUnavailable(f"provider {tier.provider!r} cannot be loaded: {exc}", tier=tier_name) from None
    return cls(tier_name, tier, base_dir)


__all__ = ["PROVIDERS", "Availability", "Provider", "create_provider", "register_provider"]
