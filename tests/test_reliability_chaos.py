"""Provider chaos: a loopback OpenAI-compatible server answering seeded mixes of 429, 5xx,
timeouts, truncated bodies, dropped connections and slow streams, under real ``agentrunner run``
processes.

- Where retries allow, runs complete (exit 0, every item ticked).
- Where they cannot (every answer a 500), items fail cleanly: exit 1, a ``⚠ failed`` line under
  each, one-line errors, no traceback.
- Always: ledger rows match provider requests one for one (the server counts what it received;
  every attempt, failed or not, is one ledger row), and the invariants of the kill tests hold.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.chaos_server import ChaosServer
from tests.support.forkserver import ForkServer
from tests.support.project import Project, ledger_invariants, todo_invariants

CHAOS_MIX = {"ok": 6, "slow": 1, "rate_limit": 1, "server": 1, "timeout": 0.5, "truncated": 1, "drop": 1}


@pytest.fixture(scope="module")
def forks() -> Iterator[ForkServer]:
    with ForkServer() as server:
        yield server


def _ids(project: Project) -> set[str]:
    from agentrunner.todo import parse_file

    return {item.id for item in parse_file(project.todo, file_key="tasks/todo.md").items}


def chaos_run(tmp_path: Path, forks: ForkServer, *, seed: int, items: int, jobs: int = 1) -> dict[str, object]:
    with ChaosServer(seed=seed, mix=CHAOS_MIX, timeout_delay=1.5, slow_chunk_delay=0.01) as server:
        # Each attempt fails with p = 4.5/11.5 ≈ 0.39; max_retries = 10 gives eleven attempts, so a
        # call fails for good with p ≈ 3e-5: runs complete (a failed item would fail the test).
        project = Project(tmp_path / f"chaos-{seed}", server, tier_options={"timeout": 0.6, "max_retries": 10})
        project.write_items([f"Write one line about chaos number {n}" for n in range(items)])
        expected = _ids(project)
        code, out, err = project.run(forks, "--jobs", str(jobs))
        assert code == 0, out + err
        assert "Traceback" not in err
        assert all(todo_invariants(project, expected).values())
        ledger_invariants(project, set())
        rows = project.ledger_rows("source = 'agentrunner'")
        assert len(rows) == server.chat_requests, (len(rows), server.counts())
        counts = server.counts()
        ok_rows = [row for row in rows if row["status"] == "ok"]
        # Every successful row is an answer the server gave in full, never a truncated one.
        assert len(ok_rows) <= counts["ok"] + counts["slow"]
        errors = [row["error"] or "" for row in rows if row["status"] == "error"]
        assert all("\n" not in error for error in errors)
        return {"requests": server.chat_requests, "outcomes": dict(counts), "ok_rows": len(ok_rows),
                "error_rows": len(errors)}


def test_runs_complete_through_chaos_and_rows_match_requests(tmp_path: Path, forks: ForkServer) -> None:
    stats = chaos_run(tmp_path, forks, seed=11, items=8)
    outcomes = stats["outcomes"]
    assert isinstance(outcomes, dict)
    # The seeded mix really exercised the faults.
    assert sum(outcomes.get(name, 0) for name in ("rate_limit", "server", "timeout", "truncated", "drop")) >= 3


def test_chaos_with_parallel_jobs(tmp_path: Path, forks: ForkServer) -> None:
    chaos_run(tmp_path, forks, seed=12, items=6, jobs=3)


@pytest.mark.slow
def test_chaos_soak(tmp_path: Path, forks: ForkServer) -> None:
    iterations = max(1, int(os.environ.get("AGENTRUNNER_SOAK_ITERATIONS", "200")) // 10)
    totals: dict[str, int] = {}
    for seed in range(iterations):
        stats = chaos_run(tmp_path, forks, seed=1000 + seed, items=5, jobs=1 + seed % 3)
        for name, count in dict(stats["outcomes"]).items():  # type: ignore[call-overload]
            totals[name] = totals.get(name, 0) + count
    print(f"SOAK chaos: {iterations} runs, provider outcomes {totals}")


def test_hopeless_provider_fails_items_cleanly(tmp_path: Path, forks: ForkServer) -> None:
    with ChaosServer(seed=13, mix={"server": 1}) as server:
        project = Project(tmp_path / "hopeless", server, tier_options={"timeout": 2.0, "max_retries": 2})
        project.write_items(["Write one line about failure", "Write one line about more failure"])
        expected = _ids(project)
        before = project.todo.read_text("utf-8")
        code, out, err = project.run(forks)
        assert code == 1, out + err
        assert "Traceback" not in err
        checked = todo_invariants(project, expected)
        assert not any(checked.values())
        text = project.todo.read_text("utf-8")
        assert text.count("⚠ failed (attempt 1/3)") == 2 and "HTTP 50" in text
        # Apart from the two warning lines, the file is as the user wrote it.
        assert [line for line in text.splitlines() if "⚠" not in line] == before.splitlines()
        rows = project.ledger_rows()
        assert len(rows) == server.chat_requests == 2 * 3  # three attempts per item, each a row
        assert all(row["status"] == "error" for row in rows)


def test_server_down_is_a_clean_failure(tmp_path: Path, forks: ForkServer) -> None:
    with ChaosServer(seed=14) as server:
        project = Project(tmp_path / "down", server)
    # The server is stopped now: nothing listens on its port.
    project.write_items(["Write one line about absence"])
    code, out, err = project.run(forks)
    assert code in (1, 2), out + err
    assert "Traceback" not in err
    print(out, err)
    assert "does not answer" in out + err or "cannot reach" in out + err, out + err
