"""The HTTP gateway (agentrunner/server/) through the official openai SDK against a real uvicorn on
loopback. Tiers here are the fake provider (no inference: the protocol, routing and ledger are
what is tested); tests/test_gateway_model.py serves the embedded model for real."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from agentrunner.chat import ChatRequest, Message, ToolSpec
from agentrunner.config import load_config, parse_config
from agentrunner.errors import ConfigError
from agentrunner.ledger import Ledger
from agentrunner.server.app import create_app
from agentrunner.server.routing import ModelNotFound, resolve
from tests.support.gateway_server import GatewayServer

FAKE_TIERS = """
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
"""


@pytest.fixture
def gateway(fake_local: Path, write_config: Callable[[str], Path]) -> Iterator[tuple[GatewayServer, Ledger]]:
    path = write_config(FAKE_TIERS)
    config = load_config(path)
    ledger = Ledger.for_config(config)
    with GatewayServer(create_app(config, ledger, auth=None)) as server:
        yield server, ledger
    ledger.close()


def _client(server: GatewayServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key="unused", max_retries=0)


def _rows(ledger: Ledger) -> list[dict[str, Any]]:
    return [dict(row) for row in ledger.db.query("SELECT * FROM calls ORDER BY rowid")]


def test_healthz_and_models(gateway: tuple[GatewayServer, Ledger]) -> None:
    server, _ = gateway
    health = httpx.get(f"{server.url}/healthz")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    assert health.headers["x-request-id"]
    ids = [model.id for model in _client(server).models.list()]
    assert ids[:3] == ["local", "premium", "auto"] and "claude-sonnet-4-6" in ids


def test_chat_completion_is_a_gateway_row(gateway: tuple[GatewayServer, Ledger]) -> None:
    server, ledger = gateway
    answer = _client(server).chat.completions.create(
        model="local", messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hello there"}]
    )
    assert answer.choices[0].message.content == "fake: hello there"
    assert answer.choices[0].finish_reason == "stop"
    assert answer.usage is not None and answer.usage.total_tokens == answer.usage.prompt_tokens + 3
    [row] = _rows(ledger)
    assert row["source"] == "gateway" and row["tier"] == "local" and row["protocol"] == "openai"
    assert row["client"].startswith("OpenAI/Python") and row["request_id"] and row["partial"] == 0
    assert row["route_reason"] == "model names tier local" and row["cost_usd"] > 0
    assert json.loads(row["request_json"])["messages"][0] == {
        "role": "system", "content": "Be brief.", "tool_calls": [], "tool_call_id": None, "name": None
    }


def test_streaming_with_usage(gateway: tuple[GatewayServer, Ledger]) -> None:
    server, ledger = gateway
    chunks = list(
        _client(server).chat.completions.create(
            model="fake-1",
            messages=[{"role": "user", "content": "stream me"}],
            stream=True,
            stream_options={"include_usage": True},
        )
    )
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "fake: stream me"
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].choices == [] and chunks[-1].usage is not None and chunks[-1].usage.completion_tokens == 3
    [row] = _rows(ledger)
    assert row["response_text"] == "fake: stream me" and row["status"] == "ok" and row["partial"] == 0


def test_unknown_model_is_a_404_and_no_row(gateway: tuple[GatewayServer, Ledger]) -> None:
    server, ledger = gateway
    with pytest.raises(openai.NotFoundError) as caught:
        _client(server).chat.completions.create(model="llama-9000", messages=[{"role": "user", "content": "x"}])
    assert caught.value.body["code"] == "model_not_found"  # type: ignore[index]
    assert "served: local, premium, auto" in str(caught.value)
    assert _rows(ledger) == []


@pytest.mark.parametrize(
    ("content", "content_type", "status", "words"),
    [
        (b"{not json", "application/json", 400, "not valid JSON"),
        (b"[1, 2]", "application/json", 400, "must be a JSON object"),
        (b"model=local", "application/x-www-form-urlencoded", 415, "content-type must be application/json"),
        (b'{"model": "local"}', "application/json", 400, "messages must be a non-empty array"),
        (b'{"model": "local", "messages": [{"role": "wizard", "content": "x"}]}', "application/json", 400, "role"),
        (b'{"model": "local", "n": 2, "messages": [{"role": "user", "content": "x"}]}', "application/json", 400,
         "n > 1"),
        (b'{"model": "local", "max_tokens": "9", "messages": [{"role": "user", "content": "x"}]}', "application/json",
         400, "max_tokens must be an integer"),
    ],
)
def test_bad_requests_are_openai_errors(
    gateway: tuple[GatewayServer, Ledger], content: bytes, content_type: str, status: int, words: str
) -> None:
    server, ledger = gateway
    reply = httpx.post(f"{server.url}/v1/chat/completions", content=content, headers={"content-type": content_type})
    assert reply.status_code == status
    error = reply.json()["error"]
    assert error["type"] == "invalid_request_error" and words in error["message"]
    assert _rows(ledger) == []


def test_unknown_path_and_method_are_json(gateway: tuple[GatewayServer, Ledger]) -> None:
    server, _ = gateway
    missing = httpx.get(f"{server.url}/v1/nothing-here")
    assert missing.status_code == 404 and missing.json()["error"]["type"] == "not_found_error"
    wrong = httpx.get(f"{server.url}/v1/chat/completions")
    assert wrong.status_code == 405 and "error" in wrong.json()


def test_megabyte_prompt_is_served(gateway: tuple[GatewayServer, Ledger]) -> None:
    server, ledger = gateway
    prompt = "word " * 210_000  # ~1 MB
    answer = _client(server).chat.completions.create(
        model="local", max_tokens=2, messages=[{"role": "user", "content": prompt}]
    )
    assert answer.choices[0].message.content == "fake: word"
    assert len(_rows(ledger)[0]["request_json"]) > 1_000_000


def test_body_over_the_limit_is_413(fake_local: Path, write_config: Callable[[str], Path]) -> None:
    config = load_config(write_config(FAKE_TIERS + "\n[gateway]\nmax_request_bytes = 1000\n"))
    ledger = Ledger.for_config(config)
    with GatewayServer(create_app(config, ledger, auth=None)) as server, pytest.raises(openai.APIStatusError) as caught:
        _client(server).chat.completions.create(model="local", messages=[{"role": "user", "content": "x" * 2000}])
    assert caught.value.status_code == 413 and "max_request_bytes" in str(caught.value)


def test_tools_and_json_schema_reach_the_tier(gateway: tuple[GatewayServer, Ledger]) -> None:
    server, ledger = gateway
    schema = {"type": "object", "properties": {"colour": {"enum": ["red", "blue"]}}, "required": ["colour"]}
    answer = _client(server).chat.completions.create(
        model="local",
        messages=[{"role": "user", "content": "pick"}],
        response_format={"type": "json_schema", "json_schema": {"name": "pick", "schema": schema}},
        tools=[{"type": "function", "function": {"name": "noop", "parameters": {"type": "object"}}}],
    )
    assert json.loads(answer.choices[0].message.content or "") == {"colour": "red"}
    request = json.loads(_rows(ledger)[0]["request_json"])
    assert request["json_schema"] == schema and request["tools"][0]["name"] == "noop"


# ── routing ([gateway] in routes.toml) ────────────────────────────────────────────────────────────
ROUTED = FAKE_TIERS + """
[[gateway.routes]]
model = "claude-*"
to = "local"
when = { max_tokens = 100, no_tools = true }

[[gateway.routes]]
model = "gpt-4o*"
to = "auto"
"""


def _request(max_tokens: int | None = None, tools: bool = False) -> ChatRequest:
    return ChatRequest(
        messages=[Message(role="user", content="hi")],
        max_tokens=max_tokens,
        tools=[ToolSpec(name="t")] if tools else [],
    )


def test_routing_defaults_never_downgrade_premium_models() -> None:
    config = parse_config(FAKE_TIERS.replace('provider = "fake"', 'provider = "llama-cpp"'))
    assert resolve(config, "local", _request()).tier == "local"
    assert resolve(config, "auto", _request()).kind == "auto"
    assert resolve(config, "claude-sonnet-4-6", _request()).tier == "premium"
    opus = resolve(config, "claude-opus-4-1", _request(max_tokens=10))
    assert (opus.kind, opus.tier, opus.model) == ("passthrough", "premium", "claude-opus-4-1")
    with pytest.raises(ModelNotFound):
        resolve(config, "gpt-4o", _request())  # no openai tier: not silently served by another
    with pytest.raises(ModelNotFound):
        resolve(config, "mystery", _request())


def test_routing_rules_with_conditions() -> None:
    config = parse_config(ROUTED.replace('provider = "fake"', 'provider = "llama-cpp"'))
    small = resolve(config, "claude-haiku-4-5", _request(max_tokens=50))
    assert (small.tier, small.model) == ("local", None) and "gateway route 1" in small.reason
    assert resolve(config, "claude-haiku-4-5", _request(max_tokens=500)).tier == "premium"  # condition fails
    assert resolve(config, "claude-haiku-4-5", _request(max_tokens=50, tools=True)).model == "claude-haiku-4-5"
    assert resolve(config, "claude-haiku-4-5", _request()).kind == "passthrough"  # no max_tokens: not small
    assert resolve(config, "gpt-4o-mini", _request()).kind == "auto"


def test_routing_config_errors_name_the_line() -> None:
    tiers = FAKE_TIERS.replace('provider = "fake"', 'provider = "llama-cpp"')
    bad = tiers + '\n[[gateway.routes]]\nmodel = "claude-*"\nto = "premum"\n'
    with pytest.raises(ConfigError) as caught:
        parse_config(bad)
    assert str(caught.value).startswith("routes.toml:16: gateway.routes.0.to: must be a tier")
    assert "did you mean 'premium'" in str(caught.value)
    typo = tiers + '\n[[gateway.routes]]\nmodel = "x"\nto = "local"\nwhen = { max_tokenz = 3 }\n'
    with pytest.raises(ConfigError, match=r"routes.toml:17: gateway.routes.0.when.max_tokenz: unknown key"):
        parse_config(typo)


def test_auto_routes_through_the_router(fake_local: Path, write_config: Callable[[str], Path]) -> None:
    config = load_config(write_config(FAKE_TIERS))
    ledger = Ledger.for_config(config)
    with GatewayServer(create_app(config, ledger, auth=None)) as server:
        _client(server).chat.completions.create(model="auto", messages=[{"role": "user", "content": "Say hi."}])
    [row] = _rows(ledger)
    assert row["tier"] == "local" and row["route_reason"].startswith("model 'auto': only capable tier → local")


# ── serve ─────────────────────────────────────────────────────────────────────────────────────────
def test_serve_refuses_no_auth_off_loopback(cli: Callable[..., Any]) -> None:
    result = cli("serve", "--host", "0.0.0.0", "--no-auth")
    assert result.exit_code == 2
    assert "--no-auth serves anyone who can connect: refused on the non-loopback host '0.0.0.0'" in result.output


def test_compare_and_report_work_on_gateway_rows(
    gateway: tuple[GatewayServer, Ledger], cli: Callable[..., Any], isolated_home: Path
) -> None:
    server, _ = gateway
    client = _client(server)
    for question in ("first question", "second question"):
        client.chat.completions.create(model="local", messages=[{"role": "user", "content": question}])
    compared = cli("compare", str(isolated_home / "routes.toml"), "--source", "gateway", "--json")
    assert compared.exit_code == 0, compared.output
    rows = {row["config"]: row for row in json.loads(compared.output)["rows"]}
    assert rows["baseline (ledger)"]["calls"] == 2 and rows["routes"]["calls"] == 2 and rows["routes"]["errors"] == 0
    report = cli("report", "--by", "source", "--json")
    assert report.exit_code == 0, report.output
    assert "gateway" in report.output
