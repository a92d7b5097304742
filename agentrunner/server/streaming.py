"""Streaming responses (server-sent events) fed from a :class:`~.calls.ServedStream`.

Each protocol supplies a :class:`StreamEncoder` (its event format); :class:`DeltaStreamResponse`
pulls deltas in a worker thread (providers are synchronous), encodes and sends them. However the
response ends — finished, the client gone (a failed send, or ``http.disconnect`` between deltas),
the upstream broken mid-stream — the served stream is closed, which writes its ledger row (partial
when unfinished) and releases its budget reservation.
"""

from __future__ import annotations

import logging
from typing import Protocol

import anyio
from anyio import to_thread
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from ..chat import ChatDelta
from .calls import ServedStream
from .errors import ApiError

log = logging.getLogger(__name__)

SSE_HEADERS = {"cache-control": "no-cache", "x-accel-buffering": "no"}


class StreamEncoder(Protocol):
    """A protocol's event format for one streamed answer."""

    def start(self) -> bytes:
        """Bytes before the first delta (e.g. Anthropic's message_start; may be empty)."""
        ...

    def delta(self, delta: ChatDelta) -> bytes:
        """The events for one delta (may be empty: e.g. usage held back for the end)."""
        ...

    def end(self, stream: ServedStream) -> bytes:
        """The closing events (finish reason, usage, ``[DONE]``), after the last delta."""
        ...

    def error(self, error: ApiError) -> bytes:
        """An error event for an upstream failure after the response started."""
        ...


def sse(data: str, event: str | None = None) -> bytes:
    """One server-sent event. ``data`` must be one line (JSON is)."""
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {data}\n\n".encode()


_END = object()


def _next_delta(stream: ServedStream) -> object:
    return next(stream, _END)


class DeltaStreamResponse(Response):
    media_type = "text/event-stream"

    def __init__(self, stream: ServedStream, encoder: StreamEncoder, headers: dict[str, str] | None = None) -> None:
        self.stream = stream
        self.encoder = encoder
        self.status_code = 200
        self.background = None
        self.init_headers({**SSE_HEADERS, **(headers or {})})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        gone = anyio.Event()

        async def watch_disconnect() -> None:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    gone.set()
                    return

        try:
            async with anyio.create_task_group() as group:
                group.start_soon(watch_disconnect)
                try:
                    await self._pump(send, gone)
                except OSError:
                    pass  # the client went away mid-send: the stream is closed below, its row partial
                finally:
                    group.cancel_scope.cancel()
        finally:
            # Not cancellable: the row must be written even when the server is shutting down.
            with anyio.CancelScope(shield=True):
                await to_thread.run_sync(self.stream.close)

    async def _pump(self, send: Send, gone: anyio.Event) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        prologue = self.encoder.start()
        if prologue:
            await send({"type": "http.response.body", "body": prologue, "more_body": True})
        while not gone.is_set():
            try:
                item = await to_thread.run_sync(_next_delta, self.stream)
            except ApiError as error:
                await send({"type": "http.response.body", "body": self.encoder.error(error), "more_body": False})
                return
            if item is _END:
                break
            assert isinstance(item, ChatDelta)
            chunk = self.encoder.delta(item)
            if chunk and not gone.is_set():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        if gone.is_set():
            return
        await send({"type": "http.response.body", "body": self.encoder.end(self.stream), "more_body": False})
