"""The gateway serving the embedded Gemma tier for real (TEST_ROUTES), through the official openai
SDK over loopback: plain, streamed, JSON-constrained, and a client that hangs up mid-stream."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest

from agentrunner.config import load_config
from agentrunner.ledger import Ledger
from agentrunner.server.app import create_app
from tests.support.gateway_server import GatewayServer

pytestmark = pytest.mark.model


@pytest.fixture
def gateway(isolated_home: Any) -> Iterator[tuple[GatewayServer, Ledger]]:
    config = load_config()
    ledger = Ledger.for_config(config)
    with GatewayServer(create_app(config, ledger, auth=None)) as server:
        yield server, ledger
    ledger.close()


def _client(server: GatewayServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key="unused", max_retries=0, timeout=120)


def _rows(ledger: Ledger) -> list[dict[str, Any]]:
    return [dict(row) for row in ledger.db.query("SELECT * FROM calls ORDER BY rowid")]


def test_plain_and_streamed_answers_from_the_embedded_model(gateway: tuple[GatewayServer, Ledger]) -> None:
    server, ledger = gateway
    client = _client(server)
    ask = [{"role": "user", "content": "Name one primary colour."}]
    plain = client.chat.completions.create(model="local", messages=ask, max_tokens=8, temperature=0)
    assert plain.choices[0].message.content and plain.usage is not None and plain.usage.prompt_tokens > 5
    pieces = list(
        client.chat.completions.create(
            model="local",
            messages=ask,
            max_tokens=8,
            temperature=0,
            stream=True,
            stream_options={"include_usage": True},
        )
    )
    streamed = "".join(p.choices[0].delta.content or "" for p in pieces if p.choices)
    assert streamed == plain.choices[0].message.content  # temperature 0: the same tokens
    assert len([p for p in pieces if p.choices and p.choices[0].delta.content]) > 1  # really token by token
    usage = pieces[-1].usage
    assert usage is not None and usage.prompt_tokens == plain.usage.prompt_tokens
    rows = _rows(ledger)
    assert [(r["tier"], r["status"], r["partial"]) for r in rows] == [("local", "ok", 0)] * 2
    assert rows[1]["output_tokens"] == plain.usage.completion_tokens and rows[1]["cost_usd"] > 0


def test_json_schema_is_enforced_on_the_embedded_model(gateway: tuple[GatewayServer, Ledger]) -> None:
    server, _ = gateway
    schema = {
        "type": "object",
        "properties": {"sentiment": {"enum": ["positive", "neutral", "negative"]}},
        "required": ["sentiment"],
    }
    answer = _client(server).chat.completions.create(
        model="local",
        messages=[{"role": "user", "content": "Classify: 'I love this!'"}],
        max_tokens=24,
        response_format={"type": "json_schema", "json_schema": {"name": "s", "schema": schema}},
    )
    assert json.loads(answer.choices[0].message.content or "")["sentiment"] in ("positive", "neutral", "negative")


def test_disconnect_mid_stream_frees_the_model_and_writes_a_partial_row(gateway: tuple[GatewayServer, Ledger]) -> None:
    server, ledger = gateway
    body = {
        "model": "local",
        "stream": True,
        "max_tokens": 400,
        "messages": [{"role": "user", "content": "Count from 1 to 200, one number per line."}],
    }
    with httpx.stream("POST", f"{server.url}/v1/chat/completions", json=body, timeout=60) as response:
        lines = response.iter_lines()
        for _ in range(8):
            next(lines)
    # The model is free again (the stream's lock released): a new request is answered.
    again = _client(server).chat.completions.create(
        model="local", messages=[{"role": "user", "content": "Say yes."}], max_tokens=4
    )
    assert again.choices[0].message.content is not None
    deadline = time.monotonic() + 60  # ends as soon as both rows are there
    while time.monotonic() < deadline and len(_rows(ledger)) < 2:
        time.sleep(0.05)
    partial, complete = _rows(ledger)
    assert partial["partial"] == 1 and partial["status"] == "ok" and complete["partial"] == 0
    assert 0 < partial["output_tokens"] < 400 and partial["input_tokens"] > 10
