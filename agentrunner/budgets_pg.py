"""Budget reservations on a PostgreSQL ledger: one cap check that holds across processes and hosts.

:mod:`agentrunner.budgets` decides which caps apply and how to select their spend (SQL conditions
on ``calls`` and ``reservations``); on a PostgreSQL ledger it hands them here.

**Check and reserve in one transaction.** Every reserver takes the same transaction-scoped advisory
lock (``pg_advisory_xact_lock``) first, then sums spend and live reservations for every cap and
inserts its reservation before committing. Reservers queue on the lock, whichever host they run
on, so no two can read the same totals and both insert: spend + reserved never exceeds a cap. (One
lock for all caps: a global ``daily_usd`` cap is shared by every user anyway, and a check is a few
index-only sums, about a millisecond.)

**Leases, not pids.** On one machine a dead worker's reservations are found by its pid; across
hosts a pid means nothing. A reservation here carries ``expires_at`` (the database's clock, so
hosts' clocks do not matter) :data:`LEASE_SECONDS` ahead; a thread in each process that holds
reservations renews their leases every third of that, on a connection of its own (never waiting
for the pool the requests use). A worker killed with ``kill -9`` stops
renewing, and its reservations expire — deleted by the next check — within one lease. The call it
was making either reached the ledger (its cost is then spend) or never happened: nothing is
counted twice.
"""

from __future__ import annotations

import contextlib
import math
import os
import socket
import threading
import time
from collections.abc import Sequence
from typing import Any, Protocol, cast

from .errors import ConfigError
from .ledger import Ledger
from .ledger_pg import CONNECT_TIMEOUT, PgDatabase


def _lease_from_environment() -> float:
    text = os.environ.get("AGENTRUNNER_RESERVATION_LEASE_S", "60")
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:  # 0 or less: every reservation lapses at once
        raise ConfigError(f"AGENTRUNNER_RESERVATION_LEASE_S: must be a number of seconds > 0, got {text!r}")
    return value


LEASE_SECONDS = _lease_from_environment()
"""How long a reservation outlives its last renewal (the holder renews every third of it)."""
_LOCK_KEY = 0x62756467  # "budg": the advisory lock every reserver takes
_NOW = "to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"


def _lease_sql() -> str:
    return (
        "to_char((clock_timestamp() + make_interval(secs => %s)) AT TIME ZONE 'UTC', "
        "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
    )


class CapQuery(Protocol):
    """What a cap is here: how to select its spend and its reservations (SQLite dialect, ``?``)."""

    @property
    def calls_where(self) -> str: ...
    @property
    def calls_params(self) -> tuple[object, ...]: ...
    @property
    def reservations_where(self) -> str: ...
    @property
    def reservations_params(self) -> tuple[object, ...]: ...
    @property
    def cap_usd(self) -> float: ...
    @property
    def rolled_spend(self) -> tuple[str, tuple[object, ...]] | None: ...


def _pg(ledger: Ledger) -> PgDatabase:
    return cast(PgDatabase, ledger.db)


def _totals(pg: PgDatabase, caps: Sequence[CapQuery], sources: Sequence[str]) -> list[tuple[float, float]]:
    """(spent, reserved) of each cap, each pair read by one statement (one snapshot: a call whose
    row and reservation release commit in between is counted once, never missed). A rolled-up
    cap's spend comes from the hourly rollups and the current hour's calls
    (``cap.rolled_spend``: :func:`agentrunner.budgets.window_spend_sql`)."""
    marks = ", ".join("?" for _ in sources)
    totals = []
    for cap in caps:
        rolled = cap.rolled_spend
        if rolled is not None:
            spent_sql, spent_params = rolled
        else:
            spent_sql = f"(SELECT total(cost_usd) FROM calls WHERE source IN ({marks}) AND {cap.calls_where})"
            spent_params = (*sources, *cap.calls_params)
        row = pg.execute(
            f"SELECT {spent_sql} AS spent, "
            f"(SELECT coalesce(sum(amount_usd), 0) FROM reservations WHERE {cap.reservations_where}) AS reserved",
            [*spent_params, *cap.reservations_params],
        ).fetchone()
        totals.append((float(row[0]), float(row[1])) if row else (0.0, 0.0))
    return totals


def _expire(pg: PgDatabase) -> int:
    """Delete reservations whose lease ran out (one written without a lease: a lease after its ``ts``)."""
    lapsed = (
        "to_char((clock_timestamp() - make_interval(secs => %s)) AT TIME ZONE 'UTC', "
        "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
    )
    return pg.execute_native(
        f"DELETE FROM reservations WHERE expires_at < {_NOW} OR (expires_at IS NULL AND (ts IS NULL OR ts < {lapsed}))",
        [LEASE_SECONDS],
    ).rowcount


def totals(ledger: Ledger, caps: Sequence[CapQuery], sources: Sequence[str]) -> list[tuple[float, float]]:
    """(spent, reserved) of every cap now, after expiring the leases of dead holders."""
    pg = _pg(ledger)

    def run() -> list[tuple[float, float]]:
        _expire(pg)
        return _totals(pg, caps, sources)

    result: list[tuple[float, float]] = pg.transaction(run)
    return result


def reserve(
    ledger: Ledger,
    caps: Sequence[CapQuery],
    amount_usd: float | None,
    *,
    sources: Sequence[str],
    row: dict[str, Any],
    dry_run: bool = False,
) -> tuple[str | None, int | None, list[tuple[float, float]]]:
    """Check every cap and insert ``row`` (a reservation with its ``id``) in one locked transaction.

    Returns (the reservation id or None, the index of the cap that refused or None, the (spent,
    reserved) of the caps checked). A refused or dry-run check inserts nothing."""
    pg = _pg(ledger)

    def run() -> tuple[str | None, int | None, list[tuple[float, float]]]:
        pg.advisory_lock(_LOCK_KEY)
        _expire(pg)
        checked: list[tuple[float, float]] = []
        for index, cap in enumerate(caps):
            spent, reserved = _totals(pg, [cap], sources)[0]
            checked.append((spent, reserved))
            if amount_usd is None or spent + reserved + amount_usd > cap.cap_usd + 1e-12:
                return None, index, checked
        if dry_run:
            return None, None, checked
        values = {**row, "host": socket.gethostname(), "pid": os.getpid()}
        columns = ", ".join(f'"{name}"' for name in values)
        marks = ", ".join(["%s"] * len(values))
        pg.execute_native(
            f"INSERT INTO reservations ({columns}, expires_at) VALUES ({marks}, {_lease_sql()}) "
            "ON CONFLICT (id) DO NOTHING",
            [*values.values(), LEASE_SECONDS],
        )
        return str(row["id"]), None, checked

    result: tuple[str | None, int | None, list[tuple[float, float]]] = pg.transaction(run)
    if result[0] is not None:
        _heartbeat.hold(pg, result[0])
    return result


def release(ledger: Ledger, reservation_id: str) -> None:
    pg = _pg(ledger)
    _heartbeat.drop(pg, reservation_id)
    pg.execute_native("DELETE FROM reservations WHERE id = %s", [reservation_id])


class _Heartbeat:
    """Renews the leases of this process's live reservations, per database, from one daemon thread.

    It renews on a connection of its own per database, outside the ledger's pool: under load the
    pool's connections are all taken by requests (and reservers queue on the advisory lock holding
    theirs), and a renewal that waited for one came after its lease had run out — a live call's
    reservation expired and the cap let another in (1.24-1.28x the cap with a 2 s lease at 64
    concurrent requests, docs/team.md). Beats are kept on a fixed schedule (every third of the
    lease from the last beat's start, not after its end)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[str, tuple[PgDatabase, set[str]]] = {}
        self._conns: dict[str, Any] = {}  # url -> the heartbeat's own psycopg connection
        self._thread: threading.Thread | None = None
        self._wake = threading.Event()
        self._interval = 0.0  # the beat the thread is sleeping for
        self._pid = 0

    def hold(self, pg: PgDatabase, reservation_id: str) -> None:
        with self._lock:
            if self._pid != os.getpid():  # a forked child inherits neither the thread, the leases nor the connections
                self._held, self._conns, self._thread, self._pid = {}, {}, None, os.getpid()
                self._wake = threading.Event()
            self._held.setdefault(pg.url, (pg, set()))[1].add(reservation_id)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="reservation-leases", daemon=True)
                self._thread.start()
            elif self._interval > LEASE_SECONDS / 3:  # the lease was shortened while the thread slept
                self._wake.set()

    def drop(self, pg: PgDatabase, reservation_id: str) -> None:
        with self._lock:
            entry = self._held.get(pg.url)
            if entry is not None:
                entry[1].discard(reservation_id)

    def _run(self) -> None:
        self._interval = max(LEASE_SECONDS / 3, 0.05)
        beat = time.monotonic() + self._interval  # the next beat
        while True:
            if self._wake.wait(max(beat - time.monotonic(), 0.0)):
                self._wake.clear()
            started = time.monotonic()
            self._interval = max(LEASE_SECONDS / 3, 0.05)
            beat = started + self._interval  # from this beat's start: a slow renewal does not push the next one
            with self._lock:
                work = [(pg, list(ids)) for pg, ids in self._held.values() if ids]
                idle = [url for url in self._conns if url not in {pg.url for pg, _ in work}]
            for url in idle:  # nothing held there now: no connection kept open to it
                self._close(url)
            for pg, ids in work:
                renewed = self._renew(pg.url, ids)
                if renewed is None:  # the database is down or restarting: the next beat tries again
                    continue
                # Gone without release(): deleted with their call's row (record_call(release=…)).
                for reservation_id in set(ids) - renewed:
                    self.drop(pg, reservation_id)

    def _renew(self, url: str, ids: list[str]) -> set[str] | None:
        """The ids whose lease was renewed, on this thread's own connection (None: it failed)."""
        import psycopg

        try:
            conn = self._conns.get(url)
            if conn is None or conn.closed:
                conn = psycopg.connect(
                    url,
                    autocommit=True,
                    connect_timeout=CONNECT_TIMEOUT,
                    application_name="agentrunner-leases",
                    # Never longer than a lease: a renewal stuck behind a lock gives way to the next beat.
                    options=f"-c statement_timeout={max(int(LEASE_SECONDS * 1000), 500)}",
                )
                self._conns[url] = conn
            rows = conn.execute(
                f"UPDATE reservations SET expires_at = {_lease_sql()} WHERE id = ANY(%s) RETURNING id",
                [LEASE_SECONDS, ids],
            ).fetchall()
        except psycopg.Error:
            self._close(url)
            return None
        return {row[0] for row in rows}

    def _close(self, url: str) -> None:
        conn = self._conns.pop(url, None)
        if conn is not None:
            with contextlib.suppress(Exception):  # closing a broken connection: nothing left to do with it
                conn.close()


_heartbeat = _Heartbeat()


__all__ = ["LEASE_SECONDS", "release", "reserve", "totals"]
