"""Budgets: windows, spend selection, reservations under concurrency (threads and processes),
stale reservations of dead processes. Real SQLite ledger files throughout."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from agentrunner.budgets import budget_status, pid_alive, release, reserve
from agentrunner.config import Config, load_config
from agentrunner.ledger import CallRecord, Ledger
from tests.support.budget_tiers import TIERS


@pytest.fixture
def setup(write_config: Callable[[str], Path]) -> Callable[[str], tuple[Config, Ledger]]:
    def make(budgets: str, ledger_section: str = "") -> tuple[Config, Ledger]:
        path = write_config(TIERS + "\n[budgets]\n" + textwrap.dedent(budgets) + ledger_section)
        config = load_config(path)
        return config, Ledger.for_config(config)

    return make


def spend(ledger: Ledger, cost: float, ts: str, **fields: object) -> None:
    ledger.record_call(CallRecord(ts_start=ts, ts_end=ts, cost_usd=cost, tier="premium", **fields))


def by_name(statuses: list) -> dict:
    return {status.name: status for status in statuses}


def test_daily_and_monthly_windows_reset_at_utc_boundaries(setup) -> None:
    config, ledger = setup("daily_usd = 10.0\nmonthly_usd = 100.0\n")
    spend(ledger, 1.0, "2026-01-15T12:00:00.000000Z")
    spend(ledger, 2.0, "2026-01-31T23:59:59.999999Z")
    spend(ledger, 4.0, "2026-02-01T00:00:00.000000Z")

    before = by_name(budget_status(config, ledger, now=datetime(2026, 1, 31, 23, 59, 59, tzinfo=UTC)))
    assert before["daily"].spent_usd == pytest.approx(2.0)
    assert before["monthly"].spent_usd == pytest.approx(3.0)
    assert before["daily"].resets_at == datetime(2026, 2, 1, tzinfo=UTC)
    assert before["monthly"].resets_at == datetime(2026, 2, 1, tzinfo=UTC)

    after = by_name(budget_status(config, ledger, now=datetime(2026, 2, 1, 0, 0, 1, tzinfo=UTC)))
    assert after["daily"].spent_usd == pytest.approx(4.0)
    assert after["monthly"].spent_usd == pytest.approx(4.0)
    assert after["daily"].left_usd == pytest.approx(6.0)
    assert after["daily"].fraction == pytest.approx(0.4)
    assert after["monthly"].resets_at == datetime(2026, 3, 1, tzinfo=UTC)


def test_december_window_resets_into_next_year(setup) -> None:
    config, ledger = setup("monthly_usd = 100.0\n")
    status = by_name(budget_status(config, ledger, now=datetime(2026, 12, 31, 18, tzinfo=UTC)))
    assert status["monthly"].resets_at == datetime(2027, 1, 1, tzinfo=UTC)


def test_naive_now_is_taken_as_utc(setup) -> None:
    config, ledger = setup("daily_usd = 10.0\n")
    spend(ledger, 1.5, "2026-03-03T10:00:00.000000Z")
    status = by_name(budget_status(config, ledger, now=datetime(2026, 3, 3, 11)))
    assert status["daily"].spent_usd == pytest.approx(1.5)


def test_imported_history_and_unpriced_calls_are_not_spend(setup) -> None:
    config, ledger = setup("daily_usd = 10.0\n")
    ts = "2026-03-03T10:00:00.000000Z"
    spend(ledger, 1.0, ts)
    spend(ledger, 7.0, ts, source="import:claude-code", source_id="abc")
    ledger.record_call(CallRecord(ts_start=ts, cost_usd=None, tier="premium"))
    spend(ledger, 0.5, ts, replay_of="01XYZ")  # replays are agentrunner's own spend
    status = by_name(budget_status(config, ledger, now=datetime(2026, 3, 3, 12, tzinfo=UTC)))
    assert status["daily"].spent_usd == pytest.approx(1.5)


def test_per_run_user_and_team_caps_select_their_calls(setup) -> None:
    config, ledger = setup(
        "per_run_usd = 1.0\nper_user_daily_usd = 2.0\nper_team_monthly_usd = 3.0\n",
        '\n[ledger]\nuser = "ada"\nteam = "core"\n',
    )
    ts = "2026-03-03T10:00:00.000000Z"
    spend(ledger, 0.25, ts, run_id="run-a", user="ada", team="core")
    spend(ledger, 0.5, ts, run_id="run-b", user="bob", team="core")
    spend(ledger, 0.125, "2026-03-01T10:00:00.000000Z", run_id="run-a", user="ada", team="other")
    status = by_name(budget_status(config, ledger, run_id="run-a", now=datetime(2026, 3, 3, 12, tzinfo=UTC)))
    assert status["per_run"].spent_usd == pytest.approx(0.375)
    assert status["per_run"].resets_at is None
    assert status["per_user_daily"].spent_usd == pytest.approx(0.25)
    assert status["per_team_monthly"].spent_usd == pytest.approx(0.75)
    # Without a run id there is no per-run cap to speak of.
    assert "per_run" not in by_name(budget_status(config, ledger, now=datetime(2026, 3, 3, 12, tzinfo=UTC)))


def test_reserve_checks_every_cap_and_release_frees_it(setup) -> None:
    config, ledger = setup("per_run_usd = 1.0\ndaily_usd = 10.0\n")
    first = reserve(config, ledger, 0.75, tier="premium", run_id="r")
    assert first.ok and first.id is not None
    second = reserve(config, ledger, 0.5, tier="premium", run_id="r")
    assert not second.ok and second.id is None
    assert second.blocked_by is not None and second.blocked_by.name == "per_run"
    assert second.blocked_by.reserved_usd == pytest.approx(0.75)
    # Another run is not limited by this run's cap, only by the daily one.
    assert reserve(config, ledger, 0.5, tier="premium", run_id="other").ok
    release(ledger, first.id)
    release(ledger, first.id)  # idempotent
    assert reserve(config, ledger, 0.5, tier="premium", run_id="r").ok


def test_exactly_what_is_left_fits(setup) -> None:
    config, ledger = setup("daily_usd = 0.3\n")
    for _ in range(3):
        assert reserve(config, ledger, 0.1, tier="premium").ok
    assert not reserve(config, ledger, 0.1, tier="premium").ok


def test_dry_run_keeps_nothing(setup) -> None:
    config, ledger = setup("daily_usd = 1.0\n")
    assert reserve(config, ledger, 0.9, tier="premium", dry_run=True).ok
    assert ledger.db["reservations"].count == 0
    assert reserve(config, ledger, 0.9, tier="premium").ok


def test_unknown_worst_case_does_not_fit_a_finite_cap(setup) -> None:
    config, ledger = setup("daily_usd = 1000.0\n")
    blocked = reserve(config, ledger, None, tier="premium")
    assert not blocked.ok and blocked.blocked_by is not None and blocked.blocked_by.name == "daily"


def test_unknown_worst_case_is_fine_without_caps(setup) -> None:
    config, ledger = setup("")
    result = reserve(config, ledger, None, tier="premium")
    assert result.ok and result.id is None
    assert budget_status(config, ledger) == []


def test_eight_threads_never_overspend(setup) -> None:
    """Each thread: reserve the worst case, "make the call" (a ledger row costing exactly that),
    release. 8 threads race; the cap must hold and be used to the last whole call."""
    config, ledger = setup("daily_usd = 1.0\n")
    amount = 0.03
    granted: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def worker() -> None:
        start.wait()
        while True:
            result = reserve(config, ledger, amount, tier="premium")
            if not result.ok:
                return
            ledger.record_call(CallRecord(cost_usd=amount, tier="premium"))
            with lock:
                granted.append(str(result.id))
            release(ledger, result.id)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    total = ledger.db.execute("SELECT sum(cost_usd) FROM calls").fetchone()[0]
    assert total <= 1.0 + 1e-9
    assert len(granted) == 33  # floor(1.0 / 0.03): nobody was refused while room was left
    assert ledger.db["reservations"].count == 0


WORKER = """
import sys, threading
from agentrunner.budgets import reserve, release
from agentrunner.config import load_config
from agentrunner.ledger import CallRecord, Ledger

config = load_config(sys.argv[1])
ledger = Ledger.for_config(config)

def work():
    while True:
        result = reserve(config, ledger, 0.03, tier="premium")
        if not result.ok:
            return
        ledger.record_call(CallRecord(cost_usd=0.03, tier="premium"))
        release(ledger, result.id)

threads = [threading.Thread(target=work) for _ in range(4)]
for t in threads: t.start()
for t in threads: t.join()
"""


def test_two_processes_never_overspend(setup, tmp_path: Path) -> None:
    config, ledger = setup("daily_usd = 1.0\n")
    script = tmp_path / "worker.py"
    script.write_text(WORKER, "utf-8")
    assert config.source_path is not None
    processes = [subprocess.Popen([sys.executable, str(script), str(config.source_path)]) for _ in range(2)]
    assert [p.wait(timeout=120) for p in processes] == [0, 0]
    total, count = ledger.db.execute("SELECT sum(cost_usd), count(*) FROM calls").fetchone()
    assert total <= 1.0 + 1e-9
    assert count == 33


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_reservations_of_dead_processes_are_ignored_and_cleaned(setup) -> None:
    config, ledger = setup("daily_usd = 1.0\n")
    pid = dead_pid()
    assert not pid_alive(pid)
    ledger.db["reservations"].insert(
        {"id": "stale", "ts": "2026-03-03T10:00:00Z", "tier": "premium", "amount_usd": 0.9, "pid": pid}
    )
    live = reserve(config, ledger, 0.5, tier="premium")
    assert live.ok
    assert [row["id"] for row in ledger.db["reservations"].rows] == [live.id]
    status = by_name(budget_status(config, ledger))
    assert status["daily"].reserved_usd == pytest.approx(0.5)


def test_old_reservations_are_stale_even_with_a_live_pid(setup) -> None:
    import os

    config, ledger = setup("daily_usd = 1.0\n")
    ledger.db["reservations"].insert(
        {"id": "old", "ts": "2020-01-01T00:00:00.000000Z", "tier": "premium", "amount_usd": 0.9, "pid": os.getpid()}
    )
    assert by_name(budget_status(config, ledger))["daily"].reserved_usd == 0
    assert ledger.db["reservations"].count == 0


def test_live_reservation_counts_in_status(setup) -> None:
    config, ledger = setup("daily_usd = 1.0\n")
    held = reserve(config, ledger, 0.6, tier="premium")
    status = by_name(budget_status(config, ledger))
    assert status["daily"].reserved_usd == pytest.approx(0.6)
    assert not status["daily"].exhausted
    assert not reserve(config, ledger, 0.6, tier="premium").ok
    release(ledger, held.id)
    assert by_name(budget_status(config, ledger))["daily"].reserved_usd == 0


def test_pid_alive() -> None:
    import os

    assert pid_alive(os.getpid())
    assert not pid_alive(0)
    assert not pid_alive(dead_pid())


def test_spend_is_read_incrementally_and_survives_a_replaced_ledger(setup) -> None:
    """The settled-spend cache adds only rows written since the last read, and starts over when
    the ledger file is replaced by another (moved aside, restored from a backup)."""
    config, ledger = setup("daily_usd = 10.0\n")
    now = datetime(2026, 3, 3, 12, tzinfo=UTC)
    spend(ledger, 1.0, "2026-03-03T10:00:00.000000Z")
    assert by_name(budget_status(config, ledger, now=now))["daily"].spent_usd == pytest.approx(1.0)
    spend(ledger, 2.0, "2026-03-03T11:00:00.000000Z")
    spend(ledger, 4.0, "2026-03-02T11:00:00.000000Z")  # another day: not in this window
    assert by_name(budget_status(config, ledger, now=now))["daily"].spent_usd == pytest.approx(3.0)

    ledger.close()
    for suffix in ("", "-wal", "-shm"):
        Path(str(config.ledger_path) + suffix).unlink(missing_ok=True)
    fresh = Ledger.for_config(config)
    spend(fresh, 0.5, "2026-03-03T10:30:00.000000Z")
    spend(fresh, 0.25, "2026-03-03T10:31:00.000000Z")
    assert by_name(budget_status(config, fresh, now=now))["daily"].spent_usd == pytest.approx(0.75)


def test_warm_spend_query_reads_only_new_rows_by_rowid(setup) -> None:
    """Guards the reservation's speed: whatever indexes calls gains (reports add covering ones),
    the incremental spend query must seek by rowid, not walk the window through a ts index."""
    from agentrunner.budgets import applicable_caps, spend_query

    config, ledger = setup(
        "per_run_usd = 1.0\ndaily_usd = 1.0\nmonthly_usd = 1.0\nper_user_daily_usd = 1.0\n"
        "per_team_monthly_usd = 1.0\n",
        '\n[ledger]\nuser = "ada"\nteam = "core"\n',
    )
    caps = applicable_caps(config, run_id="r")
    assert len(caps) == 5
    for cap in caps:
        plan = ledger.db.execute(
            "EXPLAIN QUERY PLAN " + spend_query(cap, warm=True), (1, 2, *cap.calls_params)
        ).fetchall()
        assert "INTEGER PRIMARY KEY (rowid>? AND rowid<?)" in str(plan), (cap.name, plan)
