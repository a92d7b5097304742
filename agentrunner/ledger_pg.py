"""The ledger's PostgreSQL backend: a connection pool behind the small part of sqlite-utils'
``Database`` API the ledger, its migrations and its readers use.

Why an adapter and not a second ledger: the migrations, the ledger's methods and every reader
(reports, replay selection, budgets' views) are written once, in SQLite's dialect, against
``ledger.db``. :class:`PgDatabase` offers the same calls (``execute``, ``table(...).create/insert/
insert_all/rows_where/add_column``, ``table_names``, ``atomic``, ``conn.execute``) and
:func:`to_pg` rewrites the few SQLite idioms they use: ``?``/``:name`` parameters, ``user`` (a
reserved word in PostgreSQL), ``WHERE 1``, ``x IS ?``, ``sum(<boolean>)``, ``total(x)``, the
two-argument ``max``/``min``, ``INSERT OR IGNORE``. Rows come back as :class:`PgRow` — a tuple that
also answers ``row["column"]``, like ``sqlite3.Row`` — so ``fetchone()[0]`` and ``dict(row)`` both
work.

Every database error is a :class:`LedgerError` of one line naming the database (never a
traceback). A connection the server dropped (a restart, a failover) is retried with backoff for up
to :data:`RETRY_SECONDS` before that error: every write the ledger makes is idempotent (a call's id
is its primary key, ``ON CONFLICT DO NOTHING``), so a retry never doubles a row.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .errors import LedgerError

# The pool reports failed connection attempts through logging; with no handler configured Python
# would print them to stderr. The ledger reports the failure itself, in one line.
# (Not propagated either: a pool reconnecting in the background must not write into the logs of
# the program that embeds agentrunner, or of pytest, long after the ledger said what failed.)
_pool_log = logging.getLogger("psycopg.pool")
_pool_log.addHandler(logging.NullHandler())
_pool_log.propagate = False

URL_SCHEMES = ("postgresql://", "postgres://")
RETRY_SECONDS = 20.0
"""How long a dropped or refused connection is retried before the ledger gives up (a restart of
the server takes about a second; a failover a few)."""
CONNECT_TIMEOUT = 5
POOL_MAX = 8
STATEMENT_TIMEOUT_MS = 60_000


def is_url(location: object) -> bool:
    return isinstance(location, str) and location.startswith(URL_SCHEMES)


def display_name(url: str) -> str:
    """The URL without its password, for messages: ``postgresql://user@host:port/db``."""
    parts = urlsplit(url)
    user = f"{parts.username}@" if parts.username else ""
    host = parts.hostname or parse_qs(parts.query).get("host", [""])[0] or "localhost"
    port = f":{parts.port}" if parts.port else ""
    return f"postgresql://{user}{host}{port}{parts.path}"


# -- SQLite dialect → PostgreSQL -------------------------------------------------------------------

_TOKEN = re.compile(
    r"""(?P<string>'(?:[^']|'')*')|(?P<ident>"(?:[^"]|"")*")|(?P<param>\?)|(?P<named>(?<!:):[A-Za-z_]\w*)"""
    r"""|(?P<percent>%)|(?P<word>[A-Za-z_]\w*)|(?P<other>\s+|.)""",
    re.S,
)
_RESERVED_COLUMNS = {"user"}
_CACHE: dict[str, str] = {}


def _tokens(sql: str) -> list[tuple[str, str]]:
    return [(match.lastgroup or "other", match.group()) for match in _TOKEN.finditer(sql)]


def _arguments(tokens: list[tuple[str, str]], start: int) -> tuple[int, list[int]]:
    """From the ``(`` at ``start``: the index of its ``)`` and of its top-level commas (CASE … END
    counts as a nesting level)."""
    depth, commas = 0, list[int]()
    for index in range(start, len(tokens)):
        kind, text = tokens[index]
        upper = text.upper() if kind == "word" else text
        if upper in ("(", "CASE"):
            depth += 1
        elif upper in (")", "END"):
            depth -= 1
            if depth == 0:
                return index, commas
        elif upper == "," and depth == 1:
            commas.append(index)
    raise ValueError("unbalanced parentheses")


_BOOLEAN_WORDS = {"IS", "AND", "OR", "NOT", "LIKE", "IN", "BETWEEN", "GLOB"}
_BOOLEAN_SIGNS = {"=", "<", ">", "!"}


def _is_boolean(tokens: list[tuple[str, str]]) -> bool:
    """Whether an expression has a comparison or logical operator at its top level."""
    depth = 0
    for kind, text in tokens:
        upper = text.upper() if kind == "word" else text
        if upper in ("(", "CASE"):
            depth += 1
        elif upper in (")", "END"):
            depth -= 1
        elif depth == 0 and (upper in _BOOLEAN_SIGNS or (kind == "word" and upper in _BOOLEAN_WORDS)):
            return True
    return False


def _rewrite_functions(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    index = 0
    while index < len(tokens):
        kind, text = tokens[index]
        lower = text.lower()
        is_call = kind == "word" and index + 1 < len(tokens) and tokens[index + 1][1] == "("
        if is_call and lower in ("sum", "total", "max", "min"):
            close, commas = _arguments(tokens, index + 1)
            inner = _rewrite_functions(tokens[index + 2 : close])
            if lower in ("max", "min") and commas:
                out += [("word", "greatest" if lower == "max" else "least"), ("other", "("), *inner, ("other", ")")]
            else:
                if not commas and _is_boolean(tokens[index + 2 : close]):
                    inner = [("other", "("), *inner, ("other", ")::int")]
                if lower == "total":
                    out += [("word", "coalesce(sum"), ("other", "("), *inner, ("other", ")::float8, 0)")]
                else:
                    out += [("word", text), ("other", "("), *inner, ("other", ")")]
            index = close + 1
            continue
        out.append((kind, text))
        index += 1
    return out


def to_pg(sql: str) -> str:
    """SQLite-dialect SQL (as the ledger's code writes it) in PostgreSQL's dialect, for psycopg:
    run it with a parameter sequence or dict (possibly empty), never None — every ``%`` is doubled."""
    cached = _CACHE.get(sql)
    if cached is not None:
        return cached
    tokens = _rewrite_functions(_tokens(sql))
    out: list[str] = []
    index = 0
    while index < len(tokens):
        kind, text = tokens[index]
        if kind == "param":
            _distinct_from(out)
            out.append("%s")
        elif kind == "named":
            out.append(f"%({text[1:]})s")
        elif text == "+" and _unary(out) and index + 1 < len(tokens) and tokens[index + 1][0] == "word":
            pass  # SQLite's `+column` (keep the planner off an index) has no meaning here: dropped
        elif kind == "percent":
            out.append("%%")
        elif kind == "string":
            out.append(text.replace("%", "%%"))  # psycopg reads % everywhere once parameters are given
        elif kind == "word" and text.lower() in _RESERVED_COLUMNS and (
            index + 1 >= len(tokens) or tokens[index + 1][1] != "("
        ):
            out.append(f'"{text}"')
        elif kind == "word" and text.lower() == "rowid":
            out.append("id")  # insertion order: ids are ULIDs, in time order (no rowid in PostgreSQL)
        elif kind == "word" and text.upper() == "WHERE" and _next_is_one(tokens, index):
            out.append("WHERE TRUE")
            index = _skip_one(tokens, index)
        else:
            out.append(text)
        index += 1
    result = "".join(out)
    result = re.sub(
        r"\bINSERT OR IGNORE INTO\b(.*)$", r"INSERT INTO\1 ON CONFLICT DO NOTHING", result, flags=re.S | re.I
    )
    if len(_CACHE) < 4096:
        _CACHE[sql] = result
    return result


def _unary(out: list[str]) -> bool:
    """Whether a ``+`` written next would be unary: after an operator keyword, ``(``, ``,`` or nothing."""
    previous = next((text for text in reversed(out) if not text.isspace()), "")
    keywords = ("AND", "OR", "NOT", "WHERE", "ON", "SELECT")
    return previous == "" or previous in ("(", ",", "=") or previous.upper() in keywords


def _distinct_from(out: list[str]) -> None:
    """``x IS ?`` / ``x IS NOT ?`` (SQLite: NULL-safe equality) → ``IS [NOT] DISTINCT FROM``."""
    words = [n for n in range(len(out) - 1, max(len(out) - 5, -1), -1) if not out[n].isspace()][:2]
    if words and out[words[0]].upper() == "IS":
        out[words[0]] = "IS NOT DISTINCT FROM"
    elif len(words) == 2 and out[words[0]].upper() == "NOT" and out[words[1]].upper() == "IS":
        out[words[1]] = "IS DISTINCT FROM"
        del out[words[1] + 1 : words[0] + 1]


def _next_is_one(tokens: list[tuple[str, str]], index: int) -> bool:
    rest = [t for t in tokens[index + 1 : index + 4] if not t[1].isspace()]
    if not rest or rest[0][1] != "1":
        return False
    return len(rest) == 1 or rest[1][1].upper() in ("AND", "ORDER", "GROUP", "LIMIT", ")", "OR")


def _skip_one(tokens: list[tuple[str, str]], index: int) -> int:
    index += 1
    while tokens[index][1].isspace():
        index += 1
    return index  # the "1" token


def where_pg(where: str) -> str:
    """A bare WHERE clause (``"1"``, ``"status = ?"``) in PostgreSQL's dialect."""
    return to_pg(f"WHERE {where}")[len("WHERE ") :]


# -- rows and results ------------------------------------------------------------------------------


class PgRow(tuple[Any, ...]):
    """A result row: a tuple (``row[0]``) that also answers ``row["column"]`` and ``keys()``."""

    _names: dict[str, int]

    def __new__(cls, values: Sequence[Any], names: dict[str, int]) -> PgRow:
        row = super().__new__(cls, values)
        row._names = names
        return row

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


class PgResult:
    """A finished statement's rows, read like a sqlite3 cursor."""

    def __init__(self, description: Sequence[Any] | None, rows: list[tuple[Any, ...]], rowcount: int) -> None:
        self.description = [(column.name, None, None, None, None, None, None) for column in description or ()]
        names = {column[0]: index for index, column in enumerate(self.description)}
        self._rows = [PgRow(row, names) for row in rows]
        self._next = 0
        self.rowcount = rowcount

    def fetchone(self) -> PgRow | None:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchall(self) -> list[PgRow]:
        rows, self._next = self._rows[self._next :], len(self._rows)
        return rows

    def __iter__(self) -> Iterator[PgRow]:
        return iter(self.fetchall())


# -- the database ----------------------------------------------------------------------------------

_PY_TYPES: dict[Any, str] = {str: "TEXT", int: "BIGINT", float: "DOUBLE PRECISION", bool: "BIGINT", bytes: "BYTEA"}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class PgTable:
    """``db.table(name)``: the table operations the ledger and its migrations use."""

    def __init__(self, db: PgDatabase, name: str) -> None:
        self.db = db
        self.name = name

    def create(self, columns: dict[str, Any], pk: str | None = None) -> PgTable:
        parts = []
        for column, kind in columns.items():
            if column == pk and kind is int:
                parts.append(f"{_quote(column)} BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY")
            else:
                parts.append(f"{_quote(column)} {_PY_TYPES[kind]}{' PRIMARY KEY' if column == pk else ''}")
        self.db.execute_native(f"CREATE TABLE {_quote(self.name)} ({', '.join(parts)})")
        return self

    def add_column(self, name: str, kind: Any, not_null_default: Any = None) -> PgTable:
        default = "" if not_null_default is None else f" NOT NULL DEFAULT {_literal(not_null_default)}"
        self.db.execute_native(f"ALTER TABLE {_quote(self.name)} ADD COLUMN {_quote(name)} {_PY_TYPES[kind]}{default}")
        return self

    def create_index(self, columns: Sequence[str], index_name: str | None = None, unique: bool = False) -> PgTable:
        name = index_name or f"idx_{self.name}_{'_'.join(columns)}"
        self.db.execute_native(
            f"CREATE {'UNIQUE ' if unique else ''}INDEX IF NOT EXISTS {_quote(name)} ON {_quote(self.name)} "
            f"({', '.join(_quote(c) for c in columns)})"
        )
        return self

    @property
    def columns_dict(self) -> dict[str, str]:
        rows = self.db.execute_native(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = %s ORDER BY ordinal_position",
            [self.name],
        ).fetchall()
        return {row[0]: row[1] for row in rows}

    def _insert_sql(self, columns: Sequence[str], *, ignore: bool, replace: bool, pk: str = "id") -> str:
        names = ", ".join(_quote(c) for c in columns)
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {_quote(self.name)} ({names}) VALUES ({marks})"
        if replace:
            updates = ", ".join(f"{_quote(c)} = EXCLUDED.{_quote(c)}" for c in columns if c != pk)
            sql += f" ON CONFLICT ({_quote(pk)}) DO UPDATE SET {updates}"
        elif ignore:
            sql += " ON CONFLICT DO NOTHING"
        return sql

    def insert(self, row: dict[str, Any], *, ignore: bool = False, replace: bool = False) -> int:
        """Insert one row; returns 1 if it was added (0 when ``ignore`` skipped a duplicate)."""
        result = self.db.execute_native(self._insert_sql(list(row), ignore=ignore, replace=replace), list(row.values()))
        return result.rowcount

    def insert_all(self, rows: Iterable[dict[str, Any]], *, ignore: bool = False, batch_size: int = 500) -> int:
        """Insert rows (all with the same columns as the first); returns how many were added.

        One multi-row ``INSERT … VALUES (…), (…)`` per ``batch_size`` rows, not one statement per
        row: statement triggers (the rollups, m009) then run once per batch."""
        batch = list(rows)
        if not batch:
            return 0
        columns = list(batch[0])
        size = max(1, min(batch_size, 60_000 // len(columns)))  # PostgreSQL: at most 65,535 parameters
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"

        def insert() -> int:
            added = 0
            for start in range(0, len(batch), size):
                chunk = batch[start : start + size]
                sql = self._insert_sql(columns, ignore=ignore, replace=False).replace(
                    f"VALUES {one}", "VALUES " + ", ".join([one] * len(chunk)), 1
                )
                added += self.db.execute_native(sql, [row.get(c) for row in chunk for c in columns]).rowcount
            return added

        return int(self.db.transaction(insert))  # all the chunks or none, as one statement would be

    def rows_where(
        self,
        where: str | None = None,
        where_args: Iterable[Any] | None = None,
        order_by: str | None = None,
        select: str = "*",
        limit: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        sql = f"SELECT {select} FROM {_quote(self.name)}"
        if where:
            sql += f" WHERE {where}"
        if order_by:
            sql += f" ORDER BY {order_by}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        yield from self.db.stream(to_pg(sql), list(where_args or []))

    @property
    def rows(self) -> Iterator[dict[str, Any]]:
        return self.rows_where()

    @property
    def count(self) -> int:
        row = self.db.execute_native(f"SELECT count(*) FROM {_quote(self.name)}").fetchone()
        return int(row[0]) if row else 0


def _literal(value: Any) -> str:
    if isinstance(value, bool | int | float):
        return str(int(value) if isinstance(value, bool) else value)
    return "'" + str(value).replace("'", "''") + "'"


class _ConnShim:
    """``ledger.db.conn`` for readers written against sqlite3: ``execute`` and a ``row_factory``
    attribute they may set (rows answer both ways already)."""

    def __init__(self, db: PgDatabase) -> None:
        self._db = db
        self.row_factory: Any = None
        self.in_transaction = False

    def execute(self, sql: str, params: Iterable[Any] | dict[str, Any] = ()) -> PgResult:
        return self._db.execute(sql, params)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> _ConnShim:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class PgDatabase:
    """A pool of connections to one PostgreSQL database, spoken to like a ``sqlite_utils.Database``.

    Statements outside :meth:`atomic` run in their own short transaction on a pooled connection;
    inside it (per thread) they share one transaction, committed at the end or rolled back on an
    exception. The pool is made per process (connections must not cross a fork).
    """

    is_postgres = True  # for migrations that differ by dialect (triggers)

    def __init__(self, url: str, *, name: str | None = None, retry_seconds: float | None = None) -> None:
        self.url = url
        self.name = name or display_name(url)
        self.retry_seconds = RETRY_SECONDS if retry_seconds is None else retry_seconds
        self._pool: Any = None
        self._pool_pid = 0
        self._pool_lock = threading.Lock()
        self._local = threading.local()
        self.conn = _ConnShim(self)

    # -- connections -----------------------------------------------------------------------------

    def pool(self) -> Any:
        with self._pool_lock:
            if self._pool is None or self._pool_pid != os.getpid():
                from psycopg_pool import ConnectionPool

                self._pool = ConnectionPool(
                    self.url,
                    min_size=1,
                    max_size=POOL_MAX,
                    kwargs={
                        "connect_timeout": CONNECT_TIMEOUT,
                        "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
                        "application_name": "agentrunner",
                    },
                    # No check on checkout (a round trip per statement): a connection the server
                    # dropped fails its first statement, is discarded, and _with_retry takes another.
                    configure=_configure,
                    timeout=CONNECT_TIMEOUT + 1,
                    open=False,
                    name="agentrunner-ledger",
                )
                self._pool.open(wait=False)
                self._pool_pid = os.getpid()
            return self._pool

    def close(self) -> None:
        with self._pool_lock:
            if self._pool is not None and self._pool_pid == os.getpid():
                self._pool.close()
            self._pool = None

    def problem(self, exc: BaseException) -> LedgerError:
        """One line naming the database; for a pool timeout, why connecting fails (if it does)."""
        if type(exc).__name__ == "PoolTimeout":
            reason = self.probe()
            if reason:
                exc = RuntimeError(f"cannot connect: {reason}")
        text = " ".join(str(exc).split()) or type(exc).__name__
        return LedgerError(f"{self.name}: {text}")

    def probe(self) -> str | None:
        """Connect once, outside the pool: None when it works, else why not (the server's words)."""
        import psycopg

        try:
            psycopg.connect(self.url, connect_timeout=CONNECT_TIMEOUT).close()
        except psycopg.Error as exc:
            return " ".join(str(exc).split()) or type(exc).__name__
        return None

    def _with_retry(self, fn: Callable[[Any], Any]) -> Any:
        """Run ``fn(connection)`` in a transaction; a dropped or refused connection is retried."""
        import psycopg
        from psycopg_pool import PoolTimeout

        pinned = getattr(self._local, "conn", None)
        if pinned is not None:  # inside transaction()/atomic(): they retry or report the whole
            return fn(pinned)
        deadline = time.monotonic() + self.retry_seconds
        delay = 0.1
        while True:
            try:
                wait = min(float(CONNECT_TIMEOUT), max(0.2, deadline - time.monotonic()))
                with self.pool().connection(timeout=wait) as conn, conn.transaction():
                    return fn(conn)
            except (psycopg.OperationalError, PoolTimeout) as exc:
                if isinstance(exc, psycopg.errors.QueryCanceled) or time.monotonic() + delay > deadline:
                    raise self.problem(exc) from None
                time.sleep(delay)
                delay = min(delay * 2, 2.0)
            except psycopg.Error as exc:
                raise self.problem(exc) from None

    def pinned(self) -> Any:
        """The psycopg connection of this thread's :meth:`transaction`/:meth:`atomic` (for COPY)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            raise RuntimeError("pinned() outside transaction()")
        return conn

    def transaction(self, fn: Callable[[], Any]) -> Any:
        """``fn()`` in one transaction on one connection (its statements join it), retried whole
        when the connection drops before the commit. Only for idempotent work: a commit whose
        acknowledgement is lost is run again."""
        if getattr(self._local, "conn", None) is not None:
            return fn()

        def pinned(conn: Any) -> Any:
            self._local.conn = conn
            try:
                return fn()
            finally:
                self._local.conn = None

        return self._with_retry(pinned)

    @contextmanager
    def atomic(self) -> Iterator[Any]:
        """One transaction for everything this thread does inside (nested: joins the outer one)."""
        import psycopg

        if getattr(self._local, "conn", None) is not None:
            yield self._local.conn
            return
        try:
            with self.pool().connection() as conn, conn.transaction():
                self._local.conn = conn
                try:
                    yield conn
                finally:
                    self._local.conn = None
        except psycopg.Error as exc:
            raise self.problem(exc) from None
        except Exception as exc:
            if type(exc).__module__.startswith("psycopg_pool"):
                raise self.problem(exc) from None
            raise

    # -- statements ------------------------------------------------------------------------------

    def execute_native(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> PgResult:
        """PostgreSQL SQL with psycopg's ``%s`` parameters; the rows are read before returning."""

        def run(conn: Any) -> PgResult:
            cursor = conn.execute(sql, params)
            rows = cursor.fetchall() if cursor.description else []
            return PgResult(cursor.description, rows, cursor.rowcount)

        result: PgResult = self._with_retry(run)
        return result

    def executemany_native(self, sql: str, rows: list[list[Any]]) -> int:
        def run(conn: Any) -> int:
            with conn.cursor() as cursor:
                cursor.executemany(sql, rows)
                return int(cursor.rowcount)

        return int(self._with_retry(run))

    def execute(self, sql: str, params: Iterable[Any] | dict[str, Any] = ()) -> PgResult:
        """SQLite-dialect SQL, translated by :func:`to_pg`."""
        args: Sequence[Any] | dict[str, Any] = params if isinstance(params, dict) else list(params)
        return self.execute_native(to_pg(sql), args)  # never None: to_pg doubled every %

    def stream(self, sql: str, params: Sequence[Any], batch: int = 2000) -> Iterator[dict[str, Any]]:
        """Rows as dicts through a server-side cursor: constant memory over millions of rows."""
        import psycopg
        from psycopg.rows import dict_row

        pinned = getattr(self._local, "conn", None)
        try:
            if pinned is not None:
                with pinned.cursor(row_factory=dict_row) as cursor:
                    yield from cursor.execute(sql, params)
                return
            name = f"stream_{id(self)}_{threading.get_ident()}"
            with (
                self.pool().connection() as conn,
                conn.transaction(),
                conn.cursor(name=name, row_factory=dict_row) as cursor,
            ):
                cursor.itersize = batch
                cursor.execute(sql, params)
                yield from cursor
        except psycopg.Error as exc:
            raise self.problem(exc) from None

    def query(self, sql: str, params: Iterable[Any] | dict[str, Any] = ()) -> Iterator[dict[str, Any]]:
        """sqlite-utils' ``query``: SQLite-dialect SQL, rows as dicts."""
        for row in self.execute(sql, params):
            yield dict(row)

    def table(self, name: str) -> PgTable:
        return PgTable(self, name)

    def __getitem__(self, name: str) -> PgTable:
        return PgTable(self, name)

    def table_names(self) -> list[str]:
        rows = self.execute_native(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1"
        ).fetchall()
        return [str(row[0]) for row in rows]

    def advisory_lock(self, key: int) -> None:
        """Inside :meth:`atomic`: a transaction-scoped advisory lock (released at commit)."""
        self.execute_native("SELECT pg_advisory_xact_lock(%s)", [key])


# -- the spool: rows of calls made while the database could not be written ------------------------

SPOOL_NAME = "ledger-spool.jsonl"


def spool_rows(path: Path, rows: list[dict[str, Any]]) -> None:
    """Append rows (JSON lines) under an exclusive lock, fsync'd: they survive this process."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode()
    with open(path, "ab") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def drain_spool(path: Path, write: Callable[[list[dict[str, Any]]], Any]) -> int:
    """Write the spooled rows (``write`` is idempotent: ids are keys), then empty the spool.
    A partial last line (a writer killed mid-append) is left out: its call's writer failed anyway."""
    if not path.exists():
        return 0
    with open(path, "r+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            rows = []
            for line in handle.read().splitlines():
                try:
                    rows.append(json.loads(line))
                except ValueError:
                    continue
            for start in range(0, len(rows), 500):
                write(rows[start : start + 500])
            handle.truncate(0)
            handle.flush()
            os.fsync(handle.fileno())
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    return len(rows)


def _configure(conn: Any) -> None:
    """Numbers as SQLite gives them: PostgreSQL's ``sum(bigint)`` is ``numeric`` (a Decimal in
    Python, which json cannot write); here it is an int, or a float when it has a fraction."""
    from psycopg.adapt import Loader

    class NumberLoader(Loader):
        def load(self, data: Any) -> int | float:
            text = bytes(data).decode()
            try:
                return int(text)
            except ValueError:
                return float(text)

    conn.adapters.register_loader("numeric", NumberLoader)


__all__ = [
    "SPOOL_NAME",
    "PgDatabase",
    "PgResult",
    "PgRow",
    "display_name",
    "drain_spool",
    "is_url",
    "spool_rows",
    "to_pg",
    "where_pg",
]
