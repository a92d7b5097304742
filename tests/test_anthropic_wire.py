"""The Anthropic Messages wire format (agentrunner/server/anthropic_wire.py), checked against the
official ``anthropic`` SDK: its types validate every body we build, and its own stream accumulator
(``client.messages.stream`` over a real loopback socket) parses every event sequence we write."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import anthropic
import pytest
from anthropic.types import Message as SDKMessage

from agentrunner.chat import ChatResponse, ToolCall, Usage
from agentrunner.server.anthropic_wire import (
    AnthropicWireError,
    ForcedTool,
    MessageStreamEncoder,
    UpstreamStreamReader,
    WireRequest,
    answer_blocks,
    count_tokens_body,
    error_body,
    sse_error,
    stream_response,
    to_anthropic_message,
    to_chat_request,
)
from tests.support.scripted_http import Reply, ScriptedServer


def for_local(body: Any, *, counting: bool = False) -> WireRequest:
    """Translate for the tier named ``local`` (the name the 400s quote)."""
    return to_chat_request(body, tier="local", counting=counting)


EDIT_TOOL = {
    "name": "Edit",
    "description": "Performs exact string replacement in a file.",
    "input_schema": {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "file_path": {"type": "string"},
            "old_string": {"type": "string"},
            "new_string": {"type": "string"},
        },
        "required": ["file_path", "old_string", "new_string"],
        "additionalProperties": False,
    },
}
READ_TOOL = {
    "name": "Read",
    "description": "Reads a file.",
    "input_schema": {"type": "object", "properties": {"file_path": {"type": "string"}}, "required": ["file_path"]},
}


def claude_code_like_body(**overrides: Any) -> dict[str, Any]:
    """A request in the shape Claude Code 2.1 sends (captured on loopback, prompts shortened): system
    blocks with cache_control, a system-reminder text block, a mid-conversation system message,
    thinking, context_management, output_config, metadata, several tools."""
    body: dict[str, Any] = {
        "model": "claude-opus-4-8",
        "max_tokens": 64000,
        "stream": True,
        "system": [
            {"type": "text", "text": "x-anthropic-billing-header: cc_version=2.1.197; cc_entrypoint=sdk-cli;"},
            {"type": "text", "text": "You are a Claude agent.", "cache_control": {"type": "ephemeral"}},
            {"type": "text", "text": "You help with software tasks.", "cache_control": {"type": "ephemeral"}},
        ],
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "<system-reminder>\nToday's date is 2026-11-30.\n</system-reminder>\n"},
                    {"type": "text", "text": "Fix the bug in calc.py", "cache_control": {"type": "ephemeral"}},
                ],
            },
            {"role": "system", "content": "Available agent types: none."},
        ],
        "tools": [READ_TOOL, EDIT_TOOL],
        "metadata": {"user_id": '{"device_id":"abc","session_id":"s-1"}'},
        "thinking": {"type": "adaptive"},
        "context_management": {"edits": [{"type": "clear_thinking_20251015", "keep": "all"}]},
        "output_config": {"effort": "high"},
    }
    body.update(overrides)
    return body


# ── request translation ─────────────────────────────────────────────────────────────────────────


def test_claude_code_request_translates_with_system_blocks_tools_and_ignored_fields() -> None:
    wire = for_local(claude_code_like_body())
    chat = wire.chat
    assert wire.model == "claude-opus-4-8" and wire.stream is True and wire.thinking is True
    assert wire.user_id == '{"device_id":"abc","session_id":"s-1"}'
    assert chat.max_tokens == 64000
    assert [m.role for m in chat.messages] == ["system", "user", "system"]
    assert chat.messages[0].content.endswith("You are a Claude agent.\n\nYou help with software tasks.")
    assert (
        chat.messages[1].content
        == "<system-reminder>\nToday's date is 2026-11-30.\n</system-reminder>\n\nFix the bug in calc.py"
    )
    assert [t.name for t in chat.tools] == ["Read", "Edit"]
    assert chat.tools[1].parameters == EDIT_TOOL["input_schema"]
    assert chat.json_schema is None and wire.forced_tool is None
    assert {"thinking", "context_management"} <= set(wire.ignored)


def test_tool_round_trip_history_keeps_ids_order_and_drops_thinking() -> None:
    body = {
        "model": "m",
        "max_tokens": 100,
        "stop_sequences": ["\nEND"],
        "temperature": 0.2,
        "messages": [
            {"role": "user", "content": "Read a.py and b.py"},
            {
                "role": "assistant",
                "content": [
                    {"type": "thinking", "thinking": "I should read both.", "signature": "sig"},
                    {"type": "redacted_thinking", "data": "xyz"},
                    {"type": "text", "text": "Reading."},
                    {"type": "tool_use", "id": "toolu_1", "name": "Read", "input": {"file_path": "a.py"}},
                    {"type": "tool_use", "id": "toolu_2", "name": "Read", "input": {"file_path": "b.py"}},
                ],
            },
            {
                "role": "user",
                "content": [
                    {
                        "type": "tool_result",
                        "tool_use_id": "toolu_1",
                        "content": "x = 1",
                        "cache_control": {"type": "ephemeral"},
                    },
                    {
                        "type": "tool_result",
                        "tool_use_id": "toolu_2",
                        "content": [{"type": "text", "text": "no such file"}],
                        "is_error": True,
                    },
                    {"type": "text", "text": "Now fix it."},
                ],
            },
        ],
        "tools": [READ_TOOL],
    }
    chat = for_local(body).chat
    assert [m.role for m in chat.messages] == ["user", "assistant", "tool", "tool", "user"]
    assistant = chat.messages[1]
    assert assistant.content == "Reading."
    assert [(c.id, c.name, c.arguments) for c in assistant.tool_calls] == [
        ("toolu_1", "Read", {"file_path": "a.py"}),
        ("toolu_2", "Read", {"file_path": "b.py"}),
    ]
    assert (chat.messages[2].tool_call_id, chat.messages[2].content) == ("toolu_1", "x = 1")
    assert (chat.messages[3].tool_call_id, chat.messages[3].content) == ("toolu_2", "Error: no such file")
    assert chat.messages[4].content == "Now fix it."
    assert chat.stop == ["\nEND"] and chat.temperature == 0.2


def test_tool_choice_none_any_and_tool() -> None:
    tools = [READ_TOOL, EDIT_TOOL]
    none = for_local(
        {
            "model": "m",
            "max_tokens": 5,
            "messages": [{"role": "user", "content": "hi"}],
            "tools": tools,
            "tool_choice": {"type": "none"},
        }
    )
    assert none.chat.tools == [] and none.forced_tool is None

    forced = for_local(
        {
            "model": "m",
            "max_tokens": 5,
            "messages": [{"role": "user", "content": "hi"}],
            "tools": tools,
            "tool_choice": {"type": "tool", "name": "Edit"},
        }
    )
    assert forced.forced_tool == ForcedTool(name="Edit")
    assert forced.chat.tools == [] and forced.chat.json_schema == EDIT_TOOL["input_schema"]

    any_of = for_local(
        {
            "model": "m",
            "max_tokens": 5,
            "messages": [{"role": "user", "content": "hi"}],
            "tools": tools,
            "tool_choice": {"type": "any"},
        }
    )
    assert any_of.forced_tool == ForcedTool(name=None, names=("Read", "Edit"))
    options = any_of.chat.json_schema["anyOf"]  # type: ignore[index]
    assert [o["properties"]["name"]["const"] for o in options] == ["Read", "Edit"]


def test_structured_output_format_becomes_the_json_schema() -> None:
    schema = {"type": "object", "properties": {"title": {"type": "string"}}, "required": ["title"]}
    body = {
        "model": "m",
        "max_tokens": 5,
        "messages": [{"role": "user", "content": "t"}],
        "output_config": {"effort": "high", "format": {"type": "json_schema", "schema": schema}},
    }
    assert for_local(body).chat.json_schema == schema
    beta = {
        "model": "m",
        "max_tokens": 5,
        "messages": [{"role": "user", "content": "t"}],
        "output_format": {"type": "json_schema", "schema": schema},
    }
    assert for_local(beta).chat.json_schema == schema


@pytest.mark.parametrize(
    ("body", "where", "says"),
    [
        (
            {
                "model": "m",
                "max_tokens": 5,
                "messages": [
                    {
                        "role": "user",
                        "content": [
                            {"type": "text", "text": "what is this?"},
                            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBOR"}},
                        ],
                    }
                ],
            },
            "messages.0.content.1",
            "image blocks cannot be translated: the tier 'local' this model is routed to takes text only",
        ),
        (
            {
                "model": "m",
                "max_tokens": 5,
                "messages": [
                    {
                        "role": "user",
                        "content": [
                            {"type": "tool_result", "tool_use_id": "t", "content": [{"type": "image", "source": {}}]}
                        ],
                    }
                ],
            },
            "messages.0.content.0.content.0",
            "image blocks cannot be translated",
        ),
        (
            {
                "model": "m",
                "max_tokens": 5,
                "messages": [{"role": "user", "content": [{"type": "document", "source": {}}]}],
            },
            "messages.0.content.0",
            "document blocks cannot be translated",
        ),
        (
            {
                "model": "m",
                "max_tokens": 5,
                "messages": [{"role": "user", "content": "x"}],
                "tools": [{"type": "web_search_20250305", "name": "web_search"}],
            },
            "tools.0",
            "tool type 'web_search_20250305' (web_search) is defined and run by Anthropic's API",
        ),
        ({"model": "m", "messages": [{"role": "user", "content": "x"}]}, "max_tokens", "must be an integer"),
        (
            {"model": "m", "max_tokens": 0, "messages": [{"role": "user", "content": "x"}]},
            "max_tokens",
            "must be an integer",
        ),
        ({"model": "m", "max_tokens": 5, "messages": []}, "messages", "non-empty list"),
        ({"max_tokens": 5, "messages": [{"role": "user", "content": "x"}]}, "model", "model name is required"),
        (
            {"model": "m", "max_tokens": 5, "messages": [{"role": "tool", "content": "x"}]},
            "messages.0.role",
            "must be 'user' or 'assistant'",
        ),
        (
            {
                "model": "m",
                "max_tokens": 5,
                "messages": [{"role": "user", "content": "x"}],
                "tool_choice": {"type": "tool", "name": "Nope"},
                "tools": [READ_TOOL],
            },
            "tool_choice.name",
            "no tool named 'Nope'",
        ),
        (
            {
                "model": "m",
                "max_tokens": 5,
                "messages": [{"role": "user", "content": "x"}],
                "mcp_servers": [{"type": "url", "url": "https://x", "name": "x"}],
            },
            "mcp_servers",
            "MCP servers",
        ),
    ],
)
def test_what_cannot_be_translated_is_a_400_naming_the_place(body: dict[str, Any], where: str, says: str) -> None:
    with pytest.raises(AnthropicWireError) as caught:
        for_local(body)
    assert caught.value.status == 400 and caught.value.error_type == "invalid_request_error"
    assert caught.value.message.startswith(f"{where}: ")
    assert says in caught.value.message
    assert caught.value.body() == {
        "type": "error",
        "error": {"type": "invalid_request_error", "message": caught.value.message},
    }


def test_a_body_that_is_not_an_object_is_a_400() -> None:
    with pytest.raises(AnthropicWireError, match="must be a JSON object"):
        for_local(["not", "a", "request"])


def test_count_tokens_body_needs_no_max_tokens() -> None:
    wire = for_local({"model": "m", "messages": [{"role": "user", "content": "x" * 350}]}, counting=True)
    assert count_tokens_body(wire.chat) == {"input_tokens": wire.chat.estimated_prompt_tokens()}
    assert 100 < count_tokens_body(wire.chat)["input_tokens"] < 140


# ── response translation ────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("finish", "stop_reason"),
    [
        ("stop", "end_turn"),
        ("length", "max_tokens"),
        ("tool_calls", "tool_use"),
        ("content_filter", "refusal"),
        ("unknown", "end_turn"),
    ],
)
def test_message_body_is_a_valid_sdk_message_with_mapped_stop_reason(finish: str, stop_reason: str) -> None:
    response = ChatResponse(
        text="Fixed.",
        tool_calls=[
            ToolCall(id="call_0", name="Edit", arguments={"file_path": "calc.py", "old_string": "-", "new_string": "+"})
        ],
        usage=Usage(
            input_tokens=120, output_tokens=30, cache_read_tokens=100, cache_write_tokens=0, input_includes_cache=True
        ),
        finish_reason=finish,  # type: ignore[arg-type]
        call_id="01ABC",
    )
    body = to_anthropic_message(response, model="gemma3-270m", message_id="msg_1")
    message = SDKMessage.model_validate(body)
    assert message.stop_reason == stop_reason
    assert [b.type for b in message.content] == ["text", "tool_use"]
    tool = message.content[1]
    assert tool.type == "tool_use" and tool.id == "toolu_01ABC_0" and tool.input["file_path"] == "calc.py"
    # Anthropic's input_tokens exclude cache reads; the OpenAI-style count included them
    assert (message.usage.input_tokens, message.usage.cache_read_input_tokens, message.usage.output_tokens) == (
        20,
        100,
        30,
    )


def test_stop_sequence_is_reported_when_the_tier_names_it() -> None:
    body = to_anthropic_message(ChatResponse(text="a", finish_reason="stop"), model="m", stop_sequence="\nEND")
    assert (body["stop_reason"], body["stop_sequence"]) == ("stop_sequence", "\nEND")


def test_forced_tool_answer_becomes_the_tool_use_block() -> None:
    single = to_anthropic_message(
        ChatResponse(text='{"file_path": "a.py"}', finish_reason="stop"), model="m", forced=ForcedTool(name="Read")
    )
    assert single["stop_reason"] == "tool_use"
    assert [(b["type"], b["name"], b["input"]) for b in single["content"]] == [
        ("tool_use", "Read", {"file_path": "a.py"})
    ]
    choice = answer_blocks(
        ChatResponse(text='{"name": "Edit", "input": {"file_path": "b"}}', finish_reason="stop"),
        ForcedTool(name=None, names=("Read", "Edit")),
    )
    assert [(c.name, c.arguments) for c in choice.calls] == [("Edit", {"file_path": "b"})]
    cut = answer_blocks(ChatResponse(text='{"file_pa', finish_reason="length"), ForcedTool(name="Read"))
    assert (cut.text, cut.calls, cut.stop_reason) == ('{"file_pa', [], "max_tokens")


def test_tool_use_ids_are_unique_across_answers_of_a_local_tier() -> None:
    first = to_anthropic_message(ChatResponse(tool_calls=[ToolCall(id="call_0", name="Read")], call_id="A"), model="m")
    second = to_anthropic_message(ChatResponse(tool_calls=[ToolCall(id="call_0", name="Read")], call_id="B"), model="m")
    assert first["content"][0]["id"] != second["content"][0]["id"]
    kept = to_anthropic_message(ChatResponse(tool_calls=[ToolCall(id="toolu_xyz", name="Read")]), model="m")
    assert kept["content"][0]["id"] == "toolu_xyz"


def test_error_body_shapes() -> None:
    assert error_body(429, "over cap") == {
        "type": "error",
        "error": {"type": "rate_limit_error", "message": "over cap"},
    }
    assert error_body(529, "busy")["error"]["type"] == "overloaded_error"
    assert error_body(401, "no key")["error"]["type"] == "authentication_error"
    assert error_body(403, "revoked")["error"]["type"] == "permission_error"
    assert error_body(404, "no model")["error"]["type"] == "not_found_error"
    assert error_body(503, "down")["error"]["type"] == "api_error"
    assert error_body(418, "teapot")["error"]["type"] == "invalid_request_error"


# ── streaming, parsed by the SDK's own accumulator over a real socket ─────────────────────────────


@pytest.fixture
def sse_server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as server:
        yield server


def sdk_stream(server: ScriptedServer, events: bytes) -> tuple[SDKMessage, list[str]]:
    """Serve ``events`` as an upstream would and let the SDK's MessageStream parse them."""
    server.queue("/v1/messages", Reply(200, events, headers={"Content-Type": "text/event-stream"}))
    client = anthropic.Anthropic(api_key="test", base_url=server.url, max_retries=0)
    with client.messages.stream(model="m", max_tokens=64, messages=[{"role": "user", "content": "hi"}]) as stream:
        kinds = [event.type for event in stream]
        return stream.get_final_message(), kinds


def test_encoder_stream_parses_into_text_thinking_and_tool_use(sse_server: ScriptedServer) -> None:
    encoder = MessageStreamEncoder(model="gemma3-270m", message_id="msg_s", input_tokens=0, salt="C1")
    events = encoder.start()
    events += encoder.thinking("Let me ")
    events += encoder.thinking("look.")
    events += encoder.text("I will ")
    events += encoder.text("read it.")
    events += encoder.tool_call("Read")
    for piece in ('{"file_', 'path": "calc', '.py"}'):
        events += encoder.tool_arguments(piece)
    events += encoder.finish(
        "tool_use", Usage(input_tokens=57, output_tokens=12, cache_read_tokens=7, input_includes_cache=True)
    )
    message, kinds = sdk_stream(sse_server, events)
    assert [b.type for b in message.content] == ["thinking", "text", "tool_use"]
    assert message.content[0].thinking == "Let me look."  # type: ignore[union-attr]
    assert message.content[1].text == "I will read it."  # type: ignore[union-attr]
    tool = message.content[2]
    assert tool.type == "tool_use" and tool.id == "toolu_C1_0" and tool.input == {"file_path": "calc.py"}
    assert message.stop_reason == "tool_use" and message.id == "msg_s" and message.model == "gemma3-270m"
    # input tokens known only at the end ride on message_delta, which the SDK folds in
    assert (message.usage.input_tokens, message.usage.cache_read_input_tokens, message.usage.output_tokens) == (
        50,
        7,
        12,
    )
    assert kinds[0] == "message_start" and kinds[-1] == "message_stop"
    assert "input_json" in kinds and "text" in kinds and "thinking" in kinds
    assert encoder.finished


def test_stream_response_of_a_complete_answer_equals_its_message_body(sse_server: ScriptedServer) -> None:
    response = ChatResponse(
        text="x" * 150,
        tool_calls=[
            ToolCall(name="Edit", arguments={"file_path": "calc.py", "old_string": "a - b", "new_string": "a + b"})
        ],
        usage=Usage(input_tokens=40, output_tokens=20),
        finish_reason="tool_calls",
        call_id="K",
    )
    message, _ = sdk_stream(sse_server, b"".join(stream_response(response, model="m", message_id="msg_k")))
    assert message.model_dump(exclude_none=True) == SDKMessage.model_validate(
        to_anthropic_message(response, model="m", message_id="msg_k")
    ).model_dump(exclude_none=True)


def test_stream_of_a_forced_tool_answer_is_a_tool_use(sse_server: ScriptedServer) -> None:
    response = ChatResponse(text='{"title": "Fix calc"}', finish_reason="stop")
    message, _ = sdk_stream(sse_server, b"".join(stream_response(response, model="m", forced=ForcedTool(name="Title"))))
    assert message.stop_reason == "tool_use"
    assert message.content[0].type == "tool_use" and message.content[0].input == {"title": "Fix calc"}


def test_error_event_mid_stream_is_raised_by_the_sdk(sse_server: ScriptedServer) -> None:
    encoder = MessageStreamEncoder(model="m")
    events = encoder.start() + encoder.text("partial") + encoder.error(529, "tier 'local' is overloaded")
    with pytest.raises(anthropic.APIStatusError) as caught:
        sdk_stream(sse_server, events)
    assert "overloaded_error" in str(caught.value) and "tier 'local' is overloaded" in str(caught.value)
    assert sse_error(529, "x").startswith(b"event: error\ndata: ")


@pytest.mark.parametrize(
    ("status", "sdk_error"),
    [
        (400, anthropic.BadRequestError),
        (401, anthropic.AuthenticationError),
        (403, anthropic.PermissionDeniedError),
        (404, anthropic.NotFoundError),
        (429, anthropic.RateLimitError),
        (529, anthropic.InternalServerError),
    ],
)
def test_error_bodies_become_the_sdks_own_exceptions(
    sse_server: ScriptedServer, status: int, sdk_error: type[Exception]
) -> None:
    sse_server.queue("/v1/messages", Reply(status, error_body(status, "what went wrong")))
    client = anthropic.Anthropic(api_key="test", base_url=sse_server.url, max_retries=0)
    with pytest.raises(sdk_error) as caught:
        client.messages.create(model="m", max_tokens=5, messages=[{"role": "user", "content": "x"}])
    assert caught.value.body == error_body(status, "what went wrong")  # type: ignore[attr-defined]


# ── passthrough: reading an upstream stream for the ledger ───────────────────────────────────────


def upstream_events() -> bytes:
    encoder = MessageStreamEncoder(model="claude-sonnet-4-6", message_id="msg_u", input_tokens=0, salt="U")
    return (
        encoder.start()
        + encoder.thinking("hmm")
        + encoder.text("Hello ")
        + encoder.text("there")
        + encoder.tool_call("Read", "toolu_up1")
        + encoder.tool_arguments('{"file_path":')
        + encoder.tool_arguments(' "a.py"}')
        + encoder.finish(
            "tool_use",
            Usage(
                input_tokens=11,
                output_tokens=9,
                cache_read_tokens=1000,
                cache_write_tokens=50,
                input_includes_cache=False,
            ),
        )
    )


@pytest.mark.parametrize("chunk", [1, 7, 4096])
def test_upstream_reader_gets_answer_and_usage_however_the_bytes_are_split(chunk: int) -> None:
    data = upstream_events().replace(b"\n", b"\r\n") if chunk == 7 else upstream_events()
    reader = UpstreamStreamReader()
    for i in range(0, len(data), chunk):
        reader.feed(data[i : i + chunk])
    response = reader.response()
    assert reader.complete and reader.error is None
    assert response.text == "Hello there"
    assert [(c.id, c.name, c.arguments) for c in response.tool_calls] == [("toolu_up1", "Read", {"file_path": "a.py"})]
    assert response.finish_reason == "tool_calls" and response.resolved_model == "claude-sonnet-4-6"
    usage = response.usage
    assert (
        usage.input_tokens,
        usage.output_tokens,
        usage.cache_read_tokens,
        usage.cache_write_tokens,
        usage.input_includes_cache,
    ) == (11, 9, 1000, 50, False)


def test_upstream_reader_on_a_cut_stream_keeps_the_usage_seen_so_far() -> None:
    data = upstream_events()
    reader = UpstreamStreamReader()
    reader.feed(data[: data.index(b"event: message_delta")])
    assert not reader.complete
    response = reader.response()
    assert response.text == "Hello there" and response.finish_reason == "unknown"
    assert response.usage.input_tokens == 0 and response.usage.output_tokens == 0


def test_upstream_reader_records_an_error_event() -> None:
    reader = UpstreamStreamReader()
    reader.feed(MessageStreamEncoder(model="m").start() + sse_error(529, "Overloaded"))
    assert reader.error == error_body(529, "Overloaded") and not reader.complete


def test_sse_bytes_are_one_event_line_and_one_data_line() -> None:
    first = MessageStreamEncoder(model="m", message_id="msg_1").start().split(b"\n\n")[0].decode()
    event, data = first.split("\n")
    assert event == "event: message_start"
    assert json.loads(data.removeprefix("data: "))["message"]["id"] == "msg_1"


def test_reading_for_routing_keeps_what_only_an_anthropic_tier_can_take_as_placeholders() -> None:
    body = {
        "model": "claude-sonnet-4-6",
        "max_tokens": 5,
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "x"}},
                    {"type": "text", "text": "what is it?"},
                ],
            },
            {
                "role": "assistant",
                "content": [{"type": "server_tool_use", "id": "s1", "name": "web_search", "input": {}}],
            },
        ],
        "tools": [{"type": "web_search_20250305", "name": "web_search"}, READ_TOOL],
        "tool_choice": {"type": "tool", "name": "web_search"},
        "mcp_servers": [{"type": "url", "url": "https://x", "name": "x"}],
    }
    chat = to_chat_request(body, tier=None).chat
    assert [m.content for m in chat.messages] == ["[image]\nwhat is it?", "[server_tool_use]"]
    assert [t.name for t in chat.tools] == ["Read"]
    del body["mcp_servers"]
    with pytest.raises(AnthropicWireError, match="image blocks cannot be translated"):
        for_local(body)
