"""Group commit: concurrent ``record_call``s share transactions (one fsync for many rows), yet each
returns only once its own row is committed, and one failing row fails no other. Real SQLite files."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from agentrunner.errors import LedgerError
from agentrunner.ledger import CallRecord, Ledger

THREADS = 16
ROWS = 40


def record_concurrently(ledger: Ledger, make: object = None) -> tuple[list[str], list[BaseException]]:
    ids: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def worker(number: int) -> None:
        start.wait()
        for row in range(ROWS):
            tier = "boom" if number == 0 and row % 2 else "premium"
            try:
                call_id = ledger.record_call(CallRecord(tier=tier, cost_usd=0.001, source="gateway"))
            except LedgerError as exc:
                with lock:
                    errors.append(exc)
                continue
            # Committed before record_call returned: another connection sees it now.
            with sqlite3.connect(ledger.path) as other:
                assert other.execute("SELECT count(*) FROM calls WHERE id = ?", (call_id,)).fetchone()[0] == 1
            with lock:
                ids.append(call_id)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return ids, errors


def test_concurrent_writers_share_commits_and_every_row_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = Ledger(tmp_path / "ledger.db")
    commits = 0
    write = ledger._write

    def counting(fn: object) -> object:
        nonlocal commits
        commits += 1
        return write(fn)  # type: ignore[arg-type]

    monkeypatch.setattr(ledger, "_write", counting)
    ids, errors = record_concurrently(ledger)
    assert errors == []
    assert len(ids) == len(set(ids)) == THREADS * ROWS
    assert ledger.count_calls() == THREADS * ROWS
    # 640 rows from 16 racing threads: with one transaction per row this is 640.
    assert commits < THREADS * ROWS, commits


def test_a_failing_row_fails_only_its_own_writer(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.db")
    # A real SQLite failure for some rows (as a disk error would be for all): a trigger aborts them.
    ledger.db.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON calls WHEN NEW.tier = 'boom' BEGIN SELECT RAISE(ABORT, 'refused'); END"
    )
    ids, errors = record_concurrently(ledger)
    assert len(errors) == ROWS // 2 and all("refused" in str(e) for e in errors)
    assert len(ids) == THREADS * ROWS - ROWS // 2
    assert ledger.count_calls() == len(ids)
    assert ledger.count_calls("tier = 'boom'") == 0
