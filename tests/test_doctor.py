"""``agentrunner doctor``: real config files, real SQLite databases, real lock-holding processes."""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import Result

from agentrunner.config import load_config
from agentrunner.doctor import check_disk, check_lock, lock_holders, run_doctor
from agentrunner.ledger import CallRecord, Ledger
from agentrunner.migrations import migrate, schema_version

LOCAL_ONLY = """
[tiers.local]
provider = "llama-cpp"
model = "gemma3-270m"
n_ctx = 2048
max_tokens = 64
cost_per_hour = 0.05
"""


def _statuses(result: Result) -> dict[str, str]:
    data = json.loads(result.stdout)
    return {check["name"]: check["status"] for check in data["checks"]}


def _details(result: Result) -> dict[str, str]:
    data = json.loads(result.stdout)
    return {check["name"]: check["detail"] for check in data["checks"]}


def test_healthy_install_exits_zero_one_line_per_check(cli: Callable[..., Result], write_config: Callable) -> None:
    write_config(LOCAL_ONLY)
    Ledger.for_config(load_config()).record_call(CallRecord(tier="local", response_text="hi"))
    result = cli("doctor")
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    names = [line.split()[1] for line in lines]
    assert names[:2] == ["config", "redaction"]
    assert {"ledger", "state", "disk", "run"} <= set(names)
    assert all(line.split()[0] in {"ok", "warn", "FAIL"} for line in lines)
    assert "integrity ok, 1 call(s)" in result.stdout


def test_doctor_creates_nothing(cli: Callable[..., Result], isolated_home: Path) -> None:
    result = cli("doctor", "--no-tiers")
    assert result.exit_code == 0, result.output
    assert not (isolated_home / ".agentrunner").exists()


def test_bad_config_fails_with_file_and_line_and_still_checks_the_rest(
    cli: Callable[..., Result], write_config: Callable
) -> None:
    write_config(LOCAL_ONLY + "\n[budgets]\nper_run_usd = -1\n")
    result = cli("doctor", "--json")
    assert result.exit_code == 1
    statuses, details = _statuses(result), _details(result)
    assert statuses["config"] == "FAIL"
    assert "routes.toml:10: budgets.per_run_usd:" in details["config"]
    assert statuses["disk"] == "ok" and "ledger" in statuses


def test_missing_tier_is_warn_but_no_available_tier_is_fail(cli: Callable[..., Result], write_config: Callable) -> None:
    write_config(
        LOCAL_ONLY
        + '\n[tiers.premium]\nprovider = "anthropic"\nmodel = "claude-sonnet-4-5"\napi_key_env = "NO_SUCH_KEY_X"\n'
    )
    result = cli("doctor", "--json")
    assert result.exit_code == 0
    assert _statuses(result)["tier premium"] == "warn"
    assert "NO_SUCH_KEY_X is not set" in _details(result)["tier premium"]

    write_config('[tiers.local]\nprovider = "llama-cpp"\nmodel = "x"\nmodel_path = "/nonexistent/model.gguf"\n')
    result = cli("doctor", "--json")
    assert result.exit_code == 1
    assert _statuses(result)["tiers"] == "FAIL"


def _ledger_with_calls(path: Path, count: int = 200) -> None:
    ledger = Ledger(path)
    ledger.insert_calls(CallRecord(tier="local", response_text="x" * 500, request_json="y" * 500) for _ in range(count))
    ledger.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    ledger.close()


def test_garbage_ledger_file_names_file_and_recovery(cli: Callable[..., Result], isolated_home: Path) -> None:
    path = isolated_home / ".agentrunner" / "ledger.db"
    path.parent.mkdir()
    path.write_bytes(b"this is not sqlite at all" * 100)
    result = cli("doctor", "--json", "--no-tiers")
    assert result.exit_code == 1
    detail = _details(result)["ledger"]
    assert str(path) in detail and "corrupt" in detail and f"mv {path} {path}.broken" in detail


def test_damaged_page_found_by_integrity_check(cli: Callable[..., Result], isolated_home: Path) -> None:
    path = isolated_home / ".agentrunner" / "ledger.db"
    _ledger_with_calls(path)
    page_size = sqlite3.connect(path).execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(path.read_bytes())
    # Scribble over the middle of the file (b-tree pages of `calls`), keep the header intact.
    start = page_size * 3
    data[start : start + page_size * 2] = random.Random(9).randbytes(page_size * 2)
    path.write_bytes(bytes(data))
    for quick in ([], ["--quick"]):  # PRAGMA integrity_check, then quick_check
        result = cli("doctor", "--json", "--no-tiers", *quick)
        assert result.exit_code == 1
        assert _statuses(result)["ledger"] == "FAIL"
        assert "corrupt" in _details(result)["ledger"]


def test_newer_schema_fails_older_schema_warns(cli: Callable[..., Result], isolated_home: Path) -> None:
    path = isolated_home / ".agentrunner" / "ledger.db"
    Ledger(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO migrations (id, name, applied_at) VALUES (999, 'm999_from_the_future', '')")
    conn.commit()
    conn.close()
    result = cli("doctor", "--json", "--no-tiers")
    assert result.exit_code == 1
    assert _statuses(result)["ledger schema"] == "FAIL"
    assert "upgrade agentrunner" in _details(result)["ledger schema"]

    path.unlink()
    import sqlite_utils

    migrate(sqlite_utils.Database(path), upto=1)
    result = cli("doctor", "--json", "--no-tiers")
    assert result.exit_code == 0
    assert _statuses(result)["ledger schema"] == "warn"
    assert f"version 1 of {schema_version()}" in _details(result)["ledger schema"]


@pytest.fixture
def lock_holder(isolated_home: Path) -> Iterator[Callable[[str], subprocess.Popen[str]]]:
    """Start a real process that takes the run lock (flock or fcntl) and holds it until killed."""
    started: list[subprocess.Popen[str]] = []

    def start(kind: str) -> subprocess.Popen[str]:
        path = isolated_home / ".agentrunner" / "run.lock"
        path.parent.mkdir(exist_ok=True)
        code = textwrap.dedent(
            f"""
            import fcntl, os, sys
            handle = open({str(path)!r}, "a+")
            if {kind!r} == "flock":
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            else:
                fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            handle.truncate(0); handle.write(f"pid {{os.getpid()}} agentrunner run"); handle.flush()
            print("locked", flush=True)
            sys.stdin.read()
            """
        )
        process = subprocess.Popen(
            [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert process.stdout is not None and process.stdout.readline().strip() == "locked"
        started.append(process)
        return process

    yield start
    for process in started:
        process.kill()
        process.wait()


@pytest.mark.parametrize("kind", ["flock", "lockf"])
def test_lock_held_by_a_live_process_names_it(
    cli: Callable[..., Result], lock_holder: Callable[[str], subprocess.Popen[str]], kind: str
) -> None:
    process = lock_holder(kind)
    result = cli("doctor", "--json", "--no-tiers")
    assert result.exit_code == 0
    detail = _details(result)["run lock"]
    assert f"held by pid {process.pid}" in detail and "a run is in progress" in detail
    process.kill()
    process.wait()
    result = cli("doctor", "--json", "--no-tiers")
    assert "free" in _details(result)["run lock"]


def test_lock_check_takes_no_lock(isolated_home: Path) -> None:
    """The doctor reads /proc/locks; it must not appear there itself (a starting run would get 75)."""
    path = isolated_home / "run.lock"
    path.write_text("")
    if lock_holders(path) is None:
        pytest.skip("/proc/locks is not available on this system")
    check, held = check_lock(path)
    assert not held and check.status == "ok"
    assert lock_holders(path) == []


def test_interrupted_items_and_stale_reservations_warn(cli: Callable[..., Result], isolated_home: Path) -> None:
    data_dir = isolated_home / ".agentrunner"
    ledger = Ledger(data_dir / "ledger.db")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    ledger.db["reservations"].insert({"id": "r1", "ts": "", "run_id": "x", "tier": "p", "amount_usd": 1.0,
                                      "pid": int(dead.stdout)})
    state = sqlite3.connect(data_dir / "state.db")
    state.execute("CREATE TABLE items (id TEXT PRIMARY KEY, status TEXT)")
    state.executemany("INSERT INTO items VALUES (?, ?)", [("a", "done"), ("b", "running"), ("c", "pending")])
    state.commit()
    state.close()
    result = cli("doctor", "--json", "--no-tiers")
    assert result.exit_code == 0
    statuses, details = _statuses(result), _details(result)
    assert statuses["reservations"] == "warn"
    assert statuses["interrupted"] == "warn" and "1 item(s) were running" in details["interrupted"]
    assert "1 done, 1 pending, 1 running" in details["state"]


def test_corrupt_state_db_names_file(cli: Callable[..., Result], isolated_home: Path) -> None:
    path = isolated_home / ".agentrunner" / "state.db"
    path.parent.mkdir()
    path.write_bytes(b"\x00garbage" * 512)
    result = cli("doctor", "--json", "--no-tiers")
    assert result.exit_code == 1
    assert str(path) in _details(result)["state"] and "mv" in _details(result)["state"]


def test_disk_thresholds(tmp_path: Path) -> None:
    assert check_disk(tmp_path).status == "ok"
    assert check_disk(tmp_path, fail_bytes=1 << 62, warn_bytes=1 << 62).status == "FAIL"
    assert check_disk(tmp_path, fail_bytes=0, warn_bytes=1 << 62).status == "warn"
    # A data dir that does not exist yet is measured at its nearest existing parent.
    assert check_disk(tmp_path / "a" / "b").status == "ok"


def test_read_only_ledger_is_a_fail(isolated_home: Path, write_config: Callable) -> None:
    write_config(LOCAL_ONLY)
    path = isolated_home / ".agentrunner" / "ledger.db"
    Ledger(path).close()
    from tests.support.faults import read_only_mount

    with read_only_mount(isolated_home / ".agentrunner") as mounted:
        if not mounted:
            pytest.skip("cannot mount a read-only filesystem here (needs root)")
        report = run_doctor(tiers=False)
    assert report.exit_code == 1
    failed = {check.name: check.detail for check in report.checks if check.status == "FAIL"}
    assert "ledger write" in failed or "ledger" in failed


def test_doctor_sees_a_real_run_in_progress(tmp_path: Path) -> None:
    """A real ``agentrunner run`` (forked) holds the lock while its call is in flight."""
    from tests.support.chaos_server import ChaosServer
    from tests.support.forkserver import ForkServer, wait_for
    from tests.support.project import Project

    with ChaosServer(seed=1, mix={"ok": 1}) as server, ForkServer() as forks:
        # the call is answered only after doctor has looked (a 3 s delay was shorter than doctor's
        # own start-up on a loaded machine: the run had ended and released the lock)
        looked = server.answer_gate = threading.Event()
        project = Project(tmp_path / "project", server)
        project.write_items(["Write a line about doctors"])
        pid, _, _ = project.spawn(forks)
        try:
            assert wait_for(lambda: server.chat_requests >= 1, timeout=120)
            result = project.command("doctor", "--json", "--no-tiers")
        finally:
            looked.set()
        forks.wait(pid)
    data = json.loads(result.stdout)
    checks = {check["name"]: check for check in data["checks"]}
    assert checks["run lock"]["detail"] == f"held by pid {pid}: a run is in progress", checks["run lock"]
    # The item is 'running' but the lock is held: not reported as interrupted.
    assert "interrupted" not in checks
