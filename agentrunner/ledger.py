"""The ledger: one row per model call, written the moment the call ends.

SQLite in WAL mode with ``synchronous=FULL`` by default (``[ledger] synchronous = "normal"``: no fsync
per commit); a team's PostgreSQL when the ledger is a ``postgresql://`` URL (``[ledger] url`` or
``AGENTRUNNER_LEDGER_URL``; :mod:`agentrunner.ledger_pg`). Either way, once :meth:`Ledger.record_call`
returns, the row survives the process being killed (with ``"full"``, an OS crash or power cut too).
Redaction (:mod:`agentrunner.redaction`: the default secret rules and the configured patterns) is
applied to every text field before anything is written; API keys and auth headers are never part
of a request to begin with.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import sqlite_utils
from pydantic import BaseModel, Field

from .errors import LedgerError
from .ledger_pg import SPOOL_NAME, PgDatabase, display_name, drain_spool, is_url, spool_rows
from .migrations import applied, migrate, schema_version
from .redaction import REDACTED, Redactor, SecretRule, storable
from .timerange import TimeRange

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_ULID_LOCK = threading.Lock()
_last_ulid: tuple[int, int] = (0, 0)


def new_id() -> str:
    """A ULID: 48-bit millisecond time + 80 random bits, monotonic within a millisecond."""
    global _last_ulid
    with _ULID_LOCK:
        millis = int(time.time() * 1000)
        last_millis, last_random = _last_ulid
        if millis <= last_millis:
            millis, randomness = last_millis, last_random + 1
        else:
            randomness = secrets.randbits(80)
        _last_ulid = (millis, randomness)
    value = (millis << 80) | (randomness & ((1 << 80) - 1))
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


class CallRecord(BaseModel):
    """One row of ``calls``. Everything optional but the essentials, so importers can fill
    what their source knows and leave the rest NULL."""

    id: str = Field(default_factory=new_id)
    ts_start: str = Field(default_factory=utcnow)
    ts_end: str | None = None
    run_id: str | None = None
    task_id: str | None = None
    step_id: str | None = None
    step_kind: str | None = None
    attempt: int = 1
    tier: str | None = None
    provider: str | None = None
    model: str | None = None
    resolved_model: str | None = None
    request_json: str | None = None
    request_hash: str | None = None
    response_text: str | None = None
    response_json: str | None = None
    finish_reason: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    cache_read_tokens: int | None = None
    cache_write_tokens: int | None = None
    reasoning_tokens: int | None = None
    input_includes_cache: bool | None = None
    cost_usd: float | None = None
    price_source: str | None = None
    latency_ms: float | None = None
    status: str = "ok"
    error: str | None = None
    route_reason: str | None = None
    route_score: float | None = None
    config_hash: str | None = None
    user: str | None = None
    team: str | None = None
    project: str | None = None
    source: str = "agentrunner"
    source_id: str | None = None
    replay_of: str | None = None
    config_name: str | None = None
    replayable: bool = True
    source_cost_usd: float | None = None
    task_type: str | None = None
    # The HTTP gateway (m005): the calling program (User-Agent), the key it used, the HTTP request
    # that made this attempt and its protocol; partial = a stream cut short (client gone, upstream
    # cut): the row holds what arrived, its usage counted so far.
    client: str | None = None
    key_id: str | None = None
    request_id: str | None = None
    protocol: str | None = None
    partial: bool = False


_TEXT_FIELDS = ("request_json", "response_text", "response_json", "error")


URL_ENV = "AGENTRUNNER_LEDGER_URL"
SYNCHRONOUS = ("full", "normal")
"""``[ledger] synchronous``: SQLite's ``PRAGMA synchronous`` for the ledger's writes. "full" fsyncs
the WAL at every commit; "normal" (WAL only) leaves it to the OS: a committed row survives the
process being killed (kill -9, OOM), not an OS crash or power cut (docs/ledger.md, "Durability")."""
_MIGRATION_LOCK = 0x61676C65  # PostgreSQL advisory lock key: one process migrates at a time


class Ledger:
    """The ledger of model calls, runs, scores, tool calls and budget reservations: a SQLite file,
    or a PostgreSQL database when ``path`` is a ``postgresql://`` URL (``backend`` says which)."""

    def __init__(
        self,
        path: str | Path,
        *,
        redact: Iterable[str | SecretRule] = (),
        spool: Path | None = None,
        synchronous: str = "full",
    ) -> None:
        if synchronous not in SYNCHRONOUS:
            raise LedgerError(f"[ledger] synchronous: expected one of {', '.join(SYNCHRONOUS)}, got {synchronous!r}")
        self.redact = Redactor(redact)
        self._lock = threading.RLock()
        self._group = _GroupCommit(self._insert_calls)
        self.write_lock = threading.Lock()  # a SQLite file's is shared by the process: write_lock()
        self.spool = spool
        if is_url(path):
            self._open_postgres(str(path))
            return
        self.backend = "sqlite"
        self.path = Path(path)
        self.location = str(self.path)
        self.write_lock = write_lock(self.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30.0)
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            self._wal = self.path.with_name(self.path.name + "-wal") if mode == "wal" else None
            # NORMAL only in WAL mode: with a rollback journal it could corrupt the file on a power cut.
            self.synchronous = synchronous if mode == "wal" else "full"
            conn.execute(f"PRAGMA synchronous={self.synchronous.upper()}")
            conn.execute("PRAGMA busy_timeout=30000")
            self.db = sqlite_utils.Database(conn)
            with self._lock:
                self._check_version()
                migrate(self.db)
        except sqlite3.DatabaseError as exc:
            raise LedgerError(_database_problem(self.path, exc)) from None
        except OSError as exc:
            raise LedgerError(f"{self.path}: cannot open ledger: {exc.strerror or exc}") from None

    def _open_postgres(self, url: str) -> None:
        self.backend = "postgresql"
        self.synchronous = "full"  # the server's synchronous_commit decides; every commit waits for it
        self.location = display_name(url)
        self.path = Path(self.location)  # for messages only: there is no file
        self._wal = None
        pg = PgDatabase(url, name=self.location)
        unreachable = pg.probe()  # fail at once, with the server's reason, when it is down
        if unreachable:
            raise LedgerError(f"{self.location}: cannot connect to the team ledger: {unreachable}")
        # Duck-typed: PgDatabase offers the part of sqlite_utils.Database the ledger's code uses.
        self.db = cast(sqlite_utils.Database, pg)
        with pg.atomic():  # every pending migration in one transaction, one process at a time
            pg.advisory_lock(_MIGRATION_LOCK)
            self._check_version()
            migrate(self.db)
        if self.spool is not None:
            # Rows of calls made while the database could not be written: theirs first.
            drain_spool(self.spool, lambda rows: self._write(lambda: pg.table("calls").insert_all(rows, ignore=True)))

    def ensure_writable(self) -> None:
        """Before a call that costs money: LedgerError unless its row could be written now (a
        PostgreSQL ledger that stays unreachable past the retries). A SQLite file: nothing to ask."""
        if self.backend == "postgresql":
            cast(PgDatabase, self.db).execute_native("SELECT 1")

    @property
    def is_postgres(self) -> bool:
        return self.backend == "postgresql"

    @classmethod
    def for_config(cls, config: Any, *, default_synchronous: str = "full") -> Ledger:
        """The configured ledger: ``$AGENTRUNNER_LEDGER_URL``, else ``[ledger] url``, else the
        SQLite file in the data dir. ``default_synchronous``: when ``[ledger] synchronous`` is not
        set (the gateway passes "normal": docs/ledger.md "Durability")."""
        url = os.environ.get(URL_ENV) or getattr(config.ledger, "url", "")
        if url:
            return cls(url, redact=config.ledger.patterns(), spool=config.data_dir / SPOOL_NAME)
        synchronous = getattr(config.ledger, "synchronous", None) or default_synchronous
        return cls(config.ledger_path, redact=config.ledger.patterns(), synchronous=synchronous)

    def _check_version(self) -> None:
        known = applied(self.db)
        if len(known) > schema_version():
            raise LedgerError(
                f"{self.location}: schema version {len(known)} is newer than this agentrunner "
                f"understands ({schema_version()}); upgrade agentrunner"
            )

    def close(self) -> None:
        self.db.conn.close()

    # -- writing ----------------------------------------------------------------------------

    def _row(self, record: CallRecord | dict[str, Any]) -> dict[str, Any]:
        row = (record if isinstance(record, CallRecord) else CallRecord(**record)).model_dump()
        for name, value in row.items():
            if isinstance(value, str):
                row[name] = storable(value)
        for name in _TEXT_FIELDS:
            row[name] = self.redact(row[name])
        for name in ("input_includes_cache", "replayable", "partial"):
            if row[name] is not None:
                row[name] = int(row[name])
        return row

    def _write(self, fn: Any) -> Any:
        if self.backend == "postgresql":
            return cast(PgDatabase, self.db).transaction(fn)
        try:
            # One transaction: committed, or rolled back on error. write_lock: see write_lock().
            with self._lock, self.write_lock, self.db.conn:
                result = fn()
        except sqlite3.DatabaseError as exc:  # OperationalError (full, read-only) and "malformed"
            raise LedgerError(_database_problem(self.path, exc)) from None
        if self._wal is not None and not self._wal.exists():
            self._rescue_deleted_wal()
        return result

    def _rescue_deleted_wal(self) -> None:
        """The -wal file was deleted while this connection had it open (the newest rows, even the
        tables of a new ledger, live only there): copy them into the database through the handle
        SQLite still holds, then stop — every later write would go to a file no one else sees."""
        try:
            with self._lock:
                self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            saved = "its rows were copied into the ledger"
        except sqlite3.DatabaseError as exc:
            saved = f"its rows could not be saved ({exc})"
        raise LedgerError(
            f"{self._wal}: deleted while this process had the ledger open; {saved}; stopped — run again "
            "(see `agentrunner doctor`)"
        )

    def record_call(self, record: CallRecord | dict[str, Any], *, release: str | None = None) -> str:
        """Write one call (success or error), durably. Returns its id.

        A row whose (source, source_id) is already present is skipped: imports are idempotent.

        ``release``: the id of the budget reservation made for this call, deleted in the same
        transaction as the row is inserted — the call's cost moves from reserved to spent at once,
        never counted twice or not at all, and the request saves a write transaction.
        (``budgets.release`` afterwards is a no-op.)

        Group commit: threads recording at the same time share one transaction (one fsync) — the
        first to arrive writes every row queued by then while the others wait for it. Each call still
        returns only once its own row is committed; alone, a call commits at once as before. (One
        fsync per row is ~4 ms on a plain disk: a gateway could not record more than ~250 calls/s.)
        """
        row = self._row(record)
        self._group.write(row, release)
        return str(row["id"])

    def _insert_calls(self, rows: list[dict[str, Any]], releases: list[str]) -> None:
        if self.backend == "postgresql":
            pg = cast(PgDatabase, self.db)

            def insert() -> None:
                pg.table("calls").insert_all(rows, ignore=True)
                if releases:
                    pg.execute_native("DELETE FROM reservations WHERE id = ANY(%s)", [releases])

            try:
                self._write(insert)
            except LedgerError as exc:
                if self.spool is None:
                    raise
                # The call happened (it may have cost money): its row must not be lost with the
                # connection. Kept on this machine, written to the database when it is next opened.
                spool_rows(self.spool, rows)
                raise LedgerError(
                    f"{exc}; {len(rows)} call row(s) kept in {self.spool}, written to the ledger when it is "
                    "next opened"
                ) from None
            return
        columns = list(rows[0])
        sql = f"INSERT OR IGNORE INTO calls ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"

        def insert_sqlite() -> None:
            self.db.conn.executemany(sql, [[row[c] for c in columns] for row in rows])
            if releases:
                self.db.conn.executemany("DELETE FROM reservations WHERE id = ?", [[one] for one in releases])

        self._write(insert_sqlite)

    def insert_calls(self, records: Iterable[CallRecord | dict[str, Any]], batch: int = 500) -> int:
        """Bulk insert (importers); duplicates on (source, source_id) are skipped.

        Returns the number of rows actually added.
        """
        added = 0
        chunk: list[dict[str, Any]] = []

        def flush() -> int:
            if self.backend == "postgresql":
                return cast(PgDatabase, self.db).table("calls").insert_all(chunk, ignore=True)
            # executemany's rowcount: the rows this statement added, not what the rollup trigger wrote
            columns = list(chunk[0])
            sql = f"INSERT OR IGNORE INTO calls ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
            return int(self.db.conn.executemany(sql, [[row[c] for c in columns] for row in chunk]).rowcount)

        for record in records:
            chunk.append(self._row(record))
            if len(chunk) >= batch:
                added += self._write(flush)
                chunk = []
        if chunk:
            added += self._write(flush)
        return added

    def record_tool_call(
        self,
        *,
        tool: str,
        arguments: dict[str, Any],
        ok: bool,
        result: str = "",
        error: str | None = None,
        run_id: str | None = None,
        task_id: str | None = None,
        step_id: str | None = None,
    ) -> str:
        row = {
            "id": new_id(),
            "ts": utcnow(),
            "run_id": run_id,
            "task_id": task_id,
            "step_id": step_id,
            "tool": tool,
            "arguments_json": self.redact(json.dumps(arguments, ensure_ascii=False)),
            "ok": int(ok),
            "result": self.redact(result[:4000]),
            "error": self.redact(error),
        }
        self._write(lambda: self.db.table("tool_calls").insert(row))
        return str(row["id"])

    def start_run(self, run_id: str, *, config_hash: str, args: dict[str, Any]) -> None:
        row = {
            "id": run_id,
            "started": utcnow(),
            "config_hash": config_hash,
            "args": self.redact(json.dumps(args, ensure_ascii=False)),
        }
        self._write(lambda: self.db.table("runs").insert(row, replace=True))

    def finish_run(self, run_id: str, *, exit_code: int, totals: dict[str, Any]) -> None:
        def update() -> None:
            self.db.execute(
                "UPDATE runs SET finished = ?, exit_code = ?, totals = ? WHERE id = ?",
                [utcnow(), exit_code, self.redact(json.dumps(totals, ensure_ascii=False)), run_id],
            )

        self._write(update)

    def record_scores(self, rows: Iterable[dict[str, Any]]) -> None:
        """Write replay scores (``call_id``, ``baseline_call_id``, ``scorer``, ``score``, ``details``
        as JSON text) in one transaction: a full disk is a LedgerError, and no row of the batch is kept."""
        batch = list(rows)
        if batch:
            self._write(lambda: self.db.table("scores").insert_all(batch))

    # -- reading ----------------------------------------------------------------------------

    def get_call(self, call_id: str) -> dict[str, Any] | None:
        rows = list(self.db["calls"].rows_where("id = ?", [call_id], limit=1))
        if not rows:
            rows = list(self.db["calls"].rows_where("id LIKE ?", [call_id + "%"], limit=2))
            if len(rows) != 1:
                return None
        return rows[0]

    def find_completed(
        self, request_hash: str, *, step_id: str | None, model: str | None = None
    ) -> dict[str, Any] | None:
        """The finished, successful call for this request at this step, if any (resume: a call
        whose row was completed is not paid for again)."""
        where = "request_hash = ? AND status = 'ok' AND replay_of IS NULL AND step_id IS ?"
        params: list[Any] = [request_hash, step_id]
        if model is not None:
            where += " AND model = ?"
            params.append(model)
        rows = list(self.db["calls"].rows_where(where, params, order_by="ts_end desc", limit=1))
        return rows[0] if rows else None

    def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> dict[str, Any] | None:
        """One row of ``sql`` as a dict, straight from the connection (sqlite-utils' table lookup
        costs two schema queries per call, which dominated cached replays)."""
        with self._lock:
            cursor = self.db.conn.execute(sql, list(params))
            row = cursor.fetchone()
            if row is None:
                return None
            return {column[0]: value for column, value in zip(cursor.description, row, strict=True)}

    def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        """Every row of ``sql`` as dicts (small tables: keys, reservations)."""
        with self._lock:
            cursor = self.db.conn.execute(sql, list(params))
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def execute_write(self, sql: str, params: Iterable[Any] = ()) -> int:
        """One write statement in its own durable transaction. Returns the number of rows changed."""
        values = list(params)
        return int(self._write(lambda: self.db.conn.execute(sql, values).rowcount))

    def latest_calls(
        self,
        limit: int,
        *,
        columns: Sequence[str],
        run_id: str | None = None,
        status: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[dict[str, Any]]:
        """The newest ``limit`` calls (``columns`` of each), newest first, filtered by run, status
        and start time (``since`` inclusive, ``until`` exclusive)."""
        if not all(column.isidentifier() for column in columns):
            raise ValueError(f"not column names: {columns!r}")
        clauses, params = TimeRange(since, until).where("ts_start")
        values: list[Any] = list(params)
        for column, value in (("run_id", run_id), ("status", status)):
            if value is not None:
                clauses.append(f"{column} = ?")
                values.append(value)
        where = " AND ".join(clauses) or "1"
        return list(
            self.db["calls"].rows_where(where, values, order_by="ts_start desc", limit=limit, select=", ".join(columns))
        )

    def iter_calls(
        self, where: str = "1", params: Iterable[Any] = (), order_by: str = "ts_start"
    ) -> Iterator[dict[str, Any]]:
        """Stream rows (constant memory) for exports, replay and importers."""
        yield from self.db["calls"].rows_where(where, list(params), order_by=order_by)

    def count_calls(self, where: str = "1", params: Iterable[Any] = ()) -> int:
        return int(self.db.execute(f"SELECT count(*) FROM calls WHERE {where}", list(params)).fetchone()[0])

    def stats(self) -> dict[str, Any]:
        row = self.db.execute(
            "SELECT count(*), sum(status = 'ok'), sum(status = 'error'), sum(cost_usd), "
            "sum(cost_usd IS NULL AND status = 'ok'), sum(input_tokens), sum(output_tokens), "
            "min(ts_start), max(ts_start) FROM calls"
        ).fetchone()
        by_tier = {
            (tier or "-"): {"calls": calls, "cost_usd": round(cost or 0.0, 6)}
            for tier, calls, cost in self.db.execute(
                "SELECT tier, count(*), sum(cost_usd) FROM calls GROUP BY tier ORDER BY tier"
            ).fetchall()
        }
        return {
            "path": self.location,
            "backend": self.backend,
            "schema_version": len(applied(self.db)),
            "calls": row[0],
            "ok": row[1] or 0,
            "errors": row[2] or 0,
            "cost_usd": round(row[3] or 0.0, 6),
            "unpriced_calls": row[4] or 0,
            "input_tokens": row[5] or 0,
            "output_tokens": row[6] or 0,
            "first": row[7],
            "last": row[8],
            "by_tier": by_tier,
        }


_write_locks: dict[str, threading.Lock] = {}
_write_locks_guard = threading.Lock()


def write_lock(path: Path) -> threading.Lock:
    """The lock every SQLite write transaction of this process on the ledger file ``path`` holds (the
    ledger's rows and the budgets' reservations, on their separate connections).

    Threads of one process then wait for each other here, woken the moment the holder is done,
    instead of in SQLite's busy handler, which sleeps 1, 2, 5, 10… ms between tries: under a
    gateway's load (reserve, record, release per request) those sleeps were most of a request's
    time. Other processes still meet SQLite's own lock.
    """
    key = os.path.abspath(path)
    with _write_locks_guard:
        lock = _write_locks.get(key)
        if lock is None:
            lock = _write_locks[key] = threading.Lock()
        return lock


class _GroupCommit:
    """Rows from many threads written in shared transactions; each writer returns once its row is
    committed (or raises what the commit raised)."""

    def __init__(self, commit: Any) -> None:
        self._commit = commit
        self._cond = threading.Condition()
        self._queue: list[_Pending] = []
        self._leading = False

    def write(self, row: dict[str, Any], release: str | None = None) -> None:
        mine = _Pending(row, release)
        with self._cond:
            self._queue.append(mine)
            while not mine.done and self._leading:
                self._cond.wait()
            if mine.done:
                if mine.error is not None:
                    raise mine.error
                return
            self._leading = True
            batch, self._queue = self._queue, []
        try:
            self._commit([pending.row for pending in batch], [p.release for p in batch if p.release])
        except BaseException as exc:
            if len(batch) == 1:
                batch[0].error = exc
            else:  # one bad row must not fail the others: write each alone, each gets its own outcome
                for pending in batch:
                    try:
                        self._commit([pending.row], [pending.release] if pending.release else [])
                    except BaseException as alone:
                        pending.error = alone
        with self._cond:
            for pending in batch:
                pending.done = True
            self._leading = False
            self._cond.notify_all()
        if mine.error is not None:
            raise mine.error


class _Pending:
    __slots__ = ("done", "error", "release", "row")

    def __init__(self, row: dict[str, Any], release: str | None) -> None:
        self.row = row
        self.release = release
        self.done = False
        self.error: BaseException | None = None


__all__ = ["REDACTED", "CallRecord", "Ledger", "Redactor", "new_id", "storable", "utcnow"]


def _database_problem(path: Path, exc: sqlite3.Error) -> str:
    text = str(exc)
    if "not a database" in text or "malformed" in text:
        return (
            f"{path}: database is corrupt ({text}); see `agentrunner doctor`; move it aside "
            f"(mv {path} {path}.broken) to start a new one, or restore it from a backup"
        )
    if "readonly" in text or "read-only" in text:
        return f"{path}: database is read-only ({text}); check its permissions"
    if "disk" in text and "full" in text:
        return f"{path}: disk full ({text}); free space and run again"
    if "locked" in text:
        return f"{path}: database is locked by another process ({text})"
    if os.access(path.parent, os.W_OK) is False:
        return f"{path}: directory is not writable ({text})"
    return f"{path}: {text} (see `agentrunner doctor`)"
