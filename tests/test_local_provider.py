"""The embedded llama.cpp tier, through the gateway, with real inference (Gemma 3 270M)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentrunner.chat import ChatRequest, Message, ToolSpec
from agentrunner.config import parse_config
from agentrunner.errors import ProviderUnavailable
from agentrunner.gateway import CallContext, Gateway
from agentrunner.ledger import Ledger
from agentrunner.providers.llamacpp import gemma_messages, load_model
from tests.conftest import LOCAL_ONLY

pytestmark = pytest.mark.model

PERSON = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    "required": ["name", "age"],
}


@pytest.fixture
def gateway(tmp_path: Path) -> Gateway:
    config = parse_config(LOCAL_ONLY, source_path=tmp_path / "routes.toml")
    return Gateway(config, Ledger(tmp_path / "ledger.db"))


def test_real_generation_is_logged_with_tokens_and_cost(gateway: Gateway) -> None:
    request = ChatRequest(messages=[Message(role="user", content="Say hello.")], max_tokens=16)
    response = gateway.call("local", request, CallContext(run_id="r1", step_kind="act"))
    assert response.text.strip()
    row = gateway.ledger.get_call(response.call_id or "")
    assert row is not None
    assert row["status"] == "ok" and row["tier"] == "local" and row["run_id"] == "r1"
    assert row["input_tokens"] > 0 and 0 < row["output_tokens"] <= 16
    assert row["cost_usd"] > 0 and row["price_source"] == "local cost_per_hour"
    assert row["resolved_model"] == "gemma-3-270m-q4_k_m.gguf"
    assert row["request_hash"] == request.request_hash()
    assert json.loads(row["request_json"])["model"] == "gemma3-270m"


def test_constrained_json_parses_against_its_schema(gateway: Gateway) -> None:
    request = ChatRequest(
        messages=[Message(role="user", content="Alice is 30 years old. Give her as JSON with name and age.")],
        json_schema=PERSON,
        max_tokens=48,
    )
    data = gateway.call("local", request).parsed_json()
    assert set(data) == {"name", "age"}
    assert isinstance(data["name"], str) and isinstance(data["age"], int)


def test_tools_are_offered_through_constrained_json(gateway: Gateway) -> None:
    tool = ToolSpec(
        name="read_file",
        description="Read a file",
        parameters={"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]},
    )
    request = ChatRequest(
        messages=[Message(role="user", content="Read the file notes.txt using the read_file tool.")],
        tools=[tool],
        max_tokens=48,
    )
    response = gateway.call("local", request)
    if response.tool_calls:
        assert response.tool_calls[0].name == "read_file"
        assert isinstance(response.tool_calls[0].arguments.get("path"), str)
    else:  # the model chose to answer: still a valid structured reply
        assert response.text


def test_model_is_loaded_once_per_process(embedded_model_path: Path) -> None:
    first = load_model(embedded_model_path, n_ctx=2048, n_threads=None, chat_format="gemma")
    second = load_model(embedded_model_path, n_ctx=2048, n_threads=None, chat_format="gemma")
    assert first[0] is second[0]


def test_system_text_is_folded_into_the_first_user_turn() -> None:
    converted = gemma_messages(
        [Message(role="system", content="Be brief."), Message(role="user", content="Hi")]
    )
    assert converted == [{"role": "user", "content": "Be brief.\n\nHi"}]


def test_failed_call_still_writes_a_ledger_row(tmp_path: Path) -> None:
    config = parse_config(
        LOCAL_ONLY.replace('model = "gemma3-270m"', 'model = "mine"\nmodel_path = "missing.gguf"'),
        source_path=tmp_path / "routes.toml",
    )
    gateway = Gateway(config, Ledger(tmp_path / "ledger.db"))
    with pytest.raises(ProviderUnavailable, match="model file not found"):
        gateway.call("local", ChatRequest(messages=[Message(role="user", content="x")]), CallContext(step_id="s1"))
    rows = list(gateway.ledger.iter_calls())
    assert len(rows) == 1
    assert rows[0]["status"] == "error" and "model file not found" in rows[0]["error"]
    assert rows[0]["step_id"] == "s1" and rows[0]["cost_usd"] is None


def test_reuse_returns_the_finished_call_without_paying_again(gateway: Gateway) -> None:
    request = ChatRequest(messages=[Message(role="user", content="Count to three.")], max_tokens=12)
    context = CallContext(step_id="item1:0:act")
    first = gateway.call("local", request, context, reuse=True)
    again = gateway.call("local", request, context, reuse=True)
    assert again.reused and again.call_id == first.call_id and again.text == first.text
    assert gateway.ledger.count_calls() == 1


def test_gemma_has_no_template_and_keeps_the_gemma_format(embedded_model_path: Path) -> None:
    from agentrunner.providers.llamacpp import default_threads, has_chat_template

    model, _ = load_model(embedded_model_path, n_ctx=2048, n_threads=None)
    assert not has_chat_template(model)
    assert model.chat_format == "gemma"  # llama-cpp-python alone would fall back to llama-2
    # every core of this machine, not llama-cpp-python's half of them
    assert model.n_threads == default_threads()
