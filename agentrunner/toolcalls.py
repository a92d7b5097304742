"""Tool calls a model wrote as text, turned into :class:`~agentrunner.chat.ToolCall` objects.

Small local models and the servers in front of them often answer a tool request in prose rather
than in the API's ``tool_calls`` field: llama-cpp-python (in process, or as ``llama_cpp.server``
behind the openai provider) returns Qwen's ``<tool_call>…</tool_call>`` blocks as message content,
and ollama does the same for models whose template it does not parse. One parser serves every
provider, so the agent sees the same call whichever way the model was reached.

Recognised, in this order of precedence:

1. ``<tool_call>{"name": …, "arguments": {…}}</tool_call>`` blocks (Qwen 2.5 / Hermes), one call
   per block, the closing tag optional at the very end of the text; the JSON may sit in a code fence;
2. fenced code blocks (```` ```json ````, ```` ```tool_call ```` or bare) holding a call object or a
   list of them;
3. the whole answer being a call object or a list of them (bare JSON).

A call object is ``{"name": N, "arguments": {…}}``; also accepted are the spellings models copy
from other APIs: ``parameters`` for ``arguments``, ``{"function": {"name", "arguments"}}``, the
grammar shape ``{"tool": N, "arguments": …}``, and arguments given as a JSON string. Anything that
is not valid JSON or not of these shapes is no call (the text stays the answer and the agent's
validator decides). In fences and bare JSON, where an ordinary JSON answer could look like a call,
the name must be one of the offered tools; inside ``<tool_call>`` the model has said what it means,
so an unknown name is kept as a call (and the agent tells the model it does not exist).
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from .chat import ChatResponse, ToolCall, ToolSpec

_TAGGED = re.compile(r"<tool_call>\s*(.*?)\s*(?:</tool_call>|\Z)", re.DOTALL)
_FENCED = re.compile(r"```[ \t]*([A-Za-z_][\w-]*)?[ \t]*\n(.*?)\n?[ \t]*```", re.DOTALL)
_FENCE_LANGS = {None, "", "json", "json5", "tool_call", "tool", "tool_code", "function_call"}
_STRIP_FENCE = re.compile(r"\A```[ \t]*[\w-]*[ \t]*\n?(.*?)\n?```\Z", re.DOTALL)


@dataclass
class ParsedText:
    """What a text answer holds: the tool calls found and the prose around them."""

    calls: list[ToolCall] = field(default_factory=list)
    text: str = ""


def _call_from(value: Any, index: int) -> ToolCall | None:
    """A ToolCall from one decoded object, or None if it is not call-shaped."""
    if not isinstance(value, dict):
        return None
    if isinstance(value.get("function"), dict) and "name" not in value:
        value = value["function"]
    name = value.get("name", value.get("tool"))
    if not isinstance(name, str) or not name.strip():
        return None
    extra = set(value) - {"name", "tool", "arguments", "parameters", "id", "type"}
    if extra:
        return None  # an object that merely has a "name" field: data, not a call
    arguments = value.get("arguments", value.get("parameters", {}))
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments) if arguments.strip() else {}
        except ValueError:
            return None
    if arguments is None:
        arguments = {}
    if not isinstance(arguments, dict):
        return None
    call_id = value.get("id")
    return ToolCall(
        id=call_id if isinstance(call_id, str) and call_id else f"call_{index}",
        name=name.strip(),
        arguments=arguments,
    )


def _calls_from_json(blob: str, first_index: int) -> list[ToolCall] | None:
    """Calls from a JSON object or list of objects; None unless every element is a call."""
    blob = blob.strip()
    fenced = _STRIP_FENCE.match(blob)
    if fenced:
        blob = fenced.group(1).strip()
    try:
        value = json.loads(blob)
    except ValueError:
        return None
    items = value if isinstance(value, list) else [value]
    if not items:
        return None
    calls: list[ToolCall] = []
    for offset, item in enumerate(items):
        call = _call_from(item, first_index + offset)
        if call is None:
            return None
        calls.append(call)
    return calls


def _known(calls: list[ToolCall], tool_names: Collection[str] | None) -> bool:
    return tool_names is None or all(call.name in tool_names for call in calls)


def parse_tool_calls(text: str, tool_names: Collection[str] | None = None) -> ParsedText:
    """The tool calls written in ``text`` and the text without them.

    ``tool_names`` are the tools the request offered (None: any name); see the module doc for when
    they matter. A text with no recognisable call comes back unchanged with no calls."""
    if not text or not text.strip():
        return ParsedText(text=text)

    if "<tool_call>" in text:
        calls: list[ToolCall] = []
        for match in _TAGGED.finditer(text):
            found = _calls_from_json(match.group(1), len(calls))
            if found is None:
                continue  # a malformed block is no call; the others still count
            calls.extend(found)
        if calls:
            return ParsedText(calls=calls, text=_TAGGED.sub("", text).strip())

    fenced_calls: list[ToolCall] = []
    spans: list[tuple[int, int]] = []
    for match in _FENCED.finditer(text):
        lang = (match.group(1) or "").lower()
        if lang not in _FENCE_LANGS:
            continue
        found = _calls_from_json(match.group(2), len(fenced_calls))
        if found is not None and _known(found, tool_names):
            fenced_calls.extend(found)
            spans.append(match.span())
    if fenced_calls:
        rest = text
        for start, end in reversed(spans):
            rest = rest[:start] + rest[end:]
        return ParsedText(calls=fenced_calls, text=rest.strip())

    stripped = text.strip()
    if stripped[:1] in "{[":
        found = _calls_from_json(stripped, 0)
        if found is not None and _known(found, tool_names):
            return ParsedText(calls=found, text="")
    return ParsedText(text=text)


def with_text_tool_calls(response: ChatResponse, tools: list[ToolSpec]) -> ChatResponse:
    """``response`` with the tool calls written in its text moved into ``tool_calls`` (when the
    request offered tools and the API returned none); unchanged otherwise."""
    if not tools or response.tool_calls or not response.text:
        return response
    parsed = parse_tool_calls(response.text, {tool.name for tool in tools})
    if not parsed.calls:
        return response
    return response.model_copy(update={"text": parsed.text, "tool_calls": parsed.calls, "finish_reason": "tool_calls"})
