"""Broken storage and huge input under real ``agentrunner run`` processes.

- A corrupt ``ledger.db`` or ``state.db`` (garbage, or a damaged page behind a valid header): a
  one-line error naming the file and how to recover (``mv … .broken`` or a backup), exit 1; the
  database is left as it was (never silently replaced) and the to-do file is untouched.
- A read-only data folder (a read-only bind mount: even root cannot write) and a full disk (a
  tiny tmpfs): a one-line error, exit 1, the to-do file untouched. When the disk fills *during* a
  run, the run stops at the first call it cannot record (it does not go on paying for calls that
  cannot be recorded) and the next run, with space again, finishes without paying twice.
- Huge input: a 10 MB to-do file of notes, 10 000 items, a 1 MB single item line, an item whose
  context is larger than every tier's context window: clear outcomes, no traceback.

Mounts need root (or a container that allows mount); without it those tests skip themselves.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from agentrunner.ledger import CallRecord, Ledger
from tests.support.chaos_server import ChaosServer
from tests.support.faults import fill, read_only_mount, run_with_file_size_limit, tiny_filesystem
from tests.support.forkserver import ForkServer
from tests.support.project import AGENTRUNNER, Project, ledger_invariants, paid_twice, todo_invariants


@pytest.fixture(scope="module")
def forks() -> Iterator[ForkServer]:
    with ForkServer() as server:
        yield server


@pytest.fixture
def server() -> Iterator[ChaosServer]:
    with ChaosServer(seed=1, mix={"ok": 1}) as chaos:
        yield chaos


def _ids(project: Project) -> set[str]:
    from agentrunner.todo import parse_file

    return {item.id for item in parse_file(project.todo, file_key="tasks/todo.md").items}


def _one_line_error(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, err
    assert "Traceback" not in err, err
    return lines[0]


def _damage(path: Path, seed: int = 1) -> None:
    """Overwrite pages in the middle of a SQLite file, keeping its header valid."""
    page = sqlite3.connect(path).execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(path.read_bytes())
    assert len(data) > page * 8
    data[page * 3 : page * 6] = random.Random(seed).randbytes(page * 3)
    path.write_bytes(bytes(data))


def _big_ledger(path: Path) -> None:
    ledger = Ledger(path)
    ledger.insert_calls(CallRecord(tier="premium", response_text="y" * 500) for _ in range(300))
    ledger.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    ledger.close()


# ── corrupt databases ──────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("name", ["ledger.db", "state.db"])
@pytest.mark.parametrize("damage", ["garbage", "damaged page"])
def test_corrupt_database_names_the_file_and_the_way_out(
    tmp_path: Path, forks: ForkServer, server: ChaosServer, name: str, damage: str
) -> None:
    project = Project(tmp_path / "project", server)
    project.write_items(["Write a line about corruption", "Write a line about recovery"])
    path = project.data_dir / name
    if damage == "garbage":
        project.data_dir.mkdir()
        path.write_bytes(b"definitely not sqlite " * 500)
    else:
        if name == "ledger.db":
            _big_ledger(path)
        else:
            code, out, err = project.run(forks)  # a real state.db with queue rows and checkpoints
            assert code == 0, out + err
            project.todo.unlink()
            project.write_items(["Write a line about corruption again"])
            conn = sqlite3.connect(path)
            conn.execute("CREATE TABLE padding (x TEXT)")
            conn.executemany("INSERT INTO padding VALUES (?)", [("p" * 1000,) for _ in range(100)])
            conn.commit()
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.close()
        _damage(path)
    todo_before, db_before = project.todo.read_bytes(), path.read_bytes()
    requests_before = server.chat_requests
    code, out, err = project.run(forks)
    assert code == 1, out + err
    message = _one_line_error(err)
    assert str(path) in message and "corrupt" in message
    assert f"mv {path} {path}.broken" in message and "backup" in message
    assert project.todo.read_bytes() == todo_before, "the to-do file was touched"
    assert path.read_bytes() == db_before, "the broken database was modified or replaced"
    assert server.chat_requests == requests_before, "a call was paid for with a broken database"


def test_moving_the_broken_ledger_aside_recovers(tmp_path: Path, forks: ForkServer, server: ChaosServer) -> None:
    project = Project(tmp_path / "project", server)
    project.write_items(["Write a line about a fresh start"])
    project.data_dir.mkdir()
    project.ledger_path.write_bytes(b"garbage" * 1000)
    code, _, err = project.run(forks)
    assert code == 1
    project.ledger_path.rename(project.ledger_path.with_name("ledger.db.broken"))  # what the message says
    code, out, err = project.run(forks)
    assert code == 0, out + err
    assert all(todo_invariants(project, _ids(project)).values())


# ── read-only and full disks ───────────────────────────────────────────────────────────────────


def test_read_only_data_dir_is_a_clear_error_and_todo_untouched(
    tmp_path: Path, forks: ForkServer, server: ChaosServer
) -> None:
    project = Project(tmp_path / "project", server)
    project.write_items(["Write a line about the first run"])
    code, out, err = project.run(forks)
    assert code == 0, out + err
    project.write_items(["Write a line about read-only disks"])
    todo_before, requests_before = project.todo.read_bytes(), server.chat_requests
    with read_only_mount(project.data_dir) as mounted:
        if not mounted:
            pytest.skip("cannot mount a read-only filesystem here (needs root)")
        code, out, err = project.run(forks)
    assert code == 1, out + err
    message = _one_line_error(err)
    assert str(project.data_dir) in message and "Read-only" in message
    assert project.todo.read_bytes() == todo_before
    assert server.chat_requests == requests_before


def test_full_disk_before_the_run_is_a_clear_error(tmp_path: Path, forks: ForkServer, server: ChaosServer) -> None:
    project = Project(tmp_path / "project", server)
    project.write_items(["Write a line about full disks"])
    todo_before = project.todo.read_bytes()
    with tiny_filesystem(project.data_dir, "256k") as mounted:
        if not mounted:
            pytest.skip("cannot mount a tmpfs here (needs root)")
        fill(project.data_dir, leave_bytes=0)
        code, out, err = project.run(forks)
    assert code == 1, out + err
    message = _one_line_error(err)
    assert "disk full" in message or "No space left" in message, message
    assert project.todo.read_bytes() == todo_before
    assert server.chat_requests == 0


def test_disk_filling_up_mid_run_stops_the_run_and_the_next_run_pays_nothing_twice(
    tmp_path: Path, forks: ForkServer, server: ChaosServer
) -> None:
    project = Project(tmp_path / "project", server)
    project.write_items([f"Write a line about space number {n}" for n in range(30)])
    expected = _ids(project)
    with tiny_filesystem(project.data_dir, "8m") as mounted:
        if not mounted:
            pytest.skip("cannot mount a tmpfs here (needs root)")
        # Room for the databases to be created and a few items worked (state.db's WAL takes most), then
        # no more.
        fill(project.data_dir, leave_bytes=1_400_000)
        code, out, err = project.run(forks)
        assert code == 1, out + err
        message = _one_line_error(err)
        assert "disk full" in message, message
        checked = todo_invariants(project, expected)
        done_before = sum(checked.values())
        assert done_before < len(expected), "the disk never filled up: leave less room"
        # Every item ticked done has its calls in the ledger, and no call was made after the first
        # one that could not be recorded (the run stopped there).
        recorded = project.ledger_rows("status = 'ok'")
        assert server.chat_requests - len(recorded) <= 1, (server.chat_requests, len(recorded))
        (project.data_dir / "filler.bin").unlink()  # space again
        code, out, err = project.run(forks)
        assert code == 0, out + err
        assert all(todo_invariants(project, expected).values())
        ledger_invariants(project, {row["id"] for row in recorded})
        assert not paid_twice(project.ledger_rows())
        assert server.chat_requests - len(project.ledger_rows("status = 'ok'")) <= 1


def test_file_size_limit_without_root(tmp_path: Path, server: ChaosServer) -> None:
    """Where mounting is impossible: RLIMIT_FSIZE makes every write past 64 KB fail (EFBIG), the
    same path through SQLite as a full disk."""
    project = Project(tmp_path / "project", server)
    project.write_items([f"Write a line about limits number {n}" for n in range(3)])
    todo_before = project.todo.read_bytes()
    env_args = [f"--config={project.root / 'routes.toml'}", "run"]
    import os

    env = {**os.environ, "AGENTRUNNER_DIR": str(project.data_dir), "COLUMNS": "120", "NO_COLOR": "1"}
    result = run_with_file_size_limit([AGENTRUNNER, *env_args], 64 * 1024, cwd=project.root, env=env, timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    message = _one_line_error(result.stderr)
    assert "ledger.db" in message or "state.db" in message, message
    assert project.todo.read_bytes() == todo_before


# ── huge input ─────────────────────────────────────────────────────────────────────────────────


def test_ten_megabyte_todo_file_of_notes(tmp_path: Path, forks: ForkServer, server: ChaosServer) -> None:
    project = Project(tmp_path / "project", server)
    notes = ("Meeting notes that go on and on, with `code`, [links](x.md) and #hashtags. " * 14 + "\n") * 10_000
    project.todo.write_text(f"# Notes\n\n{notes}- [ ] Write a line about big files\n{notes}", "utf-8")
    assert project.todo.stat().st_size > 10_000_000
    before = project.todo.read_text("utf-8")
    code, out, err = project.run(forks)
    assert code == 0, out + err
    after = project.todo.read_text("utf-8")
    assert after.startswith(before.split("- [ ]")[0]) and after.endswith(notes)
    assert len(after) - len(before) < 300  # only the tick, the date and the result line were added


def test_ten_thousand_items(tmp_path: Path, forks: ForkServer, server: ChaosServer) -> None:
    project = Project(tmp_path / "project", server)
    project.write_items([f"Write a line about item number {n} of many" for n in range(10_000)])
    code, out, err = project.run(forks, "--max-items", "2")
    assert code == 0, out + err
    assert sum(todo_invariants(project, _ids(project)).values()) == 2


def test_one_megabyte_item_line_fails_cleanly(tmp_path: Path, forks: ForkServer, server: ChaosServer) -> None:
    project = Project(tmp_path / "project", server)
    project.todo.write_text("# Huge\n\n- [ ] Summarise " + "word " * 200_000 + "\n- [ ] Write a line about sanity\n")
    code, out, err = project.run(forks)
    assert code == 1, out + err
    assert "Traceback" not in err
    text = project.todo.read_text("utf-8")
    assert "⚠ failed (attempt 1/3): no tier can take this step" in text and "context too small" in text
    assert "- [x] Write a line about sanity" in text  # the other item was still done


def test_prompt_larger_than_every_tiers_context(tmp_path: Path, forks: ForkServer, server: ChaosServer) -> None:
    project = Project(tmp_path / "project", server)
    context = "".join(f"  line {n} of pasted log output " + "x" * 60 + "\n" for n in range(12_000))
    project.todo.write_text(f"# Big context\n\n- [ ] Summarise the log below\n{context}")
    code, out, err = project.run(forks)
    assert code == 1, out + err
    assert "Traceback" not in err
    text = project.todo.read_text("utf-8")
    assert "context too small" in text and "> n_ctx 8192" in text
    assert text.endswith(context), "the item's context lines were changed"
    # No call carried the oversized prompt (the router refused before paying).
    assert all(len(row["request_json"] or "") < 100_000 for row in project.ledger_rows())
