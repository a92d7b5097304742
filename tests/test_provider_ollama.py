"""The ollama provider: the official ``ollama`` client against a loopback server speaking ollama's
REST API and answering with the real embedded llama.cpp model (ollama itself cannot be installed
here; see tests/support/ollama_server.py for the shapes it speaks)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import ollama
import pytest

from agentrunner.chat import ChatRequest, Message, ToolCall, ToolSpec
from agentrunner.config import parse_config
from agentrunner.errors import ProviderRequestError
from agentrunner.providers.ollama import OllamaProvider, ollama_messages
from tests.support.ollama_server import MODEL_NAME, FakeOllama
from tests.support.provider_harness import harness
from tests.support.scripted_http import Reply, ScriptedServer, free_port


@pytest.fixture(scope="module")
def fake_ollama(embedded_model_path: Path) -> Iterator[FakeOllama]:
    server = FakeOllama(embedded_model_path)
    yield server
    server.stop()


def tier_toml(host: str, model: str = MODEL_NAME, extra: str = "") -> str:
    return f"""
[tiers.box]
provider = "ollama"
model = "{model}"
host = "{host}"
n_ctx = 2048
max_tokens = 16
cost_per_hour = 0.36
max_retries = 1
{extra}
"""


def provider_for(toml: str) -> OllamaProvider:
    config = parse_config(toml)
    return OllamaProvider("box", config.tiers["box"], Path("."))


# ── availability ──────────────────────────────────────────────────────────────────────────────
@pytest.mark.model
def test_available_when_server_answers_and_model_is_pulled(fake_ollama: FakeOllama) -> None:
    assert provider_for(tier_toml(fake_ollama.url)).check_available().ok


@pytest.mark.model
def test_unpulled_model_is_unavailable_with_the_pull_command(fake_ollama: FakeOllama) -> None:
    result = provider_for(tier_toml(fake_ollama.url, model="llama3.2")).check_available()
    assert not result.ok
    assert result.reason == f"model 'llama3.2' is not pulled on {fake_ollama.url}: run `ollama pull llama3.2`"


def test_untagged_name_matches_latest() -> None:
    with ScriptedServer(
        {"/api/tags": Reply(200, {"models": [{"name": "qwen3:latest", "model": "qwen3:latest"}]})}
    ) as s:
        assert provider_for(tier_toml(s.url, model="qwen3")).check_available().ok
        assert not provider_for(tier_toml(s.url, model="qwen3:8b")).check_available().ok


def test_server_down_is_unavailable_and_says_how_to_start_it() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = provider_for(tier_toml(url)).check_available()
    assert not result.ok
    assert result.reason.startswith(f"ollama server at {url} does not answer (")
    assert "`ollama serve`" in result.reason


# ── calls with the real model ─────────────────────────────────────────────────────────────────
@pytest.mark.model
def test_chat_maps_usage_options_and_cost_into_the_ledger(fake_ollama: FakeOllama, tmp_path: Path) -> None:
    run = harness(tier_toml(fake_ollama.url, extra="options = { top_k = 20 }"), tmp_path)
    response = run.ask("box", "Say hello.", max_tokens=8, seed=3)

    sent = fake_ollama.chat_bodies[-1]
    assert sent["model"] == MODEL_NAME
    assert sent["stream"] is False
    assert sent["options"] == {"num_ctx": 2048, "temperature": 0.0, "num_predict": 8, "seed": 3, "top_k": 20}
    assert response.text.strip()
    [row] = run.rows()
    assert row["status"] == "ok" and row["provider"] == "ollama" and row["tier"] == "box"
    assert row["resolved_model"] == MODEL_NAME
    assert row["input_tokens"] > 5  # prompt_eval_count: the prompt plus Gemma's turn markers
    assert 1 <= row["output_tokens"] <= 8  # eval_count, capped by num_predict
    assert row["input_includes_cache"] == 1
    assert row["price_source"] == "local cost_per_hour"
    assert row["cost_usd"] == pytest.approx(row["latency_ms"] / 3_600_000 * 0.36)


@pytest.mark.model
def test_json_schema_goes_in_format_and_the_answer_parses(fake_ollama: FakeOllama, tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "properties": {"colour": {"type": "string", "enum": ["red", "green", "blue"]}},
        "required": ["colour"],
    }
    run = harness(tier_toml(fake_ollama.url), tmp_path)
    response = run.ask("box", "Pick a colour of the sky.", json_schema=schema, max_tokens=24)
    assert fake_ollama.chat_bodies[-1]["format"] == schema
    assert response.parsed_json()["colour"] in {"red", "green", "blue"}


@pytest.mark.model
def test_ask_cli_uses_the_ollama_tier(
    fake_ollama: FakeOllama, write_config: Callable[[str], Path], cli: Callable[..., object]
) -> None:
    write_config(tier_toml(fake_ollama.url))
    result = cli("ask", "--tier", "box", "--max-tokens", "6", "--json", "Say hi.")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["tier"] == "box"
    assert data["input_tokens"] > 0 and 1 <= data["output_tokens"] <= 6
    assert data["cost_usd"] > 0


@pytest.mark.model
def test_chat_with_an_unpulled_model_says_how_to_pull_it(fake_ollama: FakeOllama, tmp_path: Path) -> None:
    provider = provider_for(tier_toml(fake_ollama.url, model="mistral"))
    with pytest.raises(ProviderRequestError) as caught:
        provider.complete(ChatRequest(messages=[Message(role="user", content="hi")]))
    assert str(caught.value) == (
        f"tier 'box': HTTP 404: model \"mistral\" not found, try pulling it first: "
        f"run `ollama pull mistral` on {fake_ollama.url}"
    )


# ── tool calls (scripted ollama answers over real HTTP: the 270M model's choice is not stable) ──
def test_tool_calls_round_trip_in_ollamas_shapes(tmp_path: Path) -> None:
    answer = {
        "model": "qwen3:8b",
        "created_at": "2026-11-26T12:00:00Z",
        "message": {
            "role": "assistant",
            "content": "",
            "tool_calls": [{"function": {"name": "read_file", "arguments": {"path": "notes.md"}}}],
        },
        "done": True,
        "done_reason": "stop",
        "prompt_eval_count": 91,
        "eval_count": 17,
    }
    tags = {"models": [{"name": "qwen3:8b", "model": "qwen3:8b"}]}
    with ScriptedServer({"/api/tags": Reply(200, tags), "/api/chat": Reply(200, answer)}) as server:
        run = harness(tier_toml(server.url, model="qwen3:8b"), tmp_path)
        tool = ToolSpec(
            name="read_file",
            description="Read a file",
            parameters={"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]},
        )
        response = run.ask("box", "Read notes.md", tools=[tool])
        sent = server.requests_to("/api/chat")[-1].json()

    assert sent["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "read_file",
                "description": "Read a file",
                "parameters": {"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]},
            },
        }
    ]
    assert response.finish_reason == "tool_calls"
    assert response.tool_calls == [ToolCall(id="call_0", name="read_file", arguments={"path": "notes.md"})]
    [row] = run.rows()
    assert (row["input_tokens"], row["output_tokens"]) == (91, 17)
    assert json.loads(row["response_json"])["tool_calls"][0]["name"] == "read_file"


def test_tool_results_are_sent_with_the_tool_name() -> None:
    call = ToolCall(id="call_0", name="read_file", arguments={"path": "a.md"})
    messages = ollama_messages(
        [
            Message(role="user", content="read a.md"),
            Message(role="assistant", tool_calls=[call]),
            Message(role="tool", content="# A", tool_call_id="call_0"),
        ]
    )
    assert messages[1] == {
        "role": "assistant",
        "content": "",
        "tool_calls": [{"function": {"name": "read_file", "arguments": {"path": "a.md"}}}],
    }
    assert messages[2] == {"role": "tool", "content": "# A", "tool_name": "read_file"}


@pytest.mark.model
def test_helper_server_streams_in_ollamas_shape(fake_ollama: FakeOllama) -> None:
    # The provider does not stream, but the helper server must speak the API as documented: the
    # official client's streaming reader accepts its chunks and finds the counts in the last one.
    chunks = list(
        ollama.Client(host=fake_ollama.url).chat(
            model=MODEL_NAME, messages=[{"role": "user", "content": "Hi"}], stream=True, options={"num_predict": 4}
        )
    )
    assert [chunk.done for chunk in chunks] == [False, True]
    assert chunks[-1].eval_count is not None and 1 <= chunks[-1].eval_count <= 4
    assert chunks[-1].prompt_eval_count > 0


def test_show_answers_in_ollamas_shape(embedded_model_path: Path) -> None:
    server = FakeOllama(embedded_model_path)
    try:
        client = ollama.Client(host=server.url)
        shown = client.show(MODEL_NAME)
        assert shown.details is not None and shown.details.family == "gemma3"
        assert shown.capabilities == ["completion", "tools"]
        with pytest.raises(ollama.ResponseError) as caught:
            client.show("llama3.2")
        assert caught.value.status_code == 404
    finally:
        server.stop()


def test_tool_calls_written_as_text_are_parsed(tmp_path: Path) -> None:
    """A model whose template ollama cannot parse answers a tool request with the call as text."""
    answer = {
        "model": "qwen2.5-coder:1.5b",
        "created_at": "2026-11-26T12:00:00Z",
        "message": {
            "role": "assistant",
            "content": '```json\n{"name": "read_file", "arguments": {"path": "notes.md"}}\n```',
        },
        "done": True,
        "done_reason": "stop",
        "prompt_eval_count": 120,
        "eval_count": 20,
    }
    tags = {"models": [{"name": "qwen2.5-coder:1.5b", "model": "qwen2.5-coder:1.5b"}]}
    tool = ToolSpec(
        name="read_file",
        description="Read a file",
        parameters={"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]},
    )
    with ScriptedServer({"/api/tags": Reply(200, tags), "/api/chat": Reply(200, answer)}) as server:
        run = harness(tier_toml(server.url, model="qwen2.5-coder:1.5b"), tmp_path)
        response = run.ask("box", "Read notes.md", tools=[tool])
    assert response.finish_reason == "tool_calls"
    assert response.tool_calls == [ToolCall(id="call_0", name="read_file", arguments={"path": "notes.md"})]
    assert response.text == ""
