"""The embedded coder model (Qwen2.5-Coder-1.5B-Instruct) as the template's default `local` tier,
with real inference. Marked `coder`: a few seconds per call on 2 cores; deselect with -m 'not coder'."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentrunner.chat import ChatRequest, Message, ToolSpec
from agentrunner.config import parse_config
from agentrunner.gateway import Gateway
from agentrunner.ledger import Ledger
from agentrunner.providers.llamacpp import embedded_model_path, has_chat_template, load_model
from tests.conftest import TEMPLATE

pytestmark = [pytest.mark.model, pytest.mark.coder]

READ_FILE = ToolSpec(
    name="read_file",
    description="Read a text file of the workspace, lines numbered.",
    parameters={"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]},
)
LIST_FILES = ToolSpec(
    name="list_files",
    description="List files under a folder of the workspace.",
    parameters={"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]},
)


@pytest.fixture(scope="module")
def qwen_path() -> Path:
    return embedded_model_path("qwen2.5-coder-1.5b")


def test_the_coder_model_is_prompted_through_its_chat_template(qwen_path: Path) -> None:
    model, _ = load_model(qwen_path, n_ctx=8192, n_threads=None)
    assert has_chat_template(model)
    assert "<tool_call>" in model.metadata["tokenizer.chat_template"]


def test_the_default_local_tier_makes_a_parsed_tool_call(tmp_path: Path, qwen_path: Path) -> None:
    """The template's own local tier (not the tests' Gemma): Qwen answers a tool request with a
    <tool_call> block, which arrives as a ToolCall."""
    config = parse_config(TEMPLATE, source_path=tmp_path / "routes.toml")
    assert config.tiers["local"].model == "qwen2.5-coder-1.5b"
    gateway = Gateway(config, Ledger(tmp_path / "ledger.db"))
    request = ChatRequest(
        messages=[
            Message(role="system", content="You are a coding agent working in a project folder. Use the tools."),
            Message(role="user", content="Show me what is in src/app.py."),
        ],
        tools=[LIST_FILES, READ_FILE],
        max_tokens=128,
        temperature=0.0,
    )
    response = gateway.call("local", request)
    assert response.finish_reason == "tool_calls", response.text
    [call] = response.tool_calls
    assert call.name == "read_file"
    assert call.arguments == {"path": "src/app.py"}
