"""Claude Code transcripts: ``~/.claude/projects/**/*.jsonl`` (and ``~/.config/claude/projects``,
or each directory of ``$CLAUDE_CONFIG_DIR``, comma-separated).

Each line is one event of a session. ``type: "assistant"`` lines carry ``message`` (``id``,
``model``, ``content``, ``usage``, ``stop_reason``), ``requestId``, ``sessionId``, ``timestamp``,
``isSidechain`` (a subagent's conversation) and, in older versions, ``costUSD``. Claude Code writes
one line per content block (thinking, text, tool_use), each repeating the message's usage, so one
API call is one ``message.id`` + ``requestId``: its copies are merged, keeping the non-sidechain
copy, then the one with the larger token total. ``type: "user"`` lines carry the user's turns and
tool results; with the assistant turns they rebuild each call's request. A ``system`` line with
``subtype: "compact_boundary"`` starts a compacted conversation. ``<synthetic>`` messages are local
notices (rate limits, API errors) that never reached a model: skipped.

Tokens: Anthropic's ``input_tokens`` excludes cache reads and writes (``input_includes_cache`` =
False). 1-hour cache writes (``cache_creation.ephemeral_1h_input_tokens``) cost 2× input where
genai-prices charges the 5-minute 1.25×, so the difference is added to our price.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..chat import ChatRequest, Message, ToolCall, Usage
from ._common import (
    Conversation,
    FoundCall,
    ImportContext,
    Importer,
    as_float,
    as_int,
    assistant_message,
    build_call,
    env_paths,
    find_files,
    iter_jsonl,
    json_text,
    parse_timestamp,
)

SOURCE = "import:claude-code"
SYNTHETIC_MODEL = "<synthetic>"
# Finished calls wait this many further calls before being written, so a later copy of the same
# message (the non-sidechain one, or one with the final token count) can still replace them.
_READY_WINDOW = 32
_FINISH = {"end_turn": "stop", "stop_sequence": "stop", "tool_use": "tool_calls", "max_tokens": "length"}


def default_paths() -> list[Path]:
    configured = env_paths("CLAUDE_CONFIG_DIR")
    if configured:  # each entry is a Claude config dir (with projects/) or a projects dir itself
        return [base / "projects" if (base / "projects").is_dir() else base for base in configured]
    return [Path.home() / ".config" / "claude" / "projects", Path.home() / ".claude" / "projects"]


def discover(roots: list[Path]) -> list[Path]:
    return find_files(roots, ["**/*.jsonl"])


@dataclass
class _Copy:
    """One copy (line) of an assistant message: the parts that decide which copy wins."""

    sidechain: bool
    total_tokens: int
    usage: dict[str, Any]
    when: datetime
    cost_usd: float | None
    model: str


@dataclass
class _Call:
    key: str
    best: _Copy
    request: ChatRequest | None
    chain: str
    texts: list[str] = field(default_factory=list)
    tool_calls: list[ToolCall] = field(default_factory=list)
    stop_reason: str | None = None
    block_ids: set[str] = field(default_factory=set)

    def offer(self, copy: _Copy) -> None:
        """Keep the better copy: not a sidechain first, then the larger token total."""
        if (not copy.sidechain, copy.total_tokens) > (not self.best.sidechain, self.best.total_tokens):
            self.best = copy


def _usage_total(usage: dict[str, Any]) -> int:
    return sum(
        as_int(usage.get(name))
        for name in ("input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
    )


class _FileReader:
    def __init__(self, path: Path, ctx: ImportContext) -> None:
        self.path = path
        self.ctx = ctx
        self.stats = ctx.stats
        self.chains: dict[str, Conversation] = {}
        self.open: dict[str, _Call] = {}  # chain -> the assistant message being streamed
        self.ready: OrderedDict[str, _Call] = OrderedDict()  # finished, not yet written
        self.written: set[str] = set()  # keys of this file already written (bounded by its calls)

    def conversation(self, chain: str) -> Conversation:
        if chain not in self.chains:
            self.chains[chain] = Conversation(self.ctx.options.max_request_chars)
        return self.chains[chain]

    def read(self) -> Iterator[FoundCall]:
        for number, line in iter_jsonl(self.path, self.stats):
            kind = line.get("type")
            if kind == "assistant":
                yield from self.assistant(number, line)
            elif kind == "user":
                yield from self.user(number, line)
            elif kind == "system" and line.get("subtype") == "compact_boundary":
                chain = "side" if line.get("isSidechain") else "main"
                yield from self.close(chain)
                self.conversation(chain).reset()
        for chain in list(self.open):
            yield from self.close(chain)
        while self.ready:
            yield self.emit(self.ready.popitem(last=False)[1])

    # -- lines ---------------------------------------------------------------------------------

    def assistant(self, number: int, line: dict[str, Any]) -> Iterator[FoundCall]:
        message = line.get("message")
        if not isinstance(message, dict):
            self.stats.malformed(self.path, number, "assistant line without a message object")
            return
        model = message.get("model")
        if model == SYNTHETIC_MODEL:
            self.stats.skip("<synthetic> message (never sent to a model)")
            return
        usage = message.get("usage")
        message_id = message.get("id")
        when = parse_timestamp(line.get("timestamp"))
        if not isinstance(usage, dict) or not isinstance(message_id, str) or not isinstance(model, str):
            self.stats.malformed(self.path, number, "assistant message without id, model or usage")
            return
        if when is None:
            self.stats.malformed(self.path, number, "assistant line without a valid timestamp")
            return
        request_id = line.get("requestId")
        key = f"{message_id}:{request_id}" if isinstance(request_id, str) and request_id else message_id
        sidechain = bool(line.get("isSidechain"))
        chain = "side" if sidechain else "main"
        if sidechain and line.get("parentUuid") is None and chain not in self.open:
            self.conversation(chain).reset()  # a subagent's conversation starts
        copy = _Copy(
            sidechain=sidechain,
            total_tokens=_usage_total(usage),
            usage=usage,
            when=when,
            cost_usd=as_float(line.get("costUSD")),
            model=model,
        )
        content = message.get("content")
        existing = self.find(key)
        if existing is not None:
            self.stats.in_source_duplicates += 1
            existing.offer(copy)
            self.add_blocks(existing, content)
            if isinstance(message.get("stop_reason"), str):
                existing.stop_reason = message["stop_reason"]
            return
        if key in self.written:
            self.stats.in_source_duplicates += 1
            return
        if chain in self.open:
            yield from self.close(chain)
        call = _Call(key=key, best=copy, request=self.conversation(chain).request(), chain=chain)
        self.add_blocks(call, content)
        if isinstance(message.get("stop_reason"), str):
            call.stop_reason = message["stop_reason"]
        self.open[chain] = call

    def user(self, number: int, line: dict[str, Any]) -> Iterator[FoundCall]:
        message = line.get("message")
        if not isinstance(message, dict):
            self.stats.malformed(self.path, number, "user line without a message object")
            return
        sidechain = bool(line.get("isSidechain"))
        chain = "side" if sidechain else "main"
        if chain in self.open:
            yield from self.close(chain)
        conversation = self.conversation(chain)
        if sidechain and line.get("parentUuid") is None:
            conversation.reset()  # a subagent's conversation starts
        if line.get("isCompactSummary"):
            conversation.reset()
        for turn in _user_messages(message.get("content")):
            conversation.add(turn)

    # -- calls ---------------------------------------------------------------------------------

    def find(self, key: str) -> _Call | None:
        for call in self.open.values():
            if call.key == key:
                return call
        return self.ready.get(key)

    def add_blocks(self, call: _Call, content: Any) -> None:
        blocks = content if isinstance(content, list) else [{"type": "text", "text": content}]
        for block in blocks:
            if not isinstance(block, dict):
                continue
            kind = block.get("type")
            if kind == "text" and isinstance(block.get("text"), str):
                marker = f"text:{block['text']}"
                if marker not in call.block_ids:
                    call.block_ids.add(marker)
                    call.texts.append(block["text"])
            elif kind == "tool_use":
                tool_id = str(block.get("id") or "")
                marker = f"tool:{tool_id or len(call.tool_calls)}"
                if marker not in call.block_ids:
                    call.block_ids.add(marker)
                    arguments = block.get("input")
                    call.tool_calls.append(
                        ToolCall(
                            id=tool_id,
                            name=str(block.get("name") or "tool"),
                            arguments=arguments if isinstance(arguments, dict) else {"input": arguments},
                        )
                    )

    def close(self, chain: str) -> Iterator[FoundCall]:
        """The streamed assistant message is complete: it joins the conversation and waits in
        the ready window."""
        call = self.open.pop(chain, None)
        if call is None:
            return
        self.conversation(chain).add(assistant_message("".join(call.texts), call.tool_calls))
        self.ready[call.key] = call
        while len(self.ready) > _READY_WINDOW:
            yield self.emit(self.ready.popitem(last=False)[1])

    def emit(self, call: _Call) -> FoundCall:
        self.written.add(call.key)
        usage = call.best.usage
        creation = usage.get("cache_creation")
        one_hour = as_int(creation.get("ephemeral_1h_input_tokens")) if isinstance(creation, dict) else 0
        cache_write = as_int(usage.get("cache_creation_input_tokens"))
        if not cache_write and isinstance(creation, dict):
            cache_write = as_int(creation.get("ephemeral_5m_input_tokens")) + one_hour
        ledger_usage = Usage(
            input_tokens=as_int(usage.get("input_tokens")),
            output_tokens=as_int(usage.get("output_tokens")),
            cache_read_tokens=as_int(usage.get("cache_read_input_tokens")),
            cache_write_tokens=cache_write,
            reasoning_tokens=0,  # Claude reports thinking inside output_tokens, not apart
            input_includes_cache=False,
        )
        return build_call(
            self.ctx,
            source=SOURCE,
            source_id=call.key,
            when=call.best.when,
            provider="anthropic",
            model=call.best.model,
            usage=ledger_usage,
            request=call.request,
            response_text="".join(call.texts),
            tool_calls=call.tool_calls,
            source_cost_usd=call.best.cost_usd,
            extra_cost_per_input_token_multiple=0.75,  # 2.0x (1h write) - 1.25x (priced as 5m)
            extra_cost_tokens=one_hour,
            finish_reason=_FINISH.get(call.stop_reason or "", "unknown"),
        )


def _user_messages(content: Any) -> list[Message]:
    """A user line as chat messages: tool results become ``tool`` messages, the rest one user turn."""
    if isinstance(content, str):
        return [Message(role="user", content=content)] if content else []
    if not isinstance(content, list):
        return []
    messages: list[Message] = []
    texts: list[str] = []
    for block in content:
        if isinstance(block, str):
            texts.append(block)
            continue
        if not isinstance(block, dict):
            continue
        kind = block.get("type")
        if kind == "tool_result":
            messages.append(
                Message(
                    role="tool",
                    content=json_text(block.get("content", "")),
                    tool_call_id=str(block.get("tool_use_id") or ""),
                )
            )
        elif kind == "text" and isinstance(block.get("text"), str):
            texts.append(block["text"])
        elif kind in ("image", "document"):
            texts.append(f"[{kind}]")  # binary content is not kept in the ledger
    if texts:
        messages.append(Message(role="user", content="\n".join(texts)))
    return messages


def read(files: list[Path], ctx: ImportContext) -> Iterator[FoundCall]:
    for path in files:
        yield from _FileReader(path, ctx).read()


IMPORTER = Importer(
    name="claude-code",
    title="Claude Code transcripts",
    default_paths=default_paths,
    discover=discover,
    read=read,
)
