"""A provider that answers without a model, for CLI tests that need a tier but not inference
(like llm's ``MockModel``). ``tests/conftest.py`` registers it as provider ``fake``:

    [tiers.local]
    provider = "fake"
    model = "fake-1"
    cost_per_hour = 0.05
    options = { replies = ["first answer", "second answer"], latency_ms = 50 }

Each call answers with the next of ``options.replies`` (cycling), else ``fake: <last user message>``.
A request with a JSON schema gets the smallest JSON value that satisfies it (first enum value,
required properties filled, first ``anyOf`` branch), as grammar-constrained decoding would. Token
counts are words; ``latency_ms`` (default 50) makes wall-time pricing non-zero. ``unavailable``
(a reason) makes the tier unavailable.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from agentrunner.chat import ChatRequest, ChatResponse, Usage
from agentrunner.providers.base import Availability, Provider

NAME = "fake"
TARGET = "tests.support.fake_provider:FakeProvider"


def minimal_json(schema: dict[str, Any]) -> Any:
    """The smallest value of ``schema`` (the subset of JSON schema the recipes use)."""
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        if schema.get(key):
            return minimal_json(schema[key][0])
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        return {name: minimal_json(properties.get(name, {})) for name in schema.get("required", [])}
    if kind == "array":
        return [minimal_json(schema.get("items", {})) for _ in range(schema.get("minItems", 0))]
    if kind in ("integer", "number"):
        return schema.get("minimum", 0)
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return "fake"


class FakeProvider(Provider):
    name = NAME

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lock = threading.Lock()
        self._next = 0

    def check_available(self) -> Availability:
        reason = self.tier.options.get("unavailable")
        return Availability(False, str(reason)) if reason else Availability(True)

    def complete(self, request: ChatRequest) -> ChatResponse:
        replies = list(self.tier.options.get("replies") or [])
        if request.json_schema is not None:
            text = json.dumps(minimal_json(request.json_schema))
        elif replies:
            with self._lock:
                text = str(replies[self._next % len(replies)])
                self._next += 1
        else:
            users = [m.content for m in request.messages if m.role == "user"]
            text = f"fake: {users[-1] if users else ''}"
        if request.max_tokens is not None:
            text = " ".join(text.split(" ")[: request.max_tokens]) if request.json_schema is None else text
        prompt_words = sum(len(m.content.split()) for m in request.messages)
        return ChatResponse(
            text=text,
            usage=Usage(input_tokens=prompt_words, output_tokens=len(text.split())),
            finish_reason="stop",
            resolved_model=self.tier.model,
            latency_ms=float(self.tier.options.get("latency_ms", 50)),
        )


__all__ = ["NAME", "TARGET", "FakeProvider", "minimal_json"]
