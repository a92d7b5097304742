"""Any OpenAI-compatible chat endpoint through the official ``openai`` SDK.

OpenAI itself, vLLM, llama.cpp's servers, LM Studio, OpenRouter, Together…: ``base_url`` picks the
server, ``api_key_env`` names the environment variable holding its key. A server on this machine
(loopback ``base_url``) with no ``api_key_env`` gets a placeholder key, since such servers usually
check none.

Mapping into the ledger: ``prompt_tokens`` → input_tokens (includes cached tokens, so
``input_includes_cache`` is true), ``completion_tokens`` → output_tokens (includes reasoning),
``prompt_tokens_details.cached_tokens`` → cache_read_tokens,
``completion_tokens_details.reasoning_tokens`` → reasoning_tokens, ``model`` → resolved_model.

The SDK's own retries are off (``max_retries=0``): the gateway retries, so every attempt is a
ledger row.

Tier options (``options = {...}`` in routes.toml):

- ``response_format = "json_schema"`` (default, OpenAI's structured outputs) or ``"json_object"``
  (``{"type": "json_object", "schema": …}``, for llama-cpp-python's server, which knows no
  ``json_schema``);
- ``max_tokens_field = "max_tokens"`` (default) or ``"max_completion_tokens"`` (OpenAI reasoning
  models);
- ``native_tool_calls = true``: the server always returns tool calls in the API's fields, never as
  text, so streamed requests with tools are streamed for real (the default for every server not on
  this machine; local servers are assumed to write them as text, parsed from the complete answer);
- ``http_client = "sdk"``: make the calls through the openai SDK's own HTTP client instead of the
  lean keep-alive client (:mod:`.keepalive`, the default; the SDK's client is also used when a
  proxy is configured for the upstream, or when a client is passed in);
- anything else is sent as extra body fields (``top_p``, ``repeat_penalty``…).
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import openai

from ..chat import (
    ChatDelta,
    ChatRequest,
    ChatResponse,
    FinishReason,
    Message,
    ToolCall,
    ToolCallDelta,
    ToolSpec,
    Usage,
)
from ..config import TierConfig
from ..errors import (
    ProviderConnectionError,
    ProviderError,
    ProviderRequestError,
    ProviderResponseError,
    ProviderUnavailable,
)
from ..toolcalls import with_text_tool_calls
from .base import (
    Availability,
    Provider,
    body_detail,
    error_for_status,
    is_loopback_url,
    parse_retry_after,
    root_cause,
    sdk_errors,
    stream_transport_errors,
)
from .keepalive import Answer, KeepAliveClient, UpstreamTimeout, UpstreamUnreachable, proxied

DEFAULT_KEY_ENV = "OPENAI_API_KEY"
LOCAL_PLACEHOLDER_KEY = "no-key-needed"
AVAILABILITY_TIMEOUT_S = 3.0
_OWN_OPTIONS = ("response_format", "max_tokens_field", "native_tool_calls", "http_client")
DEFAULT_BASE_URL = "https://api.openai.com/v1"

_FINISH: dict[str, FinishReason] = {
    "stop": "stop",
    "length": "length",
    "tool_calls": "tool_calls",
    "function_call": "tool_calls",
    "content_filter": "content_filter",
}


def openai_messages(messages: list[Message]) -> list[dict[str, Any]]:
    """agentrunner messages → Chat Completions messages (tool calls and results included)."""
    converted: list[dict[str, Any]] = []
    for message in messages:
        if message.role == "tool":
            converted.append({"role": "tool", "tool_call_id": message.tool_call_id or "", "content": message.content})
        elif message.role == "assistant" and message.tool_calls:
            converted.append(
                {
                    "role": "assistant",
                    "content": message.content or None,
                    "tool_calls": [
                        {
                            "id": call.id or f"call_{index}",
                            "type": "function",
                            "function": {"name": call.name, "arguments": json.dumps(call.arguments)},
                        }
                        for index, call in enumerate(message.tool_calls)
                    ],
                }
            )
        else:
            item: dict[str, Any] = {"role": message.role, "content": message.content}
            if message.name:
                item["name"] = message.name
            converted.append(item)
    return converted


def openai_tools(tools: list[ToolSpec]) -> list[dict[str, Any]]:
    return [
        {
            "type": "function",
            "function": {"name": tool.name, "description": tool.description, "parameters": tool.parameters},
        }
        for tool in tools
    ]


class OpenAIProvider(Provider):
    name = "openai"

    def __init__(self, tier_name: str, tier: TierConfig, base_dir: Path, *, http_client: Any | None = None) -> None:
        """``http_client`` (an ``httpx``-compatible client the SDK accepts) is the seam for tests
        and proxies; by default the SDK builds its own."""
        super().__init__(tier_name, tier, base_dir)
        self._http_client = http_client
        self._client: openai.OpenAI | None = None
        self._lean: KeepAliveClient | None = None
        self._lean_lock = threading.Lock()
        self._sdk_decided: bool | None = None

    # ── keys and clients ──────────────────────────────────────────────────────────────────────
    @property
    def key_env(self) -> str | None:
        """The env var holding the key; None for a loopback server with no api_key_env."""
        if self.tier.api_key_env:
            return self.tier.api_key_env
        return None if is_loopback_url(self.tier.base_url) else DEFAULT_KEY_ENV

    def api_key(self) -> str:
        env = self.key_env
        if env is None:
            return LOCAL_PLACEHOLDER_KEY
        key = os.environ.get(env, "")
        if not key:
            raise ProviderUnavailable(f"{env} is not set", tier=self.tier_name)
        return key

    def _make_client(self, timeout: openai.Timeout) -> openai.OpenAI:
        return openai.OpenAI(
            api_key=self.api_key(),
            base_url=self.tier.base_url,
            timeout=timeout,
            max_retries=0,  # the gateway retries: every attempt is a ledger row
            http_client=self._http_client,
        )

    def client(self) -> openai.OpenAI:
        if self._client is None:
            self._client = self._make_client(openai.Timeout(self.tier.timeout, connect=self.tier.connect_timeout))
        return self._client

    def base_url(self) -> str:
        """Where calls go: the tier's ``base_url``, else ``$OPENAI_BASE_URL`` (as the SDK reads it),
        else OpenAI's API."""
        return self.tier.base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL

    def uses_sdk_client(self) -> bool:
        """Calls go through the SDK's HTTP client: asked for (``http_client = "sdk"``), a client
        passed in (tests, proxies), or a proxy configured for the upstream in the environment.
        Decided once per provider, like the SDK reads the proxy settings once per client (the
        environment scan was 2% of the gateway's CPU when made per call)."""
        if self._sdk_decided is None:
            self._sdk_decided = (
                self._http_client is not None
                or self.tier.options.get("http_client") == "sdk"
                or proxied(self.base_url())
            )
        return self._sdk_decided

    def lean_client(self) -> KeepAliveClient:
        """The keep-alive client of :mod:`.keepalive` (built on first use, with the key)."""
        with self._lean_lock:
            if self._lean is None:
                headers = {"Authorization": f"Bearer {self.api_key()}", "User-Agent": f"agentrunner/{_version()}"}
                # The SDK sends these when they are set in the environment; so does this client.
                for env, header in (("OPENAI_ORG_ID", "OpenAI-Organization"), ("OPENAI_PROJECT_ID", "OpenAI-Project")):
                    if os.environ.get(env):
                        headers[header] = os.environ[env]
                try:
                    self._lean = KeepAliveClient(
                        self.base_url(),
                        headers=headers,
                        timeout=self.tier.timeout,
                        connect_timeout=self.tier.connect_timeout,
                    )
                except ValueError:
                    raise ProviderUnavailable(
                        f"base_url {self.base_url()!r} is not an http:// or https:// URL "
                        f"([tiers.{self.tier_name}] base_url in routes.toml)",
                        tier=self.tier_name,
                    ) from None
            return self._lean

    def close(self) -> None:
        if self._client is not None and self._http_client is None:
            self._client.close()
        self._client = None
        with self._lean_lock:
            lean, self._lean = self._lean, None
        self._sdk_decided = None
        if lean is not None:
            lean.close()

    # ── availability ──────────────────────────────────────────────────────────────────────────
    def check_available(self) -> Availability:
        """The key is set; for a configured ``base_url`` also that the server answers (GET /models,
        a few seconds at most). OpenAI's own endpoint is not probed: a set key is enough there."""
        try:
            key_env = self.key_env
            self.api_key()
        except ProviderUnavailable:
            return Availability(False, f"{key_env} is not set")
        if not self.tier.base_url:
            return Availability(True)
        short = openai.Timeout(AVAILABILITY_TIMEOUT_S, connect=min(self.tier.connect_timeout, AVAILABILITY_TIMEOUT_S))
        probe = self._make_client(short)
        try:
            probe.models.list()
        except openai.APIStatusError as exc:
            if exc.status_code in (401, 403):
                what = f"the key in ${key_env}" if key_env else "a request without a key (set api_key_env)"
                return Availability(False, f"{self.tier.base_url} rejected {what} (HTTP {exc.status_code})")
            # 404 and friends: the server answers but has no /models; calls may still work.
        except openai.APIConnectionError as exc:
            return Availability(False, f"server at {self.tier.base_url} does not answer ({root_cause(exc)})")
        except (ValueError, openai.OpenAIError):
            pass  # it answered, with something other than a model list: good enough to try
        finally:
            if self._http_client is None:
                probe.close()
        return Availability(True)

    # ── one call ──────────────────────────────────────────────────────────────────────────────
    def build_params(self, request: ChatRequest) -> dict[str, Any]:
        options = dict(self.tier.options)
        params: dict[str, Any] = {
            "model": self.tier.model,
            "messages": openai_messages(request.messages),
            "temperature": self.tier.temperature if request.temperature is None else request.temperature,
        }
        max_tokens_field = str(options.get("max_tokens_field", "max_tokens"))
        params[max_tokens_field] = request.max_tokens or self.tier.max_tokens
        if request.stop:
            params["stop"] = request.stop
        if request.seed is not None:
            params["seed"] = request.seed
        if request.tools:
            params["tools"] = openai_tools(request.tools)
        if request.json_schema is not None:
            if options.get("response_format") == "json_object":
                params["response_format"] = {"type": "json_object", "schema": request.json_schema}
            else:
                params["response_format"] = {
                    "type": "json_schema",
                    "json_schema": {"name": "response", "schema": request.json_schema, "strict": True},
                }
        extra = {key: value for key, value in options.items() if key not in _OWN_OPTIONS}
        if extra:
            params["extra_body"] = extra
        return params

    def complete(self, request: ChatRequest) -> ChatResponse:
        params = self.build_params(request)
        extra = params.pop("extra_body", {})  # the SDK's name for fields sent as they are
        body = {**params, **extra}
        started = time.perf_counter()
        where = self._where()
        if self.uses_sdk_client():
            with sdk_errors(openai, tier=self.tier_name, where=where, timeout=self.tier.timeout, key_env=self.key_env):
                # The SDK's client (auth, timeouts, its error classes) without its typed layer:
                # that layer's request transform and response models were half of the call's CPU
                # time. The JSON is read as attribute objects.
                raw = self.client().post("/chat/completions", body=body, cast_to=bytes)
                completion = json.loads(raw, object_hook=_attributes)
        else:
            with self._lean_errors(where):
                answer = self.lean_client().post("/chat/completions", _encoded(body))
            if answer.status >= 300:
                raise self._status_error(answer)
            try:
                completion = json.loads(answer.body, object_hook=_attributes)
            except ValueError as exc:  # truncated or not JSON: as the SDK path reports it
                raise ProviderResponseError(f"malformed response body: {exc}", tier=self.tier_name) from None
        latency_ms = (time.perf_counter() - started) * 1000
        # a server that passes tool calls through as text (llama_cpp.server, some ollama models)
        return with_text_tool_calls(self._response(completion, latency_ms), request.tools)

    def stream(self, request: ChatRequest) -> Iterator[ChatDelta]:
        """A real stream (``stream=True`` with ``include_usage``). With tools offered to a server
        on this machine, the answer is completed first instead: local servers write tool calls
        into the text, and those are only found once the text is complete."""
        native = self.tier.options.get("native_tool_calls", not is_loopback_url(self.tier.base_url))
        if request.tools and not native:
            yield from super().stream(request)
            return
        params = self.build_params(request)
        params["stream"] = True
        params["stream_options"] = {"include_usage": True}
        if not self.uses_sdk_client():
            yield from self._lean_stream(params)
            return
        where = self._where()
        timeout, key_env = self.tier.timeout, self.key_env
        with sdk_errors(openai, tier=self.tier_name, where=where, timeout=timeout, key_env=key_env):
            chunks = self.client().chat.completions.create(**params)
        try:
            with (
                sdk_errors(openai, tier=self.tier_name, where=where, timeout=timeout, key_env=key_env),
                stream_transport_errors(self.tier_name, where, openai),
            ):
                finished = False
                for chunk in chunks:
                    for delta in _chunk_deltas(chunk):
                        finished = finished or delta.finish_reason is not None
                        yield delta
                if not finished:  # the SDK ends quietly when the connection closes early
                    raise ProviderResponseError(
                        f"the stream from {where} ended without a finish_reason", tier=self.tier_name
                    )
        finally:
            chunks.close()  # a consumer that stopped early: the upstream sees the connection close

    def _lean_stream(self, params: dict[str, Any]) -> Iterator[ChatDelta]:
        """:meth:`stream` through the keep-alive client: the SSE events read line by line."""
        extra = params.pop("extra_body", {})
        where = self._where()
        with self._lean_errors(where):
            stream = self.lean_client().open_stream("/chat/completions", _encoded({**params, **extra}))
        try:
            if stream.error is not None:
                raise self._status_error(stream.error)
            finished = False
            try:
                for data in _sse_data(stream.lines()):
                    if data == b"[DONE]":
                        stream.finish()
                        break
                    try:
                        chunk = json.loads(data, object_hook=_attributes)
                    except ValueError as exc:
                        raise ProviderResponseError(
                            f"the stream from {where} sent an event that is not JSON: {exc}", tier=self.tier_name
                        ) from None
                    error = getattr(chunk, "error", None)
                    if error:
                        detail = getattr(error, "message", None) or str(error)
                        raise ProviderResponseError(
                            f"the stream from {where} sent an error: {detail}", tier=self.tier_name
                        )
                    for delta in _chunk_deltas(chunk):
                        finished = finished or delta.finish_reason is not None
                        yield delta
            except UpstreamTimeout:
                raise ProviderConnectionError(f"timed out mid-stream from {where}", tier=self.tier_name) from None
            except UpstreamUnreachable as exc:
                raise ProviderResponseError(f"the stream from {where} broke: {exc}", tier=self.tier_name) from None
            if not finished:  # the connection closed early, or [DONE] came without an ending
                raise ProviderResponseError(
                    f"the stream from {where} ended without a finish_reason", tier=self.tier_name
                )
        finally:
            stream.close()  # a consumer that stopped early: the upstream sees the connection close

    @contextmanager
    def _lean_errors(self, where: str) -> Iterator[None]:
        """The keep-alive client's transport failures, worded as :func:`.base.sdk_errors` words the SDK's."""
        try:
            yield
        except UpstreamTimeout:
            raise ProviderConnectionError(
                f"timed out after {self.tier.timeout:g}s waiting for {where}", tier=self.tier_name
            ) from None
        except UpstreamUnreachable as exc:
            raise ProviderConnectionError(f"cannot reach {where}: {exc}", tier=self.tier_name) from None

    def _status_error(self, answer: Answer) -> ProviderError:
        """An error status, as the SDK's ``APIStatusError`` → :func:`.base.sdk_errors` gives it.
        A redirect is not followed (the SDK's client follows it): it is a misconfigured
        ``base_url``, said as such, with where it points."""
        if 300 <= answer.status < 400:
            where = answer.headers.get("location", "nowhere (no Location header)")
            return ProviderRequestError(
                f"HTTP {answer.status}: {self._where()} redirects to {where}; set the tier's base_url to "
                "where it points (redirects are not followed)",
                tier=self.tier_name,
            )
        text = answer.body.decode("utf-8", "replace")
        try:
            body: Any = json.loads(answer.body)
        except ValueError:
            body = text
        if isinstance(body, dict):
            body = body.get("error", body)  # the SDK keeps the inner error object
        fallback = f"Error code: {answer.status}" + (f" - {text}" if text else "")
        return error_for_status(
            answer.status,
            body_detail(body, fallback),
            tier=self.tier_name,
            retry_after=parse_retry_after(answer.headers),
            key_env=self.key_env,
        )

    def _where(self) -> str:
        return self.tier.base_url or "api.openai.com"

    def _response(self, completion: Any, latency_ms: float) -> ChatResponse:
        choices = getattr(completion, "choices", None)
        if not isinstance(choices, list) or not choices or getattr(choices[0], "message", None) is None:
            raise ProviderResponseError(
                f"malformed response body: no choices/message in {_preview(completion)}", tier=self.tier_name
            )
        choice = choices[0]
        message = choice.message
        tool_calls: list[ToolCall] = []
        for index, call in enumerate(getattr(message, "tool_calls", None) or []):
            function = getattr(call, "function", None)
            if function is None:
                continue
            try:
                arguments = json.loads(function.arguments or "{}")
            except (TypeError, ValueError):
                # A model writing invalid JSON arguments is an answer (the validator rejects it),
                # not a transport fault: keep the raw text so it is visible in the ledger.
                arguments = {"_raw": function.arguments}
            if not isinstance(arguments, dict):
                arguments = {"_value": arguments}
            tool_calls.append(ToolCall(id=call.id or f"call_{index}", name=function.name or "", arguments=arguments))
        finish: FinishReason = _FINISH.get(choice.finish_reason or "", "unknown")
        if tool_calls and finish in ("stop", "unknown"):
            finish = "tool_calls"
        return ChatResponse(
            text=message.content or "",
            tool_calls=tool_calls,
            usage=usage_from_openai(getattr(completion, "usage", None)),
            finish_reason=finish,
            resolved_model=getattr(completion, "model", None) or self.tier.model,
            latency_ms=latency_ms,
        )


def _attributes(fields: dict[str, Any]) -> SimpleNamespace:
    return SimpleNamespace(**fields)


def _encoded(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("agentrunner")
    except PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
        return "0"


def _sse_data(lines: Iterator[bytes]) -> Iterator[bytes]:
    """The ``data`` of each server-sent event (several ``data:`` lines joined by newlines);
    comments, ``event:``/``id:``/``retry:`` fields are skipped."""
    data: list[bytes] = []
    for line in lines:
        if not line:
            if data:
                yield b"\n".join(data)
                data = []
        elif line.startswith(b"data:"):
            value = line[5:]
            data.append(value[1:] if value.startswith(b" ") else value)
    if data:
        yield b"\n".join(data)


def _chunk_deltas(chunk: Any) -> Iterator[ChatDelta]:
    """One ``chat.completion.chunk`` → deltas."""
    model = getattr(chunk, "model", None) or None
    usage = getattr(chunk, "usage", None)
    for choice in getattr(chunk, "choices", None) or []:
        delta = getattr(choice, "delta", None)
        if delta is not None:
            text = getattr(delta, "content", None)
            if text:
                yield ChatDelta(text=text, resolved_model=model)
            for call in getattr(delta, "tool_calls", None) or []:
                function = getattr(call, "function", None)
                yield ChatDelta(
                    tool_call=ToolCallDelta(
                        index=int(getattr(call, "index", 0) or 0),
                        id=getattr(call, "id", None),
                        name=getattr(function, "name", None) if function is not None else None,
                        arguments=(getattr(function, "arguments", None) or "") if function is not None else "",
                    )
                )
        finish = getattr(choice, "finish_reason", None)
        if finish:
            yield ChatDelta(finish_reason=_FINISH.get(finish, "unknown"))
    if usage is not None:
        yield ChatDelta(usage=usage_from_openai(usage), resolved_model=model)


def usage_from_openai(usage: Any) -> Usage:
    """Chat Completions usage → ledger usage (cached and reasoning token details included)."""
    if usage is None:
        return Usage()
    prompt_details = getattr(usage, "prompt_tokens_details", None)
    completion_details = getattr(usage, "completion_tokens_details", None)
    return Usage(
        input_tokens=getattr(usage, "prompt_tokens", None),
        output_tokens=getattr(usage, "completion_tokens", None),
        cache_read_tokens=(getattr(prompt_details, "cached_tokens", None) or 0) if prompt_details else 0,
        reasoning_tokens=(getattr(completion_details, "reasoning_tokens", None) or 0) if completion_details else 0,
        input_includes_cache=True,
    )


def _preview(value: Any) -> str:
    try:
        text = value.model_dump_json() if hasattr(value, "model_dump_json") else repr(value)
    except Exception:  # pragma: no cover - a preview must never raise
        text = repr(value)
    return text[:200]
