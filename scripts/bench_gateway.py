"""Benchmark: what ``agentrunner serve`` adds on top of an instant upstream, in one run.

An OpenAI-compatible upstream that answers at once (a raw asyncio HTTP/1.1 server in its own
process, a fixed chat completion or a four-event SSE stream) is called directly and through the
gateway (``agentrunner serve`` in its own process: real key authentication, a routed tier, budget
reservations against global, user, team and key caps, and one ledger row per request). The load
comes from a raw asyncio HTTP/1.1 client with keep-alive connections (so the client costs little
of the two cores), in this process:

- **latency**: one request at a time, alternating direct and gateway; the gateway's added latency
  is p50(gateway) − p50(direct) and p99(gateway) − p99(direct) (targets ≤ 2 ms / ≤ 10 ms);
- **ttfb**: the same for streaming, to the first byte of the body (target ≤ 5 ms overhead);
- **throughput**: ``--concurrency`` connections for ``--requests`` requests through the gateway:
  requests/s (target ≥ 500), ledger rows added (must equal the requests), the gateway's RSS at the
  start and the end (and every tenth of the way: memory must stay flat);
- **litellm** (``--litellm /work/litellm-venv/bin/litellm``): LiteLLM's proxy on the same upstream,
  the same latency, ttfb and throughput phases (it keeps no ledger).

    python scripts/bench_gateway.py                # the full run (100k requests through the gateway)
    python scripts/bench_gateway.py --quick        # a smoke run for CI: a few hundred requests
    python scripts/bench_gateway.py --only latency,ttfb --litellm /work/litellm-venv/bin/litellm

Run it alone (``flock /work/cpu.lock``): the figures are only meaningful on an idle machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

MODEL = "bench-model"
ANSWER = "Hello from the instant upstream."

# ── the instant upstream ─────────────────────────────────────────────────────────────────────


def _completion_body() -> bytes:
    return json.dumps(
        {
            "id": "chatcmpl-bench",
            "object": "chat.completion",
            "created": 1700000000,
            "model": MODEL,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": ANSWER}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 12, "completion_tokens": 7, "total_tokens": 19},
        }
    ).encode()


def _stream_body() -> bytes:
    def chunk(delta: dict[str, object], finish: str | None = None, usage: dict[str, int] | None = None) -> bytes:
        choices = [] if usage else [{"index": 0, "delta": delta, "finish_reason": finish}]
        event: dict[str, object] = {
            "id": "chatcmpl-bench",
            "object": "chat.completion.chunk",
            "created": 1700000000,
            "model": MODEL,
            "choices": choices,
        }
        if usage:
            event["usage"] = usage
        return b"data: " + json.dumps(event).encode() + b"\n\n"

    return b"".join(
        [
            chunk({"role": "assistant", "content": ""}),
            chunk({"content": ANSWER}),
            chunk({}, "stop"),
            chunk({}, usage={"prompt_tokens": 12, "completion_tokens": 7, "total_tokens": 19}),
            b"data: [DONE]\n\n",
        ]
    )


class _Upstream(asyncio.Protocol):
    """HTTP/1.1 keep-alive, just enough: reads a request by Content-Length, answers at once."""

    COMPLETION = _completion_body()
    STREAM = _stream_body()
    MODELS = json.dumps({"object": "list", "data": [{"id": MODEL, "object": "model"}]}).encode()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].decode("latin-1")
            length = 0
            for line in head.split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            if len(self.buffer) < end + 4 + length:
                return
            body = self.buffer[end + 4 : end + 4 + length]
            self.buffer = self.buffer[end + 4 + length :]
            self.respond(head.split(" ", 2)[1], body)

    def respond(self, path: str, body: bytes) -> None:
        transport = self.transport
        if path.endswith("/models"):
            payload, kind = self.MODELS, b"application/json"
        elif b'"stream": true' in body or b'"stream":true' in body:
            payload, kind = self.STREAM, b"text/event-stream"
        else:
            payload, kind = self.COMPLETION, b"application/json"
        transport.write(  # type: ignore[attr-defined]
            b"HTTP/1.1 200 OK\r\ncontent-type: "
            + kind
            + b"\r\ncontent-length: "
            + str(len(payload)).encode()
            + b"\r\nconnection: keep-alive\r\n\r\n"
            + payload
        )


def run_upstream(port: int) -> None:
    async def serve() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(_Upstream, "127.0.0.1", port, backlog=1024)
        print(f"upstream ready {server.sockets[0].getsockname()[1]}", flush=True)
        await server.serve_forever()

    asyncio.run(serve())


# ── a small HTTP/1.1 client ──────────────────────────────────────────────────────────────────


@dataclass
class Reply:
    status: int
    ttfb: float  # seconds from sending to the first byte of the body
    total: float  # seconds from sending to the end of the body
    body: bytes


class Connection:
    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        sock = self.writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    async def send(self, raw: bytes) -> Reply:
        if self.writer is None or self.writer.is_closing():
            await self.open()
        assert self.reader is not None and self.writer is not None
        start = time.perf_counter()
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        body = b""
        ttfb = 0.0
        if headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readline()
                    break
                data = await self.reader.readexactly(size + 2)
                if not ttfb:
                    ttfb = time.perf_counter() - start
                parts.append(data[:-2])
            body = b"".join(parts)
        else:
            length = int(headers.get("content-length", "0"))
            body = await self.reader.readexactly(length) if length else b""
            ttfb = time.perf_counter() - start
        total = time.perf_counter() - start
        if headers.get("connection", "").lower() == "close":
            self.writer.close()
        return Reply(status, ttfb or total, total, body)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def http_request(path: str, body: dict[str, object], token: str | None) -> bytes:
    payload = json.dumps(body).encode()
    auth = f"authorization: Bearer {token}\r\n" if token else ""
    return (
        f"POST {path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
        f"user-agent: bench_gateway/1\r\n{auth}content-length: {len(payload)}\r\n\r\n"
    ).encode() + payload


def chat_body(model: str, *, stream: bool) -> dict[str, object]:
    body: dict[str, object] = {
        "model": model,
        "messages": [
            {"role": "system", "content": "You are a terse assistant."},
            {"role": "user", "content": "Say hello in one short sentence, please."},
        ],
        "max_tokens": 64,
    }
    if stream:
        body["stream"] = True
        body["stream_options"] = {"include_usage": True}
    return body


@dataclass
class Target:
    name: str
    port: int
    model: str
    token: str | None
    path: str = "/v1/chat/completions"
    pid: int | None = None

    def request(self, *, stream: bool) -> bytes:
        return http_request(self.path, chat_body(self.model, stream=stream), self.token)


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def alternate(targets: Sequence[Target], count: int, *, stream: bool) -> dict[str, list[float]]:
    """``count`` requests to each target, one at a time, alternating (drift hits all alike)."""
    connections = {target.name: Connection(target.port) for target in targets}
    raws = {target.name: target.request(stream=stream) for target in targets}
    times: dict[str, list[float]] = {target.name: [] for target in targets}
    for target in targets:  # warm-up: connections, caches, the first-request costs
        for _ in range(min(50, count)):
            await connections[target.name].send(raws[target.name])
    for _ in range(count):
        for target in targets:
            reply = await connections[target.name].send(raws[target.name])
            if reply.status != 200:
                raise SystemExit(f"{target.name}: HTTP {reply.status}: {reply.body[:300]!r}")
            times[target.name].append(reply.ttfb if stream else reply.total)
    for connection in connections.values():
        connection.close()
    return times


@dataclass
class Soak:
    requests: int
    seconds: float
    errors: int
    rss_kib: list[int] = field(default_factory=list)
    cpu_s: float = 0.0  # the server's CPU time during the run
    client_cpu_s: float = 0.0  # this process's (the load generator's)
    upstream_cpu_s: float = 0.0  # the instant upstream's

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


async def soak(
    target: Target, total: int, concurrency: int, *, pids: Sequence[int], upstream_pid: int = 0
) -> Soak:
    raw = target.request(stream=False)
    sent = 0
    errors = 0
    marks = [total * step // 10 for step in range(1, 11)]
    rss: list[int] = [rss_kib(pids)]
    done = 0

    async def worker() -> None:
        nonlocal sent, errors, done
        connection = Connection(target.port)
        while sent < total:
            sent += 1
            reply = await connection.send(raw)
            if reply.status != 200:
                errors += 1
            done += 1
            if marks and done >= marks[0]:
                marks.pop(0)
                rss.append(rss_kib(pids))
        connection.close()

    cpu_before, up_before, own_before = cpu_seconds(pids), cpu_seconds([upstream_pid]), time.process_time()
    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    seconds = time.perf_counter() - start
    return Soak(
        done, seconds, errors, rss, cpu_seconds(pids) - cpu_before,
        time.process_time() - own_before, cpu_seconds([upstream_pid]) - up_before,
    )


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU time of these processes and their descendants so far."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    todo, seen = list(pids), set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            continue
        todo.extend(int(child) for child in children)
    return total


def rss_kib(pids: Sequence[int]) -> int:
    """Resident memory of these processes and all their descendants (uvicorn workers), in KiB."""
    total = 0
    seen: set[int] = set()
    todo = list(pids)
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            continue
        todo.extend(int(child) for child in children)
    return total


# ── processes ────────────────────────────────────────────────────────────────────────────────


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(port: int, path: str, timeout: float = 60.0, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise SystemExit(f"the server on port {port} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(f"GET {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n".encode())
                if sock.recv(64).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"nothing answered GET {path} on port {port} within {timeout:.0f} s")


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


ROUTES = """
[tiers.up]
provider = "openai"
model = "{model}"
base_url = "http://127.0.0.1:{port}/v1"
api_key_env = "BENCH_UPSTREAM_KEY"
max_tokens = 256
price = {{ input_per_mtok = 3.0, output_per_mtok = 15.0 }}

[budgets]
daily_usd = 100000.0
monthly_usd = 1000000.0
per_user_daily_usd = 10000.0
per_team_monthly_usd = 100000.0

[budgets.users.bench]
monthly_usd = 100000.0

[ledger]
user = "bench"
synchronous = "{synchronous}"
"""


def gateway_setup(
    work: Path, upstream_port: int, *, with_key: bool = True, synchronous: str = "full"
) -> tuple[dict[str, str], str | None]:
    """routes.toml, a data dir and a key with its own caps; returns the environment and the key."""
    (work / "routes.toml").write_text(
        ROUTES.format(model=MODEL, port=upstream_port, synchronous=synchronous), "utf-8"
    )
    env = {
        **os.environ,
        "AGENTRUNNER_CONFIG": str(work / "routes.toml"),
        "AGENTRUNNER_DIR": str(work / "data"),
        "BENCH_UPSTREAM_KEY": "sk-bench-not-a-real-key",
    }
    if not with_key:
        return env, None
    made = subprocess.run(
        [
            sys.executable,
            "-m",
            "agentrunner",
            "keys",
            "create",
            "--user",
            "bench",
            "--team",
            "perf",
            "--daily-usd",
            "10000",
            "--monthly-usd",
            "100000",
            "--name",
            "bench",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return env, made.stdout.strip().splitlines()[0]


def gateway_rows(work: Path) -> int:
    with sqlite3.connect(work / "data" / "ledger.db") as conn:
        return int(conn.execute("SELECT count(*) FROM calls WHERE source = 'gateway'").fetchone()[0])


LITELLM_KEY = "sk-bench-" + "3f9c1e7a5b2d4086" * 2  # its master key: both proxies check a key per request
LITELLM_CONFIG = """
model_list:
  - model_name: {model}
    litellm_params:
      model: openai/{model}
      api_base: http://127.0.0.1:{port}/v1
      api_key: sk-bench-not-a-real-key
litellm_settings:
  drop_params: true
"""


# ── the run ──────────────────────────────────────────────────────────────────────────────────


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.2f} ms"


def report_latency(title: str, times: dict[str, list[float]], base: str, target_p50: float, target_p99: float) -> None:
    print(f"\n{title} ({len(times[base])} requests each, one at a time)")
    print(f"  {'':14} {'p50':>10} {'p99':>10} {'added p50':>10} {'added p99':>10}")
    for name, values in times.items():
        p50, p99 = percentile(values, 0.5), percentile(values, 0.99)
        added = ""
        if name != base:
            a50 = p50 - percentile(times[base], 0.5)
            a99 = p99 - percentile(times[base], 0.99)
            added = f"{ms(a50)} {ms(a99)}"
            verdict = "PASS" if a50 <= target_p50 and a99 <= target_p99 else "MISS"
            added += f"  {verdict} (targets ≤ {target_p50 * 1000:g} / ≤ {target_p99 * 1000:g} ms)"
        print(f"  {name:14} {ms(p50)} {ms(p99)} {added}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: 200 latency requests, 2000 soak requests")
    parser.add_argument("--latency-requests", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=100_000, help="requests of the throughput/memory phase")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=1, help="gateway worker processes")
    parser.add_argument("--only", default="latency,ttfb,throughput", help="phases: latency, ttfb, throughput")
    parser.add_argument("--litellm", default="", help="path of LiteLLM's `litellm` command, to compare")
    parser.add_argument("--litellm-requests", type=int, default=10_000, help="LiteLLM's throughput requests")
    parser.add_argument("--no-auth", action="store_true", help="serve with --no-auth (no key checks)")
    parser.add_argument(
        "--synchronous", choices=("full", "normal"), default="normal",
        help="the gateway's [ledger] synchronous (default: normal, serve's own)",
    )
    parser.add_argument("--upstream", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.upstream is not None:
        run_upstream(args.upstream)
        return
    if args.quick:
        args.latency_requests, args.requests = 200, 2000
    phases = {phase.strip() for phase in args.only.split(",") if phase.strip()}

    processes: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory(prefix="bench-gateway-") as tmp:
        work = Path(tmp)
        try:
            upstream_port = free_port()
            processes.append(
                start([sys.executable, __file__, "--upstream", str(upstream_port)], dict(os.environ), work / "up.log")
            )
            wait_http(upstream_port, "/v1/models", process=processes[-1])
            env, key = gateway_setup(work, upstream_port, with_key=not args.no_auth, synchronous=args.synchronous)
            gateway_port = free_port()
            gateway = start(
                [
                    sys.executable,
                    "-m",
                    "agentrunner",
                    "serve",
                    *(["--no-auth"] if args.no_auth else []),
                    "--port",
                    str(gateway_port),
                    "--workers",
                    str(args.workers),
                    "--log-level",
                    "warning",
                ],
                env,
                work / "gateway.log",
            )
            processes.append(gateway)
            wait_http(gateway_port, "/healthz", process=gateway)
            targets = [
                Target("direct", upstream_port, MODEL, None),
                Target("agentrunner", gateway_port, "up", key, pid=gateway.pid),
            ]
            if args.litellm:
                litellm_port = free_port()
                (work / "litellm.yaml").write_text(LITELLM_CONFIG.format(model=MODEL, port=upstream_port), "utf-8")
                litellm = start(
                    [
                        args.litellm,
                        "--config",
                        str(work / "litellm.yaml"),
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(litellm_port),
                        "--num_workers",
                        str(args.workers),
                    ],
                    {
                        **os.environ,
                        "LITELLM_LOG": "ERROR",
                        "LITELLM_MASTER_KEY": LITELLM_KEY,
                        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
                    },
                    work / "litellm.log",
                )
                processes.append(litellm)
                wait_http(litellm_port, "/health/liveliness", timeout=180, process=litellm)
                targets.append(Target("litellm", litellm_port, MODEL, LITELLM_KEY, pid=litellm.pid))
            print(
                f"upstream :{upstream_port} · gateway :{gateway_port} pid {gateway.pid} ({args.workers} worker(s), "
                f"[ledger] synchronous = {args.synchronous}) · "
                f"{os.cpu_count()} CPUs · python {sys.version.split()[0]} · load average {os.getloadavg()[0]:.1f}"
            )

            if "latency" in phases:
                times = asyncio.run(alternate(targets, args.latency_requests, stream=False))
                report_latency("non-streaming latency", times, "direct", 0.002, 0.010)
            if "ttfb" in phases:
                times = asyncio.run(alternate(targets, args.latency_requests, stream=True))
                report_latency("streaming time to first byte", times, "direct", 0.005, 0.010)
            if "throughput" in phases:
                for target in targets:
                    if target.name == "direct":
                        continue
                    before = gateway_rows(work) if target.name == "agentrunner" else 0
                    warm = asyncio.run(soak(target, min(2000, args.requests), args.concurrency, pids=[target.pid or 0]))
                    count = args.requests if target.name == "agentrunner" else min(args.requests, args.litellm_requests)
                    result = asyncio.run(
                        soak(target, count, args.concurrency, pids=[target.pid or 0], upstream_pid=processes[0].pid)
                    )
                    print(
                        f"\nthroughput {target.name}: {result.requests} requests, {args.concurrency} connections: "
                        f"{result.rps:,.0f} requests/s ({result.errors} errors; warm-up {warm.rps:,.0f}/s); "
                        f"server CPU {result.cpu_s / max(result.requests, 1) * 1000:.2f} ms per request"
                    )
                    machine = 2 * result.seconds
                    print(
                        f"  CPU per request: server {result.cpu_s / result.requests * 1000:.2f} ms, "
                        f"load client {result.client_cpu_s / result.requests * 1000:.2f} ms, "
                        f"upstream {result.upstream_cpu_s / result.requests * 1000:.2f} ms; share of the "
                        f"{os.cpu_count()} cores: server {result.cpu_s / machine:.0%}, client "
                        f"{result.client_cpu_s / machine:.0%}, upstream {result.upstream_cpu_s / machine:.0%}"
                    )
                    if target.name == "agentrunner":
                        time.sleep(0.5)
                        added = gateway_rows(work) - before
                        expected = warm.requests + result.requests
                        verdict = "PASS" if added == expected else "MISS"
                        print(
                            f"  ledger rows added {added:,} for {expected:,} requests: {verdict}; "
                            f"{'PASS' if result.rps >= 500 else 'MISS'} (target ≥ 500 requests/s)"
                        )
                    steps = " → ".join(f"{kib / 1024:.0f}" for kib in result.rss_kib)
                    growth = (result.rss_kib[-1] - result.rss_kib[0]) / 1024
                    print(
                        f"  RSS MiB start {result.rss_kib[0] / 1024:.1f}, end {result.rss_kib[-1] / 1024:.1f} "
                        f"({growth:+.1f}); every tenth: {steps}"
                    )
            print(
                f"\nload average at the end {os.getloadavg()[0]:.1f} (a busy machine inflates latency, not CPU/request)"
            )
        finally:
            for process in reversed(processes):
                stop(process)
            for log in sorted(work.glob("*.log")):
                text = log.read_text("utf-8", "replace").strip()
                if text and any(word in text for word in ("Error", "Traceback", "error")):
                    print(
                        f"\n--- {log.name} (last lines) ---\n"
                        + textwrap.indent("\n".join(text.splitlines()[-15:]), "  ")
                    )


if __name__ == "__main__":
    main()
