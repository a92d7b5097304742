"""Is the ledger or state.db fit to be written? Asked before a run pays for anything.

A file with damaged pages behind a valid header opens, migrates and may even accept a write: only
reading the pages tells. :func:`quick_check` runs SQLite's ``PRAGMA quick_check`` on a read-only
connection (nothing is written, not even a ``-wal`` file is replayed into the database) and stops
after :data:`CHECK_SECONDS` — a huge ledger is then checked only in part, and ``agentrunner doctor``
checks it whole. :func:`lost_rows` finds a ledger that exists but has no tables: its rows lived in
a ``-wal`` file that was deleted while a run had it open, and state.db says how much was lost.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from .errors import LedgerError

CHECK_SECONDS = 2.0
_PROGRESS_STEPS = 20_000  # SQLite virtual-machine steps between two looks at the clock


def _open_readonly(path: Path) -> sqlite3.Connection:
    """Read-only; with no ``-wal`` file beside it, also ``immutable`` so that SQLite creates no
    ``-wal``/``-shm`` files either (a WAL database opened read-only otherwise gets both)."""
    wal = path.with_name(path.name + "-wal")
    flags = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?{flags}", uri=True, timeout=5.0)
    conn.execute("PRAGMA busy_timeout=5000")
    return conn


def quick_check(path: Path, *, seconds: float = CHECK_SECONDS) -> str | None:
    """None when ``path`` is missing, sound, or too big to finish checking in ``seconds``; else
    what SQLite found wrong (its first three problems)."""
    if not path.exists():
        return None
    try:
        conn = _open_readonly(path)
    except sqlite3.Error as exc:
        return str(exc)
    deadline = time.monotonic() + seconds
    conn.set_progress_handler(lambda: int(time.monotonic() > deadline), _PROGRESS_STEPS)
    try:
        problems = [str(row[0]) for row in conn.execute("PRAGMA quick_check(3)").fetchall()]
    except sqlite3.OperationalError as exc:
        if "interrupt" in str(exc):
            return None  # checked as far as time allowed; doctor checks the whole file
        return str(exc)
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        conn.close()
    if problems == ["ok"]:
        return None
    return " ".join("; ".join(problems[:3]).replace("*** in database main ***", "").split())


def _tables(path: Path) -> set[str] | None:
    try:
        conn = _open_readonly(path)
        try:
            return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def _recorded_work(state_path: Path) -> dict[str, Any]:
    """What state.db says earlier runs paid for: items with calls, their calls and cost."""
    if not state_path.exists():
        return {"items": 0, "calls": 0, "cost_usd": 0.0}
    try:
        conn = _open_readonly(state_path)
        try:
            row = conn.execute(
                "SELECT count(*), coalesce(sum(calls), 0), coalesce(sum(cost_usd), 0) FROM items WHERE calls > 0"
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return {"items": 0, "calls": 0, "cost_usd": 0.0}
    return {"items": int(row[0]), "calls": int(row[1]), "cost_usd": float(row[2])}


FRESH_LEDGER_BYTES = 8192  # a new ledger's file before its tables: SQLite's header page (WAL mode set)


def lost_rows(ledger_path: Path, state_path: Path) -> str | None:
    """One line when the ledger file exists but holds no tables at all (agentrunner never leaves
    it so: it creates them on open), naming what state.db says was recorded in it; else None."""
    if not ledger_path.exists() or ledger_path.stat().st_size == 0:
        return None
    tables = _tables(ledger_path)
    if tables is None or tables:
        return None
    work = _recorded_work(state_path)
    if not work["items"] and ledger_path.stat().st_size <= FRESH_LEDGER_BYTES:
        # a run killed while it created the ledger (after it set WAL mode, before the tables were
        # committed): nothing was ever recorded, and the next open creates the tables
        return None
    lost = (
        f"state.db records {work['items']} item(s) with {work['calls']} call(s) (${work['cost_usd']:.4f}) "
        "that are no longer in it: reports and budgets miss them"
        if work["items"]
        else "whatever it recorded is gone"
    )
    return (
        f"{ledger_path}: the ledger has no tables — its rows were lost (was its -wal file deleted while a "
        f"run had it open?); {lost}; restore it from a backup, or move it aside "
        f"(mv {ledger_path} {ledger_path}.broken) to start a new one"
    )


def corrupt_message(path: Path, problem: str, *, before_run: bool = True) -> str:
    stopped = "stopped before any call, nothing written" if before_run else "the run stopped"
    return (
        f"{path}: database is corrupt ({problem}); {stopped} — see "
        f"`agentrunner doctor`; move it aside (mv {path} {path}.broken) to start a new one, or restore it "
        "from a backup"
    )


def check_before_run(ledger_path: Path, state_path: Path) -> None:
    """LedgerError (one line naming the file and ``agentrunner doctor``) when the ledger or
    state.db is damaged or the ledger lost its rows; runs before the run opens either."""
    for path in (ledger_path, state_path):
        problem = quick_check(path)
        if problem is not None:
            raise LedgerError(corrupt_message(path, problem))
    lost = lost_rows(ledger_path, state_path)
    if lost is not None:
        raise LedgerError(f"{lost} — see `agentrunner doctor`")


def which_damaged(paths: list[Path], error: sqlite3.Error) -> str:
    """The one line for a DatabaseError met mid-run: the file a check finds damaged, else both."""
    for path in paths:
        problem = quick_check(path)
        if problem is not None:
            return corrupt_message(path, problem, before_run=False)
    names = " or ".join(str(path) for path in paths)
    if "disk" in str(error) and "full" in str(error):  # SQLITE_FULL: the files are fine, the disk is not
        return f"{names}: disk full ({error}); the run stopped — free space and run again"
    return f"{names}: database error ({error}); the run stopped — see `agentrunner doctor`"


__all__ = ["CHECK_SECONDS", "check_before_run", "corrupt_message", "lost_rows", "quick_check", "which_damaged"]
