"""The ledger: real SQLite files, migrations, redaction, dedup, durability under SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils

from agentrunner.chat import ChatRequest, Message
from agentrunner.errors import LedgerError
from agentrunner.ledger import REDACTED, CallRecord, Ledger, new_id
from agentrunner.migrations import MIGRATIONS, migrate


def test_record_call_writes_every_field(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.db")
    request = ChatRequest(messages=[Message(role="user", content="hi")])
    call_id = ledger.record_call(
        CallRecord(
            tier="local",
            provider="llama-cpp",
            model="gemma3-270m",
            request_json=json.dumps(request.canonical()),
            request_hash=request.request_hash(),
            response_text="hello",
            input_tokens=3,
            output_tokens=2,
            cost_usd=0.0001,
            price_source="local cost_per_hour",
            input_includes_cache=True,
        )
    )
    row = ledger.get_call(call_id)
    assert row is not None
    assert row["response_text"] == "hello"
    assert row["input_tokens"] == 3 and row["output_tokens"] == 2
    assert row["input_includes_cache"] == 1
    assert row["status"] == "ok" and row["source"] == "agentrunner"
    assert row["replayable"] == 1
    assert ledger.get_call(call_id[:20]) == row  # unique prefix works too


def test_journal_is_wal(tmp_path: Path) -> None:
    Ledger(tmp_path / "ledger.db")
    conn = sqlite3.connect(tmp_path / "ledger.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_redaction_before_write(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.db", redact=[r"sk-[A-Za-z0-9_-]{20,}", r"secret-\d+"])
    key = "sk-" + "x" * 30
    call_id = ledger.record_call(
        CallRecord(request_json=json.dumps({"prompt": f"use {key}"}), response_text="secret-123 ok", error=key)
    )
    row = ledger.get_call(call_id)
    assert row is not None
    assert key not in json.dumps(row) and "secret-123" not in json.dumps(row)
    assert REDACTED in row["request_json"] and row["response_text"] == f"{REDACTED} ok"
    raw = (tmp_path / "ledger.db").read_bytes() + (tmp_path / "ledger.db-wal").read_bytes()
    assert key.encode() not in raw


def test_dedup_on_source_and_source_id(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.db")
    rows = [CallRecord(source="import:test", source_id=f"m{i % 3}", model="x") for i in range(6)]
    assert ledger.insert_calls(rows) == 3
    assert ledger.insert_calls(rows) == 0
    ledger.record_call(CallRecord(source="import:test", source_id="m0"))
    assert ledger.count_calls() == 3
    # rows without a source_id are never deduplicated
    ledger.record_call(CallRecord())
    ledger.record_call(CallRecord())
    assert ledger.count_calls() == 5


def test_ids_are_sortable_ulids() -> None:
    ids = [new_id() for _ in range(1000)]
    assert ids == sorted(ids) and len(set(ids)) == 1000 and all(len(i) == 26 for i in ids)


def test_migrates_a_database_made_by_an_older_schema(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    migrate(db, upto=1)  # what version 1 of agentrunner created
    db["calls"].insert({"id": "01OLD", "model": "m", "status": "ok", "source": "agentrunner"})
    db.conn.close()
    assert "replayable" not in sqlite_utils.Database(path)["calls"].columns_dict

    ledger = Ledger(path)
    names = [r["name"] for r in ledger.db["migrations"].rows_where(order_by="id")]
    assert names == [m.__name__ for m in MIGRATIONS]
    row = ledger.get_call("01OLD")
    assert row is not None and row["replayable"] == 1 and row["model"] == "m"
    assert "tool_calls" in ledger.db.table_names() and "reservations" in ledger.db.table_names()
    # opening again applies nothing twice
    assert len(list(Ledger(path).db["migrations"].rows)) == len(MIGRATIONS)


def test_a_migration_failing_half_way_leaves_nothing_of_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def m099_breaks_half_way(db: sqlite_utils.Database) -> None:
        db["half"].create({"id": int}, pk="id")
        db.execute("ALTER TABLE calls ADD COLUMN half_done TEXT")
        db["half"].insert({"id": 1})
        raise RuntimeError("disk unplugged")

    path = tmp_path / "ledger.db"
    Ledger(path).close()
    monkeypatch.setattr("agentrunner.migrations.MIGRATIONS", [*MIGRATIONS, m099_breaks_half_way])
    db = sqlite_utils.Database(path)
    with pytest.raises(RuntimeError, match="disk unplugged"):
        migrate(db)
    db.conn.close()
    db = sqlite_utils.Database(path)
    assert "half" not in db.table_names()
    assert "half_done" not in db["calls"].columns_dict
    assert [row["name"] for row in db["migrations"].rows] == [m.__name__ for m in MIGRATIONS]


def test_scores_on_a_full_disk_are_a_ledger_error_and_keep_no_row(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.db")
    pages = ledger.db.execute("PRAGMA page_count").fetchone()[0]
    ledger.db.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "database or disk is full"
    rows = [
        {"call_id": f"c{n}", "baseline_call_id": "b", "scorer": "exact", "score": 1.0, "details": "x" * 500}
        for n in range(200)
    ]
    with pytest.raises(LedgerError, match="full"):
        ledger.record_scores(rows)
    assert ledger.db.execute("SELECT count(*) FROM scores").fetchone()[0] == 0


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    ledger = Ledger(path)
    ledger.db["migrations"].insert({"id": 99, "name": "m099_future", "applied_at": "2030"})
    ledger.close()
    with pytest.raises(LedgerError, match="newer than this agentrunner"):
        Ledger(path)


def test_corrupt_ledger_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(LedgerError) as caught:
        Ledger(path)
    assert str(path) in str(caught.value)
    assert "corrupt" in str(caught.value) and "mv " in str(caught.value)
    assert path.read_bytes().startswith(b"this is not sqlite")  # never silently replaced


CHILD = """
import os, sys
from agentrunner.ledger import CallRecord, Ledger
ledger = Ledger(sys.argv[1])
call_id = ledger.record_call(CallRecord(model="m", response_text="survives", cost_usd=0.5))
print(call_id, flush=True)
os.kill(os.getpid(), 9)
"""


def test_row_survives_sigkill_right_after_record_call(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    proc = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL
    call_id = proc.stdout.strip()
    row = Ledger(path).get_call(call_id)
    assert row is not None and row["response_text"] == "survives" and row["cost_usd"] == 0.5


def test_record_tool_call_and_runs(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.db", redact=[r"hunter2"])
    ledger.start_run("run1", config_hash="abc", args={"paths": ["tasks/x.md"]})
    ledger.record_tool_call(tool="read_file", arguments={"path": "a"}, ok=True, result="pw hunter2", run_id="run1")
    ledger.finish_run("run1", exit_code=0, totals={"done": 1})
    run = ledger.db["runs"].get("run1")
    assert run["exit_code"] == 0 and json.loads(run["totals"]) == {"done": 1}
    tool = next(iter(ledger.db["tool_calls"].rows))
    assert tool["result"] == f"pw {REDACTED}" and tool["ok"] == 1


def test_api_keys_from_environment_never_stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Requests carry messages and params only; keys live in the provider's client."""
    key = "sk-ant-api03-" + "k" * 40
    monkeypatch.setenv("ANTHROPIC_API_KEY", key)
    request = ChatRequest(messages=[Message(role="user", content="hello")])
    assert key not in json.dumps(request.canonical())
    assert os.environ["ANTHROPIC_API_KEY"] == key
