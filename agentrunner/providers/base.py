"""The provider interface: one attempt of one chat call against one tier.

Providers translate :class:`~agentrunner.chat.ChatRequest` into their SDK's call and the answer
back into :class:`~agentrunner.chat.ChatResponse`, and translate their SDK's failures into the
:mod:`agentrunner.errors` hierarchy (which decides what is retried). Retries, pricing and the
ledger are the gateway's job, the same for every provider.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from ..chat import ChatRequest, ChatResponse, ToolSpec
from ..config import TierConfig


@dataclass(frozen=True)
class Availability:
    ok: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ok


class Provider(ABC):
    """One configured tier's connection to its model."""

    name: ClassVar[str]

    def __init__(self, tier_name: str, tier: TierConfig, base_dir: Path) -> None:
        self.tier_name = tier_name
        self.tier = tier
        self.base_dir = base_dir

    @abstractmethod
    def complete(self, request: ChatRequest) -> ChatResponse:
        """Make one attempt. Raise a :class:`~agentrunner.errors.ProviderError` on failure."""

    @abstractmethod
    def check_available(self) -> Availability:
        """Cheap check that the tier can be used now (key set, model file present, server up)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release clients or servers; most providers hold nothing."""


def tool_choice_schema(tools: list[ToolSpec]) -> dict[str, object]:
    """A JSON schema for "call one of these tools, or answer": how models without native tool
    calling (the embedded GGUF) are asked to use tools, under grammar-constrained decoding."""
    options: list[dict[str, object]] = [
        {
            "type": "object",
            "properties": {"tool": {"const": tool.name}, "arguments": tool.parameters},
            "required": ["tool", "arguments"],
        }
        for tool in tools
    ]
    options.append(
        {"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"]}
    )
    return {"anyOf": options}
