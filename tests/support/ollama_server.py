"""A small ollama-compatible server on 127.0.0.1 that answers with the real embedded llama.cpp model.

ollama itself is not installable here, so this speaks the part of ollama's REST API the provider
uses, in its documented request/response shapes (ollama docs/api.md):

- ``GET /api/tags`` → ``{"models": [{"name", "model", "modified_at", "size", "digest", "details"}]}``
- ``POST /api/show`` ``{"model"}`` → ``{"modelfile", "parameters", "template", "details",
  "model_info", "capabilities"}``, or 404 ``{"error": "model 'x' not found"}``
- ``POST /api/chat`` ``{"model", "messages", "tools", "format", "options", "stream"}`` →
  ``{"model", "created_at", "message": {"role", "content", "tool_calls"?}, "done": true,
  "done_reason", "total_duration", "load_duration", "prompt_eval_count", "prompt_eval_duration",
  "eval_count", "eval_duration"}``; with ``"stream": true`` the same as newline-delimited JSON
  chunks, the last one ``done: true`` with the counts.

Generation is real: llama.cpp with the embedded Gemma 3 270M (``format`` → grammar-constrained JSON,
``tools`` → the tool-choice schema, as a tool-capable ollama model would answer).
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from agentrunner.chat import Message
from agentrunner.chat import ToolSpec as AgentToolSpec
from agentrunner.providers.base import tool_choice_schema
from agentrunner.providers.llamacpp import gemma_messages, load_model

MODEL_NAME = "gemma3:270m"
DETAILS = {
    "parent_model": "",
    "format": "gguf",
    "family": "gemma3",
    "families": ["gemma3"],
    "parameter_size": "268.10M",
    "quantization_level": "Q4_K_M",
}


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


class FakeOllama:
    """An ollama-speaking server backed by a real llama.cpp model. ``models`` are the pulled names."""

    def __init__(self, model_path: Path, models: tuple[str, ...] = (MODEL_NAME,)) -> None:
        self.model_path = model_path
        self.models = models
        self.chat_bodies: list[dict[str, Any]] = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fake-ollama", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    # ── the API ───────────────────────────────────────────────────────────────────────────────
    def tags(self) -> dict[str, Any]:
        size = self.model_path.stat().st_size
        return {
            "models": [
                {
                    "name": name,
                    "model": name,
                    "modified_at": "2026-11-26T12:00:00.000000Z",
                    "size": size,
                    "digest": "f" * 64,
                    "details": DETAILS,
                }
                for name in self.models
            ]
        }

    def show(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        name = str(body.get("model") or body.get("name") or "")
        if name not in self.models:
            return 404, {"error": f"model '{name}' not found"}
        return 200, {
            "modelfile": f"FROM {self.model_path}",
            "parameters": 'stop "<end_of_turn>"',
            "template": "{{ .Prompt }}",
            "details": DETAILS,
            "model_info": {"general.architecture": "gemma3", "gemma3.context_length": 32768},
            "capabilities": ["completion", "tools"],
            "modified_at": "2026-11-26T12:00:00.000000Z",
        }

    def chat(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.chat_bodies.append(body)
        name = str(body.get("model") or "")
        if name not in self.models:
            return 404, {"error": f'model "{name}" not found, try pulling it first'}
        options = body.get("options") or {}
        messages = [
            Message(role=m["role"], content=m.get("content") or "")
            for m in body.get("messages") or []
            if m.get("role") in ("system", "user", "assistant", "tool")
        ]
        tools = [
            AgentToolSpec(
                name=t["function"]["name"],
                description=t["function"].get("description", ""),
                parameters=t["function"].get("parameters") or {"type": "object", "properties": {}},
            )
            for t in body.get("tools") or []
        ]
        schema: Any = body.get("format")
        if tools:
            schema = tool_choice_schema(tools)
        model, lock = load_model(
            self.model_path, n_ctx=int(options.get("num_ctx", 2048)), n_threads=None, chat_format="gemma"
        )
        kwargs: dict[str, Any] = {
            "messages": gemma_messages(messages),
            "max_tokens": int(options.get("num_predict", 32)),
            "temperature": float(options.get("temperature", 0.0)),
            "stop": options.get("stop") or None,
        }
        if "seed" in options:
            kwargs["seed"] = int(options["seed"])
        if isinstance(schema, dict):
            kwargs["response_format"] = {"type": "json_object", "schema": schema}
        elif schema == "json":
            kwargs["response_format"] = {"type": "json_object"}
        started = time.perf_counter_ns()
        with lock:
            result = model.create_chat_completion(**kwargs)
        elapsed = time.perf_counter_ns() - started
        choice = result["choices"][0]
        content = choice["message"].get("content") or ""
        message: dict[str, Any] = {"role": "assistant", "content": content}
        if tools:
            try:
                data = json.loads(content)
            except json.JSONDecodeError:
                data = None
            if isinstance(data, dict) and "tool" in data:
                message = {
                    "role": "assistant",
                    "content": "",
                    "tool_calls": [{"function": {"name": data["tool"], "arguments": data.get("arguments") or {}}}],
                }
            elif isinstance(data, dict) and "answer" in data:
                message["content"] = str(data["answer"])
        usage = result.get("usage") or {}
        return 200, {
            "model": name,
            "created_at": _now(),
            "message": message,
            "done": True,
            "done_reason": "length" if choice.get("finish_reason") == "length" else "stop",
            "total_duration": elapsed,
            "load_duration": 0,
            "prompt_eval_count": usage.get("prompt_tokens"),
            "prompt_eval_duration": elapsed // 4,
            "eval_count": usage.get("completion_tokens"),
            "eval_duration": elapsed - elapsed // 4,
        }

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body are separate writes: no 40 ms delayed-ACK stall

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _send(self, status: int, payload: bytes, content_type: str = "application/json") -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self) -> None:
                if self.path == "/api/tags":
                    self._send(200, json.dumps(server.tags()).encode())
                elif self.path == "/":
                    self._send(200, b"Ollama is running", "text/plain")
                else:
                    self._send(404, b'{"error": "not found"}')

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except json.JSONDecodeError as exc:
                    self._send(400, json.dumps({"error": f"invalid JSON: {exc}"}).encode())
                    return
                if self.path == "/api/show":
                    status, answer = server.show(body)
                elif self.path == "/api/chat":
                    status, answer = server.chat(body)
                    if status == 200 and body.get("stream", True):
                        self._stream(answer)
                        return
                else:
                    status, answer = 404, {"error": "not found"}
                self._send(status, json.dumps(answer).encode())

            def _stream(self, final: dict[str, Any]) -> None:
                """ollama's streaming shape: content chunks with done=false, then the counts."""
                message = final["message"]
                chunks = [
                    {
                        "model": final["model"],
                        "created_at": final["created_at"],
                        "message": message,
                        "done": False,
                    },
                    {**final, "message": {"role": "assistant", "content": ""}},
                ]
                payload = b"".join(json.dumps(chunk).encode() + b"\n" for chunk in chunks)
                self._send(200, payload, "application/x-ndjson")

        return Handler
