"""Helpers shared by the importers: streaming JSONL, timestamps, conversations, pricing, rows."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..chat import ChatRequest, Message, ToolCall, Usage
from ..errors import UsageError
from ..ledger import CallRecord
from ..pricing import genai_prices_version, inclusive_input, price_tokens

DEFAULT_MAX_REQUEST_CHARS = 24_000
"""Rebuilt requests larger than this are not stored (row marked not replayable). Replaying a
100k-token agent context through a cheap tier is pointless, and storing every call's full
history would make the ledger grow with the square of a session's length."""

# Raw lines longer than this are not parsed (a pasted image or a huge tool output): counted as
# malformed so one pathological line cannot blow the importer's memory.
MAX_LINE_BYTES = 64 * 1024 * 1024


@dataclass
class ImportOptions:
    since: datetime | None = None
    until: datetime | None = None
    dry_run: bool = False
    max_request_chars: int = DEFAULT_MAX_REQUEST_CHARS
    user: str | None = None
    team: str | None = None
    project: str | None = None


@dataclass
class ImportStats:
    """Counters the importers fill while reading; the sink adds what the ledger said."""

    files_read: int = 0
    unreadable_files: list[str] = field(default_factory=list)
    malformed_lines: int = 0
    malformed_examples: list[str] = field(default_factory=list)
    in_source_duplicates: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    def malformed(self, path: Path, line_number: int, why: str) -> None:
        self.malformed_lines += 1
        if len(self.malformed_examples) < 5:
            self.malformed_examples.append(f"{path}:{line_number}: {why}")

    def skip(self, reason: str, count: int = 1) -> None:
        self.skipped[reason] += count


@dataclass
class ImportContext:
    options: ImportOptions
    stats: ImportStats


@dataclass(frozen=True)
class Importer:
    """One tool's importer."""

    name: str  # CLI name: claude-code, codex, gemini, llm
    title: str  # what it reads, for messages
    default_paths: Callable[[], list[Path]]  # the tool's usual locations (existing or not)
    discover: Callable[[list[Path]], list[Path]]  # files to read under the given roots
    read: Callable[[list[Path], ImportContext], Iterator[FoundCall]]

    @property
    def source(self) -> str:
        return f"import:{self.name}"


# -- files ---------------------------------------------------------------------------------------


def env_paths(variable: str) -> list[Path]:
    """A comma-separated list of paths from an environment variable (empty if unset)."""
    value = os.environ.get(variable, "").strip()
    return [Path(part.strip()).expanduser() for part in value.split(",") if part.strip()]


def check_explicit_paths(paths: Iterable[Path]) -> list[Path]:
    """Paths the user named: each must exist and be readable, else a one-line error."""
    checked = []
    for path in paths:
        path = path.expanduser()
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")
        if not os.access(path, os.R_OK):
            raise UsageError(f"{path}: permission denied")
        checked.append(path)
    return checked


def find_files(roots: Iterable[Path], patterns: Iterable[str]) -> list[Path]:
    """Files under each root matching any glob pattern (a root that is a file is taken as is),
    unique, sorted by file name then path: Codex and Gemini name session files by their start
    time, so a parent session is read before the sessions forked from it."""
    found: dict[str, Path] = {}
    pattern_list = list(patterns)
    for root in roots:
        if root.is_file():
            found.setdefault(str(root.resolve()), root)
            continue
        if not root.is_dir():
            continue
        for pattern in pattern_list:
            for path in root.glob(pattern):
                if path.is_file():
                    found.setdefault(str(path.resolve()), path)
    return [found[key] for key in sorted(found, key=lambda k: (Path(k).name, k))]


def iter_jsonl(path: Path, stats: ImportStats) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for every JSON-object line of a file, read one line at a time.

    Blank lines are ignored; a line that is not a JSON object is counted as malformed. A file
    that cannot be opened is recorded as unreadable (the import goes on with the others).
    """
    try:
        handle = path.open("rb")
    except OSError as exc:
        stats.unreadable_files.append(f"{path}: {exc.strerror or exc}")
        return
    stats.files_read += 1
    with handle:
        for number, raw in enumerate(handle, start=1):
            if len(raw) > MAX_LINE_BYTES:
                stats.malformed(path, number, f"line longer than {MAX_LINE_BYTES} bytes")
                continue
            text = raw.strip()
            if not text:
                continue
            try:
                value = json.loads(text)
            except (ValueError, UnicodeDecodeError) as exc:
                stats.malformed(path, number, f"not JSON ({exc})")
                continue
            if not isinstance(value, dict):
                stats.malformed(path, number, "not a JSON object")
                continue
            yield number, value


# -- values --------------------------------------------------------------------------------------


def parse_timestamp(value: Any) -> datetime | None:
    """An aware UTC datetime from ISO 8601 text (``Z``, offset or naive = UTC) or epoch s/ms."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 1e11 else value
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def iso_z(moment: datetime) -> str:
    """The ledger's timestamp form: UTC ISO 8601 with microseconds and a ``Z``."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def as_int(value: Any) -> int:
    """A token count from JSON: numbers (and numeric strings) as int, anything else 0."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return max(value, 0)
    if isinstance(value, float) and value == value:  # NaN check
        return max(int(value), 0)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return 0


def as_float(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def text_of(content: Any) -> str:
    """Plain text of a message content: a string, or the text parts of a list of parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return text_of([content])
    if not isinstance(content, list):
        return ""
    pieces = []
    for part in content:
        if isinstance(part, str):
            pieces.append(part)
        elif isinstance(part, dict):
            text = part.get("text")
            if isinstance(text, str) and part.get("type") not in ("thinking", "reasoning") and not part.get("thought"):
                pieces.append(text)
    return "".join(pieces)


def json_text(value: Any) -> str:
    """A tool result as text: strings as they are, anything else as compact JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(p, dict) and "text" in p for p in value):
        return text_of(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def tool_arguments(value: Any) -> dict[str, Any]:
    """Tool call arguments as a dict (Codex stores them as a JSON string)."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return {"input": value}
        return parsed if isinstance(parsed, dict) else {"input": parsed}
    if value is None:
        return {}
    return {"input": value}


# -- conversations -------------------------------------------------------------------------------


class Conversation:
    """The messages sent so far in one conversation, to rebuild each call's request.

    Memory stays bounded: once the history grows past ``max_chars`` it is dropped and later calls
    are not replayable until the tool compacts the conversation (:meth:`reset`).
    """

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        self.messages: list[Message] = []
        self.chars = 0
        self.overflow = False

    def add(self, message: Message) -> None:
        if self.overflow:
            return
        self.messages.append(message)
        self.chars += len(message.content) + sum(
            len(call.name) + len(json.dumps(call.arguments, ensure_ascii=False)) for call in message.tool_calls
        )
        if self.chars > self.max_chars:
            self.overflow = True
            self.messages = []
            self.chars = 0

    def extend(self, messages: Iterable[Message]) -> None:
        for message in messages:
            self.add(message)

    def reset(self, messages: Iterable[Message] = ()) -> None:
        self.messages = []
        self.chars = 0
        self.overflow = False
        self.extend(messages)

    def request(self) -> ChatRequest | None:
        """The request as it stands, or None when it cannot be rebuilt (too long, or empty)."""
        if self.overflow or not self.messages:
            return None
        return ChatRequest(messages=list(self.messages))


def assistant_message(text: str, tool_calls: list[ToolCall]) -> Message:
    return Message(role="assistant", content=text, tool_calls=tool_calls)


# -- rows ----------------------------------------------------------------------------------------


@dataclass
class FoundCall:
    """One model call found in another tool's history, ready for the ledger.

    Pricing is deferred to :meth:`price`, which the writer calls only for calls the ledger does not
    have yet: genai-prices takes about a millisecond per call, and a nightly re-import of a
    growing history would otherwise price every old call again just to drop it.
    """

    record: CallRecord
    when: datetime
    usage: Usage | None = None
    extra_cost_per_input_token_multiple: float = 0.0
    extra_cost_tokens: int = 0
    priced: bool = False

    def price(self) -> CallRecord:
        """Fill ``cost_usd`` and ``price_source`` (genai-prices at the call's own time)."""
        if self.priced or self.usage is None:
            return self.record
        record, usage = self.record, self.usage
        model, provider, when = record.model or "", record.provider, self.when
        cost = price_tokens(model, usage, provider=provider, when=when)
        cost_usd, price_source = cost.usd, cost.source
        if cost_usd is not None and self.extra_cost_tokens and self.extra_cost_per_input_token_multiple:
            # The input rate at this call's own size (long-context tiers price all tokens higher).
            size = max(inclusive_input(usage), 1)
            at_size = price_tokens(model, Usage(input_tokens=size, output_tokens=0), provider=provider, when=when)
            if at_size.usd is not None:
                per_token = at_size.usd / size
                cost_usd += self.extra_cost_tokens * self.extra_cost_per_input_token_multiple * per_token
                price_source = f"genai-prices {genai_prices_version()} + 1h cache writes at 2x input"
        record.cost_usd, record.price_source = cost_usd, price_source
        self.priced = True
        return record


def build_call(
    ctx: ImportContext,
    *,
    source: str,
    source_id: str,
    when: datetime,
    provider: str | None,
    model: str,
    usage: Usage,
    request: ChatRequest | None,
    response_text: str | None = None,
    tool_calls: list[ToolCall] | None = None,
    source_cost_usd: float | None = None,
    extra_cost_per_input_token_multiple: float = 0.0,
    extra_cost_tokens: int = 0,
    resolved_model: str | None = None,
    latency_ms: float | None = None,
    finish_reason: str | None = None,
    project: str | None = None,
) -> FoundCall:
    """A ledger row for an imported call, request rebuilt if known; priced later (:meth:`FoundCall.price`).

    ``extra_cost_tokens`` are charged an extra ``extra_cost_per_input_token_multiple`` × the
    model's input price (Anthropic 1-hour cache writes cost 2× input where genai-prices charges
    the 5-minute 1.25×).
    """
    request_json = request_hash = None
    if request is not None:
        request_hash = request.request_hash()
        request_json = json.dumps({"model": model, **request.canonical()}, ensure_ascii=False, sort_keys=True)
    record = CallRecord(
        ts_start=iso_z(when),
        step_kind="act",
        provider=provider,
        model=model,
        resolved_model=resolved_model,
        request_json=request_json,
        request_hash=request_hash,
        response_text=response_text,
        response_json=json.dumps({"tool_calls": [c.model_dump() for c in tool_calls]}, ensure_ascii=False)
        if tool_calls
        else None,
        finish_reason=finish_reason,
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        cache_read_tokens=usage.cache_read_tokens,
        cache_write_tokens=usage.cache_write_tokens,
        reasoning_tokens=usage.reasoning_tokens,
        input_includes_cache=usage.input_includes_cache,
        latency_ms=latency_ms,
        status="ok",
        user=ctx.options.user or None,
        team=ctx.options.team or None,
        project=project or ctx.options.project or None,
        source=source,
        source_id=source_id,
        replayable=request is not None,
        source_cost_usd=source_cost_usd,
    )
    return FoundCall(
        record=record,
        when=when,
        usage=usage,
        extra_cost_per_input_token_multiple=extra_cost_per_input_token_multiple,
        extra_cost_tokens=extra_cost_tokens,
    )


def provider_for_model(model: str) -> str | None:
    """The provider a model name belongs to, for pricing and reports (None when unclear)."""
    name = model.lower().rsplit("/", 1)[-1]
    if name.startswith("claude") or model.lower().startswith("anthropic/"):
        return "anthropic"
    if name.startswith(("gpt-", "o1", "o3", "o4", "chatgpt", "codex", "text-davinci", "davinci")):
        return "openai"
    if name.startswith(("gemini", "gemma", "learnlm")):
        return "google"
    if name.startswith(("mistral", "mixtral", "codestral", "ministral", "magistral", "devstral", "pixtral")):
        return "mistral"
    if name.startswith("deepseek"):
        return "deepseek"
    if name.startswith("grok"):
        return "xai"
    if name.startswith(("llama", "qwen", "phi")):
        return None
    return None
