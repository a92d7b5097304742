"""A real HTTP server on 127.0.0.1 that answers from a script: the fault server of the provider tests.

Each request to a path takes the next queued :class:`Reply` for that path (or the path's default
reply once the queue is empty), so a test can say "429 with Retry-After: 7, then 200" and watch
the real SDK and the gateway deal with it over a real socket. Every request is recorded.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    status: int = 200
    body: Any = b""  # bytes are sent as they are; str as UTF-8; anything else as JSON
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (read timeouts)
    drop: bool = False  # close the connection without a response (reset mid-request)
    content_length: int | None = None  # claim a length other than the body's (cut-off bodies)
    # A streamed body (SSE): these pieces in chunked encoding, ``stream_delay`` seconds apart; with
    # ``cut`` the connection closes after them without the final chunk (a stream broken mid-way).
    stream: list[bytes] | None = None
    stream_delay: float = 0.0
    cut: bool = False

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body).encode("utf-8")


@dataclass
class Seen:
    """One request as the server got it (header names lower-cased)."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")


class ScriptedServer:
    """``with ScriptedServer() as server: server.queue("/v1/chat/completions", Reply(429), Reply(200, …))``"""

    def __init__(self, defaults: dict[str, Reply] | None = None, *, port: int = 0) -> None:
        self.defaults: dict[str, Reply] = dict(defaults or {})
        self.queues: dict[str, deque[Reply]] = defaultdict(deque)
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="scripted-http", daemon=True
        )
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def queue(self, path: str, *replies: Reply) -> None:
        with self._lock:
            self.queues[path].extend(replies)

    def requests_to(self, path: str) -> list[Seen]:
        with self._lock:
            return [seen for seen in self.seen if seen.path == path]

    def next_reply(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Reply:
        with self._lock:
            self.seen.append(Seen(method, path, headers, body))
            if self.queues[path]:
                return self.queues[path].popleft()
            reply = self.defaults.get(path)
        return reply or Reply(404, {"error": f"no scripted reply for {method} {path}"})

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> ScriptedServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body are separate writes: no 40 ms delayed-ACK stall

            def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path = self.path.split("?", 1)[0]
                reply = server.next_reply(self.command, path, {k.lower(): v for k, v in self.headers.items()}, body)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.drop:
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                if reply.stream is not None:
                    self._stream(reply)
                    return
                payload = reply.payload()
                try:
                    self.send_response(reply.status)
                    headers = {"Content-Type": "application/json", **reply.headers}
                    for key, value in headers.items():
                        self.send_header(key, value)
                    length_header = reply.content_length if reply.content_length is not None else len(payload)
                    self.send_header("Content-Length", str(length_header))
                    self.end_headers()
                    self.wfile.write(payload)
                    self.wfile.flush()
                    if reply.content_length is not None:
                        self.close_connection = True
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client gave up (its timeout): expected

            def _stream(self, reply: Reply) -> None:
                try:
                    self.send_response(reply.status)
                    headers = {"Content-Type": "text/event-stream", **reply.headers, "Transfer-Encoding": "chunked"}
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    for piece in reply.stream or []:
                        self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                        self.wfile.flush()
                        if reply.stream_delay:
                            time.sleep(reply.stream_delay)
                    if reply.cut:
                        self.connection.shutdown(socket.SHUT_RDWR)
                    else:
                        self.wfile.write(b"0\r\n\r\n")
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client went away mid-stream: what some tests are about
                self.close_connection = True

            do_GET = _serve
            do_POST = _serve

        return Handler


def free_port() -> int:
    """A port nothing listens on (bound, then closed): connecting to it is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
