"""The gateway's Anthropic protocol (agentrunner/server/anthropic_api.py) through the official
``anthropic`` SDK against a real uvicorn on loopback.

Local tiers here are the fake provider (no inference: protocol, routing and ledger are what is
tested; tests/test_gateway_anthropic_model.py serves the embedded model for real). The premium
tier's upstream is a loopback server speaking Anthropic's wire format
(tests/support/scripted_http.py): the real API cannot be reached from the test machines.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import anthropic
import httpx
import pytest

from agentrunner.chat import Usage
from agentrunner.config import load_config
from agentrunner.ledger import Ledger
from agentrunner.server.anthropic_wire import MessageStreamEncoder, error_body, sse_error
from agentrunner.server.app import Caller, create_app
from tests.support.gateway_server import GatewayServer
from tests.support.scripted_http import Reply, ScriptedServer, free_port

UPSTREAM_KEY = "sk-ant-gateway-own-key"

TIERS = """
[tiers.local]
provider = "fake"
model = "fake-1"
n_ctx = 400000
max_tokens = 64
cost_per_hour = 0.05

[tiers.premium]
provider = "anthropic"
model = "claude-sonnet-4-6"
api_key_env = "ANTHROPIC_API_KEY"
base_url = "{upstream}"
max_tokens = 4096

[[gateway.routes]]
model = "claude-3-5-haiku*"
to = "local"
"""

READ_TOOL = {
    "name": "Read",
    "description": "Reads a file.",
    "input_schema": {"type": "object", "properties": {"file_path": {"type": "string"}}, "required": ["file_path"]},
}


@pytest.fixture
def upstream() -> Iterator[ScriptedServer]:
    with ScriptedServer() as server:
        yield server


@pytest.fixture
def gateway(
    fake_local: Path,
    write_config: Callable[[str], Path],
    upstream: ScriptedServer,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[GatewayServer, Ledger]]:
    monkeypatch.setenv("ANTHROPIC_API_KEY", UPSTREAM_KEY)
    config = load_config(write_config(TIERS.replace("{upstream}", upstream.url)))
    ledger = Ledger.for_config(config)
    with GatewayServer(create_app(config, ledger, auth=None)) as server:
        yield server, ledger
    ledger.close()


def client(server: GatewayServer, **kwargs: Any) -> anthropic.Anthropic:
    options: dict[str, Any] = {"max_retries": 0, **kwargs}
    return anthropic.Anthropic(base_url=server.url, api_key="caller-key-not-used-with-no-auth", **options)


def rows(ledger: Ledger, expect: int | None = None) -> list[dict[str, Any]]:
    """The ledger's rows; with ``expect``, waiting (60 s at most: a loaded machine) until that many are
    written: a stream's row is written when the server's side of it ends, just after the client read its end."""
    deadline = time.monotonic() + 60
    while True:
        # its own connection: the server thread writes through ledger.db meanwhile, and two threads
        # on one sqlite-utils connection trip over each other's savepoints ("no such savepoint")
        reader = sqlite3.connect(f"file:{ledger.path}?mode=ro", uri=True, timeout=5)
        reader.row_factory = sqlite3.Row
        try:
            found = [dict(row) for row in reader.execute("SELECT * FROM calls ORDER BY rowid")]
        finally:
            reader.close()
        if expect is None or len(found) >= expect or time.monotonic() > deadline:
            return found
        time.sleep(0.02)


# ── translated: a local tier answers an Anthropic request ─────────────────────────────────────────


def test_plain_message_on_a_local_tier(gateway: tuple[GatewayServer, Ledger]) -> None:
    server, ledger = gateway
    message = client(server).messages.create(
        model="local",
        max_tokens=16000,
        system=[{"type": "text", "text": "Be brief.", "cache_control": {"type": "ephemeral"}}],
        messages=[{"role": "user", "content": "hello there"}],
    )
    assert [b.type for b in message.content] == ["text"]
    assert message.content[0].text == "fake: hello there"  # type: ignore[union-attr]
    assert message.stop_reason == "end_turn" and message.model == "local"
    assert (message.usage.input_tokens, message.usage.output_tokens) == (4, 3)
    [row] = rows(ledger)
    assert (row["source"], row["protocol"], row["tier"], row["status"]) == ("gateway", "anthropic", "local", "ok")
    assert row["client"].startswith("Anthropic/Python")
    request = json.loads(row["request_json"])
    assert request["max_tokens"] == 64  # the tier's ceiling, not the client's 16000
    assert request["messages"][0]["content"] == "Be brief."


def test_streaming_on_a_local_tier_parses_with_the_sdks_accumulator(gateway: tuple[GatewayServer, Ledger]) -> None:
    server, ledger = gateway
    with client(server).messages.stream(
        model="claude-3-5-haiku-latest",  # routed to local by the [[gateway.routes]] rule
        max_tokens=100,
        messages=[{"role": "user", "content": "stream me"}],
    ) as stream:
        text = "".join(stream.text_stream)
        message = stream.get_final_message()
    assert text == "fake: stream me"
    assert message.stop_reason == "end_turn" and message.usage.output_tokens == 3 and message.usage.input_tokens == 2
    [row] = rows(ledger, 1)
    assert row["tier"] == "local" and row["response_text"] == "fake: stream me" and row["partial"] == 0
    assert "gateway route 1 (claude-3-5-haiku*)" in row["route_reason"]


def test_tool_round_trip_history_and_a_forced_tool_on_a_local_tier(gateway: tuple[GatewayServer, Ledger]) -> None:
    server, ledger = gateway
    api = client(server)
    forced = api.messages.create(
        model="local",
        max_tokens=50,
        tools=[READ_TOOL],  # type: ignore[list-item]
        tool_choice={"type": "tool", "name": "Read"},
        messages=[{"role": "user", "content": "read calc.py"}],
    )
    [call] = forced.content
    assert call.type == "tool_use" and call.name == "Read" and call.input == {"file_path": "fake"}
    assert forced.stop_reason == "tool_use" and call.id.startswith("toolu_")
    answer = api.messages.create(
        model="local",
        max_tokens=50,
        tools=[READ_TOOL],  # type: ignore[list-item]
        messages=[
            {"role": "user", "content": "read calc.py"},
            {"role": "assistant", "content": [b.model_dump() for b in forced.content]},  # type: ignore[misc]
            {
                "role": "user",
                "content": [
                    {"type": "tool_result", "tool_use_id": call.id, "content": "x = 1"},
                    {"type": "text", "text": "and now?"},
                ],
            },
        ],
    )
    assert answer.content[0].text == "fake: and now?"  # type: ignore[union-attr]
    second = json.loads(rows(ledger)[1]["request_json"])
    assert [m["role"] for m in second["messages"]] == ["user", "assistant", "tool", "user"]
    assert second["messages"][1]["tool_calls"][0]["id"] == call.id
    assert second["messages"][2] == {
        "role": "tool",
        "content": "x = 1",
        "tool_calls": [],
        "tool_call_id": call.id,
        "name": None,
    }


def test_forced_tool_streamed(gateway: tuple[GatewayServer, Ledger]) -> None:
    server, _ = gateway
    with client(server).messages.stream(
        model="local",
        max_tokens=50,
        tools=[READ_TOOL],  # type: ignore[list-item]
        tool_choice={"type": "any"},
        messages=[{"role": "user", "content": "read it"}],
    ) as stream:
        message = stream.get_final_message()
    assert message.stop_reason == "tool_use"
    assert [(b.type, b.input) for b in message.content] == [("tool_use", {"file_path": "fake"})]  # type: ignore[union-attr]


def test_an_image_for_a_text_only_tier_is_a_400_in_anthropics_shape(gateway: tuple[GatewayServer, Ledger]) -> None:
    server, ledger = gateway
    with pytest.raises(anthropic.BadRequestError) as caught:
        client(server).messages.create(
            model="local",
            max_tokens=10,
            messages=[
                {
                    "role": "user",
                    "content": [
                        {
                            "type": "image",
                            "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="},
                        }
                    ],
                }
            ],
        )
    assert caught.value.body["type"] == "error"  # type: ignore[index]
    assert caught.value.body["error"]["type"] == "invalid_request_error"  # type: ignore[index]
    assert caught.value.body["error"]["message"].startswith(
        "messages.0.content.0: image blocks cannot be translated: the tier 'local'"
    )  # type: ignore[index]
    assert rows(ledger) == []


def test_count_tokens_on_a_local_tier(gateway: tuple[GatewayServer, Ledger]) -> None:
    server, _ = gateway
    counted = client(server).messages.count_tokens(model="local", messages=[{"role": "user", "content": "x" * 700}])
    assert 200 <= counted.input_tokens <= 240


@pytest.mark.parametrize(
    ("content", "content_type", "status", "words"),
    [
        (b"{not json", "application/json", 400, "not valid JSON"),
        (b"model=local", "application/x-www-form-urlencoded", 415, "content-type must be application/json"),
        (
            b'{"model": "local", "messages": [{"role": "user", "content": "x"}]}',
            "application/json",
            400,
            "max_tokens: must be an integer",
        ),
        (
            b'{"model": "gpt-9-turbo-ultra", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}]}',
            "application/json",
            404,
            "is not served here",
        ),
        (
            b'{"model": "local", "max_tokens": 5, "messages": [{"role": "wizard", "content": "x"}]}',
            "application/json",
            400,
            "messages.0.role",
        ),
    ],
)
def test_bad_requests_are_anthropic_errors_never_html(
    gateway: tuple[GatewayServer, Ledger], content: bytes, content_type: str, status: int, words: str
) -> None:
    server, _ = gateway
    answer = httpx.post(f"{server.url}/v1/messages?beta=true", content=content, headers={"content-type": content_type})
    assert answer.status_code == status
    body = answer.json()
    assert body["type"] == "error" and words in body["error"]["message"]
    assert (
        body["error"]["type"]
        == {400: "invalid_request_error", 404: "not_found_error", 415: "invalid_request_error"}[status]
    )


def test_an_unknown_path_under_messages_is_an_anthropic_404(gateway: tuple[GatewayServer, Ledger]) -> None:
    server, _ = gateway
    answer = httpx.post(f"{server.url}/v1/messages/batches", json={})
    assert answer.status_code in (404, 405)
    assert answer.json()["type"] == "error"


# ── passed through: an Anthropic tier gets the request as sent ──────────────────────────────────


def upstream_message(text: str = "Hi from upstream", **usage: int) -> dict[str, Any]:
    counts = {
        "input_tokens": 12,
        "output_tokens": 5,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 300,
        **usage,
    }
    return {
        "id": "msg_up",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-6",
        "content": [{"type": "thinking", "thinking": "hm", "signature": "sig=="}, {"type": "text", "text": text}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": counts,
    }


def upstream_stream() -> bytes:
    events = MessageStreamEncoder(model="claude-sonnet-4-6", message_id="msg_up", input_tokens=12, salt="U")
    return (
        events.start()
        + events.thinking("let me see")
        + events.text("Hi ")
        + events.text("there")
        + events.tool_call("Read", "toolu_up")
        + events.tool_arguments('{"file_path": "a.py"}')
        + events.finish(
            "tool_use", Usage(input_tokens=12, output_tokens=9, cache_read_tokens=300, input_includes_cache=False)
        )
    )


THINKING_BODY: dict[str, Any] = {
    "model": "claude-sonnet-4-6",
    "max_tokens": 2000,
    "thinking": {"type": "enabled", "budget_tokens": 1024},
    "system": [{"type": "text", "text": "You are terse.", "cache_control": {"type": "ephemeral"}}],
    "messages": [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is in this picture?"},
                {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
            ],
        },
        {
            "role": "assistant",
            "content": [
                {"type": "thinking", "thinking": "earlier", "signature": "c2ln"},
                {"type": "text", "text": "A dot."},
            ],
        },
        {"role": "user", "content": "Sure?"},
    ],
}


def test_passthrough_forwards_the_body_as_sent_with_the_gateways_key(
    gateway: tuple[GatewayServer, Ledger], upstream: ScriptedServer
) -> None:
    server, ledger = gateway
    upstream.queue("/v1/messages", Reply(200, upstream_message(), headers={"request-id": "req_up1"}))
    raw = client(server).beta.messages.with_raw_response.create(
        **THINKING_BODY, betas=["interleaved-thinking-2025-05-14", "context-1m-2025-08-07"]
    )
    message = raw.parse()
    assert message.content[1].text == "Hi from upstream"  # type: ignore[union-attr]
    assert raw.headers["request-id"] == "req_up1" and raw.headers["x-agentrunner-tier"] == "premium"
    [seen] = upstream.requests_to("/v1/messages")
    assert seen.json() == THINKING_BODY  # thinking, signatures, cache_control, the image: all as sent
    assert seen.headers["x-api-key"] == UPSTREAM_KEY and "authorization" not in seen.headers
    assert seen.headers["anthropic-beta"] == "interleaved-thinking-2025-05-14,context-1m-2025-08-07"
    [row] = rows(ledger)
    assert (row["tier"], row["provider"], row["model"], row["status"], row["protocol"]) == (
        "premium",
        "anthropic",
        "claude-sonnet-4-6",
        "ok",
        "anthropic",
    )
    assert (row["input_tokens"], row["output_tokens"], row["cache_read_tokens"], row["input_includes_cache"]) == (
        12,
        5,
        300,
        0,
    )
    assert row["response_text"] == "Hi from upstream" and row["cost_usd"] > 0
    assert "[image]" in row["request_json"] and UPSTREAM_KEY not in row["request_json"]


def test_passthrough_stream_is_relayed_and_its_usage_recorded(
    gateway: tuple[GatewayServer, Ledger], upstream: ScriptedServer
) -> None:
    server, ledger = gateway
    upstream.queue("/v1/messages", Reply(200, upstream_stream(), headers={"Content-Type": "text/event-stream"}))
    with client(server).messages.stream(
        model="claude-sonnet-4-6", max_tokens=300, messages=[{"role": "user", "content": "hi"}]
    ) as stream:
        message = stream.get_final_message()
    assert [b.type for b in message.content] == ["thinking", "text", "tool_use"]
    assert message.content[2].input == {"file_path": "a.py"}  # type: ignore[union-attr]
    assert message.usage.cache_read_input_tokens == 300
    [row] = rows(ledger, 1)
    assert (row["status"], row["partial"], row["finish_reason"]) == ("ok", 0, "tool_calls")
    assert (row["input_tokens"], row["output_tokens"], row["cache_read_tokens"]) == (12, 9, 300)
    assert json.loads(row["response_json"])["tool_calls"][0]["name"] == "Read"


def test_passthrough_upstream_errors_are_relayed_and_the_sdk_retries_them(
    gateway: tuple[GatewayServer, Ledger], upstream: ScriptedServer
) -> None:
    server, ledger = gateway
    upstream.queue(
        "/v1/messages",
        Reply(
            429,
            error_body(429, "Number of request tokens has exceeded your per-minute rate limit"),
            headers={"retry-after": "0"},
        ),
        Reply(529, error_body(529, "Overloaded")),
        Reply(200, upstream_message("third time")),
    )
    message = client(server, max_retries=2).messages.create(
        model="claude-sonnet-4-6", max_tokens=10, messages=[{"role": "user", "content": "hi"}]
    )
    assert message.content[1].text == "third time"  # type: ignore[union-attr]
    statuses = [(r["attempt"], r["status"], (r["error"] or "")[:40]) for r in rows(ledger)]
    assert statuses == [
        (1, "error", "ProviderRateLimited: tier 'premium': HTT"),
        (2, "error", "ProviderServerError: tier 'premium': HTT"),
        (3, "ok", ""),
    ]
    upstream.queue("/v1/messages", Reply(529, error_body(529, "Overloaded")))
    with pytest.raises(anthropic.InternalServerError) as caught:
        client(server).messages.create(
            model="claude-sonnet-4-6", max_tokens=10, messages=[{"role": "user", "content": "hi"}]
        )
    assert caught.value.status_code == 529 and caught.value.body == error_body(529, "Overloaded")


def test_passthrough_rejected_gateway_key_is_a_503_naming_the_variable(
    gateway: tuple[GatewayServer, Ledger], upstream: ScriptedServer
) -> None:
    server, ledger = gateway
    upstream.queue("/v1/messages", Reply(401, error_body(401, "invalid x-api-key")))
    with pytest.raises(anthropic.InternalServerError) as caught:
        client(server).messages.create(
            model="claude-sonnet-4-6", max_tokens=10, messages=[{"role": "user", "content": "hi"}]
        )
    assert caught.value.status_code == 503
    assert "rejected the gateway's key in $ANTHROPIC_API_KEY" in caught.value.body["error"]["message"]  # type: ignore[index]
    assert rows(ledger)[0]["error"].startswith("ProviderAuthError")


def test_passthrough_unreachable_upstream_is_a_502_and_a_row(
    fake_local: Path, write_config: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", UPSTREAM_KEY)
    config = load_config(write_config(TIERS.replace("{upstream}", f"http://127.0.0.1:{free_port()}")))
    ledger = Ledger.for_config(config)
    with (
        GatewayServer(create_app(config, ledger, auth=None)) as server,
        pytest.raises(anthropic.APIStatusError) as caught,
    ):
        client(server).messages.create(
            model="claude-sonnet-4-6", max_tokens=10, messages=[{"role": "user", "content": "hi"}]
        )
    assert caught.value.status_code == 502 and caught.value.body["error"]["type"] == "api_error"  # type: ignore[index]
    assert "cannot reach" in caught.value.body["error"]["message"]  # type: ignore[index]
    assert [r["status"] for r in rows(ledger)] == ["error"]
    ledger.close()


def test_passthrough_stream_cut_by_the_upstream_is_an_error_event_and_a_partial_row(
    gateway: tuple[GatewayServer, Ledger], upstream: ScriptedServer
) -> None:
    server, ledger = gateway
    whole = upstream_stream()
    cut = whole[: whole.index(b"event: content_block_start", whole.index(b"text_delta"))]
    upstream.queue(
        "/v1/messages", Reply(200, cut + sse_error(529, "Overloaded"), headers={"Content-Type": "text/event-stream"})
    )
    with (
        pytest.raises(anthropic.APIStatusError, match="Overloaded"),
        client(server).messages.stream(
            model="claude-sonnet-4-6", max_tokens=300, messages=[{"role": "user", "content": "hi"}]
        ) as stream,
    ):
        stream.get_final_message()
    [row] = rows(ledger, 1)
    assert (row["status"], row["partial"]) == ("error", 1) and row["response_text"] == "Hi there"
    assert row["input_tokens"] == 12


def test_passthrough_count_tokens_is_forwarded(gateway: tuple[GatewayServer, Ledger], upstream: ScriptedServer) -> None:
    server, ledger = gateway
    upstream.queue("/v1/messages/count_tokens", Reply(200, {"input_tokens": 4242}))
    counted = client(server).messages.count_tokens(
        model="claude-sonnet-4-6", messages=[{"role": "user", "content": "hi"}]
    )
    assert counted.input_tokens == 4242
    [seen] = upstream.requests_to("/v1/messages/count_tokens")
    assert seen.headers["x-api-key"] == UPSTREAM_KEY
    assert rows(ledger) == []  # counting is free: no call, no row


def test_no_key_for_the_upstream_is_a_503_in_anthropics_shape(
    gateway: tuple[GatewayServer, Ledger], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, _ = gateway
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    answer = httpx.post(
        f"{server.url}/v1/messages",
        json={"model": "claude-sonnet-4-6", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}]},
    )
    assert answer.status_code == 503
    assert answer.json()["error"] == {
        "type": "api_error",
        "message": "tier 'premium': ANTHROPIC_API_KEY is not set in the gateway's environment",
    }


class OneKey:
    """An authenticator that knows one key (the key store is tests/test_keys.py's subject)."""

    def authenticate(self, token: str) -> Caller | None:
        return Caller(user="alice", team="core", key_id="k1") if token == "sk-ar-alice" else None


def test_keys_are_checked_and_401_is_anthropics_shape(
    fake_local: Path, write_config: Callable[[str], Path], upstream: ScriptedServer
) -> None:
    config = load_config(write_config(TIERS.replace("{upstream}", upstream.url)))
    ledger = Ledger.for_config(config)
    with GatewayServer(create_app(config, ledger, auth=OneKey())) as server:
        with pytest.raises(anthropic.AuthenticationError) as caught:
            client(server).messages.create(model="local", max_tokens=5, messages=[{"role": "user", "content": "x"}])
        assert caught.value.body["error"]["type"] == "authentication_error"  # type: ignore[index]
        keyed = anthropic.Anthropic(base_url=server.url, api_key="sk-ar-alice", max_retries=0)
        keyed.messages.create(model="local", max_tokens=5, messages=[{"role": "user", "content": "x"}])
    [row] = rows(ledger)
    assert (row["user"], row["team"], row["key_id"]) == ("alice", "core", "k1")
    ledger.close()


class CappedKey:
    """A key whose daily cap ($0.0001) cannot cover a premium call's worst case."""

    def authenticate(self, token: str) -> Caller | None:
        return Caller(user="bob", key_id="k2", key_daily_usd=0.0001)


def capped_gateway(write_config: Callable[[str], Path], upstream: ScriptedServer, extra: str) -> tuple[Ledger, Any]:
    config = load_config(write_config(TIERS.replace("{upstream}", upstream.url) + extra))
    ledger = Ledger.for_config(config)
    return ledger, create_app(config, ledger, auth=CappedKey())


def test_over_a_cap_a_premium_request_is_a_429_the_sdk_does_not_retry(
    fake_local: Path, write_config: Callable[[str], Path], upstream: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", UPSTREAM_KEY)
    ledger, app = capped_gateway(write_config, upstream, "")
    with GatewayServer(app) as server:
        answer = httpx.post(
            f"{server.url}/v1/messages",
            headers={"x-api-key": "any"},
            json={"model": "claude-sonnet-4-6", "max_tokens": 2000, "messages": [{"role": "user", "content": "hi"}]},
        )
        with pytest.raises(anthropic.RateLimitError):
            client(server, max_retries=3).messages.create(
                model="claude-sonnet-4-6", max_tokens=2000, messages=[{"role": "user", "content": "hi"}]
            )
    assert answer.status_code == 429 and answer.headers["x-should-retry"] == "false"
    assert answer.json()["error"]["type"] == "rate_limit_error" and "key" in answer.json()["error"]["message"]
    assert upstream.requests_to("/v1/messages") == []  # nothing forwarded, nothing spent
    assert len([r for r in rows(ledger)]) == 0
    ledger.close()


def test_a_configured_downgrade_turns_a_passthrough_into_a_translated_local_call(
    fake_local: Path, write_config: Callable[[str], Path], upstream: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", UPSTREAM_KEY)
    ledger, app = capped_gateway(
        write_config, upstream, '\n[budgets]\non_exhausted = "downgrade"\ndowngrade_to = "local"\n'
    )
    with GatewayServer(app) as server:
        raw = client(server).messages.with_raw_response.create(
            model="claude-sonnet-4-6", max_tokens=2000, messages=[{"role": "user", "content": "cheaper please"}]
        )
    message = raw.parse()
    assert message.content[0].text == "fake: cheaper please"  # type: ignore[union-attr]
    assert raw.headers["x-agentrunner-tier"] == "local"
    assert upstream.requests_to("/v1/messages") == []
    [row] = rows(ledger)
    assert row["tier"] == "local" and "downgrade" in row["route_reason"]
    ledger.close()


def test_passthrough_upstream_timeout_is_a_504_and_a_row(
    fake_local: Path, write_config: Callable[[str], Path], upstream: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", UPSTREAM_KEY)
    config = load_config(
        write_config(
            TIERS.replace("{upstream}", upstream.url).replace("max_tokens = 4096", "max_tokens = 4096\ntimeout = 0.3")
        )
    )
    ledger = Ledger.for_config(config)
    upstream.queue("/v1/messages", Reply(200, upstream_message(), delay=15.0))  # far past the 0.3 s timeout
    with (
        GatewayServer(create_app(config, ledger, auth=None)) as server,
        pytest.raises(anthropic.APIStatusError) as caught,
    ):
        client(server).messages.create(
            model="claude-sonnet-4-6", max_tokens=10, messages=[{"role": "user", "content": "hi"}]
        )
    assert caught.value.status_code == 504 and "timed out after 0.3s" in caught.value.body["error"]["message"]  # type: ignore[index]
    [row] = rows(ledger)
    assert row["status"] == "error" and row["error"].startswith("ProviderConnectionError")
    ledger.close()


class SlowStream(BaseHTTPRequestHandler):
    """An upstream that sends the first events of a stream, then waits (a long answer)."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        whole = upstream_stream()
        cut = whole.index(b"event: content_block_start")
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        self.wfile.write(whole[:cut])
        self.wfile.flush()
        time.sleep(3)
        with contextlib.suppress(OSError):
            self.wfile.write(whole[cut:])

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_passthrough_client_gone_mid_stream_leaves_a_partial_row(
    fake_local: Path, write_config: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", UPSTREAM_KEY)
    slow = ThreadingHTTPServer(("127.0.0.1", 0), SlowStream)
    threading.Thread(target=slow.serve_forever, daemon=True).start()
    config = load_config(write_config(TIERS.replace("{upstream}", f"http://127.0.0.1:{slow.server_address[1]}")))
    ledger = Ledger.for_config(config)
    body = {
        "model": "claude-sonnet-4-6",
        "max_tokens": 300,
        "stream": True,
        "messages": [{"role": "user", "content": "hi"}],
    }
    with GatewayServer(create_app(config, ledger, auth=None)) as server:
        with httpx.stream("POST", f"{server.url}/v1/messages", json=body) as answer:
            assert answer.status_code == 200
            assert b"message_start" in next(answer.iter_raw())  # then hang up mid-answer
        [row] = rows(ledger, 1)
    slow.shutdown()
    assert (row["tier"], row["partial"], row["status"]) == ("premium", 1, "ok")
    assert row["error"] == "partial: the client stopped reading before the end" and row["input_tokens"] == 12
    ledger.close()


class HalfDollarKey:
    """A key whose daily cap ($0.50) covers a premium answer of 4,096 tokens (the tier's
    max_tokens, ~$0.06 at $15/MTok) but not one of 64,000 (~$0.96)."""

    def authenticate(self, token: str) -> Caller | None:
        return Caller(user="carol", key_id="k3", key_daily_usd=0.5)


def test_passthrough_reserves_for_the_callers_own_max_tokens(
    fake_local: Path, write_config: Callable[[str], Path], upstream: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A forwarded request keeps its max_tokens (Claude Code sends 64000), so its reservation must
    cover that many output tokens, not the tier's 4096: else a long answer overruns the cap."""
    monkeypatch.setenv("ANTHROPIC_API_KEY", UPSTREAM_KEY)
    config = load_config(write_config(TIERS.replace("{upstream}", upstream.url)))
    ledger = Ledger.for_config(config)
    upstream.queue("/v1/messages", Reply(200, upstream_message()))
    with GatewayServer(create_app(config, ledger, auth=HalfDollarKey())) as server:
        api = anthropic.Anthropic(base_url=server.url, api_key="any", max_retries=0)
        refused = httpx.post(  # (the SDK itself insists on streaming for 64000 tokens)
            f"{server.url}/v1/messages",
            headers={"x-api-key": "any"},
            json={"model": "claude-sonnet-4-6", "max_tokens": 64000, "messages": [{"role": "user", "content": "hi"}]},
        )
        assert refused.status_code == 429 and "key" in refused.json()["error"]["message"]
        assert upstream.requests_to("/v1/messages") == []  # refused before anything was forwarded
        api.messages.create(model="claude-sonnet-4-6", max_tokens=4000, messages=[{"role": "user", "content": "hi"}])
    [seen] = upstream.requests_to("/v1/messages")
    assert seen.json()["max_tokens"] == 4000  # forwarded as sent
    [row] = rows(ledger)
    assert json.loads(row["request_json"])["max_tokens"] == 4000
    assert ledger.fetch_all("SELECT * FROM reservations") == []  # released
    ledger.close()


def test_passthrough_calls_are_counted_in_metrics(
    gateway: tuple[GatewayServer, Ledger], upstream: ScriptedServer
) -> None:
    from prometheus_client.parser import text_string_to_metric_families

    server, ledger = gateway
    upstream.queue("/v1/messages", Reply(200, upstream_message(output_tokens=5)))
    upstream.queue("/v1/messages", Reply(200, upstream_stream(), headers={"Content-Type": "text/event-stream"}))
    api = client(server)
    api.messages.create(model="claude-sonnet-4-6", max_tokens=300, messages=[{"role": "user", "content": "hi"}])
    with api.messages.stream(
        model="claude-sonnet-4-6", max_tokens=300, messages=[{"role": "user", "content": "hi"}]
    ) as stream:
        stream.get_final_message()
    found = rows(ledger, 2)
    deadline = time.monotonic() + 60
    while True:  # the stream's tokens are counted as its row is written, just after its last event
        samples = {
            (s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(httpx.get(f"{server.url}/metrics").text)
            for s in family.samples
        }
        tokens = {
            kind: samples.get(
                ("agentrunner_gateway_tokens_total", (("kind", kind), ("tier", "premium"), ("user", "-"))), 0.0
            )
            for kind in ("input", "output", "cache_read")
        }
        if tokens["output"] >= 14 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert tokens == {
        "input": sum(r["input_tokens"] for r in found),
        "output": sum(r["output_tokens"] for r in found),
        "cache_read": sum(r["cache_read_tokens"] for r in found),
    } == {"input": 24, "output": 14, "cache_read": 600}
    cost = samples[("agentrunner_gateway_cost_usd_total", (("tier", "premium"), ("user", "-")))]
    assert cost == pytest.approx(sum(r["cost_usd"] for r in found)) and cost > 0
    labels = (("code", "200"), ("protocol", "anthropic"), ("tier", "premium"), ("user", "-"))
    assert samples[("agentrunner_gateway_requests_total", labels)] == 2
