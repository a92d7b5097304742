"""Ledger schema migrations: ordered plain functions, each recorded in the ``migrations`` table.

Never edit a released migration; add a new one at the end of :data:`MIGRATIONS`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlite_utils

Migration = Callable[[sqlite_utils.Database], None]


def m001_initial(db: sqlite_utils.Database) -> None:
    db.table("calls").create(
        {
            "id": str,
            "ts_start": str,
            "ts_end": str,
            "run_id": str,
            "task_id": str,
            "step_id": str,
            "step_kind": str,
            "attempt": int,
            "tier": str,
            "provider": str,
            "model": str,
            "resolved_model": str,
            "request_json": str,
            "request_hash": str,
            "response_text": str,
            "response_json": str,
            "finish_reason": str,
            "input_tokens": int,
            "output_tokens": int,
            "cache_read_tokens": int,
            "cache_write_tokens": int,
            "reasoning_tokens": int,
            "input_includes_cache": int,
            "cost_usd": float,
            "price_source": str,
            "latency_ms": float,
            "status": str,
            "error": str,
            "route_reason": str,
            "route_score": float,
            "config_hash": str,
            "user": str,
            "team": str,
            "project": str,
            "source": str,
            "source_id": str,
            "replay_of": str,
            "config_name": str,
        },
        pk="id",
    )
    db.table("runs").create(
        {
            "id": str,
            "started": str,
            "finished": str,
            "config_hash": str,
            "args": str,
            "exit_code": int,
            "totals": str,
        },
        pk="id",
    )
    db.table("scores").create(
        {
            "id": int,
            "call_id": str,
            "baseline_call_id": str,
            "scorer": str,
            "score": float,
            "details": str,
        },
        pk="id",
    )
    db.execute(
        "CREATE UNIQUE INDEX idx_calls_source_dedup ON calls(source, source_id) "
        "WHERE source_id IS NOT NULL"
    )


def m002_replayable_tool_calls_reservations(db: sqlite_utils.Database) -> None:
    """Importers mark rows whose request cannot be rebuilt; the agent logs tool calls; budgets
    reserve worst-case cost before a call so concurrent callers cannot overspend together."""
    db.table("calls").add_column("replayable", int, not_null_default=1)
    db.table("calls").add_column("source_cost_usd", float)
    db.table("calls").add_column("task_type", str)
    db.table("tool_calls").create(
        {
            "id": str,
            "ts": str,
            "run_id": str,
            "task_id": str,
            "step_id": str,
            "tool": str,
            "arguments_json": str,
            "ok": int,
            "result": str,
            "error": str,
        },
        pk="id",
    )
    db.table("reservations").create(
        {
            "id": str,
            "ts": str,
            "run_id": str,
            "tier": str,
            "user": str,
            "team": str,
            "amount_usd": float,
            "pid": int,
        },
        pk="id",
    )


def m003_indexes(db: sqlite_utils.Database) -> None:
    """Indexes for reports over millions of rows and for resume lookups."""
    db.execute("CREATE INDEX IF NOT EXISTS idx_calls_ts ON calls(ts_start)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_calls_run ON calls(run_id)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_calls_task ON calls(task_id)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_calls_request ON calls(request_hash, step_id)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_calls_replay ON calls(replay_of)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_scores_call ON scores(call_id)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_tool_calls_task ON tool_calls(task_id)")


def m004_report_covering_index(db: sqlite_utils.Database) -> None:
    """A covering index for ``report``: every column its aggregation reads, led by ``ts_start``.

    Rows carry request and response text (~1 kB each), so a report that reads the table reads the
    whole ledger; with this index it reads a tenth of that and never touches the rows."""
    db.execute(
        "CREATE INDEX IF NOT EXISTS idx_calls_report ON calls(ts_start, step_kind, replay_of, tier, provider, "
        "status, cost_usd, source, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, "
        "reasoning_tokens, input_includes_cache, model, task_type, user, team, project)"
    )


def m007_reservation_leases(db: sqlite_utils.Database) -> None:
    """Reservations on a shared (PostgreSQL) ledger expire by lease, not by pid: ``expires_at``
    (renewed by the holder) and ``host`` (which machine holds it; a pid alone means nothing across
    hosts)."""
    db.table("reservations").add_column("expires_at", str)
    db.table("reservations").add_column("host", str)


def m005_gateway_columns(db: sqlite_utils.Database) -> None:
    """The HTTP gateway's rows (``source = 'gateway'``): which program called (User-Agent), with
    which key, in which HTTP request and protocol, and whether a stream was cut short (partial)."""
    calls = db.table("calls")
    calls.add_column("client", str)
    calls.add_column("key_id", str)
    calls.add_column("request_id", str)
    calls.add_column("protocol", str)
    calls.add_column("partial", int, not_null_default=0)
    db.execute("CREATE INDEX IF NOT EXISTS idx_calls_key ON calls(key_id, ts_start) WHERE key_id IS NOT NULL")


def m006_api_keys(db: sqlite_utils.Database) -> None:
    """Gateway keys (``agentrunner keys``): who a key belongs to, its caps, its secret's hash only;
    reservations remember the key they were made for (per-key caps)."""
    db.table("api_keys").create(
        {
            "id": str,
            "name": str,
            "user": str,
            "team": str,
            "daily_usd": float,
            "monthly_usd": float,
            "secret_hash": str,
            "created": str,
            "last_used": str,
            "revoked": str,
        },
        pk="id",
    )
    db.table("reservations").add_column("key_id", str)


# The report's dimensions as m008 rolls them up (frozen with it: reports/spend.py's DIMENSIONS must
# keep computing the same values for these names, or a new migration must rebuild the rollups).
ROLLUP_DIMENSIONS: dict[str, str] = {
    "": "''",
    "model": "coalesce({p}model, '(unknown)')",
    "provider": "coalesce({p}provider, '(unknown)')",
    "step-kind": "coalesce({p}step_kind, '(none)')",
    "task-type": "coalesce({p}task_type, '(none)')",
    "user": "coalesce({p}user, '(none)')",
    "team": "coalesce({p}team, '(none)')",
    "project": "coalesce({p}project, '(none)')",
    "source": "coalesce({p}source, '(unknown)')",
    "client": "coalesce({p}client, '(none)')",
}
_ROLLUP_SUMS = (
    "calls", "ok_calls", "error_calls", "uncached", "cache_read", "cache_write", "output", "reasoning", "cost"
)  # fmt: skip
_ROLLUP_KEY = ("hour", "dim", "value", "kind", "tier", "provider", "cost_is_null", "source")


def _rollup_columns(
    p: str, greatest: str, dim: str = "d.dim", value: str = "d.value"
) -> tuple[list[str], list[str]]:
    """One call's rollup key and its contribution to each sum (``p`` = ``NEW.`` in a trigger,
    ``calls.`` in the backfill)."""
    kind = (
        f"CASE WHEN {p}step_kind = 'judge' THEN 'judge' "
        f"WHEN {p}replay_of IS NOT NULL OR {p}step_kind = 'replay' THEN 'replay' ELSE 'work' END"
    )
    uncached = (
        f"CASE WHEN {p}input_includes_cache = 0 THEN coalesce({p}input_tokens, 0) ELSE {greatest}(coalesce("
        f"{p}input_tokens, 0) - coalesce({p}cache_read_tokens, 0) - coalesce({p}cache_write_tokens, 0), 0) END"
    )
    key = [
        f"coalesce(substr({p}ts_start, 1, 13), '')", dim, value, kind, f"coalesce({p}tier, '')",
        f"coalesce({p}provider, '')", f"CASE WHEN {p}cost_usd IS NULL THEN 1 ELSE 0 END", f"coalesce({p}source, '')",
    ]  # fmt: skip
    sums = [
        "1", f"CASE WHEN {p}status = 'ok' THEN 1 ELSE 0 END", f"CASE WHEN {p}status = 'error' THEN 1 ELSE 0 END",
        uncached, f"coalesce({p}cache_read_tokens, 0)", f"coalesce({p}cache_write_tokens, 0)",
        f"coalesce({p}output_tokens, 0)", f"coalesce({p}reasoning_tokens, 0)", f"coalesce({p}cost_usd, 0)",
    ]  # fmt: skip
    return key, sums


def m008_report_rollups(db: sqlite_utils.Database) -> None:
    """Hourly rollups for ``report`` over millions of calls, maintained as rows arrive (a trigger on
    ``calls``: every inserted call adds to one row per report dimension), and filled now from the
    calls already there. A report over whole hours reads these instead of every call; partial hours
    at a window's edges still read ``calls``. Also an index for the unpriced-calls list."""
    postgres = bool(getattr(db, "is_postgres", False))
    run = db.execute_native if postgres else db.execute  # type: ignore[attr-defined]
    key = ", ".join(_ROLLUP_KEY)
    sums = ", ".join(_ROLLUP_SUMS)
    int_type, real_type = ("BIGINT", "DOUBLE PRECISION") if postgres else ("INTEGER", "REAL")
    run(
        f"CREATE TABLE calls_rollup (hour TEXT NOT NULL, dim TEXT NOT NULL, value TEXT NOT NULL, kind TEXT NOT NULL, "
        f"tier TEXT NOT NULL, provider TEXT NOT NULL, cost_is_null {int_type} NOT NULL, source TEXT NOT NULL, "
        + ", ".join(f"{name} {real_type if name == 'cost' else int_type} NOT NULL" for name in _ROLLUP_SUMS)
        + f", PRIMARY KEY ({key}))"
    )
    run("CREATE INDEX idx_rollup_dim_hour ON calls_rollup(dim, hour)")
    run("CREATE INDEX IF NOT EXISTS idx_calls_unpriced ON calls(ts_start) WHERE cost_usd IS NULL AND status = 'ok'")

    greatest = "greatest" if postgres else "max"
    added = ", ".join(f"{name} = calls_rollup.{name} + excluded.{name}" for name in _ROLLUP_SUMS)
    new_key, new_sums = _rollup_columns("NEW.", greatest)
    upsert = (
        f"INSERT INTO calls_rollup ({key}, {sums}) SELECT {', '.join(new_key + new_sums)} "
        f"FROM {_rollup_dims('NEW.', postgres)} WHERE true ON CONFLICT ({key}) DO UPDATE SET {added}"
    )
    if postgres:
        run(
            "CREATE FUNCTION calls_rollup_add() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"{upsert}; RETURN NULL; END $$"
        )
        run("CREATE TRIGGER calls_rollup_insert AFTER INSERT ON calls FOR EACH ROW EXECUTE FUNCTION calls_rollup_add()")
    else:
        run(f"CREATE TRIGGER calls_rollup_insert AFTER INSERT ON calls BEGIN {upsert}; END")
    run(rollup_fill_sql(postgres))  # the calls already there


def _rollup_dims(p: str, postgres: bool) -> str:
    """``d(dim, value)``: every dimension's value of the call ``p`` (``NEW.`` in a row trigger)."""
    user = '"user"' if postgres else "user"
    values = [(name, expr.format(p=p).replace(f"{p}user", f"{p}{user}")) for name, expr in ROLLUP_DIMENSIONS.items()]
    if postgres:
        return "(VALUES " + ", ".join(f"('{name}', {expr})" for name, expr in values) + ") AS d(dim, value)"
    return "(" + " UNION ALL ".join(f"SELECT '{name}' AS dim, {expr} AS value" for name, expr in values) + ") AS d"


def m009_rollups_per_statement(db: sqlite_utils.Database) -> None:
    """PostgreSQL: the rollups maintained once per INSERT statement instead of once per row.

    m008's row trigger upserted one rollup row per report dimension for every call (ten upserts a
    call): ingest with it measured ~1,400 rows/s against ~4,600 without. Here a statement trigger
    reads the statement's new rows (a transition table), adds them up by rollup key and upserts
    each key once — a group commit of 32 calls by a handful of users is a few dozen upserts, not
    320. Keys are upserted in key order, so two writers touching the same keys cannot deadlock.
    (The ledger inserts a batch as one multi-row statement.) SQLite has no statement triggers
    and one writer at a time: its row trigger stays."""
    if not getattr(db, "is_postgres", False):
        return
    run = db.execute_native  # type: ignore[attr-defined]
    key = ", ".join(_ROLLUP_KEY)
    new_key, new_sums = _rollup_columns("added.", "greatest")
    added = ", ".join(f"{name} = calls_rollup.{name} + excluded.{name}" for name in _ROLLUP_SUMS)
    order = ", ".join(str(n) for n in range(1, len(new_key) + 1))
    upsert = (
        f"INSERT INTO calls_rollup ({key}, {', '.join(_ROLLUP_SUMS)}) SELECT {', '.join(new_key)}, "
        + ", ".join(f"sum({expr})" for expr in new_sums)
        + f" FROM added CROSS JOIN LATERAL {_rollup_dims('added.', True)} GROUP BY {order} ORDER BY {order} "
        f"ON CONFLICT ({key}) DO UPDATE SET {added}"
    )
    run(
        "CREATE FUNCTION calls_rollup_add_rows() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"{upsert}; RETURN NULL; END $$"
    )
    run("DROP TRIGGER calls_rollup_insert ON calls")
    run(
        "CREATE TRIGGER calls_rollup_insert AFTER INSERT ON calls REFERENCING NEW TABLE AS added "
        "FOR EACH STATEMENT EXECUTE FUNCTION calls_rollup_add_rows()"
    )


def rollup_fill_sql(postgres: bool) -> str:
    """SQL adding every row of ``calls`` to ``calls_rollup`` in one grouped pass (m008 on an
    existing ledger; a bulk load that ran with the trigger disabled)."""
    user = '"user"' if postgres else "user"
    cases = " ".join(
        f"WHEN '{name}' THEN {expr.format(p='calls.').replace('calls.user', f'calls.{user}')}"
        for name, expr in ROLLUP_DIMENSIONS.items()
    )
    key, sums = _rollup_columns("calls.", "greatest" if postgres else "max", "d0.dim", f"CASE d0.dim {cases} END")
    names = " UNION ALL ".join(f"SELECT '{name}' AS dim" for name in ROLLUP_DIMENSIONS)
    return (
        f"INSERT INTO calls_rollup ({', '.join(_ROLLUP_KEY)}, {', '.join(_ROLLUP_SUMS)}) SELECT {', '.join(key)}, "
        + ", ".join(f"sum({expr})" for expr in sums)
        + f" FROM calls CROSS JOIN ({names}) AS d0 GROUP BY {', '.join(str(n) for n in range(1, len(key) + 1))}"
    )


def m010_replay_inflight(db: sqlite_utils.Database) -> None:
    """Replayed calls in flight (agentrunner/replay/inflight.py): the row each call will have, written
    before it is sent, so a killed replay's spend becomes ``lost`` rows instead of going unrecorded."""
    db.table("replay_inflight").create(
        {"id": str, "run_id": str, "pid": int, "ts": str, "amount_usd": float, "record": str}, pk="id"
    )


def m012_replay_inflight_host(db: sqlite_utils.Database) -> None:
    """The host that wrote each in-flight record: a team (PostgreSQL) ledger is shared by machines,
    and a process id only says whether a replay is alive on its own host."""
    db.table("replay_inflight").add_column("host", str)


MIGRATIONS: list[Migration] = [
    m001_initial,
    m002_replayable_tool_calls_reservations,
    m003_indexes,
    m004_report_covering_index,
    m007_reservation_leases,
    m005_gateway_columns,  # after m007: team-pg's landed first, and ids are positions
    m006_api_keys,
    m008_report_rollups,
    m009_rollups_per_statement,
    m010_replay_inflight,
    m012_replay_inflight_host,
]


def applied(db: sqlite_utils.Database) -> list[str]:
    if "migrations" not in db.table_names():
        return []
    return [row["name"] for row in db["migrations"].rows_where(order_by="id")]


def migrate(db: sqlite_utils.Database, upto: int | None = None) -> list[str]:
    """Apply every migration not yet recorded, in order. Returns the names applied now."""
    if "migrations" not in db.table_names():
        with db.atomic():
            db.table("migrations").create({"id": int, "name": str, "applied_at": str}, pk="id")
    done = set(applied(db))
    ran: list[str] = []
    for number, migration in enumerate(MIGRATIONS[:upto], start=1):
        if migration.__name__ in done:
            continue
        # An explicit BEGIN … COMMIT: `with db.conn` would not roll back DDL, because Python's
        # sqlite3 (before autocommit=False) only opens a transaction before INSERT/UPDATE/DELETE,
        # so a CREATE TABLE before a failure would survive as a half-applied migration.
        with db.atomic():
            migration(db)
            db.table("migrations").insert(
                {
                    "id": number,
                    "name": migration.__name__,
                    "applied_at": datetime.now(UTC).isoformat(),
                }
            )
        ran.append(migration.__name__)
    return ran


def schema_version() -> int:
    return len(MIGRATIONS)
