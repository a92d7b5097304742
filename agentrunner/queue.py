"""The queue: every to-do item agentrunner has seen, with its status, in ``state.db``.

The to-do files are the user's truth (what is open, what is done); the queue is agentrunner's memory
of its own work on them: attempts, the last error, the run that worked the item, its cost and calls.
``agentrunner status`` reads it; reports count done items from it.

Status: ``pending`` (to do), ``running`` (a run is on it — or was, when it got killed), ``done``,
``failed`` (attempts used up, or failed this run and waiting for the next), ``skipped`` (ticked
by the user, not by agentrunner: reports count only agentrunner's own ``done`` items).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from .errors import LedgerError
from .ledger import _database_problem, utcnow
from .todo import TodoItem

STATUSES = ("pending", "running", "done", "failed", "skipped")

_COLUMNS: dict[str, type] = {
    "id": str,
    "file": str,
    "line_text": str,
    "text": str,
    "status": str,
    "attempts": int,
    "last_error": str,
    "run_id": str,
    "cost_usd": float,
    "calls": int,
    "tags": str,
    "task_type": str,
    "result_path": str,
    "created_at": str,
    "updated_at": str,
    "done_at": str,
}


@dataclass
class QueueItem:
    id: str
    file: str
    line_text: str
    text: str
    status: str
    attempts: int
    last_error: str | None
    run_id: str | None
    cost_usd: float
    calls: int
    tags: list[str]
    task_type: str | None
    result_path: str | None
    created_at: str
    updated_at: str
    done_at: str | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> QueueItem:
        data = dict(row)
        data["tags"] = json.loads(data.get("tags") or "[]")
        data["attempts"] = int(data.get("attempts") or 0)
        data["calls"] = int(data.get("calls") or 0)
        data["cost_usd"] = float(data.get("cost_usd") or 0.0)
        # Column by column, each converted above or stored by from_item with its field's type.
        return cls(**{name: data.get(name) for name in _COLUMNS})  # type: ignore[arg-type]


def open_state_db(path: Path) -> sqlite3.Connection:
    """A WAL connection to state.db shared by the queue and LangGraph's checkpointer."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, check_same_thread=False, timeout=30.0)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA busy_timeout=30000")
    except sqlite3.DatabaseError as exc:
        raise LedgerError(_database_problem(path, exc)) from None
    return conn


class Queue:
    """The ``items`` table of state.db."""

    def __init__(
        self,
        path: Path,
        conn: sqlite3.Connection | None = None,
        *,
        redact: Callable[[str | None], str | None] | None = None,
    ) -> None:
        self.path = path
        # The ledger's redaction patterns: an item's text may hold a key; state.db must not.
        self.redact: Callable[[str | None], str | None] = redact or (lambda text: text)
        self.conn = conn or open_state_db(path)
        self.db = sqlite_utils.Database(self.conn)
        self._lock = threading.RLock()
        try:
            with self._lock, self.conn:
                if "items" not in self.db.table_names():
                    self.db.table("items").create(_COLUMNS, pk="id")
                    self.db.table("items").create_index(["file"])
                    self.db.table("items").create_index(["status"])
        except sqlite3.DatabaseError as exc:
            raise LedgerError(_database_problem(path, exc)) from None

    def close(self) -> None:
        self.conn.close()

    def _write(self, sql: str, params: Iterable[Any]) -> None:
        try:
            with self._lock, self.conn:
                self.conn.execute(sql, list(params))
        except sqlite3.DatabaseError as exc:
            raise LedgerError(_database_problem(self.path, exc)) from None

    def get(self, item_id: str) -> QueueItem | None:
        try:
            with self._lock:
                rows = list(self.db["items"].rows_where("id = ?", [item_id], limit=1))
        except sqlite3.DatabaseError as exc:
            raise LedgerError(_database_problem(self.path, exc)) from None
        return QueueItem.from_row(rows[0]) if rows else None

    @contextlib.contextmanager
    def bulk(self) -> Iterator[None]:
        """For syncing a whole to-do file: ``synchronous=NORMAL`` meanwhile, i.e. no fsync per
        commit (a 100k-item file took 8 minutes with one fsync per item). WAL stays consistent
        under NORMAL; a power cut can only lose rows the next run derives again from the files."""
        with self._lock:
            self.conn.execute("PRAGMA synchronous=NORMAL")
        try:
            yield
        finally:
            with self._lock:
                self.conn.execute("PRAGMA synchronous=FULL")

    def sync(self, item: TodoItem, *, task_type: str | None = None) -> QueueItem:
        """Make sure the queue knows a to-do item; a ticked item agentrunner did not finish is
        recorded as skipped (the user did it: it is no done task of agentrunner's)."""
        now = utcnow()
        existing = self.get(item.id)
        if existing is None:
            row = {
                "id": item.id,
                "file": item.file_key,
                "line_text": self.redact(item.line.rstrip("\r\n")),
                "text": self.redact(item.title),
                "status": "skipped" if item.checked else "pending",
                "attempts": 0,
                "last_error": None,
                "run_id": None,
                "cost_usd": 0.0,
                "calls": 0,
                "tags": json.dumps(item.tags),
                "task_type": task_type,
                "result_path": None,
                "created_at": now,
                "updated_at": now,
                "done_at": None,
            }
            try:
                with self._lock, self.conn:
                    self.db.table("items").insert(row, ignore=True)
            except sqlite3.DatabaseError as exc:
                raise LedgerError(_database_problem(self.path, exc)) from None
        else:
            status = existing.status
            if item.checked and status != "done":
                status = "skipped"
            self._write(
                "UPDATE items SET line_text = ?, tags = ?, status = ?, task_type = coalesce(?, task_type), "
                "updated_at = ? WHERE id = ?",
                [self.redact(item.line.rstrip("\r\n")), json.dumps(item.tags), status, task_type, now, item.id],
            )
        result = self.get(item.id)
        assert result is not None
        return result

    def start(self, item_id: str, run_id: str) -> int:
        """Mark an item running for this run; returns its attempt number (1-based)."""
        current = self.get(item_id)
        attempt = (current.attempts if current else 0) + 1
        self._write(
            "UPDATE items SET status = 'running', attempts = ?, run_id = ?, updated_at = ? WHERE id = ?",
            [attempt, run_id, utcnow(), item_id],
        )
        return attempt

    def resume(self, item_id: str, run_id: str) -> int:
        """Continue an interrupted attempt (same attempt number)."""
        current = self.get(item_id)
        attempt = max(current.attempts if current else 1, 1)
        self._write(
            "UPDATE items SET status = 'running', attempts = ?, run_id = ?, updated_at = ? WHERE id = ?",
            [attempt, run_id, utcnow(), item_id],
        )
        return attempt

    def finish(
        self,
        item_id: str,
        *,
        status: str,
        cost_usd: float = 0.0,
        calls: int = 0,
        error: str | None = None,
        result_path: str | None = None,
    ) -> None:
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        now = utcnow()
        self._write(
            "UPDATE items SET status = ?, cost_usd = coalesce(cost_usd, 0) + ?, calls = coalesce(calls, 0) + ?, "
            "last_error = ?, result_path = coalesce(?, result_path), updated_at = ?, "
            "done_at = CASE WHEN ? = 'done' THEN ? ELSE done_at END WHERE id = ?",
            [status, cost_usd, calls, self.redact(error), result_path, now, status, now, item_id],
        )

    def release(self, item_id: str, *, attempts_back: bool = False) -> None:
        """Put an item back to pending (budget stop, interrupt): not a failure."""
        sql = "UPDATE items SET status = 'pending', updated_at = ?"
        if attempts_back:
            sql += ", attempts = max(coalesce(attempts, 0) - 1, 0)"
        self._write(sql + " WHERE id = ?", [utcnow(), item_id])

    def items(self, *, file: str | None = None) -> list[QueueItem]:
        where, params = ("file = ?", [file]) if file else ("1", [])
        with self._lock:
            rows = list(self.db["items"].rows_where(where, params, order_by="file, created_at"))
        return [QueueItem.from_row(row) for row in rows]

    def summary(self) -> dict[str, Any]:
        """Per file and per status: counts and cost so far (``agentrunner status``)."""
        files: dict[str, dict[str, Any]] = {}
        totals: dict[str, Any] = {status: 0 for status in STATUSES}
        totals.update({"items": 0, "cost_usd": 0.0, "calls": 0})
        for item in self.items():
            entry = files.setdefault(
                item.file, {**{status: 0 for status in STATUSES}, "items": 0, "cost_usd": 0.0, "calls": 0}
            )
            for bucket in (entry, totals):
                bucket[item.status] = bucket.get(item.status, 0) + 1
                bucket["items"] += 1
                bucket["cost_usd"] += item.cost_usd
                bucket["calls"] += item.calls
        for bucket in (*files.values(), totals):
            bucket["cost_usd"] = round(bucket["cost_usd"], 6)
        return {"files": files, "totals": totals}


__all__ = ["STATUSES", "Queue", "QueueItem", "open_state_db"]
