#!/usr/bin/env python3
"""How fast ``agentrunner report`` answers over a large ledger.

    scripts/bench_report.py [--rows 1000000] [--days 365] [--db /tmp/bench-ledger.db] [--repeat 3]

Builds (once; reused while its row count matches) a ledger of ``--rows`` calls spread over
``--days`` days — local, premium and imported calls, errors, unpriced calls, replays and judges,
with request/response text of a realistic size — by bulk ``executemany`` in a handful of
transactions. Then times each report kind and prints it as a ratio against two baselines measured
in the same process on the same file: ``SELECT count(*) FROM calls`` (the cheapest full answer
SQLite can give) and ``SELECT total(cost_usd) FROM calls`` (one column summed over every row).
Caches are warm for every measurement (one untimed run first), and the best of ``--repeat`` runs is
reported.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from agentrunner.config import load_config
from agentrunner.ledger import Ledger
from agentrunner.reports import build_report, resolve_window

CONFIG = """
[tiers.local]
provider = "llama-cpp"
model = "gemma3-270m"
cost_per_hour = 0.05

[tiers.premium]
provider = "anthropic"
model = "claude-sonnet-4-5"

[budgets]
monthly_usd = 400.0

[subscriptions]
"Claude Max" = 200.0
"""

COLUMNS = (
    "id", "ts_start", "ts_end", "run_id", "task_id", "step_id", "step_kind", "attempt", "tier", "provider",
    "model", "request_json", "request_hash", "response_text", "finish_reason", "input_tokens",
    "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens", "input_includes_cache",
    "cost_usd", "price_source", "latency_ms", "status", "route_reason", "user", "project", "source",
    "source_id", "replay_of", "task_type", "replayable",
)  # fmt: skip
TASK_TYPES = ("summarise", "code", "rename", "design", "docs", "triage")
STEP_KINDS = ("plan", "act", "act", "act", "verify", "summarise")


def rows(count: int, days: int, seed: int = 7) -> Iterator[tuple[object, ...]]:
    rng = random.Random(seed)
    end = datetime.now(UTC)
    span = days * 86400
    request = '{"messages":[{"role":"system","content":"' + "You are a careful agent. " * 16 + '"}]}'
    response = "Done. " * 50
    for index in range(count):
        moment = end - timedelta(seconds=span * (1 - index / count) - rng.random())
        ts = moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        roll = rng.random()
        input_tokens = rng.randint(200, 6000)
        output_tokens = rng.randint(20, 800)
        cache_read = cache_write = 0
        step_kind = rng.choice(STEP_KINDS)
        replay_of = None
        source, source_id = "agentrunner", None
        status, includes = "ok", 1
        if roll < 0.70:
            tier, provider, model = "local", "llama-cpp", "gemma3-270m"
            cost: float | None = rng.uniform(2, 40) / 3600 * 0.05
        elif roll < 0.90:
            tier, provider, model = "premium", "anthropic", "claude-sonnet-4-5"
            cache_read = rng.randint(0, 4000)
            includes = 0
            cost = (input_tokens * 3 + cache_read * 0.3 + output_tokens * 15) / 1e6
        else:
            tier, provider, model = None, "openai", rng.choice(("gpt-4o", "gpt-4.1", "o3-mini", "mystery"))
            source, source_id = "import:codex", f"s{index}"
            cost = None if model == "mystery" else (input_tokens * 2.5 + output_tokens * 10) / 1e6
        if rng.random() < 0.03:
            status, cost, input_tokens, output_tokens = "error", None, None, None
        elif rng.random() < 0.04:
            replay_of, step_kind = f"r{index}", "replay"
        elif rng.random() < 0.02:
            step_kind = "judge"
        yield (
            f"{index:026d}", ts, ts, f"run{index // 5000}", f"task{index // 7}", f"step{index}", step_kind, 1,
            tier, provider, model, request, f"{rng.getrandbits(64):016x}", response, "stop", input_tokens,
            output_tokens, cache_read, cache_write, 0, includes, cost, "bench", 1000.0, status, "bench",
            "ana", "demo", source, source_id, replay_of, rng.choice(TASK_TYPES), 1,
        )  # fmt: skip


def build(db_path: Path, count: int, days: int) -> None:
    if db_path.exists():
        conn = sqlite3.connect(db_path)
        try:
            have = conn.execute("SELECT count(*) FROM calls").fetchone()[0]
        except sqlite3.Error:
            have = -1
        conn.close()
        if have == count:
            print(f"reusing {db_path} ({count:,} rows)")
            return
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    Ledger(db_path).close()  # the real schema, migrations and indexes
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA synchronous=OFF")
    started = time.perf_counter()
    sql = f"INSERT INTO calls ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
    batch: list[tuple[object, ...]] = []
    for row in rows(count, days):
        batch.append(row)
        if len(batch) == 50_000:
            with conn:
                conn.executemany(sql, batch)
            batch = []
    if batch:
        with conn:
            conn.executemany(sql, batch)
    conn.close()  # no ANALYZE: users' ledgers never get one, so the planner must do without
    size = db_path.stat().st_size / 1e6
    print(f"built {db_path}: {count:,} rows over {days} days, {size:,.0f} MB in {time.perf_counter() - started:.0f}s")


def best_of(repeat: int, fn: Callable[[], object]) -> tuple[float, float]:
    """Best wall time and best CPU time of this process (the machine may be shared: CPU time is
    what the work itself costs, wall time what a user waits)."""
    fn()  # warm the page cache and SQLite's
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "agentrunner-bench-ledger.db")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    build(args.db, args.rows, args.days)
    with tempfile.TemporaryDirectory() as tmp:
        config_path = Path(tmp) / "routes.toml"
        config_path.write_text(CONFIG, "utf-8")
        os.environ["AGENTRUNNER_DIR"] = tmp  # no state.db: done items are not part of this benchmark
        config = load_config(config_path)
        ledger = Ledger(args.db)
        conn = ledger.db.conn
        count, _ = best_of(args.repeat, lambda: conn.execute("SELECT count(*) FROM calls").fetchone())
        total, _ = best_of(
            args.repeat, lambda: conn.execute("SELECT total(cost_usd) FROM calls").fetchone()
        )
        print(f"baseline count(*): {count * 1000:.1f} ms · total(cost_usd) over every row: {total * 1000:.1f} ms")
        print(f"{'report':36} {'wall ms':>8} {'cpu ms':>8} {'× count(*)':>11} {'× total()':>10}")

        def line(label: str, wall: float, cpu: float) -> None:
            print(f"{label:36} {wall * 1000:8.1f} {cpu * 1000:8.1f} {wall / count:11.1f} {wall / total:10.2f}")

        kinds = [
            ("--since 30d --by tier", "30d", "tier"),
            ("--since 30d --by day", "30d", "day"),
            ("--since 365d --by tier", "365d", "tier"),
            ("--since 365d --by month", "365d", "month"),
            ("--since 365d --by model", "365d", "model"),
            ("--since 365d --by task-type", "365d", "task-type"),
            ("--since 365d --by source", "365d", "source"),
        ]
        for label, since, by in kinds:
            window = resolve_window(since, None, None)
            line(label, *best_of(args.repeat, lambda w=window, b=by: build_report(config, ledger, w, by=b)))
        from agentrunner.reports.html import render_html

        window = resolve_window("365d", None, None)
        report = build_report(config, ledger, window, by="month")
        line("HTML page (365 days, 4 charts)", *best_of(1, lambda: render_html(report)))
        print(f"rows in window, 365d: {report.work.calls + sum(t.calls for t in report.evaluation.values()):,}")


if __name__ == "__main__":
    main()
