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
reservations renews their leases every third of that. A worker killed with ``kill -9`` stops
renewing, and its reservations expire — deleted by the next check — within one lease. The call it
was making either reached the ledger (its cost is then spend) or never happened: nothing is
counted twice.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Sequence
from typing import Any, Protocol, cast

from .ledger import Ledger
from .ledger_pg import PgDatabase

LEASE_SECONDS = float(os.environ.get("AGENTRUNNER_RESERVATION_LEASE_S", "60"))
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


def _pg(ledger: Ledger) -> PgDatabase:
    return cast(PgDatabase, ledger.db)


def _totals(pg: PgDatabase, caps: Sequence[CapQuery], sources: Sequence[str]) -> list[tuple[float, float]]:
    marks = ", ".join("?" for _ in sources)
    totals = []
    for cap in caps:
        spent = pg.execute(
            f"SELECT coalesce(sum(cost_usd), 0) FROM calls WHERE source IN ({marks}) AND {cap.calls_where}",
            [*sources, *cap.calls_params],
        ).fetchone()
        reserved = pg.execute(
            f"SELECT coalesce(sum(amount_usd), 0) FROM reservations WHERE {cap.reservations_where}",
            list(cap.reservations_params),
        ).fetchone()
        totals.append((float(spent[0]) if spent else 0.0, float(reserved[0]) if reserved else 0.0))
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
    """Renews the leases of this process's live reservations, per database, from one daemon thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[str, tuple[PgDatabase, set[str]]] = {}
        self._thread: threading.Thread | None = None
        self._pid = 0

    def hold(self, pg: PgDatabase, reservation_id: str) -> None:
        with self._lock:
            if self._pid != os.getpid():  # a forked child inherits neither the thread nor the leases
                self._held, self._thread, self._pid = {}, None, os.getpid()
            self._held.setdefault(pg.url, (pg, set()))[1].add(reservation_id)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="reservation-leases", daemon=True)
                self._thread.start()

    def drop(self, pg: PgDatabase, reservation_id: str) -> None:
        with self._lock:
            entry = self._held.get(pg.url)
            if entry is not None:
                entry[1].discard(reservation_id)

    def _run(self) -> None:
        while True:
            time.sleep(max(LEASE_SECONDS / 3, 0.05))
            with self._lock:
                work = [(pg, list(ids)) for pg, ids in self._held.values() if ids]
            for pg, ids in work:
                try:
                    renewed = pg.execute_native(
                        f"UPDATE reservations SET expires_at = {_lease_sql()} WHERE id = ANY(%s) RETURNING id",
                        [LEASE_SECONDS, ids],
                    ).fetchall()
                except Exception:  # the database is down or restarting: the next beat tries again
                    continue
                # Gone without release(): deleted with their call's row (record_call(release=…)).
                gone = set(ids) - {row[0] for row in renewed}
                for reservation_id in gone:
                    self.drop(pg, reservation_id)


_heartbeat = _Heartbeat()


__all__ = ["LEASE_SECONDS", "release", "reserve", "totals"]
