"""The ledger's API on both backends: a SQLite file and a PostgreSQL database (a throwaway
cluster, tests/support/postgres.py). Same calls, same answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentrunner.errors import LedgerError
from agentrunner.ledger import REDACTED, CallRecord, Ledger
from agentrunner.migrations import MIGRATIONS, applied


def test_record_call_and_read_it_back(ledger_location: str | Path) -> None:
    ledger = Ledger(ledger_location)
    call_id = ledger.record_call(
        CallRecord(
            tier="local", model="m", response_text="hello", input_tokens=3, output_tokens=2, cost_usd=0.0001,
            input_includes_cache=True, user="ana", team="core", step_id="s1", request_hash="h1",
        )
    )
    row = ledger.get_call(call_id)
    assert row is not None
    assert row["response_text"] == "hello" and row["input_tokens"] == 3 and row["cost_usd"] == 0.0001
    assert row["input_includes_cache"] == 1 and row["replayable"] == 1 and row["user"] == "ana"
    assert ledger.get_call(call_id[:20]) == row
    assert ledger.get_call("nope") is None


def test_redaction_on_both(ledger_location: str | Path) -> None:
    ledger = Ledger(ledger_location, redact=[r"sk-[A-Za-z0-9_-]{20,}", r"secret-\d+"])
    key = "sk-ant-" + "A1b2C3d4" * 5
    call_id = ledger.record_call(
        CallRecord(request_json=json.dumps({"p": f"use {key}"}), response_text="secret-123 ok", error=key)
    )
    row = ledger.get_call(call_id)
    assert row is not None
    assert key not in json.dumps(row) and "secret-123" not in json.dumps(row)
    assert row["response_text"] == f"{REDACTED} ok"


def test_dedup_keys_on_both(ledger_location: str | Path) -> None:
    ledger = Ledger(ledger_location)
    rows = [CallRecord(source="import:test", source_id=f"m{i % 3}", model="x") for i in range(6)]
    assert ledger.insert_calls(rows) == 3
    assert ledger.insert_calls(rows) == 0
    ledger.record_call(CallRecord(source="import:test", source_id="m0"))
    assert ledger.count_calls() == 3
    ledger.record_call(CallRecord())
    ledger.record_call(CallRecord())
    assert ledger.count_calls() == 5
    same = CallRecord(model="y")
    ledger.record_call(same)
    ledger.record_call(same)  # the same id twice: one row (a retried write never doubles)
    assert ledger.count_calls() == 6


def test_find_completed_iter_count_latest(ledger_location: str | Path) -> None:
    ledger = Ledger(ledger_location)
    ledger.record_call(CallRecord(request_hash="h", step_id=None, model="a", ts_end="2026-01-01T00:00:01Z"))
    ledger.record_call(CallRecord(request_hash="h", step_id="s", model="a", status="error"))
    found = ledger.record_call(CallRecord(request_hash="h", step_id="s", model="a", ts_end="2026-01-01T00:00:02Z"))
    hit = ledger.find_completed("h", step_id="s")
    assert hit is not None and hit["id"] == found
    assert ledger.find_completed("h", step_id="s", model="b") is None
    unstepped = ledger.find_completed("h", step_id=None)  # step_id IS NULL matches NULL
    assert unstepped is not None and unstepped["step_id"] is None
    assert [r["status"] for r in ledger.iter_calls("status = ?", ["error"])] == ["error"]
    assert len(list(ledger.iter_calls())) == 3
    assert ledger.count_calls("status = ?", ["ok"]) == 2
    latest = ledger.latest_calls(2, columns=["id", "status"])
    assert len(latest) == 2 and set(latest[0]) == {"id", "status"}
    assert ledger.fetch_one("SELECT count(*) AS n FROM calls WHERE model = ?", ["a"]) == {"n": 3}


def test_stats_runs_scores_tool_calls(ledger_location: str | Path) -> None:
    ledger = Ledger(ledger_location)
    ledger.record_call(CallRecord(tier="local", cost_usd=0.5, input_tokens=10, output_tokens=1))
    ledger.record_call(CallRecord(tier="premium", cost_usd=None, input_tokens=5))
    ledger.record_call(CallRecord(tier="premium", status="error", error="boom"))
    stats = ledger.stats()
    assert (stats["calls"], stats["ok"], stats["errors"], stats["unpriced_calls"]) == (3, 2, 1, 1)
    assert stats["cost_usd"] == 0.5 and stats["input_tokens"] == 15
    assert stats["by_tier"] == {"local": {"calls": 1, "cost_usd": 0.5}, "premium": {"calls": 2, "cost_usd": 0.0}}
    assert stats["schema_version"] == len(MIGRATIONS)

    ledger.start_run("r1", config_hash="c", args={"x": 1})
    ledger.start_run("r1", config_hash="c2", args={"x": 2})  # started again (resume): replaced
    ledger.finish_run("r1", exit_code=0, totals={"calls": 3})
    run = ledger.fetch_one("SELECT config_hash, exit_code, totals FROM runs WHERE id = ?", ["r1"])
    assert run == {"config_hash": "c2", "exit_code": 0, "totals": '{"calls": 3}'}

    ledger.record_scores([{"call_id": "a", "baseline_call_id": "b", "scorer": "exact", "score": 1.0, "details": "{}"}])
    ledger.record_tool_call(tool="read_file", arguments={"path": "x"}, ok=True, result="text")
    assert ledger.db.execute("SELECT count(*) FROM scores").fetchone()[0] == 1
    assert ledger.db.execute("SELECT tool, ok FROM tool_calls").fetchall()[0][0] == "read_file"


def test_migrations_recorded_in_order_and_applied_once(ledger_location: str | Path) -> None:
    ledger = Ledger(ledger_location)
    assert applied(ledger.db) == [m.__name__ for m in MIGRATIONS]
    ledger.close()
    again = Ledger(ledger_location)
    assert applied(again.db) == [m.__name__ for m in MIGRATIONS]


def test_newer_schema_is_refused_on_both(ledger_location: str | Path) -> None:
    ledger = Ledger(ledger_location)
    ledger.db["migrations"].insert({"id": 99, "name": "m099_future", "applied_at": "2030"})
    ledger.close()
    with pytest.raises(LedgerError, match="newer than this agentrunner"):
        Ledger(ledger_location)


@pytest.mark.postgres
def test_a_failing_migration_leaves_nothing_of_it_on_postgres(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    Ledger(pg_url).close()

    def m099_breaks_half_way(db: object) -> None:
        db.execute("ALTER TABLE calls ADD COLUMN half_done TEXT")  # type: ignore[attr-defined]
        raise RuntimeError("disk unplugged")

    monkeypatch.setattr("agentrunner.migrations.MIGRATIONS", [*MIGRATIONS, m099_breaks_half_way])
    with pytest.raises(RuntimeError, match="disk unplugged"):
        Ledger(pg_url)
    monkeypatch.undo()
    ledger = Ledger(pg_url)
    assert "half_done" not in ledger.db["calls"].columns_dict
    assert applied(ledger.db) == [m.__name__ for m in MIGRATIONS]


@pytest.mark.postgres
def test_the_url_comes_from_config_or_environment(pg_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from agentrunner.config import load_config

    config = load_config()
    assert Ledger.for_config(config).backend == "sqlite"
    monkeypatch.setenv("AGENTRUNNER_LEDGER_URL", pg_url)
    ledger = Ledger.for_config(config)
    assert ledger.backend == "postgresql" and ledger.stats()["path"].startswith("postgresql://agentrunner@")


def test_unreachable_postgres_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("agentrunner.ledger_pg.RETRY_SECONDS", 0.5)
    url = f"postgresql://nobody@/db?host={tmp_path}&connect_timeout=1"  # no server on that socket
    with pytest.raises(LedgerError) as caught:
        Ledger(url)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"postgresql://nobody@{tmp_path}/db:")


@pytest.mark.postgres
def test_rollups_are_upserted_once_per_key_per_batch_on_postgres(pg_url: str) -> None:
    """A group commit of 64 calls by 2 users (one hour, one tier) touches each rollup key once: 10
    dimensions x at most 2 values, not 10 upserts per call (m008's row trigger: 640 writes). The
    counters are PostgreSQL's own for the open transaction (pg_stat_xact_user_tables), trigger
    writes included."""
    ledger = Ledger(pg_url)
    hour = "2026-11-30T10:"
    rows = [
        ledger._row(CallRecord(ts_start=f"{hour}{n % 60:02d}:00Z", tier="premium", provider="anthropic",
                               user=f"u{n % 2}", team="core", cost_usd=0.01))
        for n in range(64)
    ]  # fmt: skip
    pg = ledger.db

    def insert_and_count() -> int:
        pg.table("calls").insert_all(rows, ignore=True)
        row = pg.execute_native(
            "SELECT n_tup_ins + n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = 'calls_rollup'"
        ).fetchone()
        return int(row[0])

    writes = pg.transaction(insert_and_count)
    # '' model provider step-kind task-type team project source client: one key each; user: two.
    assert writes == 11, writes
    assert ledger.count_calls() == 64
    by_user = dict(ledger.db.execute("SELECT value, calls FROM calls_rollup WHERE dim = 'user'").fetchall())
    assert by_user == {"u0": 32, "u1": 32}
