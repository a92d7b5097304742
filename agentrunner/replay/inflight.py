"""Write-ahead records of replayed calls in flight: spend that a ``kill -9`` cannot hide.

A ledger row is written when a call *ends*. A replay killed with requests in flight leaves no row
for them, yet the provider received them and bills them; the resumed replay sends them again. So
before each request leaves (after its endpoint's slot is taken, see :mod:`.limits`), the replay
writes the row the call *will* have — same id, run, original, configuration, tier, model, request
— to ``replay_inflight`` (m010), with the call's worst-case cost (prompt + ``max_tokens`` at the
tier's price, what a budget reservation holds).

- When the call ends, its real row (same id) lands in ``calls``; the record is then only a
  duplicate and is dropped in batches (:meth:`InflightJournal.forget_settled`).
- When the process dies first, the next replay on this ledger (any replay: the killed one resumed,
  or another) turns every record of a dead process that has no row into a ``calls`` row with
  ``status = 'lost'`` and its worst-case cost (:func:`record_lost`): spend is never unrecorded, and
  budgets and reports count it. A lost row is no answer: the resumed replay sends that request
  again (the provider was paid twice for it — "in flight at the kill" — never for an answered one).

The records are written through the ledger's own connection (a second connection's commits made
the ledger's next write fail with "database is locked": a stale read snapshot), durably like its
rows, and *group-committed*: the threads recording at the same moment share one transaction (one
fsync) — the first to arrive writes every record queued by then while the others wait — and each
returns only once its own record is committed, before its request is sent. One durable write per
call at most (docs/compare-and-tune.md, "Parallel replays against a served model").

A PostgreSQL (team) ledger keeps the same records (m010, and m012 added the host). Machines share
it, and a process id only tells whether a replay is alive on its own host: a replay judges the
records of its own host by their process, and those of another host only once they are
:data:`STALE_AFTER_S` old (no replayed call is in flight for a day; a record written before m012
has no host and is judged as this host's).
"""

from __future__ import annotations

import json
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..budgets import pid_alive
from ..chat import ChatRequest
from ..config import TierConfig
from ..ledger import CallRecord, Ledger, utcnow
from ..pricing import worst_case_cost

TABLE = "replay_inflight"
LOST_STATUS = "lost"
LOST_ERROR = "in flight when its replay process died: the provider may have answered and billed it; answer unknown"
FORGET_EVERY = 512  # records written between two clean-ups of settled ones
STALE_AFTER_S = 24 * 3600.0  # another host's record older than this: its replay is gone
HOST = socket.gethostname()
_UPSERT = (
    f"INSERT INTO {TABLE} (id, run_id, pid, host, ts, amount_usd, record) VALUES {{values}} ON CONFLICT (id) DO "
    "UPDATE SET run_id = excluded.run_id, pid = excluded.pid, host = excluded.host, ts = excluded.ts, "
    "amount_usd = excluded.amount_usd, record = excluded.record"
)  # SQLite's and PostgreSQL's upsert are spelled the same: a retried attempt rewrites its record


def worst_case(request: ChatRequest, tier: TierConfig) -> float | None:
    prompt_tokens = sum(len(m.content or "") for m in request.messages) // 4 + 1
    return worst_case_cost(tier, prompt_tokens, request.max_tokens or tier.max_tokens)


class InflightJournal:
    """This process's write-ahead records on one SQLite ledger. Thread-safe."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.pid = os.getpid()
        self._lock = threading.Lock()
        self._written = 0
        self._group = _GroupWrite(self._insert)

    def open(self, record: CallRecord, request: ChatRequest, tier: TierConfig) -> None:
        """Before the request is sent: the row it will have, and what it may cost. Returns once the
        record is committed (shared with the records of other threads arriving meanwhile)."""
        amount = worst_case(request, tier)
        # Not the request text: it is in the original's row, and redaction applies to rows written.
        data = record.model_dump_json(exclude={"request_json", "response_text", "response_json"})
        self._group.write((record.id, record.run_id, self.pid, HOST, utcnow(), amount, data))
        with self._lock:
            self._written += 1
            due = self._written % FORGET_EVERY == 0
        if due:
            self.forget_settled()

    def _insert(self, records: list[tuple[Any, ...]]) -> None:
        latest = list({record[0]: record for record in records}.values())  # one statement may not upsert an id twice
        for start in range(0, len(latest), _ROWS_PER_STATEMENT):
            chunk = latest[start : start + _ROWS_PER_STATEMENT]
            values = ", ".join("(?, ?, ?, ?, ?, ?, ?)" for _ in chunk)
            self.ledger.execute_write(_UPSERT.format(values=values), [value for record in chunk for value in record])

    def forget_settled(self) -> None:
        """Drop this process's records whose call has its row."""
        self.ledger.execute_write(
            f"DELETE FROM {TABLE} WHERE pid = ? AND host = ? AND id IN "
            f"(SELECT c.id FROM calls c JOIN {TABLE} r ON c.id = r.id)",
            (self.pid, HOST),
        )

    def close(self) -> None:
        self.forget_settled()


_ROWS_PER_STATEMENT = 140  # 7 values each: under SQLite's oldest limit of 999 bound values


class _GroupWrite:
    """Records from many threads written together; each writer returns once its record is committed
    (or raises what the commit raised). The shape of the ledger's own group commit of call rows."""

    def __init__(self, commit: Callable[[list[tuple[Any, ...]]], None]) -> None:
        self._commit = commit
        self._cond = threading.Condition()
        self._queue: list[_Queued] = []
        self._leading = False

    def write(self, record: tuple[Any, ...]) -> None:
        mine = _Queued(record)
        with self._cond:
            self._queue.append(mine)
            while not mine.done and self._leading:
                self._cond.wait()
            if not mine.done:
                self._leading = True
                batch, self._queue = self._queue, []
            else:
                batch = []
        if batch:
            error: BaseException | None = None
            try:
                self._commit([queued.record for queued in batch])
            except BaseException as exc:  # every record of the batch is unrecorded: each caller fails
                error = exc
            with self._cond:
                for queued in batch:
                    queued.done, queued.error = True, error
                self._leading = False
                self._cond.notify_all()
        if mine.error is not None:
            raise mine.error


class _Queued:
    __slots__ = ("done", "error", "record")

    def __init__(self, record: tuple[Any, ...]) -> None:
        self.record = record
        self.done = False
        self.error: BaseException | None = None


@dataclass
class Lost:
    """Calls of dead replays written as ``lost`` rows now."""

    calls: int = 0
    usd: float = 0.0
    unpriced: int = 0
    runs: tuple[str, ...] = ()

    def describe(self) -> str:
        if not self.calls:
            return ""
        cost = f"${self.usd:.6f} worst case" + (f", {self.unpriced} unpriced" if self.unpriced else "")
        runs = ", ".join(self.runs)
        return (f"{self.calls} call(s) in flight when replay run {runs} was killed recorded as lost ({cost}): "
                "sent again, they are paid twice")


def _gone(pid: Any, host: Any, ts: Any, now: datetime) -> bool:
    """Whether the replay that wrote a record can no longer answer it."""
    if host is None or host == HOST:
        return int(pid or 0) != os.getpid() and not pid_alive(int(pid or 0))
    try:
        written = datetime.fromisoformat(str(ts).replace("Z", "+00:00"))
    except ValueError:
        return True  # unreadable: old enough
    return (now - written).total_seconds() > STALE_AFTER_S


def record_lost(ledger: Ledger) -> Lost:
    """Every record of a replay that is gone, with no row of its own: a ``lost`` row (worst-case
    cost), written once (same id as the call would have had). Records with rows are dropped."""
    rows = ledger.db.execute(f"SELECT id, pid, host, ts, amount_usd, record FROM {TABLE}").fetchall()
    now = datetime.now(UTC)
    judged: dict[tuple[Any, ...], bool] = {}  # a process is asked once, not once per record
    gone = []
    for row in rows:
        pid, host, ts = row[1], row[2], row[3]
        key = (pid, host) if host in (None, HOST) else (pid, host, ts)
        if key not in judged:
            judged[key] = _gone(pid, host, ts, now)
        if judged[key]:
            gone.append(row)
    if not gone:
        return Lost()
    ids = [row[0] for row in gone]
    answered: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        answered.update(r[0] for r in ledger.db.execute(f"SELECT id FROM calls WHERE id IN ({marks})", chunk))
    lost: list[dict[str, Any]] = []
    runs: list[str] = []
    usd, unpriced = 0.0, 0
    for call_id, _pid, _host, _ts, amount, data in gone:
        if call_id in answered:
            continue
        record = CallRecord(**json.loads(data))
        lost.append(record.model_copy(update={
            "ts_end": utcnow(), "status": LOST_STATUS, "error": LOST_ERROR, "finish_reason": LOST_STATUS,
            "cost_usd": amount, "price_source": "worst case (in flight at a kill)", "replayable": False,
        }).model_dump())
        if amount is None:
            unpriced += 1
        else:
            usd += float(amount)
        if record.run_id and record.run_id not in runs:
            runs.append(record.run_id)
    if lost:
        # Two replays may do this at once (two machines on a team ledger): a lost row has the
        # call's own id, so the second insert of it is ignored.
        ledger.insert_calls(lost)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        ledger.execute_write(f"DELETE FROM {TABLE} WHERE id IN ({', '.join('?' for _ in chunk)})", chunk)
    return Lost(len(lost), usd, unpriced, tuple(runs))
