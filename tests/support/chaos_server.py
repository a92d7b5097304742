"""A loopback OpenAI-compatible server that fails on purpose: the provider-chaos fault injector.

Each ``POST /v1/chat/completions`` draws one outcome from a seeded mix:

=============  ==================================================================================
``ok``         a well-formed completion (text, or JSON satisfying the request's ``response_format``)
``slow``       the same completion, trickled out in small pieces (a slow stream that still arrives)
``rate_limit`` HTTP 429 with ``Retry-After: 0``
``server``     HTTP 500 / 502 / 503 (drawn at random)
``timeout``    no answer until well after the client's read timeout
``truncated``  HTTP 200 whose body stops half-way (Content-Length claims more)
``drop``       the connection is closed without any response
=============  ==================================================================================

The server counts every request it saw and every outcome it served, so a test can check that the
ledger has exactly one row per provider request. ``usage`` is fixed per request, so with a
``price`` in routes.toml the cost of every successful call is known in advance.

Run it standalone for manual soak runs: ``python -m tests.support.chaos_server --port 8799 --seed 1
--mix ok=6,rate_limit=1,server=1,truncated=1``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

OUTCOMES = ("ok", "slow", "rate_limit", "server", "timeout", "truncated", "drop")
CHAT_PATH = "/v1/chat/completions"


@dataclass(frozen=True)
class Served:
    """One chat request as the server saw it, and what it answered."""

    outcome: str
    status: int
    request: dict[str, Any]
    at: float


def example_for(schema: Any, depth: int = 0) -> Any:
    """A small instance that satisfies a JSON schema (enough of it for agent-style schemas)."""
    if not isinstance(schema, dict) or depth > 12:
        return "ok"
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for combinator in ("anyOf", "oneOf"):
        if schema.get(combinator):
            # The last option of agentrunner's tool-choice schema is the plain answer: prefer it.
            return example_for(schema[combinator][-1], depth + 1)
    if schema.get("allOf"):
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            merged.update(part)
        return example_for(merged, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or (kind is None and "properties" in schema):
        properties: dict[str, Any] = schema.get("properties", {})
        return {name: example_for(sub, depth + 1) for name, sub in properties.items()}
    if kind == "array":
        count = int(schema.get("minItems", 1) or 1)
        return [example_for(schema.get("items", {"type": "string"}), depth + 1) for _ in range(count)]
    if kind == "string":
        text = "done"
        return text + "x" * max(0, int(schema.get("minLength", 0)) - len(text))
    if kind == "integer":
        return int(schema.get("minimum", 1))
    if kind == "number":
        return float(schema.get("minimum", 1.0))
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return "ok"


def default_answer(request: dict[str, Any]) -> str:
    """The assistant text: JSON for a response_format, else a short plain answer."""
    response_format = request.get("response_format") or {}
    schema = None
    if response_format.get("type") == "json_schema":
        schema = (response_format.get("json_schema") or {}).get("schema")
    elif response_format.get("type") == "json_object":
        schema = response_format.get("schema") or {"type": "object", "properties": {"answer": {"type": "string"}}}
    if schema is not None:
        return json.dumps(example_for(schema))
    return "Done. The task is complete."


class _QuietServer(ThreadingHTTPServer):
    request_queue_size = 128  # many concurrent clients (a gateway's workers): none left in SYN retries
    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up (killed runs, timeouts) are the point here, not news."""


class ChaosServer:
    """``with ChaosServer(seed=1, mix={"ok": 3, "server": 1}) as server: server.base_url …``"""

    def __init__(
        self,
        *,
        seed: int = 0,
        mix: dict[str, float] | None = None,
        usage: tuple[int, int] | Callable[[dict[str, Any]], tuple[int, int]] = (100, 20),
        ok_delay: float = 0.0,
        timeout_delay: float = 3.0,
        slow_chunk_delay: float = 0.02,
        answer: Callable[[dict[str, Any]], str | dict[str, Any]] = default_answer,
        port: int = 0,
    ) -> None:
        unknown = set(mix or {}) - set(OUTCOMES)
        if unknown:
            raise ValueError(f"unknown outcomes {sorted(unknown)}; known: {OUTCOMES}")
        self.mix = {name: weight for name, weight in (mix or {"ok": 1.0}).items() if weight > 0}
        self.rng = random.Random(seed)
        self.usage = usage
        self.ok_delay = ok_delay
        self.timeout_delay = timeout_delay
        self.slow_chunk_delay = slow_chunk_delay
        self.answer = answer
        # set to an Event by a test: every ok answer waits until it is set (an order, where a delay
        # would only make the order likely); 120 s at most, then it answers anyway
        self.answer_gate: threading.Event | None = None
        self.served: list[Served] = []
        self.other_requests: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = _QuietServer(("127.0.0.1", port), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="chaos-http", daemon=True)
        self._thread.start()

    # ── what tests look at ─────────────────────────────────────────────────────────────────────
    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def counts(self) -> Counter[str]:
        with self._lock:
            return Counter(served.outcome for served in self.served)

    @property
    def chat_requests(self) -> int:
        with self._lock:
            return len(self.served)

    def set_mix(self, mix: dict[str, float]) -> None:
        with self._lock:
            self.mix = {name: weight for name, weight in mix.items() if weight > 0}

    def tier_toml(
        self,
        name: str = "premium",
        *,
        model: str = "chaos-model",
        input_per_mtok: float = 1000.0,
        output_per_mtok: float = 5000.0,
        timeout: float = 1.0,
        max_retries: int = 3,
        max_tokens: int = 32,
    ) -> str:
        """A routes.toml tier pointing at this server, with a known price."""
        return (
            f"[tiers.{name}]\n"
            'provider = "openai"\n'
            f'model = "{model}"\n'
            f'base_url = "{self.base_url}"\n'
            f"timeout = {timeout}\n"
            "connect_timeout = 1.0\n"
            f"max_retries = {max_retries}\n"
            f"max_tokens = {max_tokens}\n"
            "n_ctx = 8192\n"
            f"price = {{ input_per_mtok = {input_per_mtok}, output_per_mtok = {output_per_mtok} }}\n"
        )

    def call_cost(self, input_per_mtok: float = 1000.0, output_per_mtok: float = 5000.0) -> float:
        """What one successful call costs at ``tier_toml``'s default price (fixed usage only)."""
        assert isinstance(self.usage, tuple)
        return (self.usage[0] * input_per_mtok + self.usage[1] * output_per_mtok) / 1_000_000

    # ── lifecycle ──────────────────────────────────────────────────────────────────────────────
    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> ChaosServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ── serving ────────────────────────────────────────────────────────────────────────────────
    def _draw(self, request: dict[str, Any]) -> tuple[str, int]:
        with self._lock:
            names = list(self.mix)
            outcome = self.rng.choices(names, weights=[self.mix[n] for n in names])[0]
            status = {"rate_limit": 429, "server": self.rng.choice((500, 502, 503))}.get(outcome, 200)
            self.served.append(Served(outcome, status, request, time.time()))
        return outcome, status

    def completion(self, request: dict[str, Any]) -> dict[str, Any]:
        prompt, completion = self.usage(request) if callable(self.usage) else self.usage
        answer = self.answer(request)
        # ``answer`` gives the assistant's text, or a whole message (e.g. with tool_calls).
        message = answer if isinstance(answer, dict) else {"role": "assistant", "content": answer}
        finish = "tool_calls" if message.get("tool_calls") else "stop"
        return {
            "id": f"chatcmpl-{len(self.served)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": str(request.get("model", "chaos-model")),
            "choices": [
                {"index": 0, "message": message, "finish_reason": finish}
            ],
            "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion},
        }

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _send(self, status: int, payload: bytes, *, headers: dict[str, str] | None = None,
                      claimed_length: int | None = None, chunk_delay: float = 0.0) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    for key, value in (headers or {}).items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(claimed_length or len(payload)))
                    self.end_headers()
                    if chunk_delay:
                        for start in range(0, len(payload), 64):
                            self.wfile.write(payload[start : start + 64])
                            self.wfile.flush()
                            time.sleep(chunk_delay)
                    else:
                        self.wfile.write(payload)
                    self.wfile.flush()
                    if claimed_length is not None:
                        self.connection.shutdown(socket.SHUT_RDWR)
                        self.close_connection = True
                except (BrokenPipeError, ConnectionResetError, OSError):
                    self.close_connection = True  # the client gave up: expected under chaos

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                with server._lock:
                    server.other_requests[path] += 1
                if path == "/v1/models":
                    body = {"object": "list", "data": [{"id": "chaos-model", "object": "model"}]}
                    self._send(200, json.dumps(body).encode())
                else:
                    self._send(404, b'{"error": {"message": "not found"}}')

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                path = self.path.split("?", 1)[0]
                if path != CHAT_PATH:
                    with server._lock:
                        server.other_requests[path] += 1
                    self._send(404, b'{"error": {"message": "not found"}}')
                    return
                try:
                    request = json.loads(raw or b"{}")
                except ValueError:
                    request = {}
                outcome, status = server._draw(request)
                if outcome == "timeout":
                    server._stopping.wait(server.timeout_delay)
                    self.close_connection = True
                    return
                if outcome == "drop":
                    with contextlib.suppress(OSError):
                        self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                if outcome == "rate_limit":
                    body = {"error": {"message": "rate limited (chaos)", "type": "rate_limit"}}
                    self._send(429, json.dumps(body).encode(), headers={"Retry-After": "0"})
                    return
                if outcome == "server":
                    body = {"error": {"message": f"server error {status} (chaos)", "type": "server_error"}}
                    self._send(status, json.dumps(body).encode())
                    return
                if server.ok_delay:
                    server._stopping.wait(server.ok_delay)
                gate = server.answer_gate
                if gate is not None:
                    gate.wait(120)
                payload = json.dumps(server.completion(request)).encode()
                if outcome == "truncated":
                    self._send(200, payload[: len(payload) // 2], claimed_length=len(payload))
                elif outcome == "slow":
                    self._send(200, payload, chunk_delay=server.slow_chunk_delay)
                else:
                    self._send(200, payload)

        return Handler


def _parse_mix(text: str) -> dict[str, float]:
    mix: dict[str, float] = {}
    for part in filter(None, text.split(",")):
        name, _, weight = part.partition("=")
        mix[name.strip()] = float(weight or 1)
    return mix


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--mix", default="ok=1")
    args = parser.parse_args()
    server = ChaosServer(seed=args.seed, mix=_parse_mix(args.mix), port=args.port)
    print(f"chaos server on {server.base_url} mix={server.mix}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
