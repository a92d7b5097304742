"""Tool calls written as text (agentrunner/toolcalls.py): the shapes real small models produce, and
malformed ones that must not become calls."""

from __future__ import annotations

import pytest

from agentrunner.chat import ChatResponse, ToolSpec
from agentrunner.toolcalls import parse_tool_calls, with_text_tool_calls

TOOLS = {"read_file", "write_file", "list_files", "shell"}


def names_and_args(text: str, tools: set[str] | None = TOOLS) -> list[tuple[str, dict[str, object]]]:
    return [(call.name, call.arguments) for call in parse_tool_calls(text, tools).calls]


# ── shapes that are calls ────────────────────────────────────────────────────────────────────
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Qwen 2.5 as its template teaches it
        ('<tool_call>\n{"name": "read_file", "arguments": {"path": "src/app.py"}}\n</tool_call>',
         [("read_file", {"path": "src/app.py"})]),
        # no newlines, spaces around
        ('  <tool_call>{"name":"list_files","arguments":{}}</tool_call>  ', [("list_files", {})]),
        # closing tag cut off by the stop token at the very end
        ('<tool_call>\n{"name": "read_file", "arguments": {"path": "a.py"}}', [("read_file", {"path": "a.py"})]),
        # prose before the block
        ('I will read the file first.\n<tool_call>\n{"name": "read_file", "arguments": {"path": "x"}}\n</tool_call>',
         [("read_file", {"path": "x"})]),
        # two blocks: two calls, in order
        ('<tool_call>\n{"name": "read_file", "arguments": {"path": "a"}}\n</tool_call>\n'
         '<tool_call>\n{"name": "read_file", "arguments": {"path": "b"}}\n</tool_call>',
         [("read_file", {"path": "a"}), ("read_file", {"path": "b"})]),
        # JSON fenced inside the tag
        ('<tool_call>\n```json\n{"name": "list_files", "arguments": {"path": "."}}\n```\n</tool_call>',
         [("list_files", {"path": "."})]),
        # arguments as a JSON string (OpenAI's wire shape, copied by models)
        ('<tool_call>{"name": "read_file", "arguments": "{\\"path\\": \\"z.txt\\"}"}</tool_call>',
         [("read_file", {"path": "z.txt"})]),
        # "parameters" instead of "arguments" (Llama 3 style)
        ('{"name": "read_file", "parameters": {"path": "README.md"}}', [("read_file", {"path": "README.md"})]),
        # bare JSON, the whole answer
        ('{"name": "write_file", "arguments": {"path": "out.txt", "content": "hi\\n"}}',
         [("write_file", {"path": "out.txt", "content": "hi\n"})]),
        # the grammar's shape
        ('{"tool": "list_files", "arguments": {}}', [("list_files", {})]),
        # OpenAI's function object
        ('{"type": "function", "function": {"name": "read_file", "arguments": {"path": "p"}}}',
         [("read_file", {"path": "p"})]),
        # a fenced json block after prose
        ('Let me look at the file.\n```json\n{"name": "read_file", "arguments": {"path": "m.py"}}\n```',
         [("read_file", {"path": "m.py"})]),
        # a bare fence, no language
        ('```\n{"name": "list_files", "arguments": {"path": "src"}}\n```', [("list_files", {"path": "src"})]),
        # a list of calls
        ('[{"name": "read_file", "arguments": {"path": "a"}}, {"name": "read_file", "arguments": {"path": "b"}}]',
         [("read_file", {"path": "a"}), ("read_file", {"path": "b"})]),
        # missing arguments: a call with none
        ('{"name": "list_files"}', [("list_files", {})]),
        # arguments null
        ('<tool_call>{"name": "list_files", "arguments": null}</tool_call>', [("list_files", {})]),
        # unknown name inside <tool_call>: still the model's call (the agent reports the unknown tool)
        ('<tool_call>{"name": "delete_repo", "arguments": {}}</tool_call>', [("delete_repo", {})]),
        # unicode and nested arguments survive
        ('<tool_call>{"name": "write_file", "arguments": {"path": "ü.md", "content": "{\\"a\\": [1, 2]}"}}</tool_call>',
         [("write_file", {"path": "ü.md", "content": '{"a": [1, 2]}'})]),
    ],
)
def test_calls_are_found(text: str, expected: list[tuple[str, dict[str, object]]]) -> None:
    assert names_and_args(text) == expected


def test_prose_around_the_calls_is_kept_as_text_and_ids_are_numbered() -> None:
    parsed = parse_tool_calls(
        'Reading both.\n<tool_call>{"name": "read_file", "arguments": {"path": "a"}}</tool_call>\n'
        '<tool_call>{"name": "read_file", "arguments": {"path": "b"}}</tool_call>'
    )
    assert parsed.text == "Reading both."
    assert [call.id for call in parsed.calls] == ["call_0", "call_1"]


def test_a_bad_block_among_good_ones_is_skipped() -> None:
    text = (
        '<tool_call>{"name": "read_file", "arguments": {"path": </tool_call>\n'
        '<tool_call>{"name": "list_files", "arguments": {}}</tool_call>'
    )
    assert names_and_args(text) == [("list_files", {})]


# ── shapes that are not calls ────────────────────────────────────────────────────────────────
@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "The file defines two functions, add and sub.",
        # truncated JSON (max_tokens hit)
        '<tool_call>\n{"name": "write_file", "arguments": {"path": "a.py", "content": "def f(',
        '{"name": "read_file", "arguments": {"path": "a.py"',
        # Python dict, single quotes: not JSON
        "<tool_call>{'name': 'read_file', 'arguments': {'path': 'a'}}</tool_call>",
        # trailing comma
        '{"name": "read_file", "arguments": {"path": "a",}}',
        # arguments not an object
        '<tool_call>{"name": "read_file", "arguments": ["a.py"]}</tool_call>',
        '<tool_call>{"name": "read_file", "arguments": "not json"}</tool_call>',
        # no name / empty name / name not a string
        '<tool_call>{"arguments": {"path": "a"}}</tool_call>',
        '<tool_call>{"name": "", "arguments": {}}</tool_call>',
        '{"name": 3, "arguments": {}}',
        # an answer that merely has a name: data, not a call
        '{"name": "read_file", "arguments": {}, "age": 3}',
        '{"name": "Ada Lovelace", "email": "ada@example.com"}',
        # a JSON answer of the grammar's answer shape
        '{"answer": "done: wrote notes.md"}',
        # bare JSON naming a tool that was not offered: an ordinary answer
        '{"name": "summarise", "arguments": {"text": "x"}}',
        # a fence in another language
        '```python\n{"name": "read_file", "arguments": {"path": "a"}}\n```',
        # a list with one non-call
        '[{"name": "read_file", "arguments": {}}, 3]',
        "[]",
        # an empty tag
        "<tool_call></tool_call>",
    ],
)
def test_malformed_or_ordinary_text_is_no_call(text: str) -> None:
    parsed = parse_tool_calls(text, TOOLS)
    assert parsed.calls == []
    assert parsed.text == text


def test_without_a_tool_list_any_name_counts() -> None:
    assert names_and_args('{"name": "summarise", "arguments": {"text": "x"}}', None) == [
        ("summarise", {"text": "x"})
    ]


def test_response_with_text_calls_moves_them_into_tool_calls() -> None:
    specs = [ToolSpec(name="read_file")]
    response = ChatResponse(
        text='<tool_call>\n{"name": "read_file", "arguments": {"path": "a"}}\n</tool_call>', finish_reason="stop"
    )
    converted = with_text_tool_calls(response, specs)
    assert converted.text == ""
    assert converted.finish_reason == "tool_calls"
    assert [(c.name, c.arguments) for c in converted.tool_calls] == [("read_file", {"path": "a"})]
    # without tools offered, or with API tool calls already present, nothing changes
    assert with_text_tool_calls(response, []) is response
    plain = ChatResponse(text="no call here", finish_reason="stop")
    assert with_text_tool_calls(plain, specs) is plain
