"""Item identity: lines that differ only in case, tags or hints are separate items, each worked and
paid once; no item ever gets more than ``agent.max_attempts`` attempts."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from agentrunner.todo import item_identity, mark_done, parse_file, parse_text, update_item
from tests.support.chaos_server import ChaosServer
from tests.support.forkserver import ForkServer
from tests.support.project import Project

DUPLICATES = [
    "Write a haiku about rain",
    "write a haiku about RAIN #premium",
    "Write a  haiku about rain ~$90",
]


@pytest.fixture(scope="module")
def forks() -> Iterator[ForkServer]:
    with ForkServer() as server:
        yield server


def test_equal_normalised_texts_are_separate_items_stable_under_ticking(tmp_path: Path) -> None:
    path = tmp_path / "d.md"
    path.write_text("# D\n" + "".join(f"- [ ] {text}\n" for text in DUPLICATES) + "- [ ] other\n", "utf-8")
    items = parse_file(path).items
    ids = [item.id for item in items]
    assert len(set(ids)) == 4
    # the first keeps the identity it always had (queues written by older versions still match)
    assert ids[0] == item_identity(items[0].file_key, DUPLICATES[0])
    # ticking the middle one changes no identity, and the tick lands on that very line
    assert update_item(path, ids[1], lambda f, i: mark_done(f, i, summary="ok", day=date(2026, 11, 30)))
    after = parse_file(path).items
    assert [item.id for item in after] == ids
    assert [item.checked for item in after] == [False, True, False, False]


def test_occurrence_counts_only_equal_texts() -> None:
    todo = parse_text("- [ ] a\n- [ ] b\n- [ ] A #x\n- [ ] b\n", path=Path("t.md"))
    assert [item.occurrence for item in todo.items] == [0, 0, 1, 1]


def _attempts(project: Project) -> dict[str, int]:
    conn = sqlite3.connect(project.state_path)
    try:
        return {row[0]: row[1] for row in conn.execute("SELECT id, attempts FROM items")}
    finally:
        conn.close()


def test_duplicates_are_each_worked_and_paid_once(tmp_path: Path, forks: ForkServer) -> None:
    with ChaosServer(seed=1, mix={"ok": 1}) as server:
        project = Project(tmp_path / "p", server)
        project.write_items(DUPLICATES)
        code, out, err = project.run(forks)
        assert code == 0, out + err
        assert all(item.checked for item in parse_file(project.todo).items), project.todo.read_text("utf-8")
        assert server.chat_requests == 3
        assert sorted(_attempts(project).values()) == [1, 1, 1]
        code, out, err = project.run(forks)
        assert code == 0, out + err
        assert "nothing to do" in out, out
        assert server.chat_requests == 3, "a finished duplicate was paid again"
        attempts = _attempts(project)
        assert len(attempts) == 3 and max(attempts.values()) == 1


def test_no_attempt_beyond_max_attempts(tmp_path: Path, forks: ForkServer) -> None:
    """An item whose last allowed attempt was put back to pending without a checkpoint (a budget
    stop before its first call) is not started a fourth time."""
    with ChaosServer(seed=2, mix={"ok": 1}) as server:
        project = Project(tmp_path / "p", server)
        project.write_items(["Write a haiku about snow"])
        code, out, err = project.run(forks, "--dry-run")  # creates the queue row, calls nothing
        assert code == 0, out + err
        conn = sqlite3.connect(project.state_path)
        conn.execute("UPDATE items SET status = 'pending', attempts = 3")
        conn.commit()
        conn.close()
        code, out, err = project.run(forks)
        assert code == 0, out + err
        assert server.chat_requests == 0
        assert max(_attempts(project).values()) == 3
