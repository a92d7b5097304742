"""The project's modules are found without walking into environments (agent/sources.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agentrunner.agent import sources
from agentrunner.agent.sources import python_modules


def _touch(root: Path, *paths: str) -> None:
    for path in paths:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text("x = 1\n")


def test_lists_the_projects_modules_sorted_as_paths_and_nothing_else(tmp_path: Path) -> None:
    tmp_path = tmp_path / "project"  # beside the autouse fixture's home folder
    _touch(
        tmp_path,
        "setup.py", "pkg/__init__.py", "pkg/z.py", "pkg/sub/a.py", "pkg-extra/b.py", "tests/test_a.py",
        "notes.txt", ".venv/lib/site.py", "venv/x.py", "node_modules/m.py", "build/lib/pkg/z.py",
        "pkg/__pycache__/z.py", ".hidden/h.py", "pkg/.cache/c.py",
    )  # fmt: skip
    assert python_modules(tmp_path) == [
        "pkg/__init__.py", "pkg/sub/a.py", "pkg/z.py", "pkg-extra/b.py", "setup.py", "tests/test_a.py",
    ]  # fmt: skip
    # the order is sorted(Path.rglob(...))'s, the order these checks had before
    assert python_modules(tmp_path) == [p for p in python_modules(tmp_path) if p in {
        q.relative_to(tmp_path).as_posix() for q in sorted(tmp_path.rglob("*.py"))}]  # fmt: skip
    assert python_modules(tmp_path, skip_dirs={"tests"}, limit=2) == ["pkg/__init__.py", "pkg/sub/a.py"]


def test_never_enters_a_skipped_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a virtualenv's thousands of modules are not even listed: the walk prunes before descending
    tmp_path = tmp_path / "project"  # beside the autouse fixture's home folder
    _touch(tmp_path, "pkg/a.py", ".venv/lib/python3.11/site-packages/dep/m.py", "node_modules/n/m.py")
    entered: list[str] = []
    real_walk = os.walk

    def recording_walk(top: Path) -> object:
        for current, dirs, files in real_walk(top):
            entered.append(Path(current).relative_to(tmp_path).as_posix())
            yield current, dirs, files

    monkeypatch.setattr(sources.os, "walk", recording_walk)
    assert python_modules(tmp_path) == ["pkg/a.py"]
    assert sorted(entered) == [".", "pkg"]
