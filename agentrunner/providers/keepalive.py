"""A lean keep-alive HTTP/1.1 client for one upstream origin: JSON POSTs and SSE streams.

The gateway's hot path calls an OpenAI-compatible upstream hundreds of times a second. Through the
openai SDK's client (httpx2 → httpcore2: a pool guarded by locks and conditions, request and
response models, event hooks) a call cost ~1.5 ms of CPU, half of the gateway's whole budget per
request. This client is the standard library's :mod:`http.client` over a pool of persistent
connections: a call costs a fraction of that.

What it keeps from the SDK's behaviour (the provider maps its errors the same way, so a caller sees
no difference): the connect timeout and the per-read timeout; no retries of its own (the gateway
retries, every attempt a ledger row); HTTPS with certifi's CA bundle (httpx's default); the
response status, headers and body as sent. What it leaves to the SDK: proxies (a tier whose
upstream would go through ``HTTP(S)_PROXY`` uses the SDK, see :func:`proxied`).

A pooled connection the server has closed while idle (keep-alive timeout) is noticed before it is
used (readable socket) and dropped, so no request is sent on a dead connection.
"""

from __future__ import annotations

import http.client
import select
import socket
import ssl
import threading
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_IDLE = 64  # idle connections kept per origin (the gateway's worker threads are fewer)


class UpstreamTimeout(Exception):
    """Connecting, sending or reading took longer than the timeout."""


class UpstreamUnreachable(Exception):
    """The request could not be made or its answer not read: refused, reset, closed, cut short."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(f"{type(cause).__name__}: {cause}" if str(cause) else type(cause).__name__)


@dataclass
class Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes


def proxied(base_url: str) -> bool:
    """True when the environment sends requests for ``base_url`` through a proxy (httpx honours
    ``HTTP_PROXY``/``HTTPS_PROXY``/``ALL_PROXY`` and ``NO_PROXY``; this client does not)."""
    parts = urlsplit(base_url)
    proxies = urllib.request.getproxies()
    if not (proxies.get(parts.scheme) or proxies.get("all")):
        return False
    return not urllib.request.proxy_bypass(parts.hostname or "")


def _tls_context() -> ssl.SSLContext:
    try:
        import certifi

        return ssl.create_default_context(cafile=certifi.where())
    except ImportError:  # pragma: no cover - certifi comes with httpx
        return ssl.create_default_context()


class KeepAliveClient:
    """Persistent connections to the origin of ``base_url``; thread-safe (one connection per
    request in flight, returned to the pool when its answer has been read)."""

    def __init__(
        self, base_url: str, *, headers: Mapping[str, str], timeout: float, connect_timeout: float
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {base_url!r}")
        self.https = parts.scheme == "https"
        self.host = parts.hostname
        self.port = parts.port or (443 if self.https else 80)
        self.prefix = parts.path.rstrip("/")
        self.headers = {"Content-Type": "application/json", "Accept": "application/json", **headers}
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self._idle: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()
        self._tls = _tls_context() if self.https else None

    # ── connections ────────────────────────────────────────────────────────────────────────────
    def _connect(self) -> http.client.HTTPConnection:
        connection: http.client.HTTPConnection
        if self._tls is not None:
            connection = http.client.HTTPSConnection(
                self.host, self.port, timeout=self.connect_timeout, context=self._tls
            )
        else:
            connection = http.client.HTTPConnection(self.host, self.port, timeout=self.connect_timeout)
        try:
            connection.connect()
        except TimeoutError as exc:
            raise UpstreamTimeout(f"connecting: {exc}") from None
        except OSError as exc:
            raise UpstreamUnreachable(exc) from None
        assert connection.sock is not None
        connection.sock.settimeout(self.timeout)  # from now on: the per-read timeout
        connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection

    def _checkout(self) -> http.client.HTTPConnection:
        while True:
            with self._lock:
                connection = self._idle.pop() if self._idle else None
            if connection is None:
                return self._connect()
            sock = connection.sock
            # An idle connection must have nothing to read: readable means the server closed it.
            # (poll, not select: a busy gateway's descriptors go past select's limit of 1024.)
            if sock is not None:
                idle = select.poll()
                idle.register(sock, select.POLLIN)
                if not idle.poll(0):
                    return connection
            connection.close()

    def _checkin(self, connection: http.client.HTTPConnection) -> None:
        with self._lock:
            if len(self._idle) < MAX_IDLE:
                self._idle.append(connection)
                return
        connection.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()

    # ── requests ───────────────────────────────────────────────────────────────────────────────
    def _send(
        self, path: str, body: bytes, accept: str | None
    ) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
        connection = self._checkout()
        headers = self.headers if accept is None else {**self.headers, "Accept": accept}
        try:
            connection.request("POST", self.prefix + path, body=body, headers=headers)
            return connection, connection.getresponse()
        except BaseException as exc:
            connection.close()
            raise _translated(exc) from None

    def post(self, path: str, body: bytes) -> Answer:
        """POST ``body`` (JSON) and read the whole answer, whatever its status."""
        connection, response = self._send(path, body, None)
        try:
            data = response.read()
        except BaseException as exc:
            connection.close()
            raise _translated(exc) from None
        answer = Answer(response.status, _headers(response), data)
        if response.will_close:
            connection.close()
        else:
            self._checkin(connection)
        return answer

    def open_stream(self, path: str, body: bytes) -> Stream:
        """POST ``body`` and return the response unread: an error status's body is read whole
        (``Stream.error``), a success is read line by line with :meth:`Stream.lines`."""
        connection, response = self._send(path, body, "text/event-stream")
        if response.status >= 400:
            try:
                data = response.read()
            except BaseException as exc:
                connection.close()
                raise _translated(exc) from None
            connection.close()
            return Stream(self, connection, response, Answer(response.status, _headers(response), data))
        return Stream(self, connection, response, None)


class Stream:
    """An answer read as it arrives. ``close()`` it always: a stream read to its end gives its
    connection back to the pool, one closed early closes it (the upstream sees the client go)."""

    def __init__(
        self,
        client: KeepAliveClient,
        connection: http.client.HTTPConnection,
        response: http.client.HTTPResponse,
        error: Answer | None,
    ) -> None:
        self.error = error
        self.status = response.status
        self._client = client
        self._connection: http.client.HTTPConnection | None = connection
        self._response = response

    def lines(self) -> Iterator[bytes]:
        """The body's lines (without line endings) until it ends; transport failures raise
        :class:`UpstreamTimeout` / :class:`UpstreamUnreachable`."""
        response = self._response
        while True:
            try:
                line = response.readline()
            except BaseException as exc:
                self._drop()
                raise _translated(exc) from None
            if not line:
                return
            yield line.rstrip(b"\r\n")

    def finish(self) -> None:
        """The caller has what it needs (``[DONE]``): read what is left (the chunked body's end)
        so the connection can be reused."""
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            self._response.read()
        except BaseException:
            connection.close()
            return
        if self._response.will_close:
            connection.close()
        else:
            self._client._checkin(connection)

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()

    def close(self) -> None:
        self._drop()


def _headers(response: http.client.HTTPResponse) -> dict[str, str]:
    return {key.lower(): value for key, value in response.getheaders()}


def _translated(exc: BaseException) -> BaseException:
    if isinstance(exc, UpstreamTimeout | UpstreamUnreachable):
        return exc
    if isinstance(exc, TimeoutError):
        return UpstreamTimeout(str(exc) or "timed out")
    if isinstance(exc, OSError | http.client.HTTPException):
        return UpstreamUnreachable(exc)
    return exc


__all__ = ["Answer", "KeepAliveClient", "Stream", "UpstreamTimeout", "UpstreamUnreachable", "proxied"]
