"""A loopback OpenAI-compatible server with K parallel slots that answers after a fixed latency.

What a served model looks like to a replay (vLLM, llama.cpp's server with ``--parallel``, ollama
with ``OLLAMA_NUM_PARALLEL``) without the model: at most ``slots`` requests are answered at once,
each after ``latency`` seconds; more wait in line. asyncio, so thousands of keep-alive connections
cost nothing and the server's own CPU time stays far below the replay's.

It counts what it saw: requests per model, the most in flight at once, the arrival time of every
request (``GET /stats`` returns them as JSON), and it can answer the first ``fail_first`` chat
requests with HTTP 429 and ``Retry-After: retry_after`` (the rate-limit tests). ``log_bytes``
prints a line of that size to stdout per answered request, blocking its event loop while it writes,
as ``llama_cpp.server`` (uvicorn's access log, llama.cpp's timings: ~590 bytes a request) does.
``hold_after`` N answers N chat requests, then holds every later one (``held`` counts them) until
:meth:`release`: a replay stopped at a known point, for a kill test ordered by events, not timing.

In a test: ``with SlotServer(latency=0.05, slots=4) as server: server.base_url``. As a process (the
benchmark, the kill test): ``python -m tests.support.slot_server --latency 0.05 --slots 32`` prints
``PORT <n>`` once it listens.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

from agentrunner.chat import ChatRequest, Message

PROMPT_TOKENS = 60
COMPLETION_TOKENS = 12


class SlotServer:
    def __init__(
        self, *, latency: float = 0.05, slots: int = 4, fail_first: int = 0, retry_after: float = 1.0,
        port: int = 0, log_bytes: int = 0, hold_after: int = 0,
    ) -> None:
        self.latency = latency
        self.slots = slots
        self.fail_first = fail_first
        self.retry_after = retry_after
        self.port = port
        self.log_bytes = log_bytes
        self.hold_after = hold_after  # 0: hold nothing
        self.held = 0
        self._release: asyncio.Event | None = None
        self.calls: Counter[str] = Counter()
        self.requests = 0
        self.gets = 0  # GET requests (availability probes: /models)
        self.in_flight = 0
        self.max_in_flight = 0
        self.arrivals: list[tuple[float, int]] = []  # (monotonic time, status) per chat request
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._server: asyncio.base_events.Server | None = None
        self._main: asyncio.Task[None] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    # -- the protocol ------------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        return {
            "requests": self.requests, "calls": dict(self.calls), "max_in_flight": self.max_in_flight,
            "arrivals": self.arrivals,
        }

    async def _answer(
        self, body: dict[str, Any], semaphore: asyncio.Semaphore
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        model = str(body.get("model"))
        self.requests += 1
        if self.requests <= self.fail_first:
            self.arrivals.append((time.monotonic(), 429))
            return 429, {"error": {"message": "slow down", "type": "rate_limit"}}, {
                "Retry-After": f"{self.retry_after:g}"
            }
        self.arrivals.append((time.monotonic(), 200))
        self.calls[model] += 1
        if self.hold_after and self.requests > self.hold_after:
            if self._release is None:
                self._release = asyncio.Event()
            self.held += 1
            await self._release.wait()
        self.in_flight += 1  # open requests (waiting for a slot or answering): the client's concurrency
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            async with semaphore:
                await asyncio.sleep(self.latency)
        finally:
            self.in_flight -= 1
        if self.log_bytes:
            print(f"request {self.requests} answered ".ljust(self.log_bytes - 1, "."), flush=True)
        users = [m.get("content") or "" for m in body.get("messages") or [] if m.get("role") == "user"]
        text = f"{model}: {users[-1] if users else ''}".upper()
        return 200, {
            "id": "chatcmpl-slot", "object": "chat.completion", "created": 0, "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": PROMPT_TOKENS, "completion_tokens": COMPLETION_TOKENS,
                      "total_tokens": PROMPT_TOKENS + COMPLETION_TOKENS},
        }, {}

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                          semaphore: asyncio.Semaphore) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, path, _ = lines[0].split(" ", 2)
                pairs = (line.partition(":") for line in lines[1:] if line)
                headers = {key.strip().lower(): value.strip() for key, _, value in pairs}
                body_bytes = await reader.readexactly(int(headers.get("content-length") or 0))
                extra: dict[str, str] = {}
                if method == "GET" and path.endswith("/stats"):
                    status, payload = 200, self.stats()
                elif method == "GET":
                    self.gets += 1
                    status, payload = 200, {"object": "list", "data": [{"id": "slot-model", "object": "model"}]}
                else:
                    status, payload, extra = await self._answer(json.loads(body_bytes or b"{}"), semaphore)
                data = json.dumps(payload).encode()
                reason = {200: "OK", 429: "Too Many Requests"}.get(status, "Error")
                header = [f"HTTP/1.1 {status} {reason}", "Content-Type: application/json",
                          f"Content-Length: {len(data)}", *(f"{k}: {v}" for k, v in extra.items())]
                writer.write(("\r\n".join(header) + "\r\n\r\n").encode() + data)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ValueError, asyncio.CancelledError):
            pass  # the client went away, or the server stops
        finally:
            writer.close()

    async def _serve(self) -> None:
        semaphore = asyncio.Semaphore(self.slots)
        self._server = await asyncio.start_server(
            lambda r, w: self._connection(r, w, semaphore), "127.0.0.1", self.port, backlog=1024
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        async with self._server:
            await self._server.serve_forever()

    def release(self) -> None:
        """Answer the held requests (their clients may be gone) and hold no more."""
        self.hold_after = 0
        if self._loop is not None and self._release is not None:
            self._loop.call_soon_threadsafe(self._release.set)

    # -- in a thread (tests) -----------------------------------------------------------------------

    def __enter__(self) -> SlotServer:
        self._loop = asyncio.new_event_loop()

        def run() -> None:
            assert self._loop is not None
            asyncio.set_event_loop(self._loop)
            self._main = self._loop.create_task(self._serve())
            try:
                self._loop.run_until_complete(self._main)
            except asyncio.CancelledError:
                pass
            finally:
                rest = asyncio.all_tasks(self._loop)
                for task in rest:
                    task.cancel()
                self._loop.run_until_complete(asyncio.gather(*rest, return_exceptions=True))
                self._loop.close()

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None and self._main is not None:
            self._loop.call_soon_threadsafe(self._main.cancel)
        if self._thread is not None:
            self._thread.join(timeout=5)


def history_rows(count: int, *, duplicates_every: int = 7) -> Iterator[dict[str, Any]]:
    """Originals on a big model; every ``duplicates_every``-th prompt repeats an earlier one (0: none)."""
    for number in range(count):
        topic = number - 3 if duplicates_every and number % duplicates_every == 6 else number
        prompt = f"Summarise note {topic}"
        request = ChatRequest(messages=[Message(role="user", content=prompt)], max_tokens=32)
        ts = f"2026-11-01T10:{number // 60:02d}:{number % 60:02d}.000000Z"
        yield {
            "id": f"O{number:05d}", "ts_start": ts, "ts_end": ts, "tier": "big", "provider": "openai",
            "model": "big", "request_json": json.dumps({"model": "big", **request.canonical()}),
            "request_hash": request.request_hash(),
            "response_text": f"SLOT-SMALL: {prompt}".upper() if number % 3 else "something else",
            "finish_reason": "stop", "input_tokens": 60, "output_tokens": 12, "cost_usd": 0.001,
            "latency_ms": 500.0, "status": "ok", "step_kind": "act", "task_id": f"t{number // 4}",
        }



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--slots", type=int, default=4)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--log-bytes", type=int, default=0, help="print a line of this size per request")
    args = parser.parse_args()
    server = SlotServer(latency=args.latency, slots=args.slots, port=args.port, log_bytes=args.log_bytes)

    async def announce() -> None:
        task = asyncio.create_task(server._serve())
        while not server._ready.is_set():
            await asyncio.sleep(0.01)
        print(f"PORT {server.port}", flush=True)
        await task

    asyncio.run(announce())


if __name__ == "__main__":
    main()
