"""Write-ahead records of replayed calls in flight (agentrunner/replay/inflight.py): what becomes a
``lost`` row and what does not. The kill -9 end to end is in test_replay_resume.py."""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from agentrunner.chat import ChatRequest, Message
from agentrunner.config import parse_config
from agentrunner.ledger import CallRecord, Ledger
from agentrunner.replay.inflight import InflightJournal, record_lost

TIER = parse_config("""
[tiers.small]
provider = "openai"
model = "small"
base_url = "http://127.0.0.1:9/v1"
max_tokens = 100
price = { input_per_mtok = 1.0, output_per_mtok = 2.0 }
""").tiers["small"]
REQUEST = ChatRequest(messages=[Message(role="user", content="x" * 400)], max_tokens=50)


def two_in_flight(
    location: str | Path, runs: tuple[str, str]
) -> tuple[Ledger, InflightJournal, CallRecord, CallRecord]:
    """A ledger with this process's write-ahead records of two replayed calls (originals O1, O2)."""
    ledger = Ledger(location)
    journal = InflightJournal(ledger)
    first, second = (
        CallRecord(run_id=run, replay_of=f"O{n}", config_name="c", tier="small", model="small")
        for n, run in enumerate(runs, 1)
    )
    journal.open(first, REQUEST, TIER)
    journal.open(second, REQUEST, TIER)
    return ledger, journal, first, second


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_records_of_a_dead_process_become_lost_rows_once_and_answered_ones_do_not(
    ledger_location: str | Path,
) -> None:
    """On both backends: a team (PostgreSQL) ledger's replays are killed too."""
    ledger, journal, answered, in_flight = two_in_flight(ledger_location, ("R", "R"))
    ledger.record_call(answered.model_copy(update={"status": "ok", "cost_usd": 0.0001}))

    assert record_lost(ledger).calls == 0  # this process is alive: its calls may still answer
    journal.pid = dead_pid()  # as if written by a replay that was killed since
    journal.open(in_flight, REQUEST, TIER)
    journal.open(answered, REQUEST, TIER)
    lost = record_lost(ledger)
    assert (lost.calls, lost.runs) == (1, ("R",))
    # worst case: 400 chars ≈ 101 prompt tokens at $1/Mtok + max_tokens 50 at $2/Mtok
    assert abs(lost.usd - (101 + 100) / 1e6) < 1e-12
    rows = ledger.db.execute(
        "SELECT id, replay_of, status, cost_usd, replayable FROM calls WHERE replay_of IS NOT NULL ORDER BY replay_of"
    ).fetchall()
    assert [(r[1], r[2]) for r in rows] == [("O1", "ok"), ("O2", "lost")]
    assert rows[1][0] == in_flight.id and rows[1][4] == 0
    assert ledger.db.execute("SELECT count(*) FROM replay_inflight").fetchone()[0] == 0
    assert record_lost(ledger).calls == 0  # once
    journal.close()
    ledger.close()


class SlowLedger(Ledger):
    """The next write transaction after ``hold_until`` is set lasts until it is true (an fsync on a
    slow disk, every other thread arriving meanwhile): an order, where a 0.3 s sleep let threads
    that a loaded machine started late miss the next write too."""

    writes = 0
    hold_until: Callable[[], bool] | None = None

    def execute_write(self, sql: str, params: Iterable[Any] = ()) -> int:
        if sql.startswith("INSERT"):
            self.writes += 1
            ready, self.hold_until = self.hold_until, None
            deadline = time.monotonic() + 120
            while ready is not None and not ready() and time.monotonic() < deadline:
                time.sleep(0.01)
        return super().execute_write(sql, params)


def test_records_of_parallel_requests_share_one_write(tmp_path: Path) -> None:
    """One durable write per request was the ceiling of a parallel replay: records arriving while
    one is written go in the next write together, and each open() returns only once its own is in."""
    ledger = SlowLedger(tmp_path / "ledger.db")
    journal = InflightJournal(ledger)
    ledger.hold_until = lambda: len(journal._group._queue) == len(records) - 1  # the first writes alone
    records = [CallRecord(run_id="R", replay_of=f"O{n}", config_name="c", tier="small", model="small")
               for n in range(16)]
    barrier = threading.Barrier(len(records))
    done: list[int] = []

    def send(record: CallRecord) -> None:
        barrier.wait()
        journal.open(record, REQUEST, TIER)
        # Committed when open() returns: visible on another connection.
        check = sqlite3.connect(tmp_path / "ledger.db")
        done.append(check.execute("SELECT count(*) FROM replay_inflight WHERE id = ?", [record.id]).fetchone()[0])
        check.close()

    threads = [threading.Thread(target=send, args=(record,)) for record in records]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert done == [1] * 16
    assert ledger.writes <= 3  # before: 16, one per request
    journal.close()
    ledger.close()


def test_another_hosts_records_wait_a_day(ledger_location: str | Path) -> None:
    """A team ledger is shared by machines: another host's process id says nothing here, so its
    records become lost rows only once they are a day old; this host's are judged by their process."""
    ledger, journal, recent, old = two_in_flight(ledger_location, ("R1", "R2"))
    gone = dead_pid()
    ledger.execute_write("UPDATE replay_inflight SET host = 'elsewhere', pid = ?", [gone])
    ledger.execute_write("UPDATE replay_inflight SET ts = '2026-01-01T00:00:00.000000Z' WHERE id = ?", [old.id])
    lost = record_lost(ledger)
    assert (lost.calls, lost.runs) == (1, ("R2",))  # a dead pid on another host: not a reason
    assert ledger.db.execute("SELECT id FROM replay_inflight").fetchall() == [(recent.id,)]
    ledger.execute_write("UPDATE replay_inflight SET host = ?", [socket.gethostname()])
    assert record_lost(ledger).calls == 1  # on this host that pid is dead: lost now
    assert ledger.db.execute("SELECT count(*) FROM calls WHERE status = 'lost'").fetchone()[0] == 2
    journal.close()
    ledger.close()
