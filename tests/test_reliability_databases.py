"""A damaged ledger or state.db stops the run before it pays (issue 13, section 3).

Real ``agentrunner run`` processes (forked), real SQLite files damaged the way a bad disk or a
careless user damages them: 4 KB of random bytes in the middle (the header stays valid, so the
file opens and a write may even succeed), and a ledger whose ``-wal`` file was deleted while a run
had it open (the tables lived only in the WAL). Before the start-of-run check, the first made a
paid call and exited 0 (ledger) or died with a Python traceback from the checkpointer (state.db),
both files modified; doctor only warned about the second.
"""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from agentrunner.doctor import check_ledger
from agentrunner.ledger import CallRecord, Ledger
from tests.support.chaos_server import ChaosServer
from tests.support.forkserver import ForkServer
from tests.support.project import Project


@pytest.fixture(scope="module")
def forks() -> Iterator[ForkServer]:
    with ForkServer() as server:
        yield server


@pytest.fixture
def server() -> Iterator[ChaosServer]:
    with ChaosServer(seed=1, mix={"ok": 1}) as chaos:
        yield chaos


def _random_bytes_in_the_middle(path: Path, size: int = 4096, seed: int = 7) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + size] = random.Random(seed).randbytes(size)
    path.write_bytes(bytes(data))


def _digest(path: Path) -> str:
    parts = [path, path.with_name(path.name + "-wal")]
    return ",".join(hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else "-" for p in parts)


def _prepared(tmp_path: Path, server: ChaosServer, forks: ForkServer) -> Project:
    """A project after one good run (a real ledger and state.db with checkpoints), with ballast so
    that the middle of each file is a data page, and a new open item."""
    project = Project(tmp_path / "project", server)
    project.write_items(["Write a line about disks"])
    code, out, err = project.run(forks)
    assert code == 0, out + err
    ledger = Ledger(project.ledger_path)
    ledger.insert_calls(CallRecord(tier="premium", response_text="y" * 500, cost_usd=0.001) for _ in range(200))
    ledger.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    ledger.close()
    conn = sqlite3.connect(project.state_path)
    conn.execute("CREATE TABLE ballast (x TEXT)")
    conn.executemany("INSERT INTO ballast VALUES (?)", [("b" * 1000,) for _ in range(100)])
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    project.write_items(["Write a line about bad sectors"])
    return project


@pytest.mark.parametrize("name", ["ledger.db", "state.db"])
def test_random_bytes_in_the_middle_stop_the_run_before_any_call(
    tmp_path: Path, server: ChaosServer, forks: ForkServer, name: str
) -> None:
    project = _prepared(tmp_path, server, forks)
    path = project.data_dir / name
    _random_bytes_in_the_middle(path)
    files = [project.ledger_path, project.state_path, project.todo]
    before = {p: _digest(p) for p in files}
    requests = server.chat_requests
    code, out, err = project.run(forks)
    assert code == 1, out + err
    assert "Traceback" not in err, err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, err
    assert str(path) in errors[0] and "agentrunner doctor" in errors[0], errors[0]
    assert server.chat_requests == requests, "a call was paid for with a damaged database"
    assert {p: _digest(p) for p in files} == before, "a file was written after the damage was found"


def test_a_ledger_whose_wal_was_deleted_fails_doctor_and_the_run(
    tmp_path: Path, server: ChaosServer, forks: ForkServer
) -> None:
    project = Project(tmp_path / "project", server)
    project.write_items(["Write a line about logs"])
    code, out, err = project.run(forks)
    assert code == 0, out + err
    # A ledger whose tables live only in its WAL: the process dies before a checkpoint (a kill, a
    # crash, a power cut), then the -wal file is deleted (a cleanup script, a careless user).
    project.ledger_path.unlink()
    script = (
        "import os, sys\n"
        "from agentrunner.ledger import Ledger, CallRecord\n"
        "ledger = Ledger(sys.argv[1])\n"
        "ledger.record_call(CallRecord(tier='premium', cost_usd=0.5))\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(project.ledger_path)], check=True, env=os.environ)
    for suffix in ("-wal", "-shm"):
        project.ledger_path.with_name(project.ledger_path.name + suffix).unlink()
    checks = check_ledger(project.ledger_path)
    assert checks[0].status == "FAIL", checks
    detail = checks[0].detail
    assert "no tables" in detail and "-wal" in detail and "1 item" in detail, detail
    project.write_items(["Write a line about lost rows"])
    requests = server.chat_requests
    code, out, err = project.run(forks)
    assert code == 1 and "Traceback" not in err, out + err
    assert "agentrunner doctor" in err and str(project.ledger_path) in err, err
    assert server.chat_requests == requests


def test_a_wal_deleted_mid_run_is_noticed_at_the_next_write_and_its_rows_saved(tmp_path: Path) -> None:
    """The process dies right after (no clean close, no checkpoint of its own): the rows survive."""
    path = tmp_path / "ledger.db"
    script = (
        "import os, sys\n"
        "from agentrunner.errors import LedgerError\n"
        "from agentrunner.ledger import Ledger, CallRecord\n"
        "ledger = Ledger(sys.argv[1])\n"
        "ledger.record_call(CallRecord(tier='premium', cost_usd=0.5))\n"
        "os.unlink(sys.argv[1] + '-wal')\n"
        "try:\n"
        "    ledger.record_call(CallRecord(tier='premium', cost_usd=0.25))\n"
        "    print('no error')\n"
        "except LedgerError as exc:\n"
        "    print(exc)\n"
        "sys.stdout.flush()\n"
        "os._exit(0)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True)
    assert "-wal: deleted while this process had the ledger open" in done.stdout, done.stdout + done.stderr
    assert "copied into the ledger" in done.stdout and "agentrunner doctor" in done.stdout
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*), sum(cost_usd) FROM calls").fetchone() == (2, 0.75)
    conn.close()


def test_a_ledger_killed_before_its_tables_were_committed_is_a_new_one(tmp_path: Path) -> None:
    """CI, session 15 (test_sigkill_at_random_points): a run killed after the new ledger was put in
    WAL mode and before its tables were committed left a header-only file; the next run refused it
    as "the ledger has no tables — its rows were lost". Nothing was recorded (state.db has no
    work): it is a new ledger, and opening it creates the tables."""
    from agentrunner.dbcheck import check_before_run, lost_rows

    ledger_path, state_path = tmp_path / "ledger.db", tmp_path / "state.db"
    conn = sqlite3.connect(ledger_path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    assert ledger_path.stat().st_size > 0
    assert lost_rows(ledger_path, state_path) is None
    check_before_run(ledger_path, state_path)
    Ledger(ledger_path).record_call(CallRecord(tier="local", cost_usd=0.0))
    assert sqlite3.connect(ledger_path).execute("SELECT count(*) FROM calls").fetchone() == (1,)
