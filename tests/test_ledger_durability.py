"""The ledger's write path: ``[ledger] synchronous`` (SQLite's fsync per commit or not) and a call's
row committed together with the release of its budget reservation. Real SQLite files, real
processes killed with SIGKILL, a real PostgreSQL cluster for the release on that backend."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from agentrunner.budgets import budget_status, release, reserve
from agentrunner.config import ConfigError, load_config, parse_config
from agentrunner.errors import LedgerError
from agentrunner.ledger import CallRecord, Ledger
from tests.support.budget_tiers import TIERS

ROOT = Path(__file__).resolve().parents[1]


def test_synchronous_is_full_by_default_and_normal_when_configured(
    tmp_path: Path, write_config: Callable[[str], Path]
) -> None:
    default = Ledger.for_config(load_config(write_config(TIERS)))
    assert default.synchronous == "full"
    assert default.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    normal = load_config(write_config(TIERS + '\n[ledger]\nsynchronous = "normal"\n'))
    assert normal.ledger.synchronous == "normal"
    ledger = Ledger.for_config(normal)
    assert ledger.synchronous == "normal"
    assert ledger.db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert ledger.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_bad_synchronous_value_is_one_line_naming_the_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(TIERS + '\n[ledger]\nsynchronous = "off"\n')
    message = str(caught.value)
    assert len(message.splitlines()) == 1
    assert "ledger.synchronous" in message and "routes.toml:" in message, message
    with pytest.raises(LedgerError, match="synchronous"):
        Ledger(tmp_path / "ledger.db", synchronous="off")


WRITER = textwrap.dedent(
    """
    import sys, threading
    from agentrunner.ledger import CallRecord, Ledger

    ledger = Ledger(sys.argv[1], synchronous=sys.argv[2])
    printing = threading.Lock()

    def work() -> None:
        while True:
            call_id = ledger.record_call(CallRecord(tier="premium", cost_usd=0.001, response_text="x" * 400))
            with printing:  # printed only once record_call returned: the row is committed
                sys.stdout.write(call_id + "\\n")
                sys.stdout.flush()

    for _ in range(4):
        threading.Thread(target=work, daemon=True).start()
    threading.Event().wait()
    """
)


@pytest.mark.parametrize("synchronous", ["normal", "full"])
def test_kill_9_mid_write_loses_no_committed_row(tmp_path: Path, synchronous: str) -> None:
    """4 threads recording as fast as they can; SIGKILL at some point; every id printed (so
    returned by record_call) before the kill is in the ledger afterwards. Three kills in a row on
    the same file (each reopening a ledger whose WAL a killed process left behind)."""
    path = tmp_path / "ledger.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    committed: list[str] = []
    for after in (50, 400, 1500):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), synchronous], stdout=subprocess.PIPE, env=env, text=True
        )
        assert writer.stdout is not None
        for seen, line in enumerate(writer.stdout, start=1):
            committed.append(line.strip())
            if seen >= after:
                os.kill(writer.pid, signal.SIGKILL)
                break
        committed.extend(line.strip() for line in writer.stdout)  # what it printed before dying
        writer.wait(timeout=30)
        assert writer.returncode == -signal.SIGKILL
    ledger = Ledger(path, synchronous=synchronous)
    kept = {row["id"] for row in ledger.db.query("SELECT id FROM calls")}
    missing = [call_id for call_id in committed if call_id not in kept]
    assert not missing, f"{len(missing)} of {len(committed)} committed rows lost"
    assert len(committed) == len(set(committed)) >= 1950


BUDGET = "\n[budgets]\ndaily_usd = 1.0\n"


def test_record_call_releases_its_reservation_in_the_same_transaction(
    ledger_location: str | Path, write_config: Callable[[str], Path]
) -> None:
    config = load_config(write_config(TIERS + BUDGET))
    ledger = Ledger(ledger_location)
    fit = reserve(config, ledger, 0.4, tier="premium")
    assert fit.id is not None
    assert budget_status(config, ledger)[0].reserved_usd == pytest.approx(0.4)
    ledger.record_call(CallRecord(tier="premium", cost_usd=0.25, source="agentrunner"), release=fit.id)
    status = budget_status(config, ledger)[0]
    assert (status.spent_usd, status.reserved_usd) == (pytest.approx(0.25), 0.0)
    assert ledger.fetch_all("SELECT id FROM reservations") == []
    release(ledger, fit.id)  # afterwards: a no-op
    assert budget_status(config, ledger)[0].spent_usd == pytest.approx(0.25)


def test_a_row_that_fails_keeps_its_reservation(tmp_path: Path, write_config: Callable[[str], Path]) -> None:
    """Same transaction: when the row is refused, the release is rolled back with it (the
    reservation still counts until released or expired: the call may have cost money)."""
    config = load_config(write_config(TIERS + BUDGET))
    ledger = Ledger(tmp_path / "ledger.db")
    ledger.db.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON calls WHEN NEW.tier = 'boom' BEGIN SELECT RAISE(ABORT, 'refused'); END"
    )
    fit = reserve(config, ledger, 0.4, tier="premium")
    with pytest.raises(LedgerError, match="refused"):
        ledger.record_call(CallRecord(tier="boom", cost_usd=0.25), release=fit.id)
    assert [row["id"] for row in ledger.fetch_all("SELECT id FROM reservations")] == [fit.id]


def test_the_gateway_commits_without_an_fsync_unless_the_ledger_says_otherwise(
    write_config: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`serve` (its workers build the app from the environment): unset means "normal" — the fsync
    was 2.4 ms of the gateway's 3.8 ms added latency (docs/gateway.md) —, an explicit value wins, and
    a run's ledger on the same routes.toml stays "full"."""
    from agentrunner.server.asgi import NO_AUTH_ENV, app_from_env

    monkeypatch.setenv(NO_AUTH_ENV, "1")
    for text, expected, pragma in [(TIERS, "normal", 1), (TIERS + '\n[ledger]\nsynchronous = "full"\n', "full", 2)]:
        path = write_config(text)
        monkeypatch.setenv("AGENTRUNNER_CONFIG", str(path))
        ledger = app_from_env().state.gateway.ledger
        try:
            assert ledger.synchronous == expected
            assert ledger.db.execute("PRAGMA synchronous").fetchone()[0] == pragma
        finally:
            ledger.close()
    run_ledger = Ledger.for_config(load_config(write_config(TIERS)))
    assert run_ledger.synchronous == "full"
    run_ledger.close()
