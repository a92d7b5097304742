"""The OpenAI-compatible provider: the official ``openai`` SDK against a real
``python -m llama_cpp.server`` on 127.0.0.1 serving the embedded model (one per test session), and
against the scripted loopback server for answers the tiny model cannot be made to give on demand
(tool calls, cached/reasoning token details, a paid model's name for genai-prices)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from agentrunner.chat import ChatRequest, Message, ToolCall, ToolSpec
from agentrunner.config import parse_config
from agentrunner.errors import ProviderAuthError, ProviderUnavailable
from agentrunner.providers.openai import LOCAL_PLACEHOLDER_KEY, OpenAIProvider, openai_messages
from tests.support.provider_harness import harness
from tests.support.scripted_http import Reply, ScriptedServer, free_port

SERVER_MODEL = "gemma3-270m"
COLOUR_SCHEMA = {
    "type": "object",
    "properties": {"colour": {"type": "string", "enum": ["red", "green", "blue"]}},
    "required": ["colour"],
}


@pytest.fixture(scope="session")
def llama_server(embedded_model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``python -m llama_cpp.server`` on a free loopback port; yields its ``/v1`` base URL."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("llama-server") / "server.log"
    command = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(embedded_model_path),
        "--model_alias", SERVER_MODEL,
        "--chat_format", "gemma",
        "--host", "127.0.0.1",
        "--port", str(port),
        "--n_ctx", "2048",
    ]  # fmt: skip
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                pytest.fail(f"llama_cpp.server exited with {process.returncode}: {log_path.read_text()[-2000:]}")
            try:
                if httpx.get(f"{base_url}/models", timeout=1.0).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"llama_cpp.server not ready after 90 s: {log_path.read_text()[-2000:]}")
            time.sleep(0.25)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def tier_toml(base_url: str, *, model: str = SERVER_MODEL, extra: str = "") -> str:
    return f"""
[tiers.srv]
provider = "openai"
model = "{model}"
base_url = "{base_url}"
max_tokens = 16
max_retries = 1
{extra}
"""


def provider_for(toml: str) -> OpenAIProvider:
    config = parse_config(toml)
    return OpenAIProvider("srv", config.tiers["srv"], Path("."))


# ── against the real llama_cpp.server ─────────────────────────────────────────────────────────
@pytest.mark.model
def test_local_server_needs_no_key_and_is_available(llama_server: str) -> None:
    provider = provider_for(tier_toml(llama_server))
    assert provider.key_env is None
    assert provider.api_key() == LOCAL_PLACEHOLDER_KEY
    assert provider.check_available().ok


@pytest.mark.model
def test_chat_usage_and_routes_toml_price_in_the_ledger(llama_server: str, tmp_path: Path) -> None:
    run = harness(tier_toml(llama_server, extra="price = { input_per_mtok = 1.0, output_per_mtok = 2.0 }"), tmp_path)
    response = run.ask("srv", "Say hello.", max_tokens=8)

    assert response.text.strip()
    [row] = run.rows()
    assert row["status"] == "ok" and row["provider"] == "openai" and row["attempt"] == 1
    assert row["resolved_model"] == SERVER_MODEL
    assert row["input_tokens"] > 5 and 1 <= row["output_tokens"] <= 8
    assert (row["cache_read_tokens"], row["reasoning_tokens"], row["input_includes_cache"]) == (0, 0, 1)
    assert row["price_source"] == "routes.toml"
    assert row["cost_usd"] == pytest.approx((row["input_tokens"] * 1.0 + row["output_tokens"] * 2.0) / 1e6)
    assert json.loads(row["request_json"])["max_tokens"] == 8


@pytest.mark.model
def test_json_schema_output_parses(llama_server: str, tmp_path: Path) -> None:
    # llama-cpp-python's server knows {"type": "json_object", "schema": …}, not "json_schema".
    run = harness(tier_toml(llama_server, extra='options = { response_format = "json_object" }'), tmp_path)
    response = run.ask("srv", "What colour is grass?", json_schema=COLOUR_SCHEMA, max_tokens=24)
    assert response.parsed_json()["colour"] in {"red", "green", "blue"}


@pytest.mark.model
def test_ask_cli_uses_the_openai_tier(
    llama_server: str, write_config: Callable[[str], Path], cli: Callable[..., object]
) -> None:
    write_config(tier_toml(llama_server, extra="cost_per_hour = 0.5"))
    result = cli("ask", "--tier", "srv", "--max-tokens", "6", "--json", "Say hi.")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["tier"] == "srv" and data["input_tokens"] > 0 and 1 <= data["output_tokens"] <= 6
    assert data["cost_usd"] == pytest.approx(data["latency_ms"] / 3_600_000 * 0.5, rel=0.01)


# ── documented OpenAI answers from the scripted loopback server ───────────────────────────────
PAID_ANSWER = {
    "id": "chatcmpl-abc123",
    "object": "chat.completion",
    "created": 1764158400,
    "model": "gpt-4o-mini-2024-07-18",
    "choices": [
        {
            "index": 0,
            "message": {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_Xy12",
                        "type": "function",
                        "function": {"name": "read_file", "arguments": '{"path": "notes.md"}'},
                    }
                ],
            },
            "finish_reason": "tool_calls",
        }
    ],
    "usage": {
        "prompt_tokens": 1000,
        "completion_tokens": 100,
        "total_tokens": 1100,
        "prompt_tokens_details": {"cached_tokens": 400, "audio_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": 30, "audio_tokens": 0},
    },
}

READ_FILE = ToolSpec(
    name="read_file",
    description="Read a file",
    parameters={"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]},
)


def test_paid_api_usage_tools_and_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_OPENAI_KEY", "sk-test-0123456789abcdefghijklmnop")
    with ScriptedServer({"/v1/models": Reply(200, {"object": "list", "data": []})}) as server:
        server.queue("/v1/chat/completions", Reply(200, PAID_ANSWER))
        toml = tier_toml(f"{server.url}/v1", model="gpt-4o-mini", extra='api_key_env = "TEST_OPENAI_KEY"')
        run = harness(toml, tmp_path)
        response = run.ask("srv", "Read notes.md", tools=[READ_FILE], json_schema=COLOUR_SCHEMA)
        [sent] = server.requests_to("/v1/chat/completions")

    assert sent.headers["authorization"] == "Bearer sk-test-0123456789abcdefghijklmnop"
    body = sent.json()
    assert body["tools"] == [
        {
            "type": "function",
            "function": {"name": "read_file", "description": "Read a file", "parameters": READ_FILE.parameters},
        }
    ]
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "response", "schema": COLOUR_SCHEMA, "strict": True},
    }
    assert response.tool_calls == [ToolCall(id="call_Xy12", name="read_file", arguments={"path": "notes.md"})]
    assert response.finish_reason == "tool_calls"
    [row] = run.rows()
    assert row["resolved_model"] == "gpt-4o-mini-2024-07-18"
    assert (row["input_tokens"], row["output_tokens"], row["cache_read_tokens"], row["reasoning_tokens"]) == (
        1000,
        100,
        400,
        30,
    )
    assert row["input_includes_cache"] == 1
    # genai-prices for gpt-4o-mini: 600 uncached × $0.15 + 400 cached × $0.075 + 100 out × $0.60 per Mtok.
    assert row["price_source"].startswith("genai-prices ")
    assert row["cost_usd"] == pytest.approx((600 * 0.15 + 400 * 0.075 + 100 * 0.60) / 1e6)
    assert "sk-test" not in row["request_json"]


def test_unknown_paid_model_stays_unpriced(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    answer = {**PAID_ANSWER, "model": "house-model-7"}
    answer["choices"] = [{"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}]
    with ScriptedServer({"/v1/models": Reply(200, {"data": []}), "/v1/chat/completions": Reply(200, answer)}) as s:
        run = harness(tier_toml(f"{s.url}/v1", model="house-model-7"), tmp_path)
        response = run.ask("srv", "hi")
    assert response.cost_usd is None
    [row] = run.rows()
    assert row["status"] == "ok" and row["cost_usd"] is None and row["price_source"] is None
    assert row["input_tokens"] == 1000
    assert "no price known for model 'house-model-7'" in caplog.text


def test_missing_key_makes_the_tier_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    hosted = provider_for('[tiers.srv]\nprovider = "openai"\nmodel = "gpt-4o-mini"\n')
    assert hosted.check_available().reason == "OPENAI_API_KEY is not set"
    remote = provider_for(tier_toml("https://openrouter.example/api/v1", extra='api_key_env = "OPENROUTER_KEY"'))
    monkeypatch.delenv("OPENROUTER_KEY", raising=False)
    assert remote.check_available().reason == "OPENROUTER_KEY is not set"
    with pytest.raises(ProviderUnavailable, match="OPENROUTER_KEY is not set"):
        remote.api_key()


def test_server_down_is_unavailable() -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    result = provider_for(tier_toml(url)).check_available()
    assert not result.ok
    assert result.reason.startswith(f"server at {url} does not answer (")


def test_rejected_key_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_OPENAI_KEY", "wrong")
    denied = Reply(401, {"error": {"message": "Incorrect API key provided", "type": "invalid_request_error"}})
    with ScriptedServer({"/v1/models": denied}) as server:
        toml = tier_toml(f"{server.url}/v1", extra='api_key_env = "TEST_OPENAI_KEY"')
        result = provider_for(toml).check_available()
    assert result.reason == f"{server.url}/v1 rejected the key in $TEST_OPENAI_KEY (HTTP 401)"


def test_models_cli_shows_availability(write_config: Callable[[str], Path], cli: Callable[..., object]) -> None:
    with ScriptedServer({"/v1/models": Reply(200, {"data": []})}) as server:
        down = f"http://127.0.0.1:{free_port()}/v1"
        write_config(
            tier_toml(f"{server.url}/v1")
            + f'\n[tiers.gone]\nprovider = "openai"\nmodel = "m"\nbase_url = "{down}"\n'
            + '\n[tiers.premium]\nprovider = "anthropic"\nmodel = "claude-sonnet-4-5"\n'
        )
        result = cli("models", "--json")
    assert result.exit_code == 0, result.output
    rows = {row["tier"]: row for row in json.loads(result.output)}
    assert rows["srv"]["available"] is True
    assert rows["gone"]["available"] is False and "does not answer" in rows["gone"]["reason"]
    assert rows["premium"]["reason"] == "ANTHROPIC_API_KEY is not set"


def test_messages_with_tool_calls_and_results() -> None:
    call = ToolCall(id="call_1", name="read_file", arguments={"path": "a.md"})
    assert openai_messages(
        [
            Message(role="system", content="Be brief."),
            Message(role="assistant", tool_calls=[call]),
            Message(role="tool", content="# A", tool_call_id="call_1"),
        ]
    ) == [
        {"role": "system", "content": "Be brief."},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "read_file", "arguments": '{"path": "a.md"}'}}
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": "# A"},
    ]


def test_a_keyless_local_server_that_wants_a_key_says_to_set_api_key_env() -> None:
    denied = Reply(401, {"error": {"message": "Invalid API Key", "type": "invalid_request_error"}})
    with ScriptedServer({"/v1/models": denied, "/v1/chat/completions": denied}) as server:
        provider = provider_for(tier_toml(f"{server.url}/v1"))
        assert provider.check_available().reason == (
            f"{server.url}/v1 rejected a request without a key (set api_key_env) (HTTP 401)"
        )
        with pytest.raises(ProviderAuthError) as caught:
            provider.complete(ChatRequest(messages=[Message(role="user", content="hi")]))
    assert str(caught.value) == (
        "tier 'srv': HTTP 401: the server wants an API key; set api_key_env on the tier (Invalid API Key)"
    )


def test_tool_calls_a_server_returns_as_text_are_parsed(tmp_path: Path) -> None:
    """llama_cpp.server (and vLLM without a tool parser) hand Qwen's <tool_call> blocks back as the
    message content with finish_reason "stop": they must reach the agent as tool calls."""
    answer = {
        "id": "chatcmpl-local",
        "object": "chat.completion",
        "created": 1764158400,
        "model": "qwen2.5-coder-1.5b",
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": '<tool_call>\n{"name": "read_file", "arguments": {"path": "notes.md"}}\n</tool_call>',
                },
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 310, "completion_tokens": 24, "total_tokens": 334},
    }
    with ScriptedServer({"/v1/models": Reply(200, {"data": []})}) as server:
        server.queue("/v1/chat/completions", Reply(200, answer), Reply(200, answer))
        run = harness(tier_toml(f"{server.url}/v1", model="qwen2.5-coder-1.5b"), tmp_path)
        response = run.ask("srv", "Read notes.md", tools=[READ_FILE])
        without_tools = run.ask("srv", "Say what a tool call looks like")

    assert response.tool_calls == [ToolCall(id="call_0", name="read_file", arguments={"path": "notes.md"})]
    assert response.text == "" and response.finish_reason == "tool_calls"
    # no tools offered: the text is the answer, untouched
    assert without_tools.tool_calls == [] and without_tools.text.startswith("<tool_call>")


def test_tier_options_are_sent_as_body_fields(tmp_path: Path) -> None:
    """``options`` other than agentrunner's own go to the server as top-level fields (the SDK's
    ``extra_body``), also now that complete() posts the body itself."""
    answer = {
        "id": "chatcmpl-x",
        "object": "chat.completion",
        "created": 1764158400,
        "model": "m",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4},
    }
    with ScriptedServer({"/v1/models": Reply(200, {"data": []})}) as server:
        server.queue("/v1/chat/completions", Reply(200, answer))
        toml = tier_toml(f"{server.url}/v1", model="m", extra="options = { top_p = 0.5, repeat_penalty = 1.1 }")
        response = harness(toml, tmp_path).ask("srv", "hi")
        [sent] = server.requests_to("/v1/chat/completions")
    body = sent.json()
    assert (body["top_p"], body["repeat_penalty"]) == (0.5, 1.1)
    assert "extra_body" not in body and body["model"] == "m" and body["messages"][-1]["content"] == "hi"
    assert response.text == "ok" and response.usage.input_tokens == 3
