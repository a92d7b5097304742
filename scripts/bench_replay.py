#!/usr/bin/env python3
"""Replay throughput and memory on a large synthetic ledger.

Builds a ledger of N original calls (default 100,000) in a temporary directory, then measures, in
this one process:

1. baseline — streaming the selection and rebuilding every request (the least any replay must do);
2. replay, first pass — every call replayed through a one-tier candidate whose provider answers
   instantly in-process (no network: this measures agentrunner, not a model). The candidate's
   answers are pre-seeded in the ledger (a cached provider), so every call is a cache hit, and each
   answer is scored (scores written in batches);
3. replay, second pass — the same comparison again: answers and scores all cached;
4. uncached — a small slice replayed with real gateway calls to the instant provider (every call is
   a durable ledger write: SQLite ``synchronous=FULL``).

It prints rows/s for each with the ratio to the baseline, and the process's resident memory
sampled every 10,000 rows during the large replays: flat memory means the replay streams.

    .venv/bin/python scripts/bench_replay.py [--rows 100000] [--uncached 1000]

``--mode served``: parallel replays (``--concurrency``) against a loopback OpenAI-compatible server
(tests/support/slot_server.py, its own process) that answers after ``--latency`` seconds with
``--slots`` K parallel slots. ``--rows`` uncached originals are replayed at each of
``--concurrency-levels``; per level: rows/s, its ratio to the ideal min(concurrency, K) / latency,
RSS every 1,000 rows, and ledger rows against the requests the server counted (must be equal).
Concurrency 1 replays only ``--serial-rows`` (its rate does not depend on the count).
``--journal both`` runs every level twice, with and without the write-ahead records of in-flight
calls (:mod:`agentrunner.replay.inflight`, one durable write per call): their cost, as a ratio.

``--mode llama-server``: the same against the real ``python -m llama_cpp.server`` with the embedded
Gemma 3 270M model (2 threads), whatever its parallelism gives. Every server's output goes to a log
file (its path is printed), never to an unread pipe (see :class:`ServerProcess`).

``--mode kill``: a real ``agentrunner compare --concurrency C`` process on ``--rows`` originals,
killed with SIGKILL at a random point, then the same command again: rows missing (must be 0), rows
paid twice split into "in flight at the kill" (recorded as ``lost`` with their worst-case cost by
the resume, then sent again) and "re-sent after resume although answered" (must be 0), and server
requests that no ledger row records (must be 0). ``--ledger postgres``: the ledger in a throwaway
PostgreSQL cluster (tests/support/postgres.py, ``fsync=off``) instead of ledger.db.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository: tests.support

from agentrunner.chat import ChatRequest, ChatResponse, Message, Usage
from agentrunner.config import parse_config
from agentrunner.gateway import Gateway
from agentrunner.ledger import Ledger, new_id
from agentrunner.providers.base import Availability, Provider
from agentrunner.replay.compare import compare_ledger
from agentrunner.replay.engine import Candidate, ReplayEngine, request_from_row
from agentrunner.replay.inflight import InflightJournal
from agentrunner.replay.scorers import ScorerSet
from agentrunner.replay.select import Selection, iter_selected

CANDIDATE = """
[tiers.small]
provider = "openai"
model = "bench-small"
base_url = "http://127.0.0.1:9/v1"
max_tokens = 64
price = { input_per_mtok = 0.1, output_per_mtok = 0.4 }
"""


class InstantProvider(Provider):
    """Answers at once, in-process: the edge a benchmark of agentrunner itself should not measure."""

    name = "instant"

    def complete(self, request: ChatRequest) -> ChatResponse:
        text = request.messages[-1].content.upper()
        return ChatResponse(text=text, usage=Usage(input_tokens=60, output_tokens=12), finish_reason="stop",
                            latency_ms=1.0)

    def check_available(self) -> Availability:
        return Availability(True)


def rss_mib() -> float:
    """Current resident set size (from /proc), in MiB."""
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic_rows(count: int, *, seed_answers: bool) -> Iterator[dict[str, Any]]:
    for number in range(count):
        prompt = f"Summarise note {number}: the quick brown fox jumps over the lazy dog #{number % 97}"
        request = ChatRequest(messages=[Message(role="user", content=prompt)], max_tokens=32)
        call_id = f"O{number:09d}"
        ts = f"2026-11-{1 + number % 25:02d}T{number % 24:02d}:00:00.{number % 1_000_000:06d}Z"
        yield {
            "id": call_id, "ts_start": ts, "ts_end": ts, "tier": "big", "provider": "openai", "model": "bench-big",
            "request_json": json.dumps({"model": "bench-big", **request.canonical()}),
            "request_hash": request.request_hash(), "response_text": prompt.upper() if number % 4 else "other",
            "finish_reason": "stop", "input_tokens": 60, "output_tokens": 12, "cost_usd": 0.0006,
            "latency_ms": 900.0, "status": "ok", "step_kind": "act", "task_id": f"t{number // 5}",
        }
        if seed_answers:  # the cached provider: the candidate's answer is already in the ledger
            # (for the request as the replay sends it: the tier's temperature filled in)
            request = request.model_copy(update={"temperature": 0.0})
            yield {
                "id": new_id(), "ts_start": ts, "ts_end": ts, "tier": "small", "provider": "openai",
                "model": "bench-small", "request_json": json.dumps({"model": "bench-small", **request.canonical()}),
                "request_hash": request.request_hash(), "response_text": prompt.upper(), "finish_reason": "stop",
                "input_tokens": 60, "output_tokens": 12, "cost_usd": 0.0000108, "latency_ms": 300.0,
                "status": "ok", "step_kind": "replay", "replay_of": call_id, "config_name": "small",
            }


class Sampler:
    def __init__(self, every: int = 10_000) -> None:
        self.every = every
        self.samples: list[tuple[int, float]] = []

    def __call__(self, done: int) -> None:
        if done % self.every == 0:
            self.samples.append((done, rss_mib()))


def replay(ledger: Ledger, config: Any, selection: Selection, label: str, *, instant: bool = False) -> float:
    def gateway_factory(cfg: Any) -> Gateway:
        return Gateway(cfg, ledger, providers={"small": InstantProvider("small", cfg.tiers["small"], Path("."))})

    engine = ReplayEngine(ledger, [Candidate("small", config)], ScorerSet({}, "similarity"),
                          gateway_factory=gateway_factory)
    sampler = Sampler()
    started = time.perf_counter()
    report = compare_ledger(engine, selection, progress=sampler)
    elapsed = time.perf_counter() - started
    engine.close()
    rows = report.rows[1]["calls"]
    memory = " ".join(f"{n // 1000}k:{mib:.0f}" for n, mib in sampler.samples) or f"{rss_mib():.0f}"
    print(f"{label:34} {rows:>7} rows {elapsed:7.1f}s {rows / elapsed:9.0f} rows/s  "
          f"cache {report.cache_hits} hits/{report.cache_misses} calls  RSS MiB by rows: {memory}")
    return rows / elapsed


REPO = Path(__file__).resolve().parents[1]
SERVED = """
[tiers.served]
provider = "openai"
model = "bench-small"
base_url = "{base_url}"
max_tokens = {max_tokens}
max_retries = 3
timeout = 600
price = {{ input_per_mtok = 0.1, output_per_mtok = 0.4 }}
"""


class ServerProcess:
    """A server in its own process (its CPU is not the replay's), stopped on exit.

    Its output goes to a log file (``log``, else a temporary file; printed on failure), never to a
    pipe: a pipe read only until the server is ready fills up (64 KiB) and then blocks the server
    on its next write. ``llama_cpp.server`` writes ~590 bytes per request (uvicorn's access log,
    llama.cpp's timings), so after ~110 requests its event loop blocked and every request waited
    for ever: session 5's "concurrency 4 never finishes" (tests/test_bench_replay.py)."""

    def __init__(self, command: list[str], *, ready: str, port: int | None = None, timeout: float = 120,
                 log: Path | None = None) -> None:
        if log is None:
            handle, name = tempfile.mkstemp(prefix="bench-replay-server-", suffix=".log")
            os.close(handle)
            log = Path(name)
        self.log_path = log
        with open(log, "wb") as output:  # the child keeps its own descriptor
            self.process = subprocess.Popen(command, cwd=REPO, stdout=output, stderr=subprocess.STDOUT)
        self.port = port
        deadline = time.monotonic() + timeout
        pending = ""
        with open(log, encoding="utf-8", errors="replace") as reader:
            while time.monotonic() < deadline:
                chunk = reader.readline()
                if not chunk.endswith("\n"):  # nothing new yet, or half a line
                    pending += chunk
                    if self.process.poll() is not None:
                        raise SystemExit(f"server exited ({self.process.returncode}): {' '.join(command)}; "
                                         f"its log: {log}")
                    time.sleep(0.05)  # polling a file for the server's readiness line, not ordering anything
                    continue
                line, pending = pending + chunk, ""
                if line.startswith("PORT "):
                    self.port = int(line.split()[1])
                if ready in line:
                    return
        self.stop()
        raise SystemExit(f"server did not start in {timeout:.0f}s: {' '.join(command)}; its log: {log}")

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def stats(self) -> dict[str, Any]:
        with urllib.request.urlopen(f"{self.base_url}/stats", timeout=30) as response:
            return dict(json.loads(response.read()))

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class NoJournal(InflightJournal):
    """No write-ahead records (the benchmark's "without"): what a replay cost before them."""

    def open(self, *args: Any) -> None:
        pass

    def close(self) -> None:
        pass


def served_originals(count: int) -> Iterator[dict[str, Any]]:
    """Distinct originals (every replay is a real request)."""
    yield from synthetic_rows(count, seed_answers=False)


def ledger_query(ledger: Path | str, sql: str) -> list[tuple[Any, ...]]:
    """Rows of a query on a ledger: a SQLite file, or a PostgreSQL URL (``--ledger postgres``)."""
    if isinstance(ledger, str):
        import psycopg

        with psycopg.connect(ledger) as pg:
            return [tuple(row) for row in pg.execute(sql.encode()).fetchall()]
    conn = sqlite3.connect(ledger)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


OK = "CASE WHEN status = 'ok' THEN 1 ELSE 0 END"  # sum(status = 'ok') is SQLite only


def replay_count(ledger: Path | str) -> tuple[int, int]:
    (ok, total), = ledger_query(ledger, f"SELECT sum({OK}), count(*) FROM calls WHERE replay_of IS NOT NULL")
    return int(ok or 0), int(total or 0)


def served_level(base: Path, scratch: Path, server: ServerProcess, config: Any, concurrency: int, rows: int,
                 ideal: float, journal: bool = True) -> dict[str, Any]:
    path = scratch / f"c{concurrency}.db"
    shutil.copy(base, path)
    ledger = Ledger(path)
    engine = ReplayEngine(ledger, [Candidate("served", config)], ScorerSet({}, "similarity"), concurrency=concurrency,
                          journal=None if journal else NoJournal(ledger))
    sampler = Sampler(every=1000)
    before = server.stats()["requests"]
    started = time.perf_counter()
    report = compare_ledger(engine, Selection(limit=rows), progress=sampler)
    elapsed = time.perf_counter() - started
    engine.close()
    ledger.close()
    requests = server.stats()["requests"] - before
    ok, recorded = replay_count(path)
    rate = report.rows[1]["calls"] / elapsed
    memory = " ".join(f"{n // 1000}k:{mib:.0f}" for n, mib in sampler.samples[:: max(1, len(sampler.samples) // 10)])
    path.unlink()
    return {"concurrency": concurrency, "rows": report.rows[1]["calls"], "seconds": elapsed, "rate": rate,
            "ideal": ideal, "ratio": rate / ideal, "requests": requests, "ledger_rows": recorded, "ok": ok,
            "rss": memory or f"{rss_mib():.0f}", "journal": journal}


def print_level(result: dict[str, Any]) -> None:
    label = "" if result["journal"] else " (no in-flight records)"
    print(f"concurrency {result['concurrency']:>3}{label}: {result['rows']:>6} rows {result['seconds']:7.1f}s "
          f"{result['rate']:8.1f} rows/s  ideal {result['ideal']:7.1f}  ratio {result['ratio']:.2f}  "
          f"server requests {result['requests']} = ledger rows {result['ledger_rows']}"
          f"{'' if result['requests'] == result['ledger_rows'] else '  MISMATCH'}  RSS MiB by rows: {result['rss']}",
          flush=True)


def served_mode(args: argparse.Namespace) -> None:
    levels = [int(v) for v in args.concurrency_levels.split(",")]
    server = ServerProcess([sys.executable, "-m", "tests.support.slot_server", "--latency", str(args.latency),
                            "--slots", str(args.slots)], ready="PORT ")
    try:
        with tempfile.TemporaryDirectory(prefix="bench-replay-served-") as scratch:
            base = Path(scratch) / "base.db"
            ledger = Ledger(base)
            ledger.insert_calls(served_originals(args.rows), batch=2000)
            ledger.close()
            config = parse_config(SERVED.format(base_url=server.base_url, max_tokens=64))
            print(f"loopback server: latency {args.latency}s, {args.slots} slots; {args.rows:,} distinct originals",
                  flush=True)
            journals = {"on": [True], "off": [False], "both": [True, False]}[args.journal]
            for level in levels:
                rows = args.serial_rows if level == 1 else args.rows
                ideal = min(level, args.slots) / args.latency
                rates = []
                for journal in journals:
                    result = served_level(base, Path(scratch), server, config, level, rows, ideal, journal)
                    print_level(result)
                    rates.append(result["rate"])
                if len(rates) == 2:
                    print(f"  in-flight records cost: with/without = {rates[0] / rates[1]:.3f}", flush=True)
            print(f"peak RSS of the process: {peak_rss_mib():.0f} MiB")
    finally:
        server.stop()


def llama_server_mode(args: argparse.Namespace) -> None:
    from agentrunner.providers.embedded import GEMMA3_270M, model_file

    port = 18000 + os.getpid() % 1000
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(model_file(GEMMA3_270M)), "--n_threads",
               str(args.llama_threads),
               "--n_ctx", "2048", "--port", str(port), "--model_alias", "bench-small",
               # Gemma 3 270M (base) carries no chat template: the server's default format made it
               # answer 0 tokens, an empty answer the provider retried with back-off (4 rows: 74 s)
               "--chat_format", "gemma"]
    server = ServerProcess(command, ready="Uvicorn running", port=port)
    print(f"server log: {server.log_path}", flush=True)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-replay-llama-") as scratch:
            base = Path(scratch) / "base.db"
            ledger = Ledger(base)
            ledger.insert_calls(served_originals(args.rows), batch=2000)
            ledger.close()
            config = parse_config(SERVED.format(base_url=server.base_url, max_tokens=args.max_tokens))
            print(f"llama_cpp.server, Gemma 3 270M, {args.llama_threads} thread(s), max_tokens {args.max_tokens}; "
                  f"{args.rows} originals",
                  flush=True)
            first: tuple[int, float] | None = None  # the first level's concurrency and rate: the ratios' base
            for level in [int(v) for v in args.concurrency_levels.split(",")]:
                path = Path(scratch) / f"c{level}.db"
                shutil.copy(base, path)
                replay_ledger = Ledger(path)
                engine = ReplayEngine(replay_ledger, [Candidate("served", config)], ScorerSet({}, "similarity"),
                                      concurrency=level)
                started = time.perf_counter()
                report = compare_ledger(engine, Selection())
                elapsed = time.perf_counter() - started
                engine.close()
                replay_ledger.close()
                ok, recorded = replay_count(path)
                rate = report.rows[1]["calls"] / elapsed
                first = first or (level, rate)
                print(f"concurrency {level:>3}: {report.rows[1]['calls']:>4} rows {elapsed:7.1f}s {rate:6.2f} rows/s "
                      f"({rate / first[1]:.2f}x concurrency {first[0]})  ledger rows {recorded} ({ok} ok)", flush=True)
    finally:
        server.stop()


def kill_mode(args: argparse.Namespace) -> None:
    rng = random.Random(args.seed)
    cluster = None
    if args.ledger == "postgres":
        from tests.support.postgres import start_cluster, stop_cluster

        cluster = start_cluster()
    server = ServerProcess([sys.executable, "-m", "tests.support.slot_server", "--latency", str(args.latency),
                            "--slots", str(args.slots)], ready="PORT ")
    try:
        with tempfile.TemporaryDirectory(prefix="bench-replay-kill-") as scratch:
            home = Path(scratch)
            (home / "routes.toml").write_text(SERVED.format(base_url=server.base_url, max_tokens=64))
            (home / "served.toml").write_text(SERVED.format(base_url=server.base_url, max_tokens=64))
            env = {**os.environ, "AGENTRUNNER_DIR": str(home / ".agentrunner"), "PYTHONPATH": str(REPO)}
            env.pop("AGENTRUNNER_CONFIG", None)
            (home / ".agentrunner").mkdir()
            ledger_path: Path | str = home / ".agentrunner" / "ledger.db"
            if cluster is not None:  # a throwaway PostgreSQL database: the team ledger
                ledger_path = env["AGENTRUNNER_LEDGER_URL"] = cluster.create_database()
                print(f"ledger: PostgreSQL {cluster.bindir.parent.name} (throwaway cluster, fsync off)", flush=True)
            ledger = Ledger(ledger_path)
            ledger.insert_calls(served_originals(args.rows), batch=2000)
            ledger.close()
            command = [sys.executable, "-m", "agentrunner", "compare", "served.toml", "--concurrency",
                       str(args.kill_concurrency), "--json"]
            kill_at = int(args.rows * rng.uniform(0.1, 0.9))
            started = time.perf_counter()
            first = subprocess.Popen(command, cwd=home, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            while first.poll() is None and replay_count(ledger_path)[1] < kill_at:
                time.sleep(0.05)
            if first.poll() is not None:  # ended before the kill: say why, nothing to measure
                assert first.stderr is not None
                raise SystemExit(f"the replay ended by itself (exit {first.returncode}) before "
                                 f"{kill_at:,} rows: {first.stderr.read()[-2000:]}")
            os.kill(first.pid, signal.SIGKILL)
            first.wait()
            at_kill = replay_count(ledger_path)[1]
            requests_at_kill = server.stats()["requests"]
            print(f"killed (SIGKILL) at {at_kill:,} of {args.rows:,} rows after {time.perf_counter() - started:.1f}s; "
                  f"the server had answered or was answering {requests_at_kill:,}", flush=True)
            started = time.perf_counter()
            second = subprocess.run(command, cwd=home, env=env, capture_output=True, text=True)
            resumed_s = time.perf_counter() - started
            if second.returncode != 0:
                raise SystemExit(f"resume failed: {second.stderr}")
            per = dict(ledger_query(ledger_path, f"SELECT replay_of, sum({OK}) FROM calls WHERE replay_of IS NOT NULL "
                                                 "GROUP BY replay_of"))
            lost = {row[0] for row in ledger_query(ledger_path, "SELECT replay_of FROM calls WHERE status = 'lost'")}
            (lost_sum,), = ledger_query(ledger_path, "SELECT coalesce(sum(cost_usd), 0) FROM calls "
                                                      "WHERE status = 'lost'")
            lost_usd = float(lost_sum)
            requests = server.stats()["requests"]
            ok, recorded = replay_count(ledger_path)
            resent_answered = sum(1 for n in per.values() if n > 1)  # an answered call sent again: must be 0
            in_flight_twice = sum(1 for original in lost if per.get(original, 0) >= 1)
            missing = args.rows - sum(1 for n in per.values() if n >= 1)
            print(f"resumed: {second.stderr.strip().splitlines()[0] if second.stderr.strip() else ''}")
            print(f"resume took {resumed_s:.1f}s, made {requests - requests_at_kill:,} requests "
                  f"(rows left at the kill: {args.rows - at_kill:,})")
            print(f"rows missing: {missing}; paid twice: {in_flight_twice + resent_answered} = "
                  f"{in_flight_twice} in flight at the kill (recorded as lost, ${lost_usd:.6f} worst case, then "
                  f"sent again) + {resent_answered} re-sent after resume although answered")
            print(f"ledger replay rows {recorded:,} ({ok:,} ok, {len(lost)} lost); server requests {requests:,}: "
                  f"{max(0, requests - recorded)} unrecorded, {max(0, recorded - requests)} recorded as sent that "
                  "the server never saw (killed between the record and the send)")
    finally:
        server.stop()
        if cluster is not None:
            stop_cluster(cluster)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["instant", "served", "llama-server", "kill"], default="instant")
    parser.add_argument("--rows", type=int, default=None, help="originals (instant: 100000; served/kill: 10000)")
    parser.add_argument("--uncached", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.2, help="served/kill: the server's answer time (s)")
    parser.add_argument("--slots", type=int, default=32, help="served/kill: the server's parallel slots K")
    parser.add_argument("--concurrency-levels", default="1,8,32,64")
    parser.add_argument("--serial-rows", type=int, default=200, help="served: rows replayed at concurrency 1")
    parser.add_argument("--kill-concurrency", type=int, default=32)
    parser.add_argument("--ledger", choices=["sqlite", "postgres"], default="sqlite",
                        help="kill: the replayed ledger in ledger.db, or in a throwaway PostgreSQL cluster")
    parser.add_argument("--journal", choices=["on", "off", "both"], default="on",
                        help="served: with the in-flight records (on), without (off), or each level both ways")
    parser.add_argument("--max-tokens", type=int, default=16, help="llama-server: the tier's max_tokens")
    parser.add_argument("--llama-threads", type=int, default=2,
                        help="llama-server: its --n_threads (1 stalls less on cores other jobs share)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.mode != "instant":
        args.rows = args.rows or (40 if args.mode == "llama-server" else 10_000)
        {"served": served_mode, "llama-server": llama_server_mode, "kill": kill_mode}[args.mode](args)
        return
    args.rows = args.rows or 100_000
    with tempfile.TemporaryDirectory(prefix="bench-replay-") as scratch:
        ledger = Ledger(Path(scratch) / "ledger.db")
        started = time.perf_counter()
        ledger.insert_calls(synthetic_rows(args.rows, seed_answers=True), batch=2000)
        print(f"built a ledger of {ledger.count_calls():,} rows ({args.rows:,} originals + their cached answers) "
              f"in {time.perf_counter() - started:.1f}s; RSS {rss_mib():.0f} MiB")
        config = parse_config(CANDIDATE)
        selection = Selection()

        started = time.perf_counter()
        count = sum(1 for row in iter_selected(ledger, selection) if request_from_row(row))
        base_rate = count / (time.perf_counter() - started)
        label = "baseline: stream + rebuild"
        print(f"{label:34} {count:>7} rows {base_rate:9.0f} rows/s (1.00x)  RSS {rss_mib():.0f} MiB")

        first = replay(ledger, config, selection, "replay, cached answers, new scores")
        second = replay(ledger, config, selection, "replay again (answers+scores cached)")

        uncached_ledger = Ledger(Path(scratch) / "uncached.db")
        uncached_ledger.insert_calls(synthetic_rows(args.uncached, seed_answers=False), batch=2000)
        uncached = replay(uncached_ledger, config, Selection(), "replay, uncached (instant provider)", instant=True)

        print()
        print(f"ratios to the baseline: cached/new scores {first / base_rate:.3f}x, all cached "
              f"{second / base_rate:.3f}x, uncached {uncached / base_rate:.4f}x")
        print(f"peak RSS of the process: {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
