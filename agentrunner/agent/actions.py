"""An action the model asks for, its result as the next turn reads it, and the record of both."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..tools import ToolResult
from .validators import ActResult

MAX_RESULT_CHARS = 1_500  # one tool result fed back


CHANGING_TOOLS = ("write_file", "edit_file", "replace_identifier", "csv_to_markdown")


@dataclass
class Action:
    tool: str
    arguments: dict[str, Any]
    native_id: str | None = None  # a native tool call answered with a tool message
    note: str = ""  # what the loop changed about the action before running it (shown with its result)


@dataclass
class Reply:
    actions: list[Action] = field(default_factory=list)
    done: str | None = None  # the DONE summary


def clip(text: str, limit: int = MAX_RESULT_CHARS) -> str:
    """Long output keeps its head and its tail (pytest puts the summary last)."""
    if len(text) <= limit:
        return text
    half = limit // 2
    return text[:half] + f"\n[… {len(text) - limit} characters left out …]\n" + text[-half:]


def describe(action: Action, outcome: ToolResult) -> str:
    arguments = action.arguments
    target = arguments.get("path") or arguments.get("command") or arguments.get("pattern") or ""
    label = f"{action.tool} {target}".strip()
    if outcome.ok:
        return f"[{label}] ok:\n{clip(outcome.output)}" + (f"\n{action.note}" if action.note else "")
    return f"[{label}] FAILED: {clip(outcome.error or '')}"


def unique_actions(actions: list[Action]) -> list[Action]:
    """The reply's actions without exact repeats (a small model that loops writes the same block
    over and over in one reply: that is one action, not a repeated call across turns)."""
    kept: list[Action] = []
    seen: set[str] = set()
    for action in actions:
        key = json.dumps([action.tool, action.arguments], sort_keys=True, default=str)
        if key not in seen:
            seen.add(key)
            kept.append(action)
    return kept


def record(result: ActResult, action: Action, outcome: ToolResult) -> None:
    result.tool_results.append(
        {
            "tool": action.tool,
            "arguments": action.arguments,
            "ok": outcome.ok,
            "output": outcome.output[:500],
            "error": outcome.error,
        }
    )
