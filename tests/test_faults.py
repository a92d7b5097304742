"""The fault matrix: every provider meets the same faults over a real loopback socket.

A scripted HTTP server (tests/support/scripted_http.py) plays each provider's API and answers with the
fault; the real SDK (openai, ollama, anthropic) talks to it through the tier's ``base_url``/``host``.
The gateway gets a recording ``sleep`` so retries do not wait, and the tests check the number of
attempts, the ledger row of each attempt (status, error text), the delays (Retry-After honoured)
and the final error message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from agentrunner.errors import (
    ProviderAuthError,
    ProviderConnectionError,
    ProviderRequestError,
    ProviderResponseError,
    ProviderUnavailable,
)
from agentrunner.ledger import Ledger
from tests.support.provider_harness import Harness, harness
from tests.support.scripted_http import Reply, ScriptedServer, free_port

TIMEOUT_S = 0.3
MAX_RETRIES = 2  # three attempts in all


@dataclass(frozen=True)
class Dialect:
    """What one provider's API looks like on the wire, for scripting faults."""

    name: str
    path: str
    ok_body: dict[str, Any]
    error_body: Callable[[str, str], dict[str, Any]]
    key_env: str
    probe: tuple[str, Reply] | None
    tier_keys: Callable[[str], str]

    def toml(self, url: str) -> str:
        return f"""
[tiers.t]
{self.tier_keys(url)}
max_tokens = 16
max_retries = {MAX_RETRIES}
timeout = {TIMEOUT_S}
connect_timeout = {TIMEOUT_S}
"""

    def defaults(self) -> dict[str, Reply]:
        return dict([self.probe]) if self.probe else {}


OPENAI = Dialect(
    name="openai",
    path="/v1/chat/completions",
    ok_body={
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1764158400,
        "model": "gpt-4o-mini-2024-07-18",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "pong"}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 8, "completion_tokens": 2, "total_tokens": 10},
    },
    error_body=lambda kind, message: {"error": {"message": message, "type": kind, "param": None, "code": None}},
    key_env="TEST_OPENAI_KEY",
    probe=("/v1/models", Reply(200, {"object": "list", "data": []})),
    tier_keys=lambda url: (
        f'provider = "openai"\nmodel = "gpt-4o-mini"\nbase_url = "{url}/v1"\napi_key_env = "TEST_OPENAI_KEY"'
    ),
)

OLLAMA = Dialect(
    name="ollama",
    path="/api/chat",
    ok_body={
        "model": "qwen3:8b",
        "created_at": "2026-11-26T12:00:00Z",
        "message": {"role": "assistant", "content": "pong"},
        "done": True,
        "done_reason": "stop",
        "prompt_eval_count": 8,
        "eval_count": 2,
    },
    error_body=lambda kind, message: {"error": message},
    key_env="OLLAMA_API_KEY",
    probe=("/api/tags", Reply(200, {"models": [{"name": "qwen3:8b", "model": "qwen3:8b"}]})),
    tier_keys=lambda url: f'provider = "ollama"\nmodel = "qwen3:8b"\nhost = "{url}"\ncost_per_hour = 0.36',
)

ANTHROPIC = Dialect(
    name="anthropic",
    path="/v1/messages",
    ok_body={
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-6",
        "content": [{"type": "text", "text": "pong"}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 8, "output_tokens": 2, "cache_read_input_tokens": 0},
    },
    error_body=lambda kind, message: {"type": "error", "error": {"type": kind, "message": message}},
    key_env="ANTHROPIC_API_KEY",
    probe=None,  # availability is the key being set; the API is not probed
    tier_keys=lambda url: f'provider = "anthropic"\nmodel = "claude-sonnet-4-6"\nbase_url = "{url}"',
)

DIALECTS = [OPENAI, OLLAMA, ANTHROPIC]


@pytest.fixture(params=DIALECTS, ids=lambda d: d.name)
def dialect(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Dialect:
    monkeypatch.setenv("TEST_OPENAI_KEY", "sk-test-key-0123456789abcdefghij")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-0123456789abcdefghij")
    monkeypatch.delenv("OLLAMA_API_KEY", raising=False)
    return request.param


@pytest.fixture
def server(dialect: Dialect) -> Iterator[ScriptedServer]:
    with ScriptedServer(dialect.defaults()) as scripted:
        yield scripted


def statuses(run: Harness) -> list[tuple[int, str]]:
    return [(row["attempt"], row["status"]) for row in run.rows()]


def errors(run: Harness) -> list[str]:
    return [row["error"] for row in run.rows() if row["status"] == "error"]


def test_429_honours_retry_after(dialect: Dialect, server: ScriptedServer, tmp_path: Path) -> None:
    server.queue(
        dialect.path,
        Reply(429, dialect.error_body("rate_limit_error", "Rate limit reached"), {"Retry-After": "7"}),
        Reply(200, dialect.ok_body),
    )
    run = harness(dialect.toml(server.url), tmp_path)
    response = run.ask("t")
    assert response.text == "pong"
    assert statuses(run) == [(1, "error"), (2, "ok")]
    assert errors(run) == ["ProviderRateLimited: tier 't': HTTP 429 rate limited: Rate limit reached"]
    assert run.sleeps == [7.0]  # Retry-After beats the 0–0.5 s jittered backoff
    ok = run.rows()[1]
    assert (ok["input_tokens"], ok["output_tokens"]) == (8, 2)
    assert ok["cost_usd"] is not None and ok["cost_usd"] > 0


def test_500_then_success(dialect: Dialect, server: ScriptedServer, tmp_path: Path) -> None:
    server.queue(
        dialect.path, Reply(500, dialect.error_body("api_error", "Internal server error")), Reply(200, dialect.ok_body)
    )
    run = harness(dialect.toml(server.url), tmp_path)
    assert run.ask("t").text == "pong"
    assert statuses(run) == [(1, "error"), (2, "ok")]
    assert errors(run) == ["ProviderServerError: tier 't': HTTP 500: Internal server error"]
    assert len(run.sleeps) == 1 and 0.0 <= run.sleeps[0] <= 0.5
    assert len(server.requests_to(dialect.path)) == 2


def test_timeout_is_retried_then_reported(dialect: Dialect, server: ScriptedServer, tmp_path: Path) -> None:
    slow = Reply(200, dialect.ok_body, delay=TIMEOUT_S * 40)  # x4 left 0.9 s: a loaded machine can lose that
    server.queue(dialect.path, slow, slow, slow)
    run = harness(dialect.toml(server.url), tmp_path)
    with pytest.raises(ProviderConnectionError) as caught:
        run.ask("t")
    assert str(caught.value).startswith(f"tier 't': timed out after {TIMEOUT_S:g}s waiting for ")
    assert statuses(run) == [(1, "error"), (2, "error"), (3, "error")]
    assert all(e == f"ProviderConnectionError: {caught.value}" for e in errors(run))
    assert len(run.sleeps) == 2
    assert all(row["latency_ms"] >= TIMEOUT_S * 1000 * 0.9 for row in run.rows())


def test_connection_refused_is_retried_then_reported(dialect: Dialect, server: ScriptedServer, tmp_path: Path) -> None:
    # The server answered the availability check, then went away: a refused connection mid-run.
    run = harness(dialect.toml(server.url), tmp_path)
    assert run.gateway.availability("t").ok
    server.stop()
    with pytest.raises(ProviderConnectionError) as caught:
        run.ask("t")
    assert "cannot reach " in str(caught.value) and "Connection refused" in str(caught.value)
    assert statuses(run) == [(1, "error"), (2, "error"), (3, "error")]
    assert errors(run)[0].startswith("ProviderConnectionError: tier 't': cannot reach ")
    assert len(run.sleeps) == 2


def test_truncated_json_body_is_a_response_error(dialect: Dialect, server: ScriptedServer, tmp_path: Path) -> None:
    server.queue(dialect.path, Reply(200, b'{"id": "x", "model": "m", "choi'), Reply(200, dialect.ok_body))
    run = harness(dialect.toml(server.url), tmp_path)
    assert run.ask("t").text == "pong"
    assert statuses(run) == [(1, "error"), (2, "ok")]
    [error] = errors(run)
    assert error.startswith("ProviderResponseError: tier 't': malformed response body: ")
    assert len(run.sleeps) == 1


def test_body_of_the_wrong_shape_is_a_response_error(dialect: Dialect, server: ScriptedServer, tmp_path: Path) -> None:
    server.queue(dialect.path, Reply(200, {"unexpected": True}), Reply(200, {"unexpected": True}))
    server.queue(dialect.path, Reply(200, {"unexpected": True}))
    run = harness(dialect.toml(server.url), tmp_path)
    with pytest.raises(ProviderResponseError, match="malformed response body"):
        run.ask("t")
    assert statuses(run) == [(1, "error"), (2, "error"), (3, "error")]


def test_body_cut_off_mid_transfer_is_retried(dialect: Dialect, server: ScriptedServer, tmp_path: Path) -> None:
    # The server promises more bytes than it sends and closes: the transport sees a broken body.
    server.queue(dialect.path, Reply(200, b'{"id": "x"', content_length=500), Reply(200, dialect.ok_body))
    run = harness(dialect.toml(server.url), tmp_path)
    assert run.ask("t").text == "pong"
    assert statuses(run) == [(1, "error"), (2, "ok")]
    assert errors(run)[0].split(":")[0] in {"ProviderConnectionError", "ProviderResponseError"}


def test_connection_dropped_without_answer_is_retried(dialect: Dialect, server: ScriptedServer, tmp_path: Path) -> None:
    server.queue(dialect.path, Reply(drop=True), Reply(200, dialect.ok_body))
    run = harness(dialect.toml(server.url), tmp_path)
    assert run.ask("t").text == "pong"
    assert statuses(run) == [(1, "error"), (2, "ok")]
    assert errors(run)[0].startswith("ProviderConnectionError: tier 't': cannot reach ")


def test_401_is_not_retried_and_names_tier_and_env_var(
    dialect: Dialect, server: ScriptedServer, tmp_path: Path
) -> None:
    server.queue(dialect.path, Reply(401, dialect.error_body("authentication_error", "invalid api key")))
    run = harness(dialect.toml(server.url), tmp_path)
    with pytest.raises(ProviderAuthError) as caught:
        run.ask("t")
    assert str(caught.value) == f"tier 't': HTTP 401: the API key in ${dialect.key_env} was rejected (invalid api key)"
    assert statuses(run) == [(1, "error")]
    assert errors(run) == [f"ProviderAuthError: {caught.value}"]
    assert run.sleeps == []


def test_403_is_an_auth_error_too(dialect: Dialect, server: ScriptedServer, tmp_path: Path) -> None:
    server.queue(dialect.path, Reply(403, dialect.error_body("permission_error", "not allowed for this key")))
    run = harness(dialect.toml(server.url), tmp_path)
    with pytest.raises(ProviderAuthError, match=r"HTTP 403: the API key in \$\w+ is not allowed to do this"):
        run.ask("t")
    assert statuses(run) == [(1, "error")]


def test_other_4xx_is_refused_without_retry(dialect: Dialect, server: ScriptedServer, tmp_path: Path) -> None:
    server.queue(dialect.path, Reply(400, dialect.error_body("invalid_request_error", "max_tokens: too large")))
    run = harness(dialect.toml(server.url), tmp_path)
    with pytest.raises(ProviderRequestError) as caught:
        run.ask("t")
    assert str(caught.value) == "tier 't': HTTP 400: max_tokens: too large"
    assert statuses(run) == [(1, "error")]
    assert run.sleeps == []


def test_503_with_retry_after_then_success(dialect: Dialect, server: ScriptedServer, tmp_path: Path) -> None:
    server.queue(
        dialect.path,
        Reply(503, dialect.error_body("overloaded_error", "busy"), {"Retry-After": "3"}),
        Reply(503, dialect.error_body("overloaded_error", "busy"), {"Retry-After": "3"}),
        Reply(200, dialect.ok_body),
    )
    run = harness(dialect.toml(server.url), tmp_path)
    assert run.ask("t").text == "pong"
    assert statuses(run) == [(1, "error"), (2, "error"), (3, "ok")]
    assert run.sleeps == [3.0, 3.0]


def test_cli_ask_reports_a_fault_in_one_line_and_records_it(
    dialect: Dialect,
    server: ScriptedServer,
    write_config: Callable[[str], Path],
    cli: Callable[..., Any],
    tmp_path: Path,
) -> None:
    # Through the CLI the gateway really sleeps, so the fault is one that is not retried.
    server.queue(dialect.path, Reply(401, dialect.error_body("authentication_error", "invalid api key")))
    write_config(dialect.toml(server.url))
    result = cli("ask", "--tier", "t", "hello")
    message = f"tier 't': HTTP 401: the API key in ${dialect.key_env} was rejected (invalid api key)"
    assert result.exit_code == 1
    assert result.output.strip() == f"error: {message}"
    ledger = Ledger(tmp_path / ".agentrunner" / "ledger.db")
    rows = list(ledger.iter_calls())
    assert [(r["tier"], r["provider"], r["status"], r["error"]) for r in rows] == [
        ("t", dialect.name, "error", f"ProviderAuthError: {message}")
    ]


def test_connection_refused_from_the_start_makes_the_tier_unavailable(dialect: Dialect, tmp_path: Path) -> None:
    run = harness(dialect.toml(f"http://127.0.0.1:{free_port()}"), tmp_path)
    availability = run.gateway.availability("t")
    if dialect.probe is None:
        assert availability.ok  # Anthropic: only the key is checked, the call then fails and retries
        with pytest.raises(ProviderConnectionError):
            run.ask("t")
        assert len(run.rows()) == MAX_RETRIES + 1
    else:
        assert not availability.ok and "does not answer" in availability.reason
        with pytest.raises(Exception, match=r"unavailable: .*does not answer"):
            run.ask("t")
        assert statuses(run) == [(1, "error")]


def test_a_rejected_key_makes_the_tier_unavailable_for_the_rest_of_the_run(
    dialect: Dialect, server: ScriptedServer, tmp_path: Path
) -> None:
    server.queue(dialect.path, Reply(401, dialect.error_body("authentication_error", "invalid api key")))
    run = harness(dialect.toml(server.url), tmp_path)
    with pytest.raises(ProviderAuthError):
        run.ask("t")
    availability = run.gateway.availability("t")
    assert not availability.ok
    assert availability.reason == f"HTTP 401: the API key in ${dialect.key_env} was rejected (invalid api key)"
    with pytest.raises(ProviderUnavailable):
        run.ask("t")
    assert len(server.requests_to(dialect.path)) == 1  # the second call never left the machine
