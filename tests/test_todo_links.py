"""Symlinked to-do files and results folders: written through when the target is in the project,
refused with one line (before any call) when it points outside."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.chaos_server import ChaosServer
from tests.support.forkserver import ForkServer
from tests.support.project import Project


@pytest.fixture(scope="module")
def forks() -> Iterator[ForkServer]:
    with ForkServer() as server:
        yield server


@pytest.fixture()
def project(tmp_path: Path) -> Iterator[tuple[Project, ChaosServer]]:
    with ChaosServer(seed=1, mix={"ok": 1}) as server:
        yield Project(tmp_path / "p", server), server


def test_a_linked_todo_file_inside_the_project_is_ticked_through_the_link(
    project: tuple[Project, ChaosServer], forks: ForkServer
) -> None:
    proj, server = project
    real = proj.root / "notes" / "real.md"
    real.parent.mkdir()
    real.write_text("# Real\n\n- [ ] Write a haiku about links\n", "utf-8")
    proj.todo.symlink_to(Path("..") / "notes" / "real.md")
    code, out, err = proj.run(forks)
    assert code == 0, out + err
    assert proj.todo.is_symlink(), "the link was replaced by a regular file"
    assert real.read_text("utf-8").startswith("# Real\n\n- [x] Write a haiku about links ✅ ")
    added = proj.command("add", "--file", str(proj.todo), "Another one")
    assert added.returncode == 0, added.stdout + added.stderr
    assert proj.todo.is_symlink() and real.read_text("utf-8").endswith("- [ ] Another one\n")
    assert server.chat_requests == 1


def test_a_todo_link_out_of_the_project_is_refused_before_any_call(
    project: tuple[Project, ChaosServer], forks: ForkServer, tmp_path: Path
) -> None:
    proj, server = project
    outside = tmp_path / "outside.md"
    outside.write_text("- [ ] Write a haiku about escaping\n", "utf-8")
    before = outside.read_bytes()
    proj.todo.symlink_to(outside)
    code, out, err = proj.run(forks)
    assert code == 2, out + err
    lines = [line for line in (out + err).splitlines() if line.strip()]
    assert len(lines) == 1 and "symlink" in lines[0] and "outside the workspace" in lines[0], lines
    assert server.chat_requests == 0
    assert outside.read_bytes() == before and proj.todo.is_symlink()
    added = proj.command("add", "--file", str(proj.todo), "sneak in")
    assert added.returncode == 2 and "outside the workspace" in added.stdout + added.stderr
    assert "Traceback" not in added.stderr
    assert outside.read_bytes() == before


def test_a_done_folder_linked_out_of_the_project_receives_nothing(
    project: tuple[Project, ChaosServer], forks: ForkServer, tmp_path: Path
) -> None:
    proj, server = project
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (proj.root / "tasks" / "done").symlink_to(elsewhere, target_is_directory=True)
    proj.write_items(["Write a haiku about folders"])
    before = proj.todo.read_bytes()
    code, out, err = proj.run(forks)
    assert code == 2, out + err
    assert "results folder" in out + err and "outside the workspace" in out + err
    assert server.chat_requests == 0
    assert not any(elsewhere.rglob("*")), "a result file was written outside the workspace"
    assert proj.todo.read_bytes() == before
