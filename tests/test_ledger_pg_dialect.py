"""The SQLite idioms of the ledger's SQL, as the PostgreSQL backend rewrites them (no server needed)."""

from __future__ import annotations

import pytest

from agentrunner.ledger_pg import PgRow, display_name, to_pg


@pytest.mark.parametrize(
    ("sqlite", "postgres"),
    [
        ("SELECT count(*) FROM calls WHERE 1", "SELECT count(*) FROM calls WHERE TRUE"),
        ("SELECT * FROM calls WHERE 1 ORDER BY ts_start", "SELECT * FROM calls WHERE TRUE ORDER BY ts_start"),
        ("x = ? AND step_id IS ?", "x = %s AND step_id IS NOT DISTINCT FROM %s"),
        ("step_id IS NOT ?", "step_id IS DISTINCT FROM %s"),
        ("SELECT user, coalesce(user, '(none)') FROM calls", 'SELECT "user", coalesce("user", \'(none)\') FROM calls'),
        ("sum(status = 'ok')", "sum((status = 'ok')::int)"),
        ("sum(cost_usd IS NULL AND status = 'ok')", "sum((cost_usd IS NULL AND status = 'ok')::int)"),
        ("sum(CASE WHEN a = 0 THEN b END)", "sum(CASE WHEN a = 0 THEN b END)"),
        ("total(cost_usd)", "coalesce(sum(cost_usd)::float8, 0)"),
        ("max(a - b, 0)", "greatest(a - b, 0)"),
        ("max(ts_start)", "max(ts_start)"),
        ("ts_start >= :d30 AND model LIKE 'x%'", "ts_start >= %(d30)s AND model LIKE 'x%%'"),
        ("status = 'ok' AND +replay_of IS NULL", "status = 'ok' AND replay_of IS NULL"),
        ("a + b", "a + b"),
        ("SELECT * FROM calls ORDER BY rowid", "SELECT * FROM calls ORDER BY id"),
        ("INSERT OR IGNORE INTO calls (id) VALUES (?)", "INSERT INTO calls (id) VALUES (%s) ON CONFLICT DO NOTHING"),
    ],
)
def test_sqlite_idioms_in_postgres(sqlite: str, postgres: str) -> None:
    assert to_pg(sqlite) == postgres


def test_rows_answer_by_index_and_by_name() -> None:
    row = PgRow((1, "a"), {"n": 0, "s": 1})
    assert row[0] == 1 and row["s"] == "a" and dict(row) == {"n": 1, "s": "a"} and tuple(row) == (1, "a")


def test_the_display_name_has_no_password() -> None:
    assert display_name("postgresql://ana:s3cret@db:5432/team") == "postgresql://ana@db:5432/team"
    assert display_name("postgresql://ana@/team?host=/tmp/x") == "postgresql://ana@/tmp/x/team"
