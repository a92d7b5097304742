"""The llama-cpp provider's request building (no model loaded): the prompt path for a GGUF with and
without a chat template, the tool modes, the default thread count."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentrunner.chat import ChatRequest, Message, ToolCall, ToolSpec
from agentrunner.config import TierConfig
from agentrunner.errors import ConfigError
from agentrunner.providers import llamacpp
from agentrunner.providers.llamacpp import LlamaCppProvider, default_threads, template_messages

READ = ToolSpec(
    name="read_file",
    description="Read a file",
    parameters={"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]},
)
CONVERSATION = [
    Message(role="system", content="Be brief."),
    Message(role="user", content="Read a.md"),
    Message(role="assistant", tool_calls=[ToolCall(id="call_0", name="read_file", arguments={"path": "a.md"})]),
    Message(role="tool", content="# A", tool_call_id="call_0"),
]


def provider(**options: object) -> LlamaCppProvider:
    tier = TierConfig(provider="llama-cpp", model="qwen2.5-coder-1.5b", options=options)
    return LlamaCppProvider("local", tier, Path())


def test_a_templated_model_gets_its_own_roles_and_the_tools_natively() -> None:
    kwargs, mode = provider().build_kwargs(ChatRequest(messages=CONVERSATION, tools=[READ]), templated=True)
    assert mode == "native"
    assert "response_format" not in kwargs  # free text: the model writes <tool_call> blocks
    assert kwargs["tools"] == [
        {
            "type": "function",
            "function": {"name": "read_file", "description": "Read a file", "parameters": READ.parameters},
        }
    ]
    assert [m["role"] for m in kwargs["messages"]] == ["system", "user", "assistant", "tool"]
    # arguments as an object: the template renders them with tojson (a string would be quoted twice)
    assert kwargs["messages"][2]["tool_calls"][0]["function"] == {"name": "read_file", "arguments": {"path": "a.md"}}


def test_grammar_mode_on_a_templated_model_constrains_the_answer_and_still_shows_the_tools() -> None:
    kwargs, mode = provider(tool_mode="grammar").build_kwargs(
        ChatRequest(messages=CONVERSATION, tools=[READ]), templated=True
    )
    assert mode == "grammar"
    assert kwargs["tools"][0]["function"]["name"] == "read_file"
    assert kwargs["response_format"]["type"] == "json_object"
    assert kwargs["response_format"]["schema"]["anyOf"][0]["properties"]["tool"] == {"const": "read_file"}


def test_a_model_without_a_template_uses_the_grammar_and_lists_the_tools_in_the_prompt() -> None:
    kwargs, mode = provider(tool_mode="native").build_kwargs(
        ChatRequest(messages=CONVERSATION, tools=[READ]), templated=False
    )
    assert mode == "grammar"  # native needs a template to render the tools
    assert "tools" not in kwargs
    first = kwargs["messages"][0]
    assert first["role"] == "user" and first["content"].startswith("Be brief.")
    assert "- read_file(path: string): Read a file" in first["content"]
    assert {m["role"] for m in kwargs["messages"]} <= {"user", "assistant"}


def test_no_tools_no_tool_mode() -> None:
    kwargs, mode = provider().build_kwargs(ChatRequest(messages=CONVERSATION[:2]), templated=True)
    assert mode is None and "tools" not in kwargs and "response_format" not in kwargs


def test_an_unknown_tool_mode_is_a_config_error_naming_the_key() -> None:
    with pytest.raises(ConfigError, match=r"tiers\.local\.options\.tool_mode: must be one of native, grammar"):
        provider(tool_mode="xml").build_kwargs(ChatRequest(messages=CONVERSATION, tools=[READ]), templated=True)


def test_template_messages_keep_plain_turns() -> None:
    assert template_messages([Message(role="user", content="hi")]) == [{"role": "user", "content": "hi"}]


@pytest.mark.parametrize(("cpus", "threads"), [(1, 1), (2, 2), (3, 3), (4, 4), (8, 4), (16, 8), (64, 32)])
def test_default_threads_use_every_core_of_a_small_machine(
    cpus: int, threads: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(llamacpp.os, "sched_getaffinity", lambda pid: set(range(cpus)))
    assert default_threads() == threads
