"""Budgets: spending caps over time windows, and reservations so concurrent callers cannot
overspend together.

Caps (``[budgets]`` in routes.toml, all optional, USD):

=========================  ==============================================  ===========================
cap                        spend counted                                   window resets
=========================  ==============================================  ===========================
``per_run_usd``            calls of this run (``run_id``)                  never (a new run, a new cap)
``daily_usd``              all calls of the UTC day                        00:00 UTC
``monthly_usd``            all calls of the UTC month                      the 1st, 00:00 UTC
``per_user_daily_usd``     calls of the caller's ``user`` (default cap)    00:00 UTC
``per_team_monthly_usd``   calls of the caller's ``team`` (default cap)    the 1st, 00:00 UTC
``users.NAME.daily_usd``   calls of user NAME (replaces the default)       00:00 UTC
``users.NAME.monthly_usd`` calls of user NAME                              the 1st, 00:00 UTC
``teams.NAME.daily_usd``   calls of team NAME                              00:00 UTC
``teams.NAME.monthly_usd`` calls of team NAME (replaces the default)       the 1st, 00:00 UTC
a key's daily/monthly      calls made with that gateway key (``key_id``)   00:00 UTC / the 1st
=========================  ==============================================  ===========================

The caller is a :class:`Spender`: for runs, ``[ledger] user``/``team``; for the HTTP gateway, the
key's user, team and caps (``agentrunner keys create --daily-usd …``).

Spend is read from the ledger: the ``cost_usd`` of calls with ``source`` ``'agentrunner'`` (all of
agentrunner's own calls, replays and judges included) or ``'gateway'`` (calls made through
``agentrunner serve``) whose ``ts_start`` falls in the window; imported history is not spend under
these caps. Unpriced calls (``cost_usd`` NULL) add nothing.

**Reservations.** Before a call, its worst-case cost is *reserved*: in one ``BEGIN IMMEDIATE``
transaction on the ledger database (which holds SQLite's write lock, across threads and processes)
we check ``spent + reserved + amount ≤ cap`` for every applicable cap and insert a row in
``reservations``. After the call (ok or error) the reservation is released; the call's actual cost
is then in ``calls``. Live reservations count against every window (they are calls in flight now).
Reservations of processes that no longer exist, or older than six hours (a reused pid), are stale
(their calls either reached the ledger or never happened) and are deleted by the next reservation.

**Unknown worst case.** A tier whose price is unknown (an API model genai-prices does not know and
routes.toml gives no ``price`` for) has no worst-case cost. It does *not* fit any finite cap: a
budget that cannot be checked is not a budget. With no cap configured it is fine.
"""

from __future__ import annotations

import math
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .config import Config
from .errors import LedgerError, OverBudget
from .ledger import Ledger, new_id, utcnow

SPEND_SOURCES = ("agentrunner", "gateway")
"""The ledger sources that are spend under the caps: agentrunner's own calls and the gateway's."""


@dataclass(frozen=True)
class Spender:
    """Who pays for a call: a user, a team and (through the gateway) a key with its own caps."""

    user: str | None = None
    team: str | None = None
    key_id: str | None = None
    key_daily_usd: float | None = None
    key_monthly_usd: float | None = None

    @classmethod
    def from_config(cls, config: Config) -> Spender:
        """The local user: ``[ledger] user`` and ``team``."""
        return cls(user=config.ledger.user or None, team=config.ledger.team or None)


@dataclass(frozen=True)
class CapStatus:
    """One cap in its current window."""

    name: str
    cap_usd: float
    spent_usd: float
    reserved_usd: float
    left_usd: float
    resets_at: datetime | None
    exhausted: bool
    fraction: float  # (spent + reserved) / cap; 1.0 when the cap is 0
    scope: str = ""  # whose cap: "user alice", "team core", "key 01J…"; "" for run-wide and global caps


@dataclass(frozen=True)
class _Cap:
    """A cap and how to select its spend: SQL conditions on ``calls`` and on ``reservations``."""

    name: str
    cap_usd: float
    calls_where: str
    calls_params: tuple[object, ...]
    reservations_where: str
    reservations_params: tuple[object, ...]
    resets_at: datetime | None
    scope: str = ""
    # For a cap over a UTC day/month of everyone, a user or a team: its window, the hourly rollup
    # row that holds its spend (dim, value; m008) and the hour up to which the rollups are read
    # (the hour of "now"; from there on, calls). None: only calls (a run's or a key's cap).
    rollup: tuple[str, str] | None = None
    window: tuple[datetime, datetime] | None = None
    split: datetime | None = None

    @property
    def rolled_spend(self) -> tuple[str, tuple[object, ...]] | None:
        """:func:`window_spend_sql` of this cap (what budgets_pg reads, without importing this module)."""
        return window_spend_sql(self)


@dataclass(frozen=True)
class Reservation:
    """The outcome of :func:`reserve`: a reservation id when it fits, else the cap it breaks."""

    id: str | None
    amount_usd: float | None
    blocked_by: CapStatus | None = None

    @property
    def ok(self) -> bool:
        return self.blocked_by is None


def _as_utc(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


def _iso(moment: datetime) -> str:
    """The ledger's timestamp format, for range comparisons on ``ts_start`` (uses its index)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def day_window(now: datetime) -> tuple[datetime, datetime]:
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)


def month_window(now: datetime) -> tuple[datetime, datetime]:
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)
    return start, end


def applicable_caps(
    config: Config, *, run_id: str | None = None, now: datetime | None = None, spender: Spender | None = None
) -> list[_Cap]:
    """The configured caps that apply to a call made now (in this run, by this spender: by default
    the local ``[ledger] user`` and ``team``)."""
    budgets = config.budgets
    moment = _as_utc(now)
    day_start, day_end = day_window(moment)
    month_start, month_end = month_window(moment)
    in_day = ("ts_start >= ? AND ts_start < ?", (_iso(day_start), _iso(day_end)), day_end, day_start)
    in_month = ("ts_start >= ? AND ts_start < ?", (_iso(month_start), _iso(month_end)), month_end, month_start)
    split = moment.replace(minute=0, second=0, microsecond=0)
    caps: list[_Cap] = []
    if budgets.per_run_usd is not None and run_id:
        caps.append(_Cap("per_run", budgets.per_run_usd, "run_id = ?", (run_id,), "run_id = ?", (run_id,), None))
    if budgets.daily_usd is not None:
        caps.append(
            _Cap("daily", budgets.daily_usd, in_day[0], in_day[1], "1", (), day_end, "", ("", ""),
                 (day_start, day_end), split)
        )  # fmt: skip
    if budgets.monthly_usd is not None:
        caps.append(
            _Cap("monthly", budgets.monthly_usd, in_month[0], in_month[1], "1", (), month_end, "", ("", ""),
                 (month_start, month_end), split)
        )  # fmt: skip
    who = spender if spender is not None else Spender.from_config(config)

    def add(
        name: str,
        cap_usd: float | None,
        window: tuple[str, tuple[str, str], datetime, datetime],
        column: str,
        value: str,
    ) -> None:
        if cap_usd is None:
            return
        where, params, resets, start = window
        label = "key" if column == "key_id" else column
        rolled = column in ("user", "team")  # rolled up by hour (m008); keys are not
        caps.append(
            _Cap(
                name,
                cap_usd,
                f"{where} AND {column} = ?",
                (*params, value),
                f"{column} = ?",
                (value,),
                resets,
                f"{label} {value}",
                (column, value) if rolled else None,
                (start, resets) if rolled else None,
                split if rolled else None,
            )
        )

    if who.user:
        mine = budgets.users.get(who.user)
        add(
            "per_user_daily",
            mine.daily_usd if mine and mine.daily_usd is not None else budgets.per_user_daily_usd,
            in_day,
            "user",
            who.user,
        )
        add("per_user_monthly", mine.monthly_usd if mine else None, in_month, "user", who.user)
    if who.team:
        ours = budgets.teams.get(who.team)
        add("per_team_daily", ours.daily_usd if ours else None, in_day, "team", who.team)
        add(
            "per_team_monthly",
            ours.monthly_usd if ours and ours.monthly_usd is not None else budgets.per_team_monthly_usd,
            in_month,
            "team",
            who.team,
        )
    if who.key_id:
        add("per_key_daily", who.key_daily_usd, in_day, "key_id", who.key_id)
        add("per_key_monthly", who.key_monthly_usd, in_month, "key_id", who.key_id)
    return caps


def pid_alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie (a finished child nobody reaped yet)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:  # no /proc (macOS): os.kill is all we can know
        return True
    # The state letter follows the parenthesised command name, which may itself contain spaces.
    return stat.rsplit(")", 1)[-1].split()[0] not in ("Z", "X")


_connections = threading.local()
_POOL_MAX = 4


@contextmanager
def _connect(ledger: Ledger) -> Iterator[sqlite3.Connection]:
    """This thread's autocommit connection to the ledger, for explicit ``BEGIN IMMEDIATE``
    transactions: opened once per thread, process and ledger file (a connection must not cross a
    fork, and a ledger file replaced by another — moved aside, restored — gets a new one).

    ``synchronous=NORMAL`` on this connection only: in WAL mode it survives a process crash, and a
    reservation lost to a power cut is harmless (its process is gone too).
    """
    key = (os.getpid(), str(ledger.path))
    pool: dict[tuple[int, str], tuple[sqlite3.Connection, int]] = getattr(_connections, "pool", None) or {}
    _connections.pool = pool
    if key not in pool and len(pool) >= _POOL_MAX:
        # Few ledgers per thread in practice; tests and tools that open many keep few files open.
        oldest = next(iter(pool))
        evicted = pool.pop(oldest)[0]
        if oldest[0] == os.getpid():  # never close a connection inherited across fork
            evicted.close()
    try:
        inode = os.stat(ledger.path).st_ino
    except OSError as exc:
        raise LedgerError(f"{ledger.path}: cannot open ledger: {exc.strerror or exc}") from None
    conn, known_inode = pool.get(key, (None, 0))
    if conn is not None and known_inode != inode:
        conn.close()
        conn = None
    if conn is None:
        try:
            conn = sqlite3.connect(ledger.path, timeout=30.0, isolation_level=None)
            conn.execute("PRAGMA busy_timeout=30000")
            conn.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.Error as exc:
            raise LedgerError(f"{ledger.path}: cannot open ledger: {exc}") from None
        pool[key] = (conn, inode)
    try:
        yield conn
    except BaseException as exc:
        if conn.in_transaction:
            conn.rollback()
        if isinstance(exc, sqlite3.OperationalError):
            pool.pop(key, None)
            conn.close()
            raise LedgerError(f"{ledger.path}: {exc}") from None
        raise


# Settled spend per (ledger file, cap window): the ledger is append-only, so the sum over rows up to
# a rowid never changes and only newer rows need adding. Without this, a monthly cap over a ledger
# of 100k calls costs ~100 ms per reservation; with it, a few rows' worth.
_SpendKey = tuple[str, str, tuple[object, ...]]
_spend_cache: dict[_SpendKey, tuple[int, str | None, float]] = {}  # → (last rowid, its id, sum)
_spend_cache_lock = threading.Lock()
_SPEND_CACHE_MAX = 4096  # a few entries per user, team and key: evicted least recently written first


def spend_query(cap: _Cap, *, warm: bool) -> str:
    """SQL summing a cap's spend over rowids in (?, ?].

    Warm (a cached sum exists): only the rows after the cached rowid, found by rowid range.
    NOT INDEXED keeps the planner from preferring a ts_start index (which would walk the whole
    window again); rowid lookups still work under it. Cold: the whole window, by whatever index.
    """
    table = "calls NOT INDEXED" if warm else "calls"
    return (
        f"SELECT coalesce(sum(cost_usd), 0) FROM {table} WHERE rowid > ? AND rowid <= ? "
        f"AND source IN {_SOURCES_SQL} AND {cap.calls_where}"
    )


_SOURCES_SQL = "(" + ", ".join(f"'{source}'" for source in SPEND_SOURCES) + ")"


def _hour_key(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H")  # calls_rollup.hour: substr(ts_start, 1, 13)


def window_spend_sql(cap: _Cap) -> tuple[str, tuple[object, ...]] | None:
    """A scalar subquery (SQLite dialect) summing a rolled-up cap's spend, and its parameters:
    the window's whole hours before ``cap.split`` from ``calls_rollup``, the rest from ``calls`` —
    a month's cap reads at most 744 rollup rows per source and the current hour's calls, instead
    of every call of the month (3.3 million at 10 million calls over 90 days: seconds). None when
    the cap is not rolled up. Every call is in exactly one of the two parts (by its ``ts_start``),
    whatever ``split`` is."""
    if cap.rollup is None or cap.window is None or cap.split is None:
        return None
    start, end = cap.window
    split = min(max(cap.split, start), end)
    column, value = cap.rollup
    match = f" AND {column} = ?" if column else ""
    sql = (
        "((SELECT total(cost) FROM calls_rollup WHERE dim = ? AND value = ? AND hour >= ? AND hour < ? "
        f"AND source IN {_SOURCES_SQL}) + (SELECT total(cost_usd) FROM calls WHERE source IN {_SOURCES_SQL} "
        f"AND ts_start >= ? AND ts_start < ?{match}))"
    )
    params: tuple[object, ...] = (column, value, _hour_key(start), _hour_key(split), _iso(split), _iso(end))
    return sql, params + ((value,) if column else ())


def _spent(conn: sqlite3.Connection, path: Path, cap: _Cap, top: tuple[int, str] | None) -> float:
    """Spend of a cap's window, incrementally: cached sum up to a rowid + the rows after it.
    ``top`` is the newest row of ``calls`` (rowid, id), read once for all caps of a check."""
    key: _SpendKey = (str(path), cap.calls_where, cap.calls_params)
    with _spend_cache_lock:
        last_rowid, last_id, total = _spend_cache.get(key, (0, None, 0.0))
    if last_rowid:
        # The same row still at that rowid, or the file was replaced: start over.
        row = conn.execute("SELECT id FROM calls WHERE rowid = ?", (last_rowid,)).fetchone()
        if row is None or row[0] != last_id:
            last_rowid, total = 0, 0.0
    if top is None:
        return 0.0
    rolled = cap.rolled_spend if not last_rowid else None
    if rolled is not None:  # cold: the rollups, not every call of the window (the write lock is held)
        total = float(conn.execute("SELECT " + rolled[0], rolled[1]).fetchone()[0])
    elif top[0] != last_rowid:
        added = conn.execute(spend_query(cap, warm=bool(last_rowid)), (last_rowid, top[0], *cap.calls_params))
        total += float(added.fetchone()[0])
    with _spend_cache_lock:
        _spend_cache.pop(key, None)
        _spend_cache[key] = (int(top[0]), str(top[1]), total)
        if len(_spend_cache) > _SPEND_CACHE_MAX:
            del _spend_cache[next(iter(_spend_cache))]
    return total


def _newest_call(conn: sqlite3.Connection) -> tuple[int, str] | None:
    row = conn.execute("SELECT rowid, id FROM calls ORDER BY rowid DESC LIMIT 1").fetchone()
    return (int(row[0]), str(row[1])) if row else None


def _status(conn: sqlite3.Connection, path: Path, cap: _Cap, top: tuple[int, str] | None) -> CapStatus:
    spent = _spent(conn, path, cap, top)
    reserved = conn.execute(
        f"SELECT coalesce(sum(amount_usd), 0) FROM reservations WHERE {cap.reservations_where}",
        cap.reservations_params,
    ).fetchone()[0]
    return _cap_status(cap, spent, float(reserved))


STALE_AFTER = timedelta(hours=6)
"""A reservation older than this is stale even if its pid is alive: no call lasts that long, and
the pid may have been reused by an unrelated process since its owner was killed."""


def _clean_stale(conn: sqlite3.Connection) -> int:
    """Delete reservations whose process is gone or that are older than :data:`STALE_AFTER`."""
    cutoff = (datetime.now(UTC) - STALE_AFTER).isoformat(timespec="microseconds").replace("+00:00", "Z")
    # One liveness check per process, not per reservation: a gateway under load holds hundreds of
    # reservations from a handful of workers, and this runs inside every reservation's transaction.
    dead = [pid for (pid,) in conn.execute("SELECT DISTINCT pid FROM reservations") if not pid_alive(int(pid or 0))]
    removed = sum(conn.execute("DELETE FROM reservations WHERE pid IS ?", (pid,)).rowcount for pid in dead)
    removed += conn.execute("DELETE FROM reservations WHERE ts IS NULL OR ts < ?", (cutoff,)).rowcount
    return removed


def _cap_status(cap: _Cap, spent: float, reserved: float) -> CapStatus:
    used = spent + reserved
    return CapStatus(
        name=cap.name,
        cap_usd=cap.cap_usd,
        spent_usd=spent,
        reserved_usd=reserved,
        left_usd=cap.cap_usd - used,
        resets_at=cap.resets_at,
        exhausted=used >= cap.cap_usd,
        fraction=used / cap.cap_usd if cap.cap_usd > 0 else 1.0,
        scope=cap.scope,
    )


def budget_status(
    config: Config,
    ledger: Ledger,
    *,
    run_id: str | None = None,
    now: datetime | None = None,
    spender: Spender | None = None,
) -> list[CapStatus]:
    """Every applicable cap in its current window: spent, reserved, left, when it resets."""
    caps = applicable_caps(config, run_id=run_id, now=now, spender=spender)
    if not caps:
        return []
    if ledger.is_postgres:  # a team's ledger: leases instead of pids (budgets_pg.py)
        from . import budgets_pg

        sums = budgets_pg.totals(ledger, caps, list(SPEND_SOURCES))
        return [_cap_status(cap, spent, reserved) for cap, (spent, reserved) in zip(caps, sums, strict=True)]
    with _connect(ledger) as conn, ledger.write_lock:
        conn.execute("BEGIN IMMEDIATE")
        try:
            _clean_stale(conn)
            top = _newest_call(conn)
            statuses = [_status(conn, ledger.path, cap, top) for cap in caps]
        finally:
            conn.execute("COMMIT")
    return statuses


def reserve(
    config: Config,
    ledger: Ledger,
    amount_usd: float | None,
    *,
    tier: str,
    run_id: str | None = None,
    now: datetime | None = None,
    dry_run: bool = False,
    spender: Spender | None = None,
) -> Reservation:
    """Reserve ``amount_usd`` against every applicable cap, atomically across threads and processes.

    Returns a :class:`Reservation` with an id (release it with :func:`release` once the call has
    ended) or, when some cap cannot cover the amount, with ``blocked_by`` set to that cap's status
    and no id. ``dry_run`` checks without keeping anything. With no applicable cap nothing is
    written and the id is None. ``spender``: who pays (default: ``[ledger] user`` and ``team``).
    """
    who = spender if spender is not None else Spender.from_config(config)
    caps = applicable_caps(config, run_id=run_id, now=now, spender=who)
    if not caps:
        return Reservation(None, amount_usd)
    if ledger.is_postgres:  # one locked transaction across processes and hosts (budgets_pg.py)
        from . import budgets_pg

        row = {
            "id": new_id(),
            "ts": utcnow(),
            "run_id": run_id,
            "tier": tier,
            "amount_usd": amount_usd,
            "user": who.user,
            "team": who.team,
            "key_id": who.key_id,
        }
        reserved_id, refused, sums = budgets_pg.reserve(
            ledger, caps, amount_usd, sources=list(SPEND_SOURCES), row=row, dry_run=dry_run
        )
        if refused is not None:
            return Reservation(None, amount_usd, blocked_by=_cap_status(caps[refused], *sums[refused]))
        return Reservation(reserved_id, amount_usd)
    with _connect(ledger) as conn, ledger.write_lock:
        # IMMEDIATE takes the database's write lock now, so no other reserver can read the same
        # totals and insert between our check and our insert.
        conn.execute("BEGIN IMMEDIATE")
        try:
            _clean_stale(conn)
            top = _newest_call(conn)
            for cap in caps:
                status = _status(conn, ledger.path, cap, top)
                # A tiny epsilon so a reservation of exactly what is left fits despite float sums.
                if amount_usd is None or status.spent_usd + status.reserved_usd + amount_usd > cap.cap_usd + 1e-12:
                    conn.execute("COMMIT")
                    return Reservation(None, amount_usd, blocked_by=status)
            if dry_run:
                conn.execute("COMMIT")
                return Reservation(None, amount_usd)
            reservation_id = new_id()
            conn.execute(
                "INSERT INTO reservations (id, ts, run_id, tier, user, team, key_id, amount_usd, pid) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (reservation_id, utcnow(), run_id, tier, who.user, who.team, who.key_id, amount_usd, os.getpid()),
            )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    return Reservation(reservation_id, amount_usd)


def release(ledger: Ledger, reservation_id: str | None) -> None:
    """Drop a reservation (idempotent; None is a no-op)."""
    if reservation_id is None:
        return
    if ledger.is_postgres:
        from . import budgets_pg

        budgets_pg.release(ledger, reservation_id)
        return
    with _connect(ledger) as conn, ledger.write_lock:
        conn.execute("DELETE FROM reservations WHERE id = ?", (reservation_id,))


def usd(amount: float) -> str:
    """Dollars with cents, or four decimals below a dollar (budgets of cents are common)."""
    return f"${amount:.2f}" if abs(amount) >= 1 else f"${amount:.4f}"


def describe_block(status: CapStatus, amount_usd: float | None, tier: str) -> str:
    """One line saying why a call does not fit a cap, e.g. for BudgetExhausted."""
    need = (
        "an unknown worst-case cost (unpriced model; set price = {...} on the tier)"
        if amount_usd is None
        else f"worst case {usd(amount_usd)}"
    )
    resets = f"; resets {status.resets_at.strftime('%Y-%m-%d %H:%M UTC')}" if status.resets_at else ""
    scope = f" for {status.scope}" if status.scope else ""
    return (
        f"{status.name} cap{scope} {usd(status.cap_usd)}: spent {usd(status.spent_usd)} + reserved "
        f"{usd(status.reserved_usd)}, tier {tier!r} needs {need}{resets}"
    )


def over_budget(status: CapStatus, amount_usd: float | None, tier: str, *, now: datetime | None = None) -> OverBudget:
    """The refusal for a gateway request: which cap, whose, and (as ``retry_after_s``) how long until
    it resets."""
    retry_after: int | None = None
    if status.resets_at is not None:
        retry_after = max(1, math.ceil((status.resets_at - _as_utc(now)).total_seconds()))
    return OverBudget(
        "budget exhausted: " + describe_block(status, amount_usd, tier),
        cap=status.name,
        scope=status.scope,
        cap_usd=status.cap_usd,
        resets_at=status.resets_at,
        retry_after_s=retry_after,
    )


@dataclass(frozen=True)
class GatewayFit:
    """The tier a gateway request is served by and its reservation (release it when the call ends)."""

    tier: str
    reservation: Reservation
    downgraded_from: str | None = None
    reason: str = ""  # for the ledger's route_reason when the request was downgraded


def reserve_or_downgrade(
    config: Config,
    ledger: Ledger,
    *,
    tier: str,
    worst_case: Callable[[str], float | None],
    spender: Spender,
    now: datetime | None = None,
) -> GatewayFit:
    """Reserve a gateway request's worst case (``worst_case(tier)``) against every cap of its
    spender; when a cap cannot cover it and ``[budgets] downgrade_to`` names another tier (with
    ``on_exhausted = "downgrade"``), reserve on that tier instead. Otherwise raise
    :class:`OverBudget` naming the cap that refused (the downgrade's, when it was tried).

    Never a silent downgrade: without ``downgrade_to`` an exhausted cap is a refusal.
    """
    fit = reserve(config, ledger, worst_case(tier), tier=tier, now=now, spender=spender)
    if fit.ok:
        return GatewayFit(tier, fit)
    assert fit.blocked_by is not None
    target = config.budgets.downgrade_to
    if config.budgets.on_exhausted != "downgrade" or target is None or target == tier:
        raise over_budget(fit.blocked_by, fit.amount_usd, tier, now=now)
    cheaper = reserve(config, ledger, worst_case(target), tier=target, now=now, spender=spender)
    if not cheaper.ok:
        assert cheaper.blocked_by is not None
        raise over_budget(cheaper.blocked_by, cheaper.amount_usd, target, now=now)
    scope = f" for {fit.blocked_by.scope}" if fit.blocked_by.scope else ""
    reason = f"{fit.blocked_by.name} cap{scope} cannot cover {tier} → downgrade to {target}"
    return GatewayFit(target, cheaper, downgraded_from=tier, reason=reason)


__all__ = [
    "SPEND_SOURCES",
    "CapStatus",
    "GatewayFit",
    "Reservation",
    "Spender",
    "applicable_caps",
    "budget_status",
    "day_window",
    "describe_block",
    "month_window",
    "over_budget",
    "pid_alive",
    "release",
    "reserve",
    "reserve_or_downgrade",
    "usd",
]
