"""The gateway in front of a loopback upstream speaking the OpenAI (and Anthropic) wire format:
the premium APIs cannot be reached from here, so a scripted server on 127.0.0.1 stands in for them
(tests/support/scripted_http.py) and injects the faults. The client is the official openai SDK;
the gateway is the real app under uvicorn."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from agentrunner.config import load_config
from agentrunner.ledger import Ledger
from agentrunner.server.app import create_app
from tests.support.gateway_server import GatewayServer
from tests.support.scripted_http import Reply, ScriptedServer

CHAT = "/v1/chat/completions"


def chunk(delta: dict[str, Any], finish: str | None = None, usage: dict[str, int] | None = None) -> bytes:
    data: dict[str, Any] = {
        "id": "chatcmpl-up",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "gpt-4o-mini-2024-07-18",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}] if usage is None else [],
    }
    if usage is not None:
        data["usage"] = usage
    return f"data: {json.dumps(data)}\n\n".encode()


def sse_answer(words: list[str], *, usage: tuple[int, int] = (11, 7), done: bool = True) -> list[bytes]:
    pieces = [chunk({"role": "assistant", "content": ""})]
    pieces += [chunk({"content": word}) for word in words]
    if done:
        pieces.append(chunk({}, "stop"))
        pieces.append(chunk({}, usage={"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": 18}))
        pieces.append(b"data: [DONE]\n\n")
    return pieces


def completion(text: str = "upstream says hi") -> dict[str, Any]:
    return {
        "id": "chatcmpl-up",
        "object": "chat.completion",
        "created": 1,
        "model": "gpt-4o-mini-2024-07-18",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 11, "completion_tokens": 4, "total_tokens": 15},
    }


@pytest.fixture
def upstream() -> Iterator[ScriptedServer]:
    with ScriptedServer({"/v1/models": Reply(200, {"object": "list", "data": []})}) as server:
        yield server


@pytest.fixture
def gateway(
    upstream: ScriptedServer, write_config: Callable[[str], Path]
) -> Iterator[tuple[GatewayServer, Ledger]]:
    path = write_config(
        f"""
[tiers.premium]
provider = "openai"
model = "gpt-4o-mini"
base_url = "{upstream.url}/v1"
max_retries = 1
timeout = 1.5
max_tokens = 256
price = {{ input_per_mtok = 1000.0, output_per_mtok = 5000.0 }}
"""
    )
    config = load_config(path)
    ledger = Ledger.for_config(config)
    with GatewayServer(create_app(config, ledger, auth=None)) as server:
        yield server, ledger
    ledger.close()


def _client(server: GatewayServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key="unused", max_retries=0, timeout=20)


def _rows(ledger: Ledger) -> list[dict[str, Any]]:
    # a connection of its own: the gateway's threads write through the ledger's while the test
    # polls (sharing it outside the ledger's lock broke a savepoint under load: CI, session 7)
    with contextlib.closing(sqlite3.connect(ledger.path, timeout=30)) as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute("SELECT * FROM calls ORDER BY rowid")]


def _wait_rows(ledger: Ledger, count: int, timeout: float = 60.0) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = _rows(ledger)
        if len(rows) >= count:
            return rows
        time.sleep(0.05)
    return _rows(ledger)


ASK = [{"role": "user", "content": "hi"}]


def test_model_name_passes_through_and_is_priced(
    upstream: ScriptedServer, gateway: tuple[GatewayServer, Ledger]
) -> None:
    server, ledger = gateway
    upstream.queue(CHAT, Reply(200, completion()))
    answer = _client(server).chat.completions.with_raw_response.create(model="gpt-4o-mini", messages=ASK)
    assert answer.parse().choices[0].message.content == "upstream says hi"
    assert answer.headers["x-agentrunner-tier"] == "premium"
    sent = upstream.requests_to(CHAT)[0]
    assert sent.json()["model"] == "gpt-4o-mini" and "authorization" in sent.headers
    [row] = _rows(ledger)
    assert row["source"] == "gateway" and row["resolved_model"] == "gpt-4o-mini-2024-07-18"
    assert row["cost_usd"] == pytest.approx((11 * 1000 + 4 * 5000) / 1e6)


def test_upstream_429_is_retried_then_served(upstream: ScriptedServer, gateway: tuple[GatewayServer, Ledger]) -> None:
    server, ledger = gateway
    limited = Reply(429, {"error": {"message": "slow down"}}, {"Retry-After": "0"})
    upstream.queue(CHAT, limited, Reply(200, completion()))
    answer = _client(server).chat.completions.create(model="premium", messages=ASK)
    assert answer.choices[0].message.content == "upstream says hi"
    assert [(r["attempt"], r["status"]) for r in _rows(ledger)] == [(1, "error"), (2, "ok")]


def test_upstream_429_after_retries_is_a_429_with_retry_after(
    upstream: ScriptedServer, gateway: tuple[GatewayServer, Ledger]
) -> None:
    server, ledger = gateway
    limited = Reply(429, {"error": {"message": "slow down"}}, {"Retry-After": "0"})
    upstream.queue(CHAT, limited, limited)
    with pytest.raises(openai.RateLimitError) as caught:
        _client(server).chat.completions.create(model="premium", messages=ASK)
    assert caught.value.response.headers["retry-after"] == "1"
    assert caught.value.body["code"] == "upstream_rate_limited"  # type: ignore[index]
    assert [r["status"] for r in _rows(ledger)] == ["error", "error"]


def test_upstream_500s_are_a_503(upstream: ScriptedServer, gateway: tuple[GatewayServer, Ledger]) -> None:
    server, ledger = gateway
    upstream.queue(CHAT, Reply(500, {"error": {"message": "boom"}}), Reply(502, "bad gateway"))
    with pytest.raises(openai.InternalServerError) as caught:
        _client(server).chat.completions.create(model="premium", messages=ASK)
    assert caught.value.status_code == 503 and "HTTP 502" in str(caught.value)
    assert len(_rows(ledger)) == 2


def test_upstream_timeout_is_a_502(upstream: ScriptedServer, gateway: tuple[GatewayServer, Ledger]) -> None:
    server, ledger = gateway
    late = 15.0  # far past the tier's 1.5 s timeout: the gateway gives up first however loaded the machine is
    upstream.queue(CHAT, Reply(200, completion(), delay=late), Reply(200, completion(), delay=late))
    with pytest.raises(openai.APIStatusError) as caught:
        _client(server).chat.completions.create(model="premium", messages=ASK)
    assert caught.value.status_code == 502 and "timed out" in str(caught.value)
    assert [r["error"].split(":")[0] for r in _rows(ledger)] == ["ProviderConnectionError"] * 2


def test_stream_passes_through_with_usage(upstream: ScriptedServer, gateway: tuple[GatewayServer, Ledger]) -> None:
    server, ledger = gateway
    upstream.queue(CHAT, Reply(200, stream=sse_answer(["Hel", "lo", "!"])))
    chunks = list(
        _client(server).chat.completions.create(
            model="premium", messages=ASK, stream=True, stream_options={"include_usage": True}
        )
    )
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "Hello!"
    assert chunks[-1].usage is not None and chunks[-1].usage.prompt_tokens == 11
    assert upstream.requests_to(CHAT)[0].json()["stream"] is True
    [row] = _rows(ledger)
    assert (row["response_text"], row["input_tokens"], row["output_tokens"], row["partial"]) == ("Hello!", 11, 7, 0)


def test_stream_failing_before_the_first_chunk_is_retried(
    upstream: ScriptedServer, gateway: tuple[GatewayServer, Ledger]
) -> None:
    server, ledger = gateway
    upstream.queue(CHAT, Reply(503, {"error": {"message": "busy"}}), Reply(200, stream=sse_answer(["ok"])))
    chunks = list(_client(server).chat.completions.create(model="premium", messages=ASK, stream=True))
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "ok"
    assert [r["status"] for r in _rows(ledger)] == ["error", "ok"]


def test_stream_cut_by_the_upstream_ends_with_an_error_event(
    upstream: ScriptedServer, gateway: tuple[GatewayServer, Ledger]
) -> None:
    server, ledger = gateway
    upstream.queue(CHAT, Reply(200, stream=sse_answer(["one ", "two ", "three"], done=False), cut=True))
    received: list[str] = []
    with pytest.raises(openai.APIError) as caught:
        for piece in _client(server).chat.completions.create(model="premium", messages=ASK, stream=True):
            received.append(piece.choices[0].delta.content or "" if piece.choices else "")
    assert "".join(received) == "one two three"
    assert "broke" in str(caught.value) or "ended without" in str(caught.value)
    [row] = _rows(ledger)
    assert (row["status"], row["partial"], row["response_text"], row["replayable"]) == ("error", 1, "one two three", 0)
    assert row["output_tokens"] == 3  # estimated: one per piece, the upstream never said


def test_client_disconnect_mid_stream_writes_a_partial_row(
    upstream: ScriptedServer, gateway: tuple[GatewayServer, Ledger]
) -> None:
    server, ledger = gateway
    words = [f"w{i} " for i in range(40)]
    upstream.queue(CHAT, Reply(200, stream=sse_answer(words), stream_delay=0.05))
    body = {"model": "premium", "messages": ASK, "stream": True}
    with httpx.stream("POST", f"{server.url}{CHAT}", json=body, timeout=10) as response:
        lines = response.iter_lines()
        seen = [next(lines) for _ in range(6)]  # the role chunk and a few words, then hang up
    assert any("w1" in line for line in seen)
    [row] = _wait_rows(ledger, 1)
    assert row["partial"] == 1 and row["status"] == "ok" and row["replayable"] == 0
    assert row["response_text"].startswith("w0 w1") and len(row["response_text"].split()) < 40
    assert "client stopped reading" in row["error"]


def test_streamed_tool_calls_arrive_as_openai_deltas(
    upstream: ScriptedServer, write_config: Callable[[str], Path]
) -> None:
    """A tier whose server returns tool calls natively streams them for real (the default off this
    machine; here said with native_tool_calls, the upstream being on loopback)."""
    path = write_config(
        f"""
[tiers.premium]
provider = "openai"
model = "gpt-4o-mini"
base_url = "{upstream.url}/v1"
api_key_env = "UPSTREAM_KEY"
max_retries = 0
options = {{ native_tool_calls = true }}
"""
    )
    pieces = [
        chunk({"role": "assistant", "content": None}),
        chunk({"tool_calls": [{"index": 0, "id": "call_a", "type": "function",
                               "function": {"name": "get_weather", "arguments": ""}}]}),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": '{"city": '}}]}),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": '"Paris"}'}}]}),
        chunk({}, "tool_calls"),
        b"data: [DONE]\n\n",
    ]
    upstream.queue(CHAT, Reply(200, stream=pieces))
    config = load_config(path)
    ledger = Ledger.for_config(config)
    tools = [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}]
    with pytest.MonkeyPatch.context() as env:
        env.setenv("UPSTREAM_KEY", "sk-upstream")
        with GatewayServer(create_app(config, ledger, auth=None)) as server:
            stream = _client(server).chat.completions.create(model="premium", messages=ASK, tools=tools, stream=True)
            calls: dict[int, dict[str, str]] = {}
            finish = None
            for piece in stream:
                for call in (piece.choices[0].delta.tool_calls or []) if piece.choices else []:
                    entry = calls.setdefault(call.index, {"name": "", "arguments": ""})
                    if call.function and call.function.name:
                        entry["name"] = call.function.name
                    entry["arguments"] += (call.function.arguments or "") if call.function else ""
                if piece.choices and piece.choices[0].finish_reason:
                    finish = piece.choices[0].finish_reason
    assert calls == {0: {"name": "get_weather", "arguments": '{"city": "Paris"}'}} and finish == "tool_calls"
    assert upstream.requests_to(CHAT)[0].headers["authorization"] == "Bearer sk-upstream"
    [row] = _rows(ledger)
    assert json.loads(row["response_json"])["tool_calls"][0]["arguments"] == {"city": "Paris"}


def anthropic_event(kind: str, data: dict[str, Any]) -> bytes:
    return f"event: {kind}\ndata: {json.dumps({'type': kind, **data})}\n\n".encode()


ANTHROPIC_STREAM = [
    anthropic_event("message_start", {"message": {
        "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-opus-4-1-20250805", "content": [],
        "stop_reason": None, "stop_sequence": None,
        "usage": {
            "input_tokens": 20, "output_tokens": 1, "cache_read_input_tokens": 5, "cache_creation_input_tokens": 0
        },
    }}),
    anthropic_event("content_block_start", {"index": 0, "content_block": {"type": "text", "text": ""}}),
    anthropic_event("content_block_delta", {"index": 0, "delta": {"type": "text_delta", "text": "Let me check."}}),
    anthropic_event("content_block_stop", {"index": 0}),
    anthropic_event("content_block_start", {"index": 1, "content_block": {
        "type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {}}}),
    *[
        anthropic_event("content_block_delta", {"index": 1, "delta": {"type": "input_json_delta", "partial_json": p}})
        for p in ("{", '"city"', ': "Oslo"', "}")
    ],
    anthropic_event("content_block_stop", {"index": 1}),
    anthropic_event("message_delta", {"delta": {"stop_reason": "tool_use", "stop_sequence": None},
                                      "usage": {"output_tokens": 17}}),
    anthropic_event("message_stop", {}),
]


def test_anthropic_upstream_streams_into_openai_chunks(
    upstream: ScriptedServer, write_config: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Claude model requested over the OpenAI protocol passes through to the anthropic tier (a
    loopback Messages server here), its stream translated: text, tool call pieces, usage."""
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    path = write_config(
        f"""
[tiers.premium]
provider = "anthropic"
model = "claude-sonnet-4-6"
base_url = "{upstream.url}"
max_retries = 0
"""
    )
    upstream.queue("/v1/messages", Reply(200, stream=ANTHROPIC_STREAM))
    config = load_config(path)
    ledger = Ledger.for_config(config)
    tools = [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}]
    with GatewayServer(create_app(config, ledger, auth=None)) as server:
        pieces = list(
            _client(server).chat.completions.create(
                model="claude-opus-4-1", messages=ASK, tools=tools, stream=True, stream_options={"include_usage": True}
            )
        )
    sent = upstream.requests_to("/v1/messages")[0]
    assert sent.json()["model"] == "claude-opus-4-1" and sent.json()["stream"] is True
    text = "".join(p.choices[0].delta.content or "" for p in pieces if p.choices)
    arguments = "".join(
        (call.function.arguments or "") if call.function else ""
        for p in pieces if p.choices for call in p.choices[0].delta.tool_calls or []
    )
    assert text == "Let me check." and json.loads(arguments) == {"city": "Oslo"}
    assert [p.choices[0].finish_reason for p in pieces if p.choices][-1] == "tool_calls"
    usage = pieces[-1].usage
    assert usage is not None and (usage.prompt_tokens, usage.completion_tokens) == (25, 17)
    [row] = _rows(ledger)
    assert (row["tier"], row["model"]) == ("premium", "claude-opus-4-1")
    assert row["resolved_model"] == "claude-opus-4-1-20250805"
    assert (row["input_tokens"], row["cache_read_tokens"], row["output_tokens"]) == (20, 5, 17)
    assert row["cost_usd"] is not None and row["route_reason"].startswith("default → premium (claude-opus-4-1")
