"""``ledger push``: a laptop's SQLite rows into the team's PostgreSQL ledger — idempotent, and a
push killed with kill -9 half way, then repeated, loses and doubles nothing."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from agentrunner.ledger import CallRecord, Ledger, new_id

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[1]


def local_ledger(isolated_home: Path) -> Ledger:
    return Ledger(isolated_home / ".agentrunner" / "ledger.db")


def bulk_rows(ledger: Ledger, n: int) -> None:
    """n calls written straight into the local file (fast; the rows themselves are ordinary)."""
    conn = sqlite3.connect(ledger.path)
    rows = [
        (new_id(), f"2026-11-{1 + i % 28:02d}T10:00:00.000000Z", "local", "m", 0.001 * (i % 7), "ok", "agentrunner",
         "x" * 200)
        for i in range(n)
    ]
    conn.executemany(
        "INSERT INTO calls (id, ts_start, tier, model, cost_usd, status, source, response_text, replayable, attempt) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, 1)",
        rows,
    )
    conn.commit()
    conn.close()


def test_push_copies_rows_once(
    isolated_home: Path, pg_url: str, cli: Callable[..., Result], write_config: Callable[[str], Path]
) -> None:
    from tests.conftest import LOCAL_ONLY

    write_config(LOCAL_ONLY + '\n[ledger]\nuser = "ana"\nteam = "core"\n')
    local = local_ledger(isolated_home)
    mine = local.record_call(CallRecord(tier="local", cost_usd=0.25, ts_start="2026-11-20T10:00:00.000000Z"))
    theirs = local.record_call(CallRecord(tier="local", cost_usd=0.5, user="bo", ts_start="2026-11-29T10:00:00Z"))
    local.insert_calls([CallRecord(source="import:x", source_id="s1", model="m")])
    local.start_run("run1", config_hash="c", args={})
    local.record_tool_call(tool="read_file", arguments={"path": "a"}, ok=True, result="t")
    local.record_scores([{"call_id": mine, "baseline_call_id": theirs, "scorer": "exact", "score": 1.0, "details": ""}])

    first = cli("ledger", "push", "--to", pg_url)
    assert first.exit_code == 0, first.output
    assert first.output.startswith("pushed 3 new call(s), 1 runs, 1 tool calls, 1 scores to postgresql://")
    team = Ledger(pg_url)
    assert team.count_calls() == 3
    assert team.get_call(mine)["user"] == "ana" and team.get_call(mine)["team"] == "core"  # filled: the pusher's
    assert team.get_call(theirs)["user"] == "bo"  # recorded with a user: kept

    again = cli("ledger", "push", "--to", pg_url)
    assert again.exit_code == 0 and again.output.startswith("pushed 0 new call(s) to"), again.output
    os.remove(isolated_home / ".agentrunner" / "push-state.json")  # forget the watermark: the keys skip
    forgot = cli("ledger", "push", "--to", pg_url)
    assert forgot.output.startswith("pushed 0 new call(s) (3 already there) to"), forgot.output
    assert team.count_calls() == 3
    assert team.db.execute("SELECT count(*) FROM scores").fetchone()[0] == 1

    local.finish_run("run1", exit_code=0, totals={"calls": 3})
    local.record_call(CallRecord(tier="local", cost_usd=1.0, ts_start="2026-11-29T11:00:00Z"))
    later = cli("ledger", "push", "--to", pg_url, "--since", "2026-11-29")
    # since the 29th: the new call, and two already there (the 29th's and the import, stamped today)
    assert later.output.startswith("pushed 1 new call(s) (2 already there), 1 runs to"), later.output
    assert team.fetch_one("SELECT exit_code FROM runs WHERE id = 'run1'") == {"exit_code": 0}


def test_push_needs_a_target(cli: Callable[..., Result]) -> None:
    result = cli("ledger", "push")
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1].startswith("error: ledger push: no team ledger")


def test_a_push_killed_half_way_then_repeated_loses_and_doubles_nothing(isolated_home: Path, pg_url: str) -> None:
    local = local_ledger(isolated_home)
    bulk_rows(local, 40_000)
    expected = local.fetch_one("SELECT count(*) AS n, sum(cost_usd) AS cost FROM calls")
    team = Ledger(pg_url)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "agentrunner", "ledger", "push", "--to", pg_url, "--batch", "500"]
    pusher = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 180  # ends at 2,000 rows; a loaded machine starts the CLI slowly
    while team.count_calls() < 2000 and time.monotonic() < deadline and pusher.poll() is None:
        time.sleep(0.02)
    pusher.send_signal(signal.SIGKILL)
    pusher.wait(timeout=10)
    half = team.count_calls()
    assert pusher.returncode == -signal.SIGKILL and 0 < half < 40_000, (pusher.returncode, half)

    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"pushed {40_000 - half} new call(s)"), done.stdout
    got = team.fetch_one("SELECT count(*) AS n, count(DISTINCT id) AS ids, sum(cost_usd) AS cost FROM calls")
    assert got is not None and expected is not None
    assert got["n"] == got["ids"] == expected["n"] == 40_000
    assert got["cost"] == pytest.approx(expected["cost"])
