"""Resumable, bounded replays: a real ``agentrunner compare`` process killed with SIGKILL mid-replay,
then the same command again — nothing paid twice, nothing missing; ``--resume RUN``; ``--max-cost``."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from agentrunner.config import load_config
from agentrunner.ledger import Ledger
from tests.support.slot_server import SlotServer, history_rows

ROWS = 300


def tier(name: str, model: str, base_url: str, extra: str = "") -> str:
    return f"""
[tiers.{name}]
provider = "openai"
model = "{model}"
base_url = "{base_url}"
max_tokens = 64
max_retries = 0
price = {{ input_per_mtok = 1.0, output_per_mtok = 2.0 }}
{extra}
"""


def project(home: Path, write_config: Callable[[str], Path], server: SlotServer, rows: int = ROWS) -> Path:
    write_config(tier("big", "big", server.base_url))
    candidate = home / "small.toml"
    candidate.write_text(tier("small", "slot-small", server.base_url))
    ledger = Ledger.for_config(load_config(home / "routes.toml"))
    ledger.insert_calls(history_rows(rows, duplicates_every=0))  # all distinct
    ledger.close()
    return candidate


def ledger_rows(home: Path, sql: str) -> list[tuple[Any, ...]]:
    """A query on the test's ledger: ``$AGENTRUNNER_LEDGER_URL`` (PostgreSQL) when set, else ledger.db."""
    url = os.environ.get("AGENTRUNNER_LEDGER_URL")
    if url:
        import psycopg

        with psycopg.connect(url) as conn:
            return [tuple(row) for row in conn.execute(sql).fetchall()]  # type: ignore[arg-type]
    conn = sqlite3.connect(home / ".agentrunner" / "ledger.db")
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def replays(home: Path) -> tuple[dict[str, int], int]:
    """ok replay rows per original, and every replay row (ok or not)."""
    per = dict(ledger_rows(home, "SELECT replay_of, count(*) FROM calls WHERE replay_of IS NOT NULL "
                                 "AND status = 'ok' GROUP BY replay_of"))
    (total,), = ledger_rows(home, "SELECT count(*) FROM calls WHERE replay_of IS NOT NULL")
    return per, int(total)


def spawn(home: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "agentrunner", "compare", *args], cwd=home, env=dict(os.environ),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def lost_rows(home: Path) -> dict[str, float | None]:
    """Replay rows recorded as lost (in flight at a kill): original → worst-case cost."""
    return {original: None if cost is None else float(cost) for original, cost in
            ledger_rows(home, "SELECT replay_of, cost_usd FROM calls WHERE status = 'lost'")}


@pytest.mark.parametrize(
    ("no_cache", "backend"),
    [(False, "sqlite"), (True, "sqlite"), pytest.param(False, "postgres", marks=[pytest.mark.postgres])],
    ids=["cache", "no-cache", "postgres"],
)
def test_kill_9_then_the_same_command_pays_nothing_twice(
    isolated_home: Path, write_config: Callable[[str], Path], no_cache: bool, backend: str,
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On ledger.db, and on a throwaway PostgreSQL ledger: a real ``compare`` process killed
    mid-replay, then the same command (on PostgreSQL the killed process's in-flight records are
    found by host and pid in ``replay_inflight``)."""
    if backend == "postgres":
        monkeypatch.setenv("AGENTRUNNER_LEDGER_URL", str(request.getfixturevalue("pg_url")))
    answered = int(ROWS * 0.6)
    with SlotServer(latency=0.05, slots=8, hold_after=answered) as server:
        candidate = project(isolated_home, write_config, server)
        args = [str(candidate), "--concurrency", "4", "--json", *(["--no-cache"] if no_cache else [])]
        first = spawn(isolated_home, *args)
        # The server answers 60% of the calls, then holds every later request: the replay stops with
        # its 4 slots in flight. Killed once those 4 are held and every answered call has its row, it
        # is in a known state whatever the machine's speed (waiting for it, not timing it).
        deadline = time.monotonic() + 300  # only turns a hang into a failure (at load 10 the CLI took 9 s to start)
        while time.monotonic() < deadline and first.poll() is None:
            if server.held >= 4 and replays(isolated_home)[1] >= answered:
                break
            time.sleep(0.05)
        assert first.poll() is None, f"the replay ended before it could be killed: {first.communicate()[1]}"
        os.kill(first.pid, signal.SIGKILL)
        first.communicate()
        killed_at = replays(isolated_home)[1]
        assert killed_at == answered
        requests_before = server.requests
        # Reached the server, no row: the provider bills them — the 4 held, one per slot.
        in_flight = requests_before - killed_at
        assert in_flight == server.held == 4
        server.release()

        second = spawn(isolated_home, *args)
        out, err = second.communicate(timeout=300)
        assert second.returncode == 0, err
        assert "resuming replay run" in err
        per, total = replays(isolated_home)
        lost = lost_rows(isolated_home)
    assert len(per) == ROWS  # 0 missing
    assert max(per.values()) == 1  # no answered call sent again
    # Every request the server saw is a ledger row: the calls in flight at the kill became `lost`
    # rows (their worst-case cost) — each recorded once its slot was taken, before it was sent.
    assert len(lost) == in_flight
    assert f"{len(lost)} call(s) in flight when replay run" in err and "recorded as lost" in err
    # worst case: the prompt's ~5 tokens at $1/Mtok + its max_tokens (32) at $2/Mtok
    assert all(cost is not None and 0.000064 < cost < 0.00008 for cost in lost.values())
    assert total == ROWS + len(lost)
    assert server.requests <= total
    # The resumed run called the rest and re-sent the lost ones (paid twice: in flight at the kill).
    assert server.requests - requests_before == ROWS - killed_at
    assert set(lost) <= set(per)
    rows = json.loads(out)["rows"]
    assert rows[1]["calls"] == ROWS


def test_a_finished_replay_is_not_resumed_and_resume_names_a_run(
    isolated_home: Path, write_config: Callable[[str], Path], cli: Callable[..., Result]
) -> None:
    with SlotServer(latency=0.0, slots=4) as server:
        candidate = project(isolated_home, write_config, server, rows=5)
        first = cli("compare", str(candidate), "--json")
        assert first.exit_code == 0, first.output
        ledger = sqlite3.connect(isolated_home / ".agentrunner" / "ledger.db")
        (run_id, args, finished), = ledger.execute("SELECT id, args, finished FROM runs").fetchall()
        assert finished is not None and json.loads(args)["command"] == "compare"
        again = cli("compare", str(candidate), "--no-cache", "--json")  # another command: a new run
        assert again.exit_code == 0
        assert ledger.execute("SELECT count(*) FROM runs").fetchone()[0] == 2
        wrong = cli("compare", str(candidate), "--resume", run_id, "--no-cache")
        assert wrong.exit_code == 2
        assert "that run was a `compare` replay of other calls or configurations" in wrong.output
        missing = cli("compare", str(candidate), "--resume", "nope")
        assert "--resume nope: no such run in the ledger" in missing.output
        empty = cli("compare", str(candidate), "--run", "no-such-run")  # nothing selected: a finished run
        assert empty.exit_code == 2 and "no replayable calls match" in empty.output
        assert ledger.execute("SELECT count(*) FROM runs WHERE finished IS NULL").fetchone()[0] == 0
        assert server.requests == 10


def test_max_cost_stops_the_replay_and_a_larger_one_continues_it(
    isolated_home: Path, write_config: Callable[[str], Path], cli: Callable[..., Result]
) -> None:
    with SlotServer(latency=0.0, slots=4) as server:
        candidate = project(isolated_home, write_config, server, rows=20)
        # Each call costs (60 × 1 + 12 × 2) / 1e6 = $0.000084; the worst case reserved is
        # (prompt estimate + 64 tokens × $2/Mtok): about five calls fit in $0.0005.
        stopped = cli("compare", str(candidate), "--max-cost", "0.0005")
        assert stopped.exit_code == 3
        assert "stopped after" in stopped.output and "a larger --max-cost continues it" in stopped.output
        paid_first = server.requests
        assert 1 <= paid_first < 20
        done = cli("compare", str(candidate), "--max-cost", "1", "--json")
        assert done.exit_code == 0, done.output
        assert server.requests == 20  # the first five were not called again
        per, _ = replays(isolated_home)
        assert len(per) == 20 and max(per.values()) == 1


def test_tune_estimate_calls_nothing_and_a_killed_tune_continues_its_run(
    isolated_home: Path, write_config: Callable[[str], Path], cli: Callable[..., Result]
) -> None:
    with SlotServer(latency=0.0, slots=4) as server:
        project(isolated_home, write_config, server, rows=12)
        write_config(tier("big", "big-now", server.base_url) + tier("small", "slot-small", server.base_url).replace(
            "input_per_mtok = 1.0, output_per_mtok = 2.0", "input_per_mtok = 0.1, output_per_mtok = 0.2"))
        estimated = cli("tune", "--estimate", "--max-evals", "3")
        assert estimated.exit_code == 0, estimated.output
        assert "nothing called" in estimated.output and "at most 3" in estimated.output
        assert server.requests == 0
        first = cli("tune", "--max-evals", "3", "--json")
        assert first.exit_code in (0, 1), first.output
        paid = server.requests
        assert paid >= 1, first.output
        ledger = sqlite3.connect(isolated_home / ".agentrunner" / "ledger.db")
        (run_id, args, finished), = ledger.execute("SELECT id, args, finished FROM runs").fetchall()
        assert json.loads(args)["command"] == "tune" and finished is not None
        # As if killed: still open, its process gone. The same command continues the same run.
        gone = subprocess.Popen([sys.executable, "-c", "pass"])
        gone.wait()
        ledger.execute("UPDATE runs SET finished = NULL, args = ?", [json.dumps({**json.loads(args), "pid": gone.pid})])
        ledger.commit()
        again = cli("tune", "--max-evals", "3", "--json")
        assert again.exit_code == first.exit_code, again.output
        assert server.requests == paid  # nothing paid twice
        assert ledger.execute("SELECT count(*) FROM runs").fetchone()[0] == 1
        assert ledger.execute("SELECT finished FROM runs").fetchone()[0] is not None
        wrong = cli("tune", "--max-evals", "4", "--resume", run_id)  # another search: not this run
        assert wrong.exit_code == 2 and "repeat its command to continue it" in wrong.output
