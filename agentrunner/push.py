"""``ledger push``: copy a laptop's SQLite ledger into the team's PostgreSQL ledger, idempotently.

Rows keep their ids, and every table has a key the team database enforces (``calls.id`` and the
``(source, source_id)`` dedup index, ``runs.id``, ``tool_calls.id``; scores by call, baseline and
scorer), so a row already there is skipped: a second push adds nothing. Rows go in batches, each
one transaction (``COPY`` into a temporary table, then ``INSERT … SELECT … ON CONFLICT DO
NOTHING``): a push killed half way leaves whole batches behind, and the next push skips them and
sends the rest — nothing lost, nothing doubled.

A push without ``--since`` remembers, per team database, how far it got (the local rowid and the id
of the row there, in ``.agentrunner/push-state.json``, written after the batch is committed), so the
next push reads only newer rows; if that rowid no longer holds that id (the file was vacuumed or
replaced) it starts over from the first row, and the keys skip what is there. Calls recorded
without a user or team get the pusher's ``[ledger] user``/``team``: they are theirs.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from .atomic import atomic_write
from .errors import LedgerError, UsageError
from .ledger import Ledger
from .ledger_pg import PgDatabase
from .timerange import TimeRange

BATCH_ROWS = 2000


@dataclass
class PushResult:
    target: str
    added: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        calls = self.added.get("calls", 0)
        parts = [f"{calls} new call(s)"]
        if self.skipped.get("calls"):
            parts[0] += f" ({self.skipped['calls']} already there)"
        for table in ("runs", "tool_calls", "scores"):
            if self.added.get(table):
                parts.append(f"{self.added[table]} {table.replace('_', ' ')}")
        return f"pushed {', '.join(parts)} to {self.target}"


# Per table: the ON CONFLICT clause that makes a batch idempotent, and the local filter column.
_TABLES: dict[str, str] = {
    "calls": "ON CONFLICT DO NOTHING",
    # a run pushed while it was going on gets its end; counted only when something changed
    "runs": "ON CONFLICT (id) DO UPDATE SET finished = EXCLUDED.finished, exit_code = EXCLUDED.exit_code, "
    "totals = EXCLUDED.totals WHERE (runs.finished, runs.exit_code, runs.totals) IS DISTINCT FROM "
    "(EXCLUDED.finished, EXCLUDED.exit_code, EXCLUDED.totals)",
    "tool_calls": "ON CONFLICT DO NOTHING",
    "scores": "",  # no key column: NOT EXISTS on (call_id, baseline_call_id, scorer) below
}
_TIME_COLUMN = {"calls": "ts_start", "runs": "started", "tool_calls": "ts", "scores": None}


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]


def _state_key(target: PgDatabase, table: str) -> str:
    return f"{target.name} {table}"


def _load_state(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def push(
    local: Ledger,
    target: Ledger,
    *,
    state_path: Path,
    window: TimeRange | None = None,
    user: str | None = None,
    team: str | None = None,
    batch_rows: int = BATCH_ROWS,
    progress: Callable[[str, int], None] | None = None,
) -> PushResult:
    """Copy ``local``'s rows (a SQLite ledger) into ``target`` (a PostgreSQL ledger)."""
    if local.backend != "sqlite":
        raise UsageError(f"{local.location}: push copies a local SQLite ledger; this one is {local.backend}")
    if target.backend != "postgresql":
        raise UsageError(f"{target.location}: push sends to a team's PostgreSQL ledger (a postgresql:// URL)")
    pg = cast(PgDatabase, target.db)
    remote_columns = {table: set(pg.table(table).columns_dict) for table in _TABLES}
    conn = sqlite3.connect(f"file:{local.path}?mode=ro", uri=True, timeout=30.0)
    state = {} if window is not None and (window.since or window.until) else _load_state(state_path)
    result = PushResult(target.location)
    try:
        for table, conflict in _TABLES.items():
            columns = [
                c for c in _columns(conn, table) if c in remote_columns[table] and not (table == "scores" and c == "id")
            ]
            key = _state_key(pg, table)
            last_rowid = _resume_point(conn, table, state.get(key))
            clauses, params = ["rowid > ?"], list[Any]([last_rowid])
            time_column = _TIME_COLUMN[table]
            if window is not None and time_column:
                extra, values = window.where(time_column)
                clauses += extra
                params += values
            select = ", ".join(f'"{c}"' for c in columns)
            while True:
                rows = conn.execute(
                    f'SELECT rowid, {select} FROM "{table}" WHERE {" AND ".join(clauses)} ORDER BY rowid LIMIT ?',
                    [*params, batch_rows],
                ).fetchall()
                if not rows:
                    break
                values_rows = [_fill(table, columns, row[1:], user, team) for row in rows]
                added = pg.transaction(functools.partial(_copy_batch, pg, table, columns, values_rows, conflict))
                result.added[table] = result.added.get(table, 0) + added
                result.skipped[table] = result.skipped.get(table, 0) + len(rows) - added
                last_rowid = int(rows[-1][0])
                params[0] = last_rowid
                if window is None or not (window.since or window.until):
                    id_index = columns.index("id") + 1 if "id" in columns else None
                    state[key] = [last_rowid, rows[-1][id_index] if id_index else None]
                    atomic_write(state_path, json.dumps(state, indent=1) + "\n")
                if progress is not None:
                    progress(table, result.added[table] + result.skipped[table])
    except sqlite3.DatabaseError as exc:
        raise LedgerError(f"{local.path}: {exc}") from None
    finally:
        conn.close()
    return result


def _resume_point(conn: sqlite3.Connection, table: str, saved: Any) -> int:
    """The saved rowid if it still holds the saved id, else 0 (from the first row)."""
    if not isinstance(saved, list) or len(saved) != 2 or not isinstance(saved[0], int) or saved[1] is None:
        return 0
    row = conn.execute(f'SELECT id FROM "{table}" WHERE rowid = ?', [saved[0]]).fetchone()
    return saved[0] if row is not None and row[0] == saved[1] else 0


def _fill(table: str, columns: list[str], row: Sequence[Any], user: str | None, team: str | None) -> list[Any]:
    values = list(row)
    if table == "calls":
        for name, value in (("user", user), ("team", team)):
            if value and name in columns:
                index = columns.index(name)
                if values[index] is None:
                    values[index] = value
    return values


def _copy_batch(pg: PgDatabase, table: str, columns: list[str], rows: list[list[Any]], conflict: str) -> int:
    """One batch, inside the caller's transaction: COPY to a temp table, insert what is new."""
    conn = pg.pinned()
    names = ", ".join(f'"{c}"' for c in columns)
    temp = f"push_{table}"
    # Every column, no constraints (the team table's keys decide), emptied at each commit.
    conn.execute(
        f'CREATE TEMP TABLE IF NOT EXISTS "{temp}" ON COMMIT DELETE ROWS AS SELECT * FROM "{table}" WITH NO DATA'
    )
    with conn.cursor().copy(f'COPY "{temp}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)
    if table == "scores":
        sql = (
            f"INSERT INTO scores ({names}) SELECT {names} FROM \"{temp}\" t WHERE NOT EXISTS (SELECT 1 FROM scores s "
            "WHERE s.call_id IS NOT DISTINCT FROM t.call_id AND s.baseline_call_id IS NOT DISTINCT FROM "
            "t.baseline_call_id AND s.scorer IS NOT DISTINCT FROM t.scorer)"
        )
    else:
        sql = f'INSERT INTO "{table}" ({names}) SELECT {names} FROM "{temp}" {conflict}'
    return int(conn.execute(sql).rowcount)


__all__ = ["BATCH_ROWS", "PushResult", "push"]
