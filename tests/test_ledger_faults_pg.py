"""Faults of a team's PostgreSQL ledger: the server restarted mid-run, refusing connections, a
statement timeout. No call that costs money is made without a ledger row being writable; a row
whose call did happen is never lost (spooled, written on the next open). Each test has its own
throwaway cluster, since it stops or restarts it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from typer.testing import Result

from agentrunner.chat import ChatRequest, Message
from agentrunner.config import load_config
from agentrunner.errors import LedgerError
from agentrunner.gateway import Gateway
from agentrunner.ledger import CallRecord, Ledger
from tests.support.postgres import Cluster, pg_binaries, start_cluster, stop_cluster

pytestmark = pytest.mark.postgres


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    if pg_binaries() is None:
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) are not installed: run scripts/setup.sh")
    own = start_cluster()
    try:
        yield own
    finally:
        stop_cluster(own)


def test_rows_written_while_the_server_restarts_are_all_there_once(cluster: Cluster) -> None:
    url = cluster.create_database()
    ledger = Ledger(url)
    ids: list[str] = []
    errors: list[BaseException] = []

    def write() -> None:
        try:
            for n in range(300):
                ids.append(ledger.record_call(CallRecord(model="m", cost_usd=0.001, task_id=str(n))))
                time.sleep(0.003)
        except BaseException as exc:
            errors.append(exc)

    writer = threading.Thread(target=write)
    writer.start()
    time.sleep(0.2)
    cluster.restart()  # pg_ctl restart -m fast: every connection of the pool is dropped
    time.sleep(0.2)
    cluster.restart()
    writer.join(timeout=120)
    assert not errors, errors
    got = ledger.fetch_one("SELECT count(*) AS n, count(DISTINCT id) AS ids FROM calls")
    assert got == {"n": 300, "ids": 300} and len(set(ids)) == 300


def test_an_unreachable_ledger_stops_a_run_at_once_in_one_line(
    cluster: Cluster,
    fake_local: Path,
    isolated_home: Path,
    cli: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = cluster.create_database()
    cluster.stop()
    monkeypatch.setenv("AGENTRUNNER_LEDGER_URL", url)
    # retries would take 120 s: "at once" is then a bound a loaded machine keeps (60 s, not 15)
    monkeypatch.setattr("agentrunner.ledger_pg.RETRY_SECONDS", 120.0)
    (isolated_home / "tasks").mkdir(exist_ok=True)
    (isolated_home / "tasks" / "t.md").write_text("- [ ] Say hello into `out/hello.txt`\n", "utf-8")
    started = time.monotonic()
    result = cli("run")
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "cannot connect to the team ledger" in lines[0], result.output
    assert time.monotonic() - started < 60


def test_no_call_is_paid_while_the_ledger_cannot_be_written_and_none_is_lost(
    cluster: Cluster, fake_local: Path, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The provider is never asked while the database is down; a row whose call was made just
    before it went down is spooled and written when the ledger is next opened."""
    from tests.support.fake_provider import FakeProvider

    monkeypatch.setattr("agentrunner.ledger_pg.RETRY_SECONDS", 1.0)
    asked: list[int] = []
    real_complete = FakeProvider.complete
    monkeypatch.setattr(FakeProvider, "complete", lambda self, request: asked.append(1) or real_complete(self, request))
    monkeypatch.setenv("AGENTRUNNER_LEDGER_URL", cluster.create_database())
    config = load_config(fake_local)
    gateway = Gateway(config, Ledger.for_config(config))
    request = ChatRequest(messages=[Message(role="user", content="hi")], max_tokens=8)
    assert gateway.call("local", request).call_id
    assert len(asked) == 1

    cluster.stop()
    t0 = time.monotonic()
    with pytest.raises(LedgerError) as refused:
        gateway.call("local", request)
    assert time.monotonic() - t0 < 60  # after RETRY_SECONDS (1 s) of retries, not the pool's 5 minutes
    assert len(asked) == 1, "a call was made with no ledger to record it"
    assert "\n" not in str(refused.value)

    # A call that was made, then found the database gone: its row is kept on this machine.
    ledger = gateway.ledger
    with pytest.raises(LedgerError, match=r"kept in .*ledger-spool\.jsonl"):
        ledger.record_call(CallRecord(id="01SPOOLED", model="m", cost_usd=0.25))
    cluster.start()
    reopened = Ledger.for_config(config)
    row = reopened.get_call("01SPOOLED")
    assert row is not None and row["cost_usd"] == 0.25
    assert reopened.count_calls() == 2 and (config.data_dir / "ledger-spool.jsonl").read_text() == ""
    Ledger.for_config(config)  # opening again writes nothing twice
    assert reopened.count_calls() == 2


def test_a_statement_timeout_is_one_line_and_loses_no_row(
    cluster: Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("agentrunner.ledger_pg.STATEMENT_TIMEOUT_MS", 300)
    monkeypatch.setattr("agentrunner.ledger_pg.RETRY_SECONDS", 120.0)  # a retried timeout: 120 s, not < 60
    url = cluster.create_database()
    spool = tmp_path / "spool.jsonl"
    ledger = Ledger(url, spool=spool)
    with psycopg.connect(url) as blocker:
        blocker.execute("LOCK TABLE calls IN ACCESS EXCLUSIVE MODE")  # held until the block ends
        started = time.monotonic()
        with pytest.raises(LedgerError) as timed_out:
            ledger.record_call(CallRecord(id="01BLOCKED", model="m"))
        assert time.monotonic() - started < 60  # a timeout is not retried for RETRY_SECONDS
        message = str(timed_out.value)
        assert "\n" not in message and "statement timeout" in message and str(spool) in message
    assert Ledger(url, spool=spool).get_call("01BLOCKED") is not None
