"""Budgets on a team's PostgreSQL ledger: caps that hold across processes (one locked check), and
reservations of killed workers that expire by lease. A throwaway cluster (tests/support/postgres.py)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from agentrunner.budgets import budget_status, release, reserve
from agentrunner.config import load_config
from agentrunner.ledger import CallRecord, Ledger
from tests.support.budget_tiers import TIERS

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def team(write_config: Callable[[str], Path], pg_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """routes.toml with a $1 daily cap and a user cap, the ledger on a new PostgreSQL database."""
    monkeypatch.setenv("AGENTRUNNER_LEDGER_URL", pg_url)
    return write_config(TIERS + '\n[budgets]\ndaily_usd = 1.0\nper_user_daily_usd = 0.5\n\n[ledger]\nuser = "ana"\n')


def worker(routes: Path, *args: str, lease: float = 60.0) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AGENTRUNNER_RESERVATION_LEASE_S": str(lease)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.budget_worker", str(routes), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_reserve_refuse_release_on_postgres(team: Path) -> None:
    config = load_config(team)
    ledger = Ledger.for_config(config)
    assert ledger.backend == "postgresql"
    first = reserve(config, ledger, 0.3, tier="premium")
    assert first.ok and first.id
    second = reserve(config, ledger, 0.3, tier="premium")  # 0.3 + 0.3 > the user's 0.5
    assert not second.ok and second.blocked_by is not None and second.blocked_by.name == "per_user_daily"
    statuses = {s.name: s for s in budget_status(config, ledger)}
    assert statuses["per_user_daily"].reserved_usd == pytest.approx(0.3)
    release(ledger, first.id)
    ledger.record_call(CallRecord(tier="premium", cost_usd=0.3, user="ana"))
    statuses = {s.name: s for s in budget_status(config, ledger)}
    assert statuses["per_user_daily"].reserved_usd == 0 and statuses["per_user_daily"].spent_usd == pytest.approx(0.3)
    assert not reserve(config, ledger, 0.25, tier="premium").ok
    assert reserve(config, ledger, 0.2, tier="premium").ok


def test_many_processes_never_spend_more_than_the_cap(team: Path) -> None:
    """6 processes, started together, × 20 attempts of $0.045 against a $0.5 user cap: exactly 11
    fit, and every reservation is released. (On a check that is not atomic, processes read the same
    totals and overspend together: this test fails when the advisory lock is taken out.)"""
    start_at = str(time.time() + 6)
    workers = [worker(team, "30", "0.045", start_at) for _ in range(8)]
    results = []
    for process in workers:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    ledger = Ledger.for_config(load_config(team))
    spent = ledger.fetch_one("SELECT sum(cost_usd) AS spent, count(*) AS calls FROM calls")
    assert spent is not None
    reserved = sum(r["reserved"] for r in results)
    print(f"spend/cap = {spent['spent'] / 0.5:.3f} ({reserved} reservations fit, {spent['calls']} calls)")
    assert spent["spent"] <= 0.5 + 1e-9
    assert reserved == spent["calls"] == 11  # 11 × 0.045 = 0.495; a 12th would cross 0.5
    assert sum(r["refused"] for r in results) == 8 * 30 - 11
    assert ledger.count_calls() == 11
    assert ledger.db.execute("SELECT count(*) FROM reservations").fetchone()[0] == 0


def test_a_killed_workers_reservation_expires_by_lease(team: Path) -> None:
    # a 3 s lease (renewed every 1 s): a renewal may come 2 s late on a loaded machine (1 s let it
    # come only 0.67 s late); the expiry after the kill is waited for, not slept for
    held = worker(team, "1", "0.4", "hold", lease=3.0)
    try:
        assert held.stdout is not None
        reservation = json.loads(held.stdout.readline())["id"]
        assert reservation
        config = load_config(team)
        ledger = Ledger.for_config(config)
        time.sleep(4.0)  # longer than the lease: the live holder renews it
        assert {s.name: s for s in budget_status(config, ledger)}["per_user_daily"].reserved_usd == pytest.approx(0.4)
        assert not reserve(config, ledger, 0.2, tier="premium").ok
        held.send_signal(signal.SIGKILL)
        held.wait(timeout=10)
        deadline = time.monotonic() + 120  # its lease runs out (3 s after its last renewal)
        while (
            time.monotonic() < deadline
            and {s.name: s for s in budget_status(config, ledger)}["per_user_daily"].reserved_usd
        ):
            time.sleep(0.2)
        statuses = {s.name: s for s in budget_status(config, ledger)}
        assert statuses["per_user_daily"].reserved_usd == 0 and statuses["per_user_daily"].spent_usd == 0
        assert ledger.db.execute("SELECT count(*) FROM reservations").fetchone()[0] == 0
        assert reserve(config, ledger, 0.2, tier="premium").ok
    finally:
        if held.poll() is None:
            held.kill()
            held.wait()


def test_the_check_and_the_insert_are_one_locked_step(team: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Deterministic: a reserver that pauses between reading the totals and inserting (as a busy
    host might) must not let another read the same totals. Two threads, two pools, a $0.5 cap,
    $0.3 each: exactly one fits."""
    import threading

    import agentrunner.budgets_pg as budgets_pg

    real_totals = budgets_pg._totals

    def slow_totals(*args: object, **kwargs: object) -> list[tuple[float, float]]:
        result = real_totals(*args, **kwargs)  # type: ignore[arg-type]
        time.sleep(0.3)
        return result

    monkeypatch.setattr(budgets_pg, "_totals", slow_totals)
    config = load_config(team)
    outcomes: list[bool] = []

    def one() -> None:
        outcomes.append(reserve(config, Ledger.for_config(config), 0.3, tier="premium").ok)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [False, True]


def test_leases_are_renewed_while_every_pooled_connection_is_busy(
    team: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A gateway under load has every connection of its ledger's pool taken by requests. The lease
    of a live reservation must still be renewed: before, the renewal waited for a pooled
    connection, the lease ran out, the next reserver deleted the reservation and the cap let
    another call in (spend reached 1.24-1.28x the cap, docs/team.md)."""
    import agentrunner.budgets_pg as budgets_pg
    from agentrunner.ledger_pg import POOL_MAX

    monkeypatch.setattr(budgets_pg, "LEASE_SECONDS", 2.0)  # renewed every 0.67 s: 1.3 s of slack under load
    config = load_config(team)
    ledger = Ledger.for_config(config)
    held = reserve(config, ledger, 0.3, tier="premium")
    assert held.ok and held.id
    pool = ledger.db.pool()  # type: ignore[attr-defined]
    busy = [pool.getconn(timeout=10) for _ in range(POOL_MAX)]  # the requests have them all
    try:
        time.sleep(6.0)  # three leases
        other = Ledger.for_config(config)  # another gateway: its check expires lapsed leases
        statuses = {s.name: s for s in budget_status(config, other)}
        assert statuses["per_user_daily"].reserved_usd == pytest.approx(0.3)
        assert not reserve(config, other, 0.3, tier="premium").ok  # 0.3 held + 0.3 > the $0.5 cap
    finally:
        for conn in busy:
            pool.putconn(conn)
    release(ledger, held.id)
    assert ledger.db.execute("SELECT count(*) FROM reservations").fetchone()[0] == 0


@pytest.mark.parametrize("lease", ["abc", "0", "-5", "nan"])
def test_a_bad_lease_setting_is_one_line(team: Path, lease: str) -> None:
    """A lease of 0 or less would let every reservation lapse at once (no cap would hold)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AGENTRUNNER_RESERVATION_LEASE_S": lease, "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "agentrunner", "budget"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0
    out = (done.stdout + done.stderr).strip()
    assert "Traceback" not in out and len(out.splitlines()) == 1, out
    assert f"AGENTRUNNER_RESERVATION_LEASE_S: must be a number of seconds > 0, got '{lease}'" in out
