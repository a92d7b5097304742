"""Gateway.start_attempt: the public way to record an upstream attempt made outside Gateway.call /
Gateway.stream (the HTTP gateway's Anthropic pass-through forwards the caller's body itself)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

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
