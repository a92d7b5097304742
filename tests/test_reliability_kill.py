"""SIGKILL and SIGTERM of real ``agentrunner run`` processes: nothing lost, nothing paid twice.

The tier is an OpenAI-compatible chaos server on loopback (every answer slightly delayed, so kills
land mid-call as well as between calls, in start-up, while writing the to-do file…). A seeded loop
starts a run, kills it at a random moment, checks the invariants, and goes again; the user appends
items now and then, as one would. A final run must then finish everything.

Invariants after every kill:
- the to-do file parses and holds exactly the items written to it;
- the ledger passes ``PRAGMA integrity_check`` and still has every successful call it had;
- no (request_hash, step_id, model) has two successful calls (nothing paid twice);
- no item was paid for in two attempts (a kill is not a failure: the next run resumes it);
- calls the server answered but the ledger lacks ≤ kills × jobs (only the calls in flight).
"""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.chaos_server import ChaosServer
from tests.support.forkserver import ForkServer, wait_for
from tests.support.project import Project, ledger_invariants, paid_twice, todo_invariants

SOAK_ITERATIONS = int(os.environ.get("AGENTRUNNER_SOAK_ITERATIONS", "200"))


@pytest.fixture(scope="module")
def forks() -> Iterator[ForkServer]:
    with ForkServer() as server:
        yield server


def _item_texts(start: int, count: int) -> list[str]:
    return [f"Write a two-line poem about reliability number {n}" for n in range(start, start + count)]


def _expected_ids(project: Project) -> set[str]:
    from agentrunner.todo import parse_file

    return {item.id for item in parse_file(project.todo, file_key="tasks/todo.md").items}


def paid_in_two_attempts(project: Project) -> dict[str, set[str]]:
    """Items whose successful calls belong to more than one attempt. Nothing fails in these
    loops, so a second paid attempt can only mean a kill made the next run start the item over."""
    attempts: dict[str, set[str]] = {}
    for row in project.ledger_rows("status = 'ok'"):
        attempt = (row["step_id"] or "").split(":")[1]
        attempts.setdefault(row["task_id"], set()).add(attempt)
    return {task: found for task, found in attempts.items() if len(found) > 1}


def sigkill_loop(
    tmp_path: Path, forks: ForkServer, *, seed: int, iterations: int, jobs: int = 1, ok_delay: float = 0.08
) -> dict[str, int]:
    rng = random.Random(seed)
    with ChaosServer(seed=seed, mix={"ok": 1}, ok_delay=ok_delay) as server:
        project = Project(tmp_path / "project", server)
        project.write_items(_item_texts(0, 6))
        expected = _expected_ids(project)
        ok_ids: set[str] = set()
        kills = exits = 0
        next_item = 6
        runs = 0
        # Until `iterations` runs were really killed (a run that finished first does not count).
        while kills < iterations and runs < iterations * 3:
            runs += 1
            pid, _, err = project.spawn(forks, "--jobs", str(jobs))
            # Kill anywhere from start-up (config, migrations) to the middle of the work.
            delay = rng.uniform(0.0, 1.2)
            time.sleep(delay)
            os.kill(pid, signal.SIGKILL)
            code = forks.wait(pid)
            if code == -signal.SIGKILL:
                kills += 1
            else:
                exits += 1  # it finished before the kill
                assert code == 0, err.read_text()
            todo_invariants(project, expected)
            ok_ids = ledger_invariants(project, ok_ids)
            assert not paid_in_two_attempts(project), "an item was worked (and paid) again after a kill"
            answered = server.counts()["ok"]
            # Only calls in flight at a kill can be answered but unrecorded: at most one per job.
            assert answered - len(ok_ids) <= kills * jobs, (answered, len(ok_ids), kills)
            checked = todo_invariants(project, expected)
            if sum(not done for done in checked.values()) < 4:
                project.write_items(_item_texts(next_item, 4))  # the user adds items meanwhile
                next_item += 4
                expected = _expected_ids(project)
        code, out, err = project.run(forks, "--jobs", str(jobs))
        assert code == 0, out + err
        assert "Traceback" not in err
        checked = todo_invariants(project, expected)
        assert all(checked.values()), "the final run left items open"
        ok_ids = ledger_invariants(project, ok_ids)
        # Every done item has its result file, named in the to-do file.
        text = project.todo.read_text("utf-8")
        for link in [part.split(")")[0] for part in text.split("[result](")[1:]]:
            assert (project.todo.parent / link).is_file(), link
        rows = project.ledger_rows("status = 'ok'")
        repaid = server.counts()["ok"] - len(rows)
        assert not paid_twice(rows)
        return {"runs": runs, "kills": kills, "finished_before_kill": exits, "items": len(expected),
                "calls": len(rows), "unrecorded_in_flight": repaid}


def test_sigkill_at_random_points_20_iterations(tmp_path: Path, forks: ForkServer) -> None:
    stats = sigkill_loop(tmp_path, forks, seed=20261126, iterations=20)
    assert stats["kills"] >= 20, stats
    print(stats)


def test_sigkill_with_parallel_jobs(tmp_path: Path, forks: ForkServer) -> None:
    stats = sigkill_loop(tmp_path, forks, seed=7, iterations=8, jobs=3, ok_delay=0.3)
    assert stats["kills"] >= 8, stats


@pytest.mark.slow
def test_sigkill_soak(tmp_path: Path, forks: ForkServer) -> None:
    stats = sigkill_loop(tmp_path, forks, seed=int(os.environ.get("AGENTRUNNER_SOAK_SEED", "1")),
                         iterations=SOAK_ITERATIONS)
    print(f"SOAK sigkill: {stats}")
    assert stats["kills"] >= SOAK_ITERATIONS


def test_sigterm_mid_call_exits_130_and_resumes_without_paying_again(tmp_path: Path) -> None:
    """The real ``agentrunner`` script: SIGTERM while a call is in flight lets the call finish
    (it is recorded), exits 130, and the next run finishes without re-asking the provider."""
    with ChaosServer(seed=3, mix={"ok": 1}) as server:
        # the call in flight is answered once the run has handled the SIGTERM (a 1 s delay made that
        # likely, not certain: a loaded machine may run the handler after the answer came back)
        gate = server.answer_gate = threading.Event()
        project = Project(tmp_path / "project", server, tier_options={"timeout": 180.0})
        project.write_items(_item_texts(0, 3))
        expected = _expected_ids(project)
        import subprocess

        from tests.support.project import AGENTRUNNER

        env = {**os.environ}
        for key, value in project.env().items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        err = tmp_path / "first-run.err"
        with open(err, "w") as err_file:
            process = subprocess.Popen([AGENTRUNNER, "run"], cwd=project.root, env=env, stdout=subprocess.PIPE,
                                       stderr=err_file, text=True)
        assert wait_for(lambda: server.chat_requests >= 1, timeout=120), "the run never called the provider"
        process.send_signal(signal.SIGTERM)
        assert wait_for(lambda: "finishing the current call" in err.read_text("utf-8", "replace"), timeout=120)
        gate.set()
        stdout, _ = process.communicate(timeout=120)
        stderr = err.read_text("utf-8", "replace")
        assert process.returncode == 130, stdout + stderr
        assert "interrupted" in stdout + stderr and "Traceback" not in stderr
        assert server.chat_requests == 1, stdout + stderr
        rows = project.ledger_rows("status = 'ok'")
        assert len(rows) == 1, "the call in flight at SIGTERM was not recorded"
        checked = todo_invariants(project, expected)
        assert sum(checked.values()) <= 1
        server.ok_delay = 0.0
        again = project.command("run")
        assert again.returncode == 0, again.stdout + again.stderr
        assert all(todo_invariants(project, expected).values())
        assert server.chat_requests == 3, "a call finished before SIGTERM was paid again"
        assert not paid_twice(project.ledger_rows())


def test_second_sigterm_abandons_the_call_and_still_exits_130(tmp_path: Path, forks: ForkServer) -> None:
    # The answer takes 60 s (the tier waits 120 s for it): exiting 30 s after the second SIGTERM can
    # only be abandoning the call. (It was 5 s, 10 s and a 4 s bound: too close on a loaded machine.)
    with ChaosServer(seed=4, mix={"ok": 1}, ok_delay=60.0) as server:
        project = Project(tmp_path / "project", server, tier_options={"timeout": 120.0})
        project.write_items(_item_texts(0, 2))
        expected = _expected_ids(project)
        pid, out, err = project.spawn(forks)
        assert wait_for(lambda: server.chat_requests >= 1, timeout=120)
        os.kill(pid, signal.SIGTERM)
        # the second SIGTERM only once the first was handled (a fixed 0.3 s was a guess: two signals
        # pending together are one signal, and the run then waits for the call like after the first)
        assert wait_for(lambda: "finishing the current call" in err.read_text("utf-8", "replace"), timeout=120)
        os.kill(pid, signal.SIGTERM)
        started = time.monotonic()
        code = forks.wait(pid)
        assert code == 130, out.read_text() + err.read_text()
        assert time.monotonic() - started < 30.0, "the second SIGTERM did not abandon the call"
        assert "Traceback" not in err.read_text()
        todo_invariants(project, expected)
        server.ok_delay = 0.0
        code, stdout, stderr = project.run(forks)
        assert code == 0, stdout + stderr
        assert all(todo_invariants(project, expected).values())


def test_kill_after_the_graph_ended_before_the_todo_write_does_not_pay_again(
    tmp_path: Path, forks: ForkServer
) -> None:
    """The narrowest window the loop above can hit, made deterministic: the item's graph finished
    (result file written, final checkpoint saved) but the process died before ticking the to-do
    file, so the queue still says 'running'. The next run must not ask the provider again."""
    import sqlite3

    with ChaosServer(seed=5, mix={"ok": 1}) as server:
        project = Project(tmp_path / "project", server)
        project.write_items(_item_texts(0, 1))
        before = project.todo.read_bytes()
        code, out, err = project.run(forks)
        assert code == 0, out + err
        assert server.chat_requests == 1
        # The state a SIGKILL between summarise and update_item leaves behind:
        project.todo.write_bytes(before)
        state = sqlite3.connect(project.state_path)
        state.execute("UPDATE items SET status = 'running'")
        state.commit()
        state.close()
        code, out, err = project.run(forks)
        assert code == 0, out + err
        assert all(todo_invariants(project, _expected_ids(project)).values())
        assert server.chat_requests == 1, "the finished call was paid again"
        assert not paid_in_two_attempts(project)
