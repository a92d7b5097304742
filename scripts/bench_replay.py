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
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from agentrunner.chat import ChatRequest, ChatResponse, Message, Usage
from agentrunner.config import parse_config
from agentrunner.gateway import Gateway
from agentrunner.ledger import Ledger, new_id
from agentrunner.providers.base import Availability, Provider
from agentrunner.replay.compare import compare_ledger
from agentrunner.replay.engine import Candidate, ReplayEngine, request_from_row
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--uncached", type=int, default=1000)
    args = parser.parse_args()
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
