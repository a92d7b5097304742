"""The OpenAI-compatible provider's lean keep-alive client (providers/keepalive.py) against a real
loopback server: connections reused, a connection the server closed while idle never used, the
``http_client = "sdk"`` escape hatch, proxies left to the SDK, error events inside a stream."""

from __future__ import annotations

import json
import os
import resource
import socket
import threading
from pathlib import Path
from typing import Any

import pytest

from agentrunner.chat import ChatRequest, Message
from agentrunner.config import parse_config
from agentrunner.errors import ProviderRequestError, ProviderResponseError, ProviderUnavailable
from agentrunner.gateway import CallContext
from agentrunner.providers.openai import OpenAIProvider
from tests.support.provider_harness import harness
from tests.support.scripted_http import Reply, ScriptedServer

CHAT = "/v1/chat/completions"
COMPLETION = {
    "id": "c1",
    "object": "chat.completion",
    "model": "m",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "pong"}, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4},
}


def _toml(url: str, options: str = "") -> str:
    return f"""
[tiers.t]
provider = "openai"
model = "m"
base_url = "{url}/v1"
max_retries = 1
{options}
"""


def _sse(*events: dict[str, Any] | str) -> list[bytes]:
    return [f"data: {e if isinstance(e, str) else json.dumps(e)}\n\n".encode() for e in events]


def _chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {"id": "c1", "object": "chat.completion.chunk", "model": "m",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}  # fmt: skip


@pytest.fixture
def server() -> Any:
    with ScriptedServer({CHAT: Reply(200, COMPLETION)}) as scripted:
        accepted: list[socket.socket] = []
        httpd = scripted._httpd
        original = httpd.get_request

        def counting() -> tuple[socket.socket, Any]:
            conn, address = original()
            accepted.append(conn)
            return conn, address

        httpd.get_request = counting  # type: ignore[method-assign]
        scripted.accepted = accepted  # type: ignore[attr-defined]
        yield scripted


def test_calls_share_one_keepalive_connection(server: ScriptedServer, tmp_path: Path) -> None:
    run = harness(_toml(server.url), tmp_path)
    for _ in range(5):
        assert run.ask("t").text == "pong"
    assert [(row["attempt"], row["status"]) for row in run.rows()] == [(1, "ok")] * 5
    # One connection for the availability probe (GET /models), one for all five calls.
    assert len(server.accepted) == 2  # type: ignore[attr-defined]
    assert server.requests_to(CHAT)[0].headers["user-agent"].startswith("agentrunner/")
    assert server.requests_to(CHAT)[0].headers["authorization"] == "Bearer no-key-needed"


def test_a_connection_the_upstream_closed_while_idle_is_never_used(server: ScriptedServer, tmp_path: Path) -> None:
    # The scripted server closes the connection after a stream without saying so (no
    # "Connection: close"): the pooled connection is dead when the next call wants it.
    server.queue(CHAT, Reply(200, stream=_sse(_chunk({"content": "hi"}, "stop"), "[DONE]")))
    run = harness(_toml(server.url), tmp_path)
    chat = ChatRequest(messages=[Message(role="user", content="ping")])
    assert "".join(d.text or "" for d in run.gateway.stream("t", chat, CallContext())) == "hi"
    assert run.ask("t").text == "pong"
    assert [(row["attempt"], row["status"]) for row in run.rows()] == [(1, "ok"), (1, "ok")]
    assert len(server.accepted) == 3  # type: ignore[attr-defined]  # the probe's, the stream's, a new one


def test_concurrent_calls_each_get_a_connection(server: ScriptedServer, tmp_path: Path) -> None:
    run = harness(_toml(server.url), tmp_path)
    assert run.gateway.availability("t").ok  # probed once, before the threads
    server.defaults[CHAT] = Reply(200, COMPLETION)
    # every answer waits until all four calls are in flight: they overlap for certain (a 0.2 s delay
    # let a loaded machine start them one after another, on one kept-alive connection)
    all_in_flight = threading.Barrier(4)
    answer = server.next_reply

    def held(method: str, path: str, headers: dict[str, str], body: bytes) -> Reply:
        reply = answer(method, path, headers, body)
        if path == CHAT:
            all_in_flight.wait(timeout=120)
        return reply

    server.next_reply = held  # type: ignore[method-assign]
    answers: list[str] = []
    threads = [threading.Thread(target=lambda: answers.append(run.ask("t").text)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == ["pong"] * 4
    assert 2 < len(server.accepted) <= 5  # type: ignore[attr-defined]  # the probe's + one per call in flight


def test_http_client_sdk_uses_the_sdk_and_is_not_sent_upstream(server: ScriptedServer, tmp_path: Path) -> None:
    run = harness(_toml(server.url, 'options = { http_client = "sdk", top_p = 0.5 }'), tmp_path)
    assert run.ask("t").text == "pong"
    [seen] = server.requests_to(CHAT)
    assert "http_client" not in seen.json() and seen.json()["top_p"] == 0.5
    assert seen.headers["user-agent"].startswith("OpenAI/Python")


def test_a_proxy_in_the_environment_leaves_the_call_to_the_sdk(monkeypatch: pytest.MonkeyPatch) -> None:
    provider = OpenAIProvider("t", parse_config(_toml("http://10.1.2.3:8000")).tiers["t"], Path("."))
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    assert not provider.uses_sdk_client()
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.example:3128")
    provider.close()  # the environment is read once per client, as the SDK reads it
    assert provider.uses_sdk_client()
    monkeypatch.setenv("NO_PROXY", "10.1.2.3")
    provider.close()
    assert not provider.uses_sdk_client()


def test_an_error_event_inside_a_stream_ends_it_with_its_message(server: ScriptedServer, tmp_path: Path) -> None:
    events = _sse(_chunk({"content": "par"}), {"error": {"message": "the model is overloaded"}})
    server.queue(CHAT, Reply(200, stream=events))
    run = harness(_toml(server.url), tmp_path)
    chat = ChatRequest(messages=[Message(role="user", content="ping")])
    received: list[str] = []
    with pytest.raises(ProviderResponseError, match="the model is overloaded"):
        for delta in run.gateway.stream("t", chat, CallContext()):
            received.append(delta.text or "")
    assert "".join(received) == "par"
    [row] = run.rows()
    assert (row["status"], row["partial"], row["response_text"]) == ("error", 1, "par")


def test_a_redirect_is_reported_with_where_it_points_not_followed(server: ScriptedServer, tmp_path: Path) -> None:
    # A base_url that redirects (http → https, a moved path) is a configuration to fix: said
    # once, with the Location, and not retried.
    server.queue(CHAT, Reply(308, b"", headers={"Location": "https://api.example/v1/chat/completions"}))
    run = harness(_toml(server.url), tmp_path)
    with pytest.raises(ProviderRequestError, match=r"redirects to https://api\.example/v1/chat/completions"):
        run.ask("t")
    assert [(row["attempt"], row["status"]) for row in run.rows()] == [(1, "error")]


@pytest.mark.parametrize("base_url", ["localhost:8000/v1", "ftp://files.example/v1"])
def test_a_base_url_that_is_not_http_names_the_setting(base_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    provider = OpenAIProvider("t", parse_config(_toml("x").replace("x/v1", base_url)).tiers["t"], Path("."))
    chat = ChatRequest(messages=[Message(role="user", content="ping")])
    with pytest.raises(ProviderUnavailable, match=r"is not an http:// or https:// URL \(\[tiers\.t\] base_url"):
        provider.complete(chat)


def test_a_pooled_connection_past_descriptor_1024_is_reused(server: ScriptedServer, tmp_path: Path) -> None:
    # A busy gateway holds thousands of client sockets: select() refuses descriptors >= 1024.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if min(hard, 4096) < 1200:
        pytest.skip(f"needs 1,200 open files (the limit is {hard})")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4096)), hard))
    filler = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
    try:
        run = harness(_toml(server.url), tmp_path)
        assert [run.ask("t").text for _ in range(2)] == ["pong", "pong"]  # the second reuses it
        assert [(row["attempt"], row["status"]) for row in run.rows()] == [(1, "ok")] * 2
    finally:
        for fd in filler:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
