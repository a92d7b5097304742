"""POST /v1/responses (the OpenAI Responses API, what Codex CLI speaks) through the official openai
SDK's ``client.responses`` against a real uvicorn on loopback. The local tier is the fake provider
(no inference); tool calls come from a loopback server speaking the Chat Completions wire format
(tests/support/scripted_http.py), standing in for a premium API this machine cannot reach."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from agentrunner.config import load_config
from agentrunner.ledger import Ledger
from agentrunner.server.app import create_app
from tests.support.gateway_server import GatewayServer
from tests.support.scripted_http import Reply, ScriptedServer

TIERS = """
[tiers.local]
provider = "fake"
model = "fake-1"
max_tokens = 64
cost_per_hour = 0.05

[tiers.premium]
provider = "openai"
model = "gpt-4o-mini"
base_url = "{upstream}/v1"
options = {{ native_tool_calls = true }}
max_tokens = 256
price = {{ input_per_mtok = 1.0, output_per_mtok = 5.0 }}
"""

SHELL_TOOL = {
    "type": "function",
    "name": "shell",
    "description": "Runs a command.",
    "parameters": {"type": "object", "properties": {"command": {"type": "string"}}, "required": ["command"]},
    "strict": False,
}


def tool_call_completion() -> dict[str, Any]:
    return {
        "id": "chatcmpl-up",
        "object": "chat.completion",
        "created": 1,
        "model": "gpt-4o-mini",
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {"id": "call_up1", "type": "function",
                         "function": {"name": "shell", "arguments": '{"command": "ls"}'}}
                    ],
                },
                "finish_reason": "tool_calls",
            }
        ],
        "usage": {"prompt_tokens": 30, "completion_tokens": 9, "total_tokens": 39},
    }


@pytest.fixture
def upstream() -> Iterator[ScriptedServer]:
    with ScriptedServer({"/v1/models": Reply(200, {"object": "list", "data": []})}) as server:
        yield server


@pytest.fixture
def gateway(
    fake_local: Path, write_config: Callable[[str], Path], upstream: ScriptedServer
) -> Iterator[tuple[GatewayServer, Ledger]]:
    config = load_config(write_config(TIERS.format(upstream=upstream.url)))
    ledger = Ledger.for_config(config)
    with GatewayServer(create_app(config, ledger, auth=None)) as server:
        yield server, ledger
    ledger.close()


def client(server: GatewayServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key="unused", max_retries=0, timeout=20)


def rows(ledger: Ledger, expect: int = 0) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 60  # returns as soon as the rows are there; long for a loaded machine
    while True:
        found = ledger.fetch_all("SELECT * FROM calls ORDER BY rowid")
        if len(found) >= expect or time.monotonic() > deadline:
            return found
        time.sleep(0.02)


def test_plain_response_on_a_local_tier(gateway: tuple[GatewayServer, Ledger]) -> None:
    server, ledger = gateway
    response = client(server).responses.create(model="local", instructions="Be brief.", input="hello there")
    assert response.output_text == "fake: hello there"
    assert response.status == "completed" and response.model == "local"
    assert response.usage is not None and (response.usage.input_tokens, response.usage.output_tokens) == (4, 3)
    [row] = rows(ledger)
    assert (row["source"], row["protocol"], row["tier"], row["status"]) == ("gateway", "openai", "local", "ok")
    request = json.loads(row["request_json"])
    assert [m["role"] for m in request["messages"]] == ["system", "user"]


def test_streamed_response_parses_with_the_sdks_accumulator(gateway: tuple[GatewayServer, Ledger]) -> None:
    server, ledger = gateway
    with client(server).responses.stream(
        model="local", input=[{"role": "user", "content": [{"type": "input_text", "text": "stream me"}]}]
    ) as stream:
        kinds = [event.type for event in stream]
        final = stream.get_final_response()
    assert final.output_text == "fake: stream me" and final.status == "completed"
    assert kinds[:2] == ["response.created", "response.in_progress"] and kinds[-1] == "response.completed"
    assert "response.output_text.delta" in kinds and "response.output_item.done" in kinds
    assert final.usage is not None and final.usage.output_tokens == 3
    [row] = rows(ledger, 1)
    assert row["response_text"] == "fake: stream me" and row["partial"] == 0


def test_function_tool_round_trip(gateway: tuple[GatewayServer, Ledger], upstream: ScriptedServer) -> None:
    server, ledger = gateway
    upstream.queue("/v1/chat/completions", Reply(200, tool_call_completion()))
    api = client(server)
    first = api.responses.create(model="premium", input="list the files", tools=[SHELL_TOOL])  # type: ignore[list-item]
    [call] = [item for item in first.output if item.type == "function_call"]
    assert (call.name, json.loads(call.arguments), call.call_id) == ("shell", {"command": "ls"}, "call_up1")
    assert first.usage is not None and first.usage.input_tokens == 30

    upstream.queue("/v1/chat/completions", Reply(200, {**tool_call_completion(), "choices": [
        {"index": 0, "message": {"role": "assistant", "content": "two files"}, "finish_reason": "stop"}]}))
    second = api.responses.create(
        model="premium",
        tools=[SHELL_TOOL, {"type": "web_search"}],  # type: ignore[list-item]  # web search: left out
        input=[
            {"role": "user", "content": "list the files"},
            {"type": "function_call", "call_id": call.call_id, "name": call.name, "arguments": call.arguments},
            {"type": "function_call_output", "call_id": call.call_id, "output": "a.py\nb.py"},
        ],
    )
    assert second.output_text == "two files"
    sent = upstream.requests_to("/v1/chat/completions")[-1].json()
    assert [t["function"]["name"] for t in sent["tools"]] == ["shell"]
    assistant, tool = sent["messages"][1], sent["messages"][2]
    assert assistant["tool_calls"][0]["id"] == "call_up1" and json.loads(
        assistant["tool_calls"][0]["function"]["arguments"]
    ) == {"command": "ls"}
    assert (tool["role"], tool["tool_call_id"], tool["content"]) == ("tool", "call_up1", "a.py\nb.py")
    assert len(rows(ledger)) == 2


def test_streamed_function_call(gateway: tuple[GatewayServer, Ledger], upstream: ScriptedServer) -> None:
    server, _ = gateway

    def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        data = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "gpt-4o-mini", "choices": [choice]}
        return f"data: {json.dumps(data)}\n\n".encode()

    call = {"index": 0, "id": "call_up1", "type": "function", "function": {"name": "shell", "arguments": ""}}
    pieces = [
        chunk({"role": "assistant", "content": None, "tool_calls": [call]}),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": '{"command": '}}]}),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": '"ls"}'}}]}),
        chunk({}, "tool_calls"),
        b"data: [DONE]\n\n",
    ]
    upstream.queue("/v1/chat/completions", Reply(200, b"".join(pieces), headers={"Content-Type": "text/event-stream"}))
    with client(server).responses.stream(
        model="premium", input="list the files", tools=[SHELL_TOOL]  # type: ignore[list-item]
    ) as stream:
        final = stream.get_final_response()
    [call] = [item for item in final.output if item.type == "function_call"]
    assert (call.name, json.loads(call.arguments)) == ("shell", {"command": "ls"})


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"input": "hi", "previous_response_id": "resp_1"}, "previous_response_id"),
        ({"input": "hi", "tools": [{"type": "file_search", "vector_store_ids": ["v"]}]}, "tools[0]"),
        ({"input": [{"role": "user", "content": [{"type": "input_image", "image_url": "x"}]}]}, "input[0].content[0]"),
        ({"input": []}, "input"),
    ],
)
def test_what_cannot_be_served_is_a_400_naming_the_field(
    gateway: tuple[GatewayServer, Ledger], body: dict[str, Any], param: str
) -> None:
    server, ledger = gateway
    with pytest.raises(openai.BadRequestError) as caught:
        client(server).responses.create(model="local", **body)
    assert caught.value.param == param
    assert rows(ledger) == []


def test_codex_tool_groups_are_flattened(gateway: tuple[GatewayServer, Ledger], upstream: ScriptedServer) -> None:
    """Codex CLI 0.171 offers its multi-agent functions grouped in a ``namespace`` tool, and
    ``web_search`` (run by OpenAI's servers): the functions reach the tier, web search does not."""
    server, _ = gateway
    upstream.queue("/v1/chat/completions", Reply(200, tool_call_completion()))
    group = {"type": "namespace", "name": "multi_agent_v1", "description": "agents",
             "tools": [{**SHELL_TOOL, "name": "spawn_agent"}, {**SHELL_TOOL, "name": "wait_agent"}]}
    client(server).responses.create(
        model="premium", input="hi",
        tools=[SHELL_TOOL, group, {"type": "web_search", "external_web_access": False}],  # type: ignore[list-item]
    )
    sent = upstream.requests_to("/v1/chat/completions")[-1].json()
    assert [t["function"]["name"] for t in sent["tools"]] == ["shell", "spawn_agent", "wait_agent"]
