#!/usr/bin/env python3
"""The team ledger at scale: report time over 10 million calls and ingest rows/s, PostgreSQL and
SQLite side by side on the same data, in one process.

    flock /work/cpu.lock .venv/bin/python scripts/bench_team.py --only ingest
    flock /work/cpu.lock .venv/bin/python scripts/bench_team.py --only load --rows 10000000
    flock /work/cpu.lock .venv/bin/python scripts/bench_team.py --only report

``--url`` uses an existing PostgreSQL database; without it a throwaway cluster is started in
``--dir`` (kept between phases: ``load`` once, ``report`` many times; ``--only clean`` removes it).
The cluster runs with ``fsync=on`` and default settings but ``shared_buffers``/``work_mem`` sized for
this machine (printed).

- ``ingest``: rows/s through ``Ledger.record_call`` (what the gateway and runs do, one durable
  commit per call, concurrent callers sharing commits) with 1, 8 and 32 threads on PostgreSQL,
  SQLite (``synchronous`` full) and SQLite (normal); PostgreSQL at 32 threads again with m008's
  row trigger and with no rollups (same process: the ratios); and ``ledger push`` (COPY batches).
- ``load``: ``--rows`` calls over 90 days (40 users in 6 teams, two tiers, four models, imports and
  gateway calls, a few errors and unpriced calls) generated in SQL — ``generate_series`` in
  PostgreSQL, a recursive CTE in SQLite — with indexes dropped during the load and rebuilt after.
- ``report``: ``report`` (by tier) and ``report --by user`` with the team table, over the last 30
  and 90 days, best of ``--repeat`` (warm), next to the cheapest full answer on the same database
  (``count(*)``) as the baseline; and the query plan of the main aggregate.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agentrunner import budgets  # noqa: E402
from agentrunner.budgets import budget_status  # noqa: E402
from agentrunner.config import load_config  # noqa: E402
from agentrunner.ledger import CallRecord, Ledger  # noqa: E402
from agentrunner.migrations import rollup_fill_sql  # noqa: E402
from agentrunner.reports import build_report, resolve_window  # noqa: E402
from agentrunner.reports.team import TEAM_DIMENSIONS, every_cap, team_rows  # noqa: E402
from tests.support.postgres import Cluster, pg_binaries  # noqa: E402

CONFIG = """
[tiers.local]
provider = "llama-cpp"
model = "gemma3-270m"
cost_per_hour = 0.05

[tiers.premium]
provider = "anthropic"
model = "claude-sonnet-4-5"

[budgets]
per_user_daily_usd = 20.0
per_team_monthly_usd = 2000.0
"""

END = datetime(2026, 11, 30, tzinfo=UTC)
DAYS = 90


def cluster_in(root: Path) -> Cluster:
    """The bench's cluster in ``root`` (made on first use), started."""
    bindir = pg_binaries()
    if bindir is None:
        sys.exit("bench_team: PostgreSQL binaries (initdb, pg_ctl) are not installed")
    run_as = "postgres" if os.geteuid() == 0 else None
    cluster = Cluster(bindir, root, run_as)
    if not (root / "data").exists():
        root.mkdir(parents=True, exist_ok=True)
        if run_as:
            shutil.chown(root, user=run_as)
        cluster._run("initdb", "-D", str(cluster.data), "-U", "agentrunner", "--auth=trust", "-E", "UTF8", "--locale=C")
        with open(cluster.data / "postgresql.conf", "a") as conf:
            conf.write(
                "\nshared_buffers = 2GB\nwork_mem = 64MB\nmaintenance_work_mem = 1GB\nmax_wal_size = 8GB\n"
                "max_parallel_workers_per_gather = 2\nfsync = on\nsynchronous_commit = on\n"
            )
    status = cluster._run("pg_ctl", "status", "-D", str(cluster.data), check=False)
    if status.returncode != 0:
        cluster._run("pg_ctl", "start", "-D", str(cluster.data), "-w", "-o", f"-k {root} -c listen_addresses=''",
                     "-l", str(root / "server.log"))
    return cluster


def pg_url(cluster: Cluster, name: str) -> str:
    import psycopg

    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return cluster.url(name)


# -- ingest ------------------------------------------------------------------------------------


def ingest(ledger: Ledger, threads: int, per_thread: int) -> float:
    """Rows/s of record_call from ``threads`` threads."""

    def work(n: int) -> None:
        for i in range(per_thread):
            ledger.record_call(
                CallRecord(tier="premium", model="claude-sonnet-4-5", cost_usd=0.01, user=f"u{n}", input_tokens=i,
                           response_text="ok " * 50, request_json='{"messages": []}')
            )

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return threads * per_thread / (time.perf_counter() - started)


ROW_TRIGGER = (
    "CREATE TRIGGER calls_rollup_rowwise AFTER INSERT ON calls FOR EACH ROW EXECUTE FUNCTION calls_rollup_add()"
)  # m008's trigger (one upsert per dimension per call), for the comparison


def phase_ingest(url: str, scratch: Path, rows: int) -> None:
    import psycopg

    from agentrunner.push import push

    with psycopg.connect(url, autocommit=True) as conn:  # a clean calls table for the ingest
        conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    for name in ("ingest.db", "ingest-normal.db"):
        (scratch / name).unlink(missing_ok=True)
    pg = Ledger(url)
    lite, normal = Ledger(scratch / "ingest.db"), Ledger(scratch / "ingest-normal.db", synchronous="normal")
    print(f"ingest: record_call, {rows} rows per configuration; rollups maintained on every backend", flush=True)
    print(f"{'':24}{'PostgreSQL':>14}{'SQLite full':>14}{'SQLite normal':>15}{'pg/sqlite full':>16}")
    for threads in (1, 8, 32):
        per = rows // threads
        a, b, c = ingest(pg, threads, per), ingest(lite, threads, per), ingest(normal, threads, per)
        print(f"{f'{threads} thread(s)':24}{a:>10,.0f}/s{b:>10,.0f}/s{c:>11,.0f}/s{a / b:>15.2f}x", flush=True)
    # The same 32-thread ingest into PostgreSQL with the rollups maintained other ways: m008's row
    # trigger (what m009 replaced) and none at all (the ceiling).
    per = rows // 32
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ALTER TABLE calls DISABLE TRIGGER calls_rollup_insert")
        conn.execute(ROW_TRIGGER)
        old = ingest(pg, 32, per)
        conn.execute("DROP TRIGGER calls_rollup_rowwise ON calls")
        none = ingest(pg, 32, per)
        conn.execute("ALTER TABLE calls ENABLE TRIGGER calls_rollup_insert")
    now = ingest(pg, 32, per)
    print(f"PostgreSQL, 32 threads: rollups per statement (m009) {now:,.0f}/s, per row (m008) {old:,.0f}/s "
          f"({now / old:.2f}x), no rollups {none:,.0f}/s ({now / none:.2f}x of it)", flush=True)
    fresh = scratch / "push.db"
    fresh.unlink(missing_ok=True)
    source = Ledger(fresh)
    source.insert_calls(
        CallRecord(tier="local", cost_usd=0.001, user="ana", response_text="x" * 200) for _ in range(100_000)
    )
    started = time.perf_counter()
    result = push(source, pg, state_path=scratch / "push-state.json")
    wall = time.perf_counter() - started
    print(f"{'ledger push (COPY)':24}{result.added['calls'] / wall:>10,.0f}/s   ({result.added['calls']} rows)")


# -- load --------------------------------------------------------------------------------------

PG_LOAD = """
INSERT INTO calls (id, ts_start, ts_end, run_id, step_kind, attempt, tier, provider, model, input_tokens,
    output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, input_includes_cache, cost_usd,
    price_source, latency_ms, status, "user", team, project, source, source_id, replay_of, replayable, task_type)
SELECT lpad(i::text, 26, '0'), ts, ts, 'run' || (i / 400),
    (ARRAY['plan','act','act','act','verify','summarise'])[1 + i % 6],
    1, CASE WHEN src = 'import' THEN NULL WHEN prem THEN 'premium' ELSE 'local' END,
    CASE WHEN prem THEN 'anthropic' ELSE 'llama-cpp' END,
    CASE WHEN prem THEN (ARRAY['claude-sonnet-4-5','claude-haiku-4-5'])[1 + i % 2]
         ELSE (ARRAY['qwen2.5-coder-1.5b','gemma3-270m'])[1 + i % 2] END,
    800 + i % 3000, 50 + i % 700, CASE WHEN prem THEN i % 2000 ELSE 0 END, 0, 0, CASE WHEN prem THEN 0 ELSE 1 END,
    CASE WHEN i % 997 = 0 THEN NULL WHEN prem THEN 0.002 + (i % 50) * 0.0005 ELSE 0.00002 END,
    'bench', 300 + i % 5000, CASE WHEN i % 113 = 0 THEN 'error' ELSE 'ok' END,
    'user' || (i * 7919 % 40), 'team' || (i * 7919 % 40 % 6), 'proj' || (i % 12),
    CASE src WHEN 'import' THEN 'import:claude-code' WHEN 'gateway' THEN 'gateway' ELSE 'agentrunner' END,
    CASE WHEN src = 'import' THEN 's' || i END, NULL, 1, (ARRAY['code','docs','triage','design'])[1 + i % 4]
FROM (
    SELECT i,
           to_char(timestamp '{start}' + (i * {step}) * interval '1 microsecond',
                   'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS ts,
           (i % 10 < 3) AS prem,
           CASE WHEN i % 50 = 0 THEN 'import' WHEN i % 5 = 1 THEN 'gateway' ELSE 'own' END AS src
    FROM generate_series({lo}::bigint, {hi}::bigint) AS i
) AS g
"""

SQLITE_LOAD = """
WITH RECURSIVE n(i) AS (SELECT {lo} UNION ALL SELECT i + 1 FROM n WHERE i < {hi})
INSERT INTO calls (id, ts_start, ts_end, run_id, step_kind, attempt, tier, provider, model, input_tokens,
    output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, input_includes_cache, cost_usd,
    price_source, latency_ms, status, user, team, project, source, source_id, replay_of, replayable, task_type)
SELECT printf('%026d', i), ts, ts, 'run' || (i / 400),
    CASE i % 6 WHEN 0 THEN 'plan' WHEN 4 THEN 'verify' WHEN 5 THEN 'summarise' ELSE 'act' END,
    1, CASE WHEN src = 'import' THEN NULL WHEN prem THEN 'premium' ELSE 'local' END,
    CASE WHEN prem THEN 'anthropic' ELSE 'llama-cpp' END,
    CASE WHEN prem THEN (CASE i % 2 WHEN 0 THEN 'claude-sonnet-4-5' ELSE 'claude-haiku-4-5' END)
         ELSE (CASE i % 2 WHEN 0 THEN 'qwen2.5-coder-1.5b' ELSE 'gemma3-270m' END) END,
    800 + i % 3000, 50 + i % 700, CASE WHEN prem THEN i % 2000 ELSE 0 END, 0, 0, CASE WHEN prem THEN 0 ELSE 1 END,
    CASE WHEN i % 997 = 0 THEN NULL WHEN prem THEN 0.002 + (i % 50) * 0.0005 ELSE 0.00002 END,
    'bench', 300 + i % 5000, CASE WHEN i % 113 = 0 THEN 'error' ELSE 'ok' END,
    'user' || (i * 7919 % 40), 'team' || (i * 7919 % 40 % 6), 'proj' || (i % 12),
    CASE src WHEN 'import' THEN 'import:claude-code' WHEN 'gateway' THEN 'gateway' ELSE 'agentrunner' END,
    CASE WHEN src = 'import' THEN 's' || i END, NULL, 1,
    CASE i % 4 WHEN 0 THEN 'code' WHEN 1 THEN 'docs' WHEN 2 THEN 'triage' ELSE 'design' END
FROM (
    SELECT i, strftime('%Y-%m-%dT%H:%M:%fZ', '{start}', '+' || (i * {step} / 1000000.0) || ' seconds') AS ts,
           (i % 10 < 3) AS prem,
           CASE WHEN i % 50 = 0 THEN 'import' WHEN i % 5 = 1 THEN 'gateway' ELSE 'own' END AS src
    FROM n
)
"""


def timed(label: str, fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    wall = time.perf_counter() - started
    print(f"  {label}: {wall:.1f} s", flush=True)
    return wall


def phase_load(url: str, sqlite_path: Path, rows: int, backends: list[str], minutes: float = 1e9) -> None:
    import psycopg

    start = (END - timedelta(days=DAYS)).strftime("%Y-%m-%d %H:%M:%S")
    step = DAYS * 86400 * 1_000_000 // rows  # microseconds between two calls
    chunk = 1_000_000
    if "postgres" in backends:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        Ledger(url).close()  # the schema, by the migrations
        with psycopg.connect(url, autocommit=True) as conn:
            found = conn.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'calls' AND indexname <> 'calls_pkey'"
            ).fetchall()
            indexes = [row[1] for row in found]
            for row in found:
                conn.execute(f'DROP INDEX "{row[0]}"')
            # The rollups are filled in one grouped pass after the load, as m008 fills them on an
            # existing ledger (a row-by-row trigger over 10M inserts measures the trigger, not the load).
            conn.execute("ALTER TABLE calls DISABLE TRIGGER calls_rollup_insert")
            print(f"PostgreSQL: loading {rows:,} calls")
            for lo in range(0, rows, chunk):
                sql = PG_LOAD.format(start=start, step=step, lo=lo, hi=min(rows, lo + chunk) - 1)
                timed(f"rows {lo:,}..", lambda sql=sql: conn.execute(sql))
            for sql in indexes:
                timed(sql.split(" ON ")[0], lambda sql=sql: conn.execute(sql))
            timed("rollups (one grouped pass)", lambda: conn.execute(rollup_fill_sql(True)))
            conn.execute("ALTER TABLE calls ENABLE TRIGGER calls_rollup_insert")
            timed("VACUUM ANALYZE", lambda: [conn.execute(f"VACUUM ANALYZE {t}") for t in ("calls", "calls_rollup")])
    if "sqlite" in backends:
        load_sqlite(sqlite_path, rows, start, step, chunk, minutes)


def load_sqlite(sqlite_path: Path, rows: int, start: str, step: int, chunk: int, minutes: float) -> None:
    """The SQLite load, resumable: it stops after ``minutes`` between chunks (the next run goes on
    from the rows there), so a 10M-row load fits in holds of the CPU lock. The indexes and the
    rollup trigger, dropped for the load, are kept beside the file until the load is finished."""
    import json

    saved = sqlite_path.with_name(sqlite_path.name + ".load.json")
    deadline = time.monotonic() + minutes * 60
    if not saved.exists():
        sqlite_path.unlink(missing_ok=True)
        Ledger(sqlite_path).close()
        conn = sqlite3.connect(sqlite_path)
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'calls' AND sql IS NOT NULL"
        ).fetchall()
        trigger = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'calls_rollup_insert'").fetchone()[0]
        saved.write_text(json.dumps({"indexes": indexes, "trigger": trigger, "rows": rows}))
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        conn.execute("DROP TRIGGER calls_rollup_insert")
        conn.commit()
    else:
        conn = sqlite3.connect(sqlite_path)
    state = json.loads(saved.read_text())
    rows = state["rows"]
    conn.execute("PRAGMA synchronous=OFF")  # a generated bench file: durability is not measured here
    done = conn.execute("SELECT count(*) FROM calls").fetchone()[0]
    print(f"SQLite: loading {rows:,} calls into {sqlite_path} (from {done:,})", flush=True)
    for lo in range(done, rows, chunk):
        if time.monotonic() > deadline:
            print(f"  stopped at {lo:,} rows (--minutes); run the load again to go on", flush=True)
            conn.close()
            return
        sql = SQLITE_LOAD.format(start=start, step=step, lo=lo, hi=min(rows, lo + chunk) - 1)
        timed(f"rows {lo:,}..", lambda sql=sql: (conn.execute(sql), conn.commit()))
    for name, sql in state["indexes"]:
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [name]).fetchone():
            continue
        if time.monotonic() > deadline:
            print("  stopped before the indexes (--minutes); run the load again to go on", flush=True)
            conn.close()
            return
        timed(name, lambda sql=sql: (conn.execute(sql), conn.commit()))
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'calls_rollup_insert'").fetchone():
        # The rollups and the trigger in one transaction: a load killed here fills them again, never twice.
        timed("rollups (one grouped pass)", lambda: conn.execute(rollup_fill_sql(False)))
        conn.execute(state["trigger"])
        conn.commit()
    timed("ANALYZE", lambda: conn.execute("ANALYZE"))
    conn.close()
    saved.unlink()
    print("SQLite: load finished", flush=True)


# -- report ------------------------------------------------------------------------------------


def best(repeat: int, fn: Callable[[], object]) -> float:
    fn()  # warm
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def phase_report(
    url: str, sqlite_path: Path, repeat: int, config_path: Path, backends: list[str], baseline: bool = True
) -> None:
    config = load_config(config_path)
    ledgers = {}
    if "postgres" in backends:
        ledgers["PostgreSQL"] = Ledger(url)
    if "sqlite" in backends:
        ledgers["SQLite"] = Ledger(sqlite_path)
    # A minute before the data ends: a report's window then has partial hours at its edges (read
    # from calls, as at any real moment) and today's daily caps have a day of calls to sum.
    now = END - timedelta(minutes=1)
    results: dict[str, dict[str, float]] = {}
    for name, ledger in ledgers.items():
        total = ledger.count_calls()
        print(f"{name}: {total:,} calls", flush=True)
        row: dict[str, float] = {"count(*)": best(repeat, lambda ledger=ledger: ledger.count_calls())}
        for days in (30, 90):
            window = resolve_window(f"{days}d", None, None, now=now)
            row[f"report {days}d"] = best(
                repeat, lambda w=window, ledger=ledger: build_report(config, ledger, w, by="tier", now=now)
            )
            for by in TEAM_DIMENSIONS:  # what `report --by X` does: the report and its team table

                def by_team(w: object = window, ledger: Ledger = ledger, by: str = by) -> None:
                    report = build_report(config, ledger, w, by=by, now=now)  # type: ignore[arg-type]
                    team_rows(config, ledger, report, now=now)

                row[f"--by {by} {days}d"] = best(repeat, by_team)

        def cold(fn: Callable[[], object]) -> Callable[[], object]:
            """A fresh process's `budget`: no cached sums (SQLite keeps them per process)."""
            return lambda: (budgets._spend_cache.clear(), fn())

        one = config.model_copy(update={"ledger": config.ledger.model_copy(update={"user": "user0", "team": "team0"})})
        row["budget (one user)"] = best(
            repeat, cold(lambda ledger=ledger, one=one: budget_status(one, ledger, now=now))
        )
        row["budget --all"] = best(repeat, cold(lambda ledger=ledger: every_cap(config, ledger, now=now)))
        # The baseline the rollups are measured against: the same report reading every call.
        import agentrunner.reports.spend as spend

        if not baseline:
            results[name] = row
            for label, wall in row.items():
                print(f"  {label:22} {wall:7.3f} s  ({wall / row['count(*)']:.1f}x count(*))", flush=True)
            continue

        real = spend.rollup_dimension
        spend.rollup_dimension = lambda ledger, by: None  # type: ignore[assignment]
        try:
            window = resolve_window("30d", None, None, now=now)
            row["report 30d, no rollups"] = best(
                1, lambda w=window, ledger=ledger: build_report(config, ledger, w, by="tier", now=now)
            )
        finally:
            spend.rollup_dimension = real
        results[name] = row
        for label, wall in row.items():
            print(f"  {label:22} {wall:7.3f} s  ({wall / row['count(*)']:.1f}x count(*))", flush=True)
    if len(results) == 2:
        print(f"{'':24}{'PostgreSQL':>12}{'SQLite':>12}{'pg/sqlite':>11}")
        for label in results["PostgreSQL"]:
            a, b = results["PostgreSQL"][label], results["SQLite"][label]
            print(f"{label:24}{a:>10.3f} s{b:>10.3f} s{a / b:>10.2f}x")
    if "PostgreSQL" in ledgers:
        print_plan(ledgers["PostgreSQL"], resolve_window("30d", None, None, now=now))


def print_plan(ledger: Ledger, window: object) -> None:
    """EXPLAIN ANALYZE of the report's main aggregate (the SQL reports/spend.py sends)."""
    import agentrunner.reports.spend as spend

    captured: list[str] = []
    real = spend._query

    def capture(ledger: Ledger, sql: str, params: object = ()) -> object:
        captured.append(sql)
        return real(ledger, sql, params)  # type: ignore[arg-type]

    spend._query = capture  # type: ignore[assignment]
    try:
        spend.aggregate_by_day(ledger, window.buckets(), None)  # type: ignore[attr-defined]
    finally:
        spend._query = real
    print("plan of the report's aggregate (PostgreSQL, 30 days):")
    for line in ledger.db.execute("EXPLAIN (ANALYZE, BUFFERS) " + captured[0]).fetchall():
        print("   ", line[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=["ingest", "load", "report", "clean"], required=True)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--ingest-rows", type=int, default=8000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--url", help="an existing PostgreSQL database (default: a throwaway cluster in --dir)")
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "agentrunner-bench-team")
    parser.add_argument("--backends", default="postgres,sqlite")
    parser.add_argument("--minutes", type=float, default=1e9, help="load: stop the SQLite load after this long")
    parser.add_argument("--no-baseline", action="store_true", help="report: skip the report that reads every call")
    args = parser.parse_args()
    backends = args.backends.split(",")
    if args.only == "clean":
        if (args.dir / "pg" / "data").exists():
            Cluster(pg_binaries() or Path("/"), args.dir / "pg", "postgres" if os.geteuid() == 0 else None).stop()
        shutil.rmtree(args.dir, ignore_errors=True)
        return
    cluster = None if args.url else cluster_in(args.dir / "pg")
    url = args.url or pg_url(cluster, "bench")  # type: ignore[arg-type]
    scratch = args.dir / "sqlite"
    scratch.mkdir(parents=True, exist_ok=True)
    config_path = args.dir / "routes.toml"
    config_path.write_text(CONFIG, "utf-8")
    if args.only == "ingest":
        phase_ingest(pg_url(cluster, "ingest") if cluster else url, scratch, args.ingest_rows)
    elif args.only == "load":
        phase_load(url, scratch / "ledger.db", args.rows, backends, args.minutes)
    else:
        phase_report(url, scratch / "ledger.db", args.repeat, config_path, backends, baseline=not args.no_baseline)


if __name__ == "__main__":
    main()
