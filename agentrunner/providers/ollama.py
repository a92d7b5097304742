"""A model served by ollama, through the official ``ollama`` Python client.

``host`` on the tier picks the server (default ``http://127.0.0.1:11434``). Options sent with every
call: ``num_ctx`` from the tier's ``n_ctx``, ``temperature``, ``num_predict`` from max_tokens,
``stop``/``seed`` when the request has them, then the tier's ``options`` table on top (any ollama
Modelfile parameter: ``top_k``, ``repeat_penalty``, ``num_thread``…). A JSON schema goes in
``format``; tools are function tools and ``message.tool_calls`` come back as ``ToolCall``.

Mapping into the ledger: ``prompt_eval_count`` → input_tokens, ``eval_count`` → output_tokens,
``model`` → resolved_model, ``done_reason`` → finish_reason. ollama reports no cache or reasoning
tokens. It is a local tier: priced by wall time × ``cost_per_hour``.

Availability asks ``/api/tags`` (a few seconds at most) and says which part is missing: the server
(``ollama serve``) or the model (``ollama pull <model>``).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import ollama
import pydantic

from ..chat import ChatDelta, ChatRequest, ChatResponse, FinishReason, Message, ToolCall, ToolSpec, Usage
from ..config import TierConfig
from ..errors import (
    ProviderConnectionError,
    ProviderError,
    ProviderRequestError,
    ProviderResponseError,
    ProviderUnavailable,
)
from ..toolcalls import with_text_tool_calls
from .base import Availability, Provider, error_for_status, parse_retry_after, root_cause

DEFAULT_HOST = "http://127.0.0.1:11434"
DEFAULT_KEY_ENV = "OLLAMA_API_KEY"
AVAILABILITY_TIMEOUT_S = 3.0

_FINISH: dict[str, FinishReason] = {"stop": "stop", "length": "length", "unload": "stop", "load": "stop"}


def ollama_messages(messages: list[Message]) -> list[dict[str, Any]]:
    """agentrunner messages → ollama chat messages (tool calls and tool results included)."""
    names = {call.id: call.name for message in messages for call in message.tool_calls if call.id}
    converted: list[dict[str, Any]] = []
    for message in messages:
        item: dict[str, Any] = {"role": message.role, "content": message.content}
        if message.role == "assistant" and message.tool_calls:
            item["tool_calls"] = [
                {"function": {"name": call.name, "arguments": call.arguments}} for call in message.tool_calls
            ]
        if message.role == "tool":
            tool_name = message.name or names.get(message.tool_call_id or "")
            if tool_name:
                item["tool_name"] = tool_name
        converted.append(item)
    return converted


def ollama_tools(tools: list[ToolSpec]) -> list[dict[str, Any]]:
    return [
        {
            "type": "function",
            "function": {"name": tool.name, "description": tool.description, "parameters": tool.parameters},
        }
        for tool in tools
    ]


def _model_names(listing: Any) -> set[str]:
    names: set[str] = set()
    for entry in getattr(listing, "models", None) or []:
        name = getattr(entry, "model", None) or getattr(entry, "name", None)
        if name:
            names.add(str(name))
    return names


def is_pulled(model: str, pulled: set[str]) -> bool:
    """ollama names without a tag mean ``:latest``."""
    return model in pulled or (":" not in model and f"{model}:latest" in pulled)


class OllamaProvider(Provider):
    name = "ollama"

    def __init__(self, tier_name: str, tier: TierConfig, base_dir: Path) -> None:
        super().__init__(tier_name, tier, base_dir)
        self._client: ollama.Client | None = None
        # The ollama client's ResponseError keeps no headers: remember the last error response's
        # Retry-After per thread (an httpx response hook) so a 429/503 can honour it.
        self._last_error_headers = threading.local()

    @property
    def host(self) -> str:
        return self.tier.host or DEFAULT_HOST

    def _remember_error_headers(self, response: httpx.Response) -> None:
        if response.status_code >= 400:
            self._last_error_headers.value = dict(response.headers)

    @property
    def key_env(self) -> str:
        """Where the key comes from: the tier's ``api_key_env``, else the client's own
        ``OLLAMA_API_KEY`` (needed only behind an authenticating proxy or for ollama.com)."""
        return self.tier.api_key_env or DEFAULT_KEY_ENV

    def _headers(self) -> dict[str, str]:
        if not self.tier.api_key_env:
            return {}  # the client itself sends $OLLAMA_API_KEY when it is set
        key = os.environ.get(self.tier.api_key_env, "")
        if not key:
            raise ProviderUnavailable(f"{self.tier.api_key_env} is not set", tier=self.tier_name)
        return {"Authorization": f"Bearer {key}"}

    def _make_client(self, timeout: httpx.Timeout) -> ollama.Client:
        return ollama.Client(
            host=self.host,
            timeout=timeout,
            headers=self._headers(),
            event_hooks={"response": [self._remember_error_headers]},
        )

    def client(self) -> ollama.Client:
        if self._client is None:
            self._client = self._make_client(httpx.Timeout(self.tier.timeout, connect=self.tier.connect_timeout))
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        self._client = None

    # ── availability ──────────────────────────────────────────────────────────────────────────
    def check_available(self) -> Availability:
        if self.tier.api_key_env and not os.environ.get(self.tier.api_key_env):
            return Availability(False, f"{self.tier.api_key_env} is not set")
        timeout = httpx.Timeout(AVAILABILITY_TIMEOUT_S, connect=min(self.tier.connect_timeout, AVAILABILITY_TIMEOUT_S))
        probe = self._make_client(timeout)
        try:
            listing = probe.list()
        except (ConnectionError, httpx.TransportError) as exc:
            return Availability(
                False, f"ollama server at {self.host} does not answer ({root_cause(exc)}); start it with `ollama serve`"
            )
        except ollama.ResponseError as exc:
            return Availability(False, f"ollama server at {self.host} answered /api/tags with {exc}")
        except (ValueError, pydantic.ValidationError) as exc:
            return Availability(False, f"ollama server at {self.host} sent an unreadable model list: {exc}")
        finally:
            probe.close()
        pulled = _model_names(listing)
        if not is_pulled(self.tier.model, pulled):
            return Availability(
                False,
                f"model {self.tier.model!r} is not pulled on {self.host}: run `ollama pull {self.tier.model}`",
            )
        return Availability(True)

    # ── one call ──────────────────────────────────────────────────────────────────────────────
    def build_params(self, request: ChatRequest) -> dict[str, Any]:
        options: dict[str, Any] = {
            "num_ctx": self.tier.n_ctx,
            "temperature": self.tier.temperature if request.temperature is None else request.temperature,
            "num_predict": request.max_tokens or self.tier.max_tokens,
        }
        if request.stop:
            options["stop"] = request.stop
        if request.seed is not None:
            options["seed"] = request.seed
        options.update(self.tier.options)
        params: dict[str, Any] = {
            "model": self.tier.model,
            "messages": ollama_messages(request.messages),
            "options": options,
            "stream": False,
        }
        if request.tools:
            params["tools"] = ollama_tools(request.tools)
        if request.json_schema is not None:
            params["format"] = request.json_schema
        return params

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except ollama.ResponseError as exc:
            raise self._response_error(exc) from None
        except httpx.TimeoutException:
            raise ProviderConnectionError(
                f"timed out after {self.tier.timeout:g}s waiting for ollama at {self.host}", tier=self.tier_name
            ) from None
        except (ConnectionError, httpx.TransportError) as exc:
            raise ProviderConnectionError(
                f"cannot reach ollama at {self.host}: {root_cause(exc)}", tier=self.tier_name
            ) from None
        except (ValueError, pydantic.ValidationError) as exc:  # truncated or non-JSON body, wrong shape
            raise ProviderResponseError(
                f"malformed response body: {' '.join(str(exc).split())[:300]}", tier=self.tier_name
            ) from None

    def complete(self, request: ChatRequest) -> ChatResponse:
        params = self.build_params(request)
        self._last_error_headers.value = None
        started = time.perf_counter()
        with self._errors():
            result = self.client().chat(**params)
        latency_ms = (time.perf_counter() - started) * 1000
        # a server that passes tool calls through as text (llama_cpp.server, some ollama models)
        return with_text_tool_calls(self._response(result, latency_ms), request.tools)

    def stream(self, request: ChatRequest) -> Iterator[ChatDelta]:
        """A real stream. Requests with tools are answered whole first: models whose template
        ollama cannot parse write tool calls as text, found only in the complete answer."""
        if request.tools:
            yield from super().stream(request)
            return
        params = {**self.build_params(request), "stream": True}
        self._last_error_headers.value = None
        with self._errors():
            parts = self.client().chat(**params)
        try:
            with self._errors():
                for part in parts:
                    message = getattr(part, "message", None)
                    text = getattr(message, "content", None) if message is not None else None
                    model = getattr(part, "model", None) or self.tier.model
                    if text:
                        yield ChatDelta(text=text, resolved_model=model)
                    if getattr(part, "done", False):
                        usage = Usage(
                            input_tokens=part.prompt_eval_count,
                            output_tokens=part.eval_count,
                            input_includes_cache=True,
                        )
                        yield ChatDelta(usage=usage, resolved_model=model)
                        yield ChatDelta(finish_reason=_FINISH.get(part.done_reason or "", "unknown"))
        finally:
            close = getattr(parts, "close", None)
            if close is not None:
                close()

    def _response_error(self, exc: ollama.ResponseError) -> ProviderError:
        detail = str(exc.error)
        if exc.status_code == 404 and "not found" in detail:
            return ProviderRequestError(
                f"HTTP 404: {detail}: run `ollama pull {self.tier.model}` on {self.host}", tier=self.tier_name
            )
        if exc.status_code < 0:  # an error object in the body of a 200 answer
            return ProviderResponseError(f"ollama error: {detail}", tier=self.tier_name)
        headers = getattr(self._last_error_headers, "value", None)
        return error_for_status(
            exc.status_code, detail, tier=self.tier_name, retry_after=parse_retry_after(headers), key_env=self.key_env
        )

    def _response(self, result: Any, latency_ms: float) -> ChatResponse:
        message = getattr(result, "message", None)
        if message is None:
            raise ProviderResponseError("malformed response body: no message", tier=self.tier_name)
        tool_calls = [
            ToolCall(id=f"call_{index}", name=call.function.name, arguments=dict(call.function.arguments or {}))
            for index, call in enumerate(message.tool_calls or [])
        ]
        finish: FinishReason = "tool_calls" if tool_calls else _FINISH.get(result.done_reason or "", "unknown")
        return ChatResponse(
            text=message.content or "",
            tool_calls=tool_calls,
            usage=Usage(
                input_tokens=result.prompt_eval_count,
                output_tokens=result.eval_count,
                input_includes_cache=True,
            ),
            finish_reason=finish,
            resolved_model=result.model or self.tier.model,
            latency_ms=latency_ms,
        )
