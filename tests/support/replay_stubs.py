"""A scripted OpenAI-compatible peer on 127.0.0.1 for the replay tests.

It speaks the real Chat Completions wire format to the real ``openai`` SDK (through agentrunner's
openai provider and the gateway), and answers from a Python function of (model, messages), so a
test knows exactly what each model says and how many tokens it reports. Every request is counted
per model: that is how the tests see whether a provider was called at all. It is a scripted peer,
not a language model: the tests that need real inference use the embedded llama.cpp model.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Responder = Callable[[str, list[dict[str, Any]]], str | None]  # None: answer HTTP 400

PROMPT_TOKENS = 100
COMPLETION_TOKENS = 10


def echo_last_user(model: str, messages: list[dict[str, Any]]) -> str:
    users = [m.get("content") or "" for m in messages if m.get("role") == "user"]
    return f"{model}: {users[-1] if users else ''}"


class StubOpenAI:
    def __init__(self, responder: Responder = echo_last_user) -> None:
        self.responder = responder
        self.calls: Counter[str] = Counter()
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> StubOpenAI:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _send(self, body: dict[str, Any], status: int = 200) -> None:
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self) -> None:
                self._send({"object": "list", "data": []})

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                model = str(body.get("model"))
                with stub._lock:
                    stub.calls[model] += 1
                    stub.requests.append(body)
                text = stub.responder(model, body.get("messages") or [])
                if text is None:
                    self._send({"error": {"message": "refused by the script", "type": "invalid_request"}}, 400)
                    return
                self._send(
                    {
                        "id": "chatcmpl-stub",
                        "object": "chat.completion",
                        "created": 0,
                        "model": model,
                        "choices": [
                            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
                        ],
                        "usage": {
                            "prompt_tokens": PROMPT_TOKENS,
                            "completion_tokens": COMPLETION_TOKENS,
                            "total_tokens": PROMPT_TOKENS + COMPLETION_TOKENS,
                        },
                    }
                )

        return Handler


def stub_tier(name: str, base_url: str, model: str, *, input_per_mtok: float, output_per_mtok: float) -> str:
    """A routes.toml tier table for a model of the stub, priced by tokens."""
    return f"""
[tiers.{name}]
provider = "openai"
model = "{model}"
base_url = "{base_url}"
max_tokens = 64
max_retries = 0
price = {{ input_per_mtok = {input_per_mtok}, output_per_mtok = {output_per_mtok} }}
"""


def call_cost(input_per_mtok: float, output_per_mtok: float) -> float:
    return (PROMPT_TOKENS * input_per_mtok + COMPLETION_TOKENS * output_per_mtok) / 1_000_000
