"""Real ``agentrunner run --jobs 4`` processes while others write the same to-do file.

Each iteration starts a run and, at the same time, a ``bash`` loop appending lines with ``>>``
(no lock) and a series of real ``agentrunner add --file`` processes (they take the folder lock the
run takes); some runs are SIGKILLed at a random moment. After every iteration:

- every line an appender wrote is in the file exactly once (no line lost, none doubled);
- every item the queue has ``done`` is ticked in the file (a lost tick is an item paid again by the
  next run);
- the ledger passes its invariants, nothing paid twice, no item paid in two attempts.

A final run without writers must then finish every item with exactly one paid call each.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.chaos_server import ChaosServer
from tests.support.forkserver import ForkServer
from tests.support.project import Project, ledger_invariants, paid_twice

SOAK_ITERATIONS = int(os.environ.get("AGENTRUNNER_SOAK_ITERATIONS", "200"))


@pytest.fixture(scope="module")
def forks() -> Iterator[ForkServer]:
    with ForkServer() as server:
        yield server


@pytest.fixture(scope="module")
def adders() -> Iterator[ForkServer]:
    """A second fork server: `add` processes are spawned while the first one waits on a run."""
    with ForkServer() as server:
        yield server


def _paid_in_two_attempts(project: Project) -> dict[str, set[str]]:
    attempts: dict[str, set[str]] = {}
    for row in project.ledger_rows("status = 'ok'"):
        attempts.setdefault(row["task_id"], set()).add((row["step_id"] or "").split(":")[1])
    return {task: found for task, found in attempts.items() if len(found) > 1}


def _done_but_not_ticked(project: Project) -> list[str]:
    from agentrunner.todo import parse_file

    if not project.state_path.exists():
        return []
    conn = sqlite3.connect(f"{project.state_path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        done = {row[0] for row in conn.execute("SELECT id FROM items WHERE status = 'done'")}
    except sqlite3.OperationalError:  # killed before the table existed
        done = set()
    finally:
        conn.close()
    items = {item.id: item for item in parse_file(project.todo, file_key="tasks/todo.md").items}
    return sorted(item_id for item_id in done if item_id in items and not items[item_id].checked)


def writers_loop(
    tmp_path: Path, forks: ForkServer, adders: ForkServer, *, seed: int, iterations: int, kill_every: int = 3
) -> dict[str, int]:
    rng = random.Random(seed)
    with ChaosServer(seed=seed, mix={"ok": 1}, ok_delay=0.05) as server:
        project = Project(tmp_path / "project", server)
        project.write_items([f"Write a two-line poem about writers number {n}" for n in range(4)])
        written: list[str] = []  # every line an appender wrote
        stats = {"iterations": 0, "kills": 0, "echoed_lines": 0, "added_lines": 0}
        for iteration in range(iterations):
            stats["iterations"] += 1
            pid, _, err = project.spawn(forks, "--jobs", "4")
            echoed = [f"- [ ] Write a two-line poem about echo {iteration}-{n}" for n in range(rng.randint(6, 16))]
            script = 'for line in "${@:2}"; do echo "$line" >> "$1"; sleep 0.0$((RANDOM % 3)); done'
            echo = subprocess.Popen(["bash", "-c", script, "echo", str(project.todo), *echoed])
            added = [f"Write a two-line poem about add {iteration}-{n}" for n in range(rng.randint(1, 3))]

            def add_all(texts: list[str] = added, number: int = iteration) -> None:
                for n, text in enumerate(texts):
                    logs = project.logs_dir
                    add_pid = adders.spawn(["add", "--file", str(project.todo), text], cwd=project.root,
                                           env=project.env(), stdout=logs / f"add-{number}-{n}.out",
                                           stderr=logs / f"add-{number}-{n}.err")
                    assert adders.wait(add_pid) == 0, (logs / f"add-{number}-{n}.err").read_text()

            adding = threading.Thread(target=add_all)
            adding.start()
            if iteration % kill_every == kill_every - 1:
                time.sleep(rng.uniform(0.1, 1.0))
                os.kill(pid, signal.SIGKILL)
            code = forks.wait(pid)
            if code == -signal.SIGKILL:
                stats["kills"] += 1
            else:
                assert code == 0, err.read_text()
            assert echo.wait(timeout=60) == 0
            adding.join()
            written += echoed + [f"- [ ] {text}" for text in added]
            stats["echoed_lines"] += len(echoed)
            stats["added_lines"] += len(added)

            # ticked or not, every written line is there once
            lines = [line.split(" ✅ ")[0].replace("- [x] ", "- [ ] ", 1)
                     for line in project.todo.read_text("utf-8").splitlines()]
            lost = [line for line in written if lines.count(line) != 1]
            assert not lost, f"iteration {iteration}: lines lost or doubled: {lost[:5]}"
            untucked = _done_but_not_ticked(project)
            assert not untucked, f"iteration {iteration}: done in the queue but not ticked: {untucked}"
            ledger_invariants(project, set())
            assert not _paid_in_two_attempts(project), f"iteration {iteration}: an item was paid in two attempts"
        code, out, err = project.run(forks, "--jobs", "4")
        assert code == 0, out + err
        from agentrunner.todo import parse_file

        items = parse_file(project.todo, file_key="tasks/todo.md").items
        assert all(item.checked for item in items), "the final run left items open"
        rows = project.ledger_rows("status = 'ok'")
        assert not paid_twice(rows)
        per_item: dict[str, int] = {}
        for row in rows:
            per_item[row["task_id"]] = per_item.get(row["task_id"], 0) + 1
        assert set(per_item) == {item.id for item in items}
        assert max(per_item.values()) == 1, {k: v for k, v in per_item.items() if v > 1}
        stats.update(items=len(items), paid_calls=len(rows), items_paid_twice=0, lines_lost=0)
        return stats


def test_add_and_echo_during_run_jobs_4_lose_nothing_and_pay_nothing_twice(
    tmp_path: Path, forks: ForkServer, adders: ForkServer
) -> None:
    stats = writers_loop(tmp_path, forks, adders, seed=11, iterations=8)
    assert stats["kills"] >= 2, stats
    print(stats)


@pytest.mark.slow
def test_concurrent_writers_soak(tmp_path: Path, forks: ForkServer, adders: ForkServer) -> None:
    stats = writers_loop(tmp_path, forks, adders, seed=int(os.environ.get("AGENTRUNNER_SOAK_SEED", "1")),
                         iterations=SOAK_ITERATIONS)
    print(f"SOAK writers: {stats}")
