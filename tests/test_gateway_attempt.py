"""Gateway.start_attempt: the public way to record an upstream attempt made outside Gateway.call /
Gateway.stream (the HTTP gateway's Anthropic pass-through forwards the caller's body itself)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from agentrunner.chat import ChatRequest, ChatResponse, Message, Usage
from agentrunner.config import load_config
from agentrunner.errors import ProviderServerError
from agentrunner.gateway import CallContext, Gateway
from agentrunner.ledger import Ledger

TIERS = """
[tiers.premium]
provider = "anthropic"
model = "claude-sonnet-4-6"
max_tokens = 4096
price = { input_per_mtok = 3.0, output_per_mtok = 15.0 }
"""

FAKE_TIERS = """
[tiers.cheap]
provider = "fake"
model = "fake-cheap"
max_tokens = 64
price = { input_per_mtok = 1.0, output_per_mtok = 1.0 }

[budgets]
daily_usd = 100.0
"""


def test_an_attempt_made_elsewhere_is_recorded_like_a_call(write_config: Callable[[str], Path]) -> None:
    config = load_config(write_config(TIERS))
    ledger = Ledger.for_config(config)
    gateway = Gateway(config, ledger)
    request = ChatRequest(messages=[Message(role="user", content="hi")], max_tokens=64000)
    context = CallContext(source="gateway", user="ann", client="claude-cli/2", request_id="r1", protocol="anthropic")

    attempt = gateway.start_attempt("premium", request, context, attempt=2, as_sent=True)
    answer = attempt.ok(ChatResponse(text="hello", usage=Usage(input_tokens=1000, output_tokens=2000)))
    assert answer.call_id and answer.tier == "premium"
    assert answer.cost_usd == 1000 * 3e-6 + 2000 * 15e-6

    failed = gateway.start_attempt("premium", request, context).failed(ProviderServerError("HTTP 529: Overloaded"))
    assert failed.tier == "premium"  # the error is the tier's

    ok, error = ledger.fetch_all("SELECT * FROM calls ORDER BY rowid")
    assert (ok["source"], ok["user"], ok["client"], ok["request_id"], ok["attempt"]) == (
        "gateway", "ann", "claude-cli/2", "r1", 2
    )
    assert json.loads(ok["request_json"])["max_tokens"] == 64000  # as sent, not lowered to the tier's 4096
    assert (ok["status"], ok["response_text"], ok["output_tokens"]) == ("ok", "hello", 2000)
    assert (error["status"], error["finish_reason"]) == ("error", "error")
    assert error["error"] == "ProviderServerError: tier 'premium': HTTP 529: Overloaded"
    # Without as_sent the request is recorded as a call would make it: the tier's ceiling applies.
    gateway.start_attempt("premium", request, context).ok(ChatResponse(text="x"))
    assert json.loads(ledger.fetch_all("SELECT request_json FROM calls ORDER BY rowid")[-1]["request_json"])[
        "max_tokens"
    ] == 4096
    ledger.close()


def test_a_served_call_releases_its_reservation_with_its_row(
    fake_local: Path, write_config: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reservation is deleted in the transaction that writes the answer's row (one write
    transaction fewer per request), not by a separate release afterwards."""
    import openai

    from agentrunner import budgets
    from agentrunner.server.app import create_app
    from tests.support.gateway_server import GatewayServer

    config = load_config(write_config(FAKE_TIERS))
    ledger = Ledger.for_config(config)
    separate: list[str] = []
    real_release = budgets.release
    monkeypatch.setattr(budgets, "release", lambda led, rid: (rid and separate.append(rid), real_release(led, rid)))
    with GatewayServer(create_app(config, ledger, auth=None)) as server:
        api = openai.OpenAI(base_url=f"{server.url}/v1", api_key="x", max_retries=0)
        api.chat.completions.create(model="cheap", messages=[{"role": "user", "content": "hi"}])
        list(api.chat.completions.create(model="cheap", messages=[{"role": "user", "content": "hi"}], stream=True))
    assert len(ledger.fetch_all("SELECT * FROM calls")) == 2
    assert ledger.fetch_all("SELECT * FROM reservations") == []
    assert separate == []
    ledger.close()
