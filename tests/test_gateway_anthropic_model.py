"""The official ``anthropic`` SDK against the gateway on loopback, answered for real by the embedded
Gemma 3 270M (llama.cpp in process): plain, streamed, and a tool round trip. Gemma is tiny, so what
is checked is the protocol (blocks, stop reasons, usage, ledger rows), not the answers' wisdom."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anthropic
import pytest

from agentrunner.config import load_config
from agentrunner.ledger import Ledger
from agentrunner.server.app import create_app
from tests.support.gateway_server import GatewayServer

pytestmark = pytest.mark.model

ROUTES = """
[tiers.local]
provider = "llama-cpp"
model = "gemma3-270m"
n_ctx = 2048
n_threads = 2
max_tokens = 24
cost_per_hour = 0.05
"""

READ_TOOL: Any = {
    "name": "read_file",
    "description": "Read a file of the project.",
    "input_schema": {"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]},
}


@pytest.fixture
def served(write_config: Callable[[str], Path]) -> Iterator[tuple[anthropic.Anthropic, Ledger]]:
    config = load_config(write_config(ROUTES))
    ledger = Ledger.for_config(config)
    with GatewayServer(create_app(config, ledger, auth=None)) as server:
        yield anthropic.Anthropic(base_url=server.url, api_key="no-auth", max_retries=0), ledger
    ledger.close()


def rows(ledger: Ledger, expect: int) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 60  # a stream's row is written just after its last event is sent
    while True:
        found = [dict(row) for row in ledger.db.query("SELECT * FROM calls ORDER BY rowid")]
        if len(found) >= expect or time.monotonic() > deadline:
            return found
        time.sleep(0.02)


def test_plain_and_streamed_answers_from_gemma(served: tuple[anthropic.Anthropic, Ledger]) -> None:
    api, ledger = served
    ask: Any = {
        "model": "local",
        "max_tokens": 16,
        "system": "Answer in one short sentence.",
        "messages": [{"role": "user", "content": "What colour is the sky on a clear day?"}],
    }
    plain = api.messages.create(**ask)
    assert plain.content[0].type == "text" and plain.content[0].text.strip()
    assert plain.stop_reason in ("end_turn", "max_tokens")
    assert plain.usage.input_tokens > 5 and 0 < plain.usage.output_tokens <= 16
    with api.messages.stream(**ask) as stream:
        streamed = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert streamed == plain.content[0].text  # temperature 0: the same answer, now in deltas
    assert final.usage.input_tokens == plain.usage.input_tokens
    found = rows(ledger, 2)
    assert [(r["tier"], r["protocol"], r["status"], r["partial"]) for r in found] == [
        ("local", "anthropic", "ok", 0)
    ] * 2


def test_tool_round_trip_with_gemma(served: tuple[anthropic.Anthropic, Ledger]) -> None:
    api, ledger = served
    question: Any = {"role": "user", "content": "Show me the file calc.py."}
    first = api.messages.create(
        model="local",
        max_tokens=24,
        tools=[READ_TOOL],
        tool_choice={"type": "tool", "name": "read_file"},  # grammar-constrained: always a call
        messages=[question],
    )
    [call] = first.content
    assert call.type == "tool_use" and call.name == "read_file" and isinstance(call.input.get("path"), str)
    assert first.stop_reason == "tool_use"
    second = api.messages.create(
        model="local",
        max_tokens=24,
        tools=[READ_TOOL],
        messages=[
            question,
            {"role": "assistant", "content": [call.model_dump()]},
            {
                "role": "user",
                "content": [
                    {"type": "tool_result", "tool_use_id": call.id, "content": "def add(a, b):\n    return a + b\n"}
                ],
            },
        ],
    )
    assert second.stop_reason in ("end_turn", "max_tokens", "tool_use")
    assert second.content, "an empty answer"
    request = json.loads(rows(ledger, 2)[1]["request_json"])
    assert [m["role"] for m in request["messages"]] == ["user", "assistant", "tool"]
    assert request["messages"][2]["tool_call_id"] == call.id
