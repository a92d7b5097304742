"""What a recipe that asks no model runs in, for its tests: the item, and a context whose model
call fails the test (the todo-inventory, version-bump and ignore-lines recipes)."""

from __future__ import annotations

from typing import Any

from agentrunner.agent.recipes import ItemInfo
from agentrunner.chat import ChatRequest, ChatResponse
from agentrunner.tools import ToolResult, Workspace


def item(title: str, context: str = "") -> ItemInfo:
    return ItemInfo(id="i1", title=title, context=context, tags=[], file="tasks/t.md")


class NoModelContext:
    """The recipe calls no model: any call fails the test; tools run in the real workspace."""

    def __init__(self, workspace: Workspace, title: str, context: str = "") -> None:
        self.workspace = workspace
        self.item = item(title, context)
        self.max_tool_calls = 8  # ActContext's: these recipes make one or two tool calls

    def call(self, request: ChatRequest) -> ChatResponse:
        raise AssertionError(f"this recipe asks no model (asked for {self.item.title!r})")

    def tool(self, name: str, arguments: dict[str, Any]) -> ToolResult:
        return self.workspace.call(name, arguments)


class FirstMoveContext:
    """The general loop's context with a model that should not be needed: a first move does the
    item. Calls are kept (a test asserts there were none) and answered "DONE"."""

    def __init__(self, workspace: Workspace, title: str, context: str = "") -> None:
        self.workspace = workspace
        self.item = item(title, context)
        self.requests: list[ChatRequest] = []
        self.first_moves = True
        self.max_tool_calls = 3

    def call(self, request: ChatRequest) -> ChatResponse:
        self.requests.append(request)
        return ChatResponse(text="DONE")

    def tool(self, name: str, arguments: dict[str, Any]) -> ToolResult:
        return self.workspace.call(name, arguments)


class AnswersContext:
    """Plays the model with prepared answers, one per call, and keeps the requests; the tools are
    the real workspace's (the changelog-entry, data-table and docstring recipes' tests)."""

    def __init__(self, workspace: Workspace, answers: list[str], title: str, context: str = "") -> None:
        self.workspace = workspace
        self.item = item(title, context)
        self.answers = list(answers)
        self.requests: list[ChatRequest] = []
        self.max_tool_calls = 8

    def call(self, request: ChatRequest) -> ChatResponse:
        self.requests.append(request)
        # out of answers: a stubborn model says its last one again (a recipe asks once more when refused)
        return ChatResponse(text=self.answers.pop(0) if len(self.answers) > 1 else self.answers[0])

    def tool(self, name: str, arguments: dict[str, Any]) -> ToolResult:
        return self.workspace.call(name, arguments)
