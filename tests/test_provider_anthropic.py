"""The Anthropic provider: the official ``anthropic`` SDK over a mock transport.

Anthropic's API cannot be reached from this machine (no internet but PyPI), so these tests mock at
that edge and nowhere else: the provider is given an HTTP client whose transport answers with
bodies written from Anthropic's documented Messages format. The SDK installed here is built on
``httpx2`` (the successor of httpx), so its ``MockTransport`` is used; the seam is the provider's
documented ``http_client`` argument, no SDK internals are patched. The real-socket fault matrix for
this provider (via the tier's ``base_url``) is in test_faults.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2
import pytest

from agentrunner.chat import Message, ToolCall, ToolSpec
from agentrunner.config import Config
from agentrunner.errors import ProviderAuthError, ProviderServerError
from agentrunner.providers.anthropic import JSON_TOOL, AnthropicProvider, anthropic_messages
from tests.support.provider_harness import Harness, harness
from tests.support.scripted_http import Reply, ScriptedServer

KEY = "sk-ant-test-0123456789abcdefghijklmnopqrstuvwxyz"

TIER = """
[tiers.premium]
provider = "anthropic"
model = "claude-sonnet-4-6"
api_key_env = "ANTHROPIC_API_KEY"
max_tokens = 64
max_retries = 2
{extra}
"""


def message_body(content: list[dict[str, Any]], *, stop_reason: str = "end_turn", **usage: int) -> dict[str, Any]:
    """A Messages API response as documented (https://docs.anthropic.com/en/api/messages)."""
    return {
        "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-6",
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": {
            "input_tokens": usage.get("input_tokens", 12),
            "output_tokens": usage.get("output_tokens", 6),
            "cache_creation_input_tokens": usage.get("cache_creation_input_tokens", 0),
            "cache_read_input_tokens": usage.get("cache_read_input_tokens", 0),
        },
    }


def error_body(kind: str, message: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": kind, "message": message}}


class MockAnthropic:
    """Answers /v1/messages from a script of (status, body, headers) and records the requests."""

    def __init__(self, *replies: tuple[int, dict[str, Any], dict[str, str]]) -> None:
        self.replies = list(replies)
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        assert request.url.path == "/v1/messages"
        status, body, headers = self.replies.pop(0)
        return httpx2.Response(status, json=body, headers=headers)

    def sent(self, index: int = -1) -> dict[str, Any]:
        return json.loads(self.requests[index].content)

    def providers(self, config: Config) -> dict[str, AnthropicProvider]:
        client = httpx2.Client(transport=httpx2.MockTransport(self))
        return {"premium": AnthropicProvider("premium", config.tiers["premium"], config.base_dir, http_client=client)}


@pytest.fixture
def with_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)


def run_with(mock: MockAnthropic, tmp_path: Path, extra: str = "") -> Harness:
    return harness(TIER.format(extra=extra), tmp_path, providers=mock.providers)


@pytest.mark.usefixtures("with_key")
def test_text_answer_usage_with_cache_fields_and_price(tmp_path: Path) -> None:
    body = message_body(
        [{"type": "text", "text": "Hello!"}],
        input_tokens=100,
        output_tokens=100,
        cache_read_input_tokens=1000,
        cache_creation_input_tokens=0,
    )
    mock = MockAnthropic((200, body, {}))
    run = run_with(mock, tmp_path, extra="prompt_cache = true")
    response = run.gateway.call(
        "premium",
        chat_request([Message(role="system", content="You are terse."), Message(role="user", content="Hi")]),
    )
    assert response.text == "Hello!" and response.finish_reason == "stop"

    request = mock.requests[0]
    assert sent_key(request.headers) == KEY
    assert "anthropic-version" in request.headers
    sent = mock.sent()
    assert sent["model"] == "claude-sonnet-4-6" and sent["max_tokens"] == 64
    # prompt_cache: the system prompt is one text block marked for ephemeral caching.
    assert sent["system"] == [{"type": "text", "text": "You are terse.", "cache_control": {"type": "ephemeral"}}]
    assert sent["messages"] == [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}]
    assert "temperature" not in sent  # only sent when the tier or request sets it

    [row] = run.rows()
    assert row["resolved_model"] == "claude-sonnet-4-6"
    assert (row["input_tokens"], row["output_tokens"], row["cache_read_tokens"], row["cache_write_tokens"]) == (
        100,
        100,
        1000,
        0,
    )
    assert row["input_includes_cache"] == 0  # Anthropic's input_tokens exclude cache reads
    # genai-prices for Sonnet 4.6: 100 in × $3 + 1000 cache reads × $0.30 + 100 out × $15 per Mtok.
    assert row["price_source"].startswith("genai-prices ")
    assert row["cost_usd"] == pytest.approx((100 * 3 + 1000 * 0.30 + 100 * 15) / 1e6)
    assert KEY not in row["request_json"]


@pytest.mark.usefixtures("with_key")
def test_system_prompt_without_prompt_cache_is_a_plain_string(tmp_path: Path) -> None:
    mock = MockAnthropic((200, message_body([{"type": "text", "text": "ok"}]), {}))
    run = run_with(mock, tmp_path, extra="temperature = 0.2")
    run.gateway.call("premium", chat_request([Message(role="system", content="Be brief."), user("Hi")]))
    assert mock.sent()["system"] == "Be brief."
    assert mock.sent()["temperature"] == 0.2


READ_FILE = ToolSpec(
    name="read_file",
    description="Read a file",
    parameters={"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]},
)


@pytest.mark.usefixtures("with_key")
def test_tool_use_blocks_become_tool_calls(tmp_path: Path) -> None:
    body = message_body(
        [
            {"type": "text", "text": "I'll read it."},
            {"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "read_file", "input": {"path": "a.md"}},
        ],
        stop_reason="tool_use",
    )
    mock = MockAnthropic((200, body, {}))
    run = run_with(mock, tmp_path)
    response = run.gateway.call("premium", chat_request([user("Read a.md")], tools=[READ_FILE]))

    assert mock.sent()["tools"] == [
        {"name": "read_file", "description": "Read a file", "input_schema": READ_FILE.parameters}
    ]
    assert "tool_choice" not in mock.sent()
    assert response.finish_reason == "tool_calls"
    assert response.text == "I'll read it."
    assert response.tool_calls == [
        ToolCall(id="toolu_01A09q90qw90lq917835lq9", name="read_file", arguments={"path": "a.md"})
    ]
    assert json.loads(run.rows()[0]["response_json"])["tool_calls"][0]["id"] == "toolu_01A09q90qw90lq917835lq9"


def test_tool_results_go_back_as_user_tool_result_blocks() -> None:
    calls = [
        ToolCall(id="toolu_1", name="read_file", arguments={"path": "a.md"}),
        ToolCall(id="toolu_2", name="read_file", arguments={"path": "b.md"}),
    ]
    assert anthropic_messages(
        [
            Message(role="system", content="ignored here: it is the top-level system"),
            user("Read a.md and b.md"),
            Message(role="assistant", content="Reading both.", tool_calls=calls),
            Message(role="tool", content="# A", tool_call_id="toolu_1"),
            Message(role="tool", content="# B", tool_call_id="toolu_2"),
        ]
    ) == [
        {"role": "user", "content": [{"type": "text", "text": "Read a.md and b.md"}]},
        {
            "role": "assistant",
            "content": [
                {"type": "text", "text": "Reading both."},
                {"type": "tool_use", "id": "toolu_1", "name": "read_file", "input": {"path": "a.md"}},
                {"type": "tool_use", "id": "toolu_2", "name": "read_file", "input": {"path": "b.md"}},
            ],
        },
        {
            "role": "user",
            "content": [  # parallel results in one user turn, as the API requires
                {"type": "tool_result", "tool_use_id": "toolu_1", "content": "# A"},
                {"type": "tool_result", "tool_use_id": "toolu_2", "content": "# B"},
            ],
        },
    ]


COLOUR_SCHEMA = {"type": "object", "properties": {"colour": {"enum": ["red", "green"]}}, "required": ["colour"]}


@pytest.mark.usefixtures("with_key")
def test_json_schema_rides_on_a_forced_tool(tmp_path: Path) -> None:
    body = message_body(
        [{"type": "tool_use", "id": "toolu_9", "name": JSON_TOOL, "input": {"colour": "green"}}],
        stop_reason="tool_use",
    )
    mock = MockAnthropic((200, body, {}))
    run = run_with(mock, tmp_path)
    response = run.gateway.call("premium", chat_request([user("Grass?")], json_schema=COLOUR_SCHEMA))

    sent = mock.sent()
    assert sent["tool_choice"] == {"type": "tool", "name": JSON_TOOL}
    assert sent["tools"][0]["input_schema"] == COLOUR_SCHEMA
    assert response.parsed_json() == {"colour": "green"}
    assert response.tool_calls == [] and response.finish_reason == "stop"


@pytest.mark.usefixtures("with_key")
def test_a_non_object_schema_is_wrapped_and_unwrapped(tmp_path: Path) -> None:
    schema = {"type": "array", "items": {"type": "string"}}
    body = message_body(
        [{"type": "tool_use", "id": "toolu_9", "name": JSON_TOOL, "input": {"value": ["a", "b"]}}],
        stop_reason="tool_use",
    )
    mock = MockAnthropic((200, body, {}))
    response = run_with(mock, tmp_path).gateway.call("premium", chat_request([user("list")], json_schema=schema))
    assert mock.sent()["tools"][0]["input_schema"] == {
        "type": "object",
        "properties": {"value": schema},
        "required": ["value"],
    }
    assert response.parsed_json() == ["a", "b"]


@pytest.mark.usefixtures("with_key")
def test_overloaded_529_is_retried_then_succeeds(tmp_path: Path) -> None:
    mock = MockAnthropic(
        (529, error_body("overloaded_error", "Overloaded"), {}),
        (200, message_body([{"type": "text", "text": "ok"}]), {}),
    )
    run = run_with(mock, tmp_path)
    response = run.gateway.call("premium", chat_request([user("Hi")]))
    assert response.text == "ok"
    rows = run.rows()
    assert [(r["status"], r["attempt"]) for r in rows] == [("error", 1), ("ok", 2)]
    assert rows[0]["error"] == "ProviderServerError: tier 'premium': HTTP 529: Overloaded"
    assert rows[0]["cost_usd"] is None and rows[1]["cost_usd"] > 0
    assert len(run.sleeps) == 1 and 0 <= run.sleeps[0] <= 0.5  # first backoff: full jitter up to 0.5 s


@pytest.mark.usefixtures("with_key")
def test_overloaded_every_time_gives_up_after_max_retries(tmp_path: Path) -> None:
    overloaded = (529, error_body("overloaded_error", "Overloaded"), {})
    run = run_with(MockAnthropic(overloaded, overloaded, overloaded), tmp_path)
    with pytest.raises(ProviderServerError, match="HTTP 529: Overloaded"):
        run.gateway.call("premium", chat_request([user("Hi")]))
    assert [r["attempt"] for r in run.rows()] == [1, 2, 3]
    assert len(run.sleeps) == 2


@pytest.mark.usefixtures("with_key")
def test_401_is_not_retried_and_names_the_env_var(tmp_path: Path) -> None:
    mock = MockAnthropic((401, error_body("authentication_error", "invalid x-api-key"), {}))
    run = run_with(mock, tmp_path)
    with pytest.raises(ProviderAuthError) as caught:
        run.gateway.call("premium", chat_request([user("Hi")]))
    message = "tier 'premium': HTTP 401: the API key in $ANTHROPIC_API_KEY was rejected (invalid x-api-key)"
    assert str(caught.value) == message
    assert [(r["status"], r["error"]) for r in run.rows()] == [("error", f"ProviderAuthError: {message}")]
    assert run.sleeps == []


def test_no_key_means_unavailable_and_a_recorded_error(tmp_path: Path, cli: Callable[..., Any]) -> None:
    # conftest removes ANTHROPIC_API_KEY for every test.
    run = harness(TIER.format(extra=""), tmp_path)
    assert run.gateway.availability("premium").reason == "ANTHROPIC_API_KEY is not set"
    result = cli("ask", "--tier", "premium", "Hi")
    assert result.exit_code == 1
    assert result.output.strip() == "error: tier 'premium': unavailable: ANTHROPIC_API_KEY is not set"


@pytest.mark.usefixtures("with_key")
def test_ask_cli_uses_the_anthropic_tier(write_config: Callable[[str], Path], cli: Callable[..., Any]) -> None:
    # The CLI builds its own provider, so it meets a real loopback server through base_url.
    body = message_body([{"type": "text", "text": "Hello from the Messages API."}], input_tokens=9, output_tokens=7)
    with ScriptedServer({"/v1/messages": Reply(200, body)}) as server:
        write_config(TIER.format(extra=f'base_url = "{server.url}"'))
        result = cli("ask", "--tier", "premium", "--system", "Be kind.", "--json", "Hi")
        [sent] = server.requests_to("/v1/messages")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["text"] == "Hello from the Messages API."
    assert (data["input_tokens"], data["output_tokens"]) == (9, 7)
    assert data["cost_usd"] == pytest.approx((9 * 3 + 7 * 15) / 1e6)
    assert sent_key(sent.headers) == KEY
    assert sent.json()["system"] == "Be kind."


def sent_key(headers: Any) -> str:
    """The API key as sent: ``x-api-key``, or ``Authorization: Bearer`` (what SDK 2.x sends)."""
    return str(headers.get("x-api-key") or headers.get("authorization", "").removeprefix("Bearer "))


def user(text: str) -> Message:
    return Message(role="user", content=text)


def chat_request(messages: list[Message], **kwargs: Any) -> Any:
    from agentrunner.chat import ChatRequest

    return ChatRequest(messages=messages, **kwargs)
