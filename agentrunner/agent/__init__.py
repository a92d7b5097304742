"""The to-do agent: recipes and prompts, validators, and the LangGraph graph that runs them."""

from __future__ import annotations

from .graph import RECURSION_LIMIT, Agent, AgentState, ItemOutcome
from .recipes import ItemInfo, StepSpec, recipe_for
from .validators import ActResult, Check

__all__ = [
    "RECURSION_LIMIT",
    "ActResult",
    "Agent",
    "AgentState",
    "Check",
    "ItemInfo",
    "ItemOutcome",
    "StepSpec",
    "recipe_for",
]
