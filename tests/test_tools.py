"""Workspace tools: confinement, the shell allow-list, and a ledger row for every call."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from agentrunner.config import load_config
from agentrunner.ledger import Ledger
from agentrunner.tools import ToolContext, Workspace, csv_to_markdown

CONFIG = """
[tiers.local]
provider = "llama-cpp"
model = "gemma3-270m"

[agent]
workspace = "ws"
tools = ["read_file", "write_file", "list_files"{shell}]
shell_allow = ["echo hello", "python -c"]
shell_timeout = 2
shell_output_cap = 100
"""


@pytest.fixture
def workspace(isolated_home: Path, write_config: Callable[[str], Path]) -> tuple[Workspace, Ledger]:
    def make(shell: bool) -> tuple[Workspace, Ledger]:
        path = write_config(CONFIG.replace("{shell}", ', "shell"' if shell else ""))
        config = load_config(path)
        ws = isolated_home / "ws"
        (ws / "src").mkdir(parents=True, exist_ok=True)
        (ws / "src" / "a.txt").write_text("hello\n", "utf-8")
        (isolated_home / "secret.txt").write_text("top secret\n", "utf-8")
        ledger = Ledger.for_config(config)
        return Workspace(config, ledger), ledger

    return make  # type: ignore[return-value]


CTX = ToolContext(run_id="run1", task_id="task1", step_id="task1:a1:s0:act:local:t")


def rows(ledger: Ledger) -> list[dict[str, object]]:
    return list(ledger.db["tool_calls"].rows_where(order_by="ts"))


def test_read_write_list_inside_the_workspace(workspace: Callable[[bool], tuple[Workspace, Ledger]]) -> None:
    ws, ledger = workspace(False)
    assert ws.call("read_file", {"path": "src/a.txt"}, CTX).output == "hello\n"
    written = ws.call("write_file", {"path": "out/new/b.md", "content": "x"}, CTX)
    assert written.ok and (ws.root / "out" / "new" / "b.md").read_text("utf-8") == "x"
    listing = ws.call("list_files", {"path": "."}, CTX)
    assert listing.output.splitlines() == ["out/new/b.md", "src/a.txt"]
    recorded = rows(ledger)
    assert [r["tool"] for r in recorded] == ["read_file", "write_file", "list_files"]
    assert all(r["ok"] == 1 and r["run_id"] == "run1" and r["task_id"] == "task1" for r in recorded)
    assert recorded[0]["step_id"] == CTX.step_id


@pytest.mark.parametrize(
    ("tool", "arguments", "reason"),
    [
        ("read_file", {"path": "../secret.txt"}, "'..' is not allowed"),
        ("read_file", {"path": "src/../../secret.txt"}, "'..' is not allowed"),
        ("write_file", {"path": "../evil.txt", "content": "x"}, "'..' is not allowed"),
        ("read_file", {"path": "/etc/passwd"}, "absolute paths are not allowed"),
        ("write_file", {"path": "/tmp/evil.txt", "content": "x"}, "absolute paths are not allowed"),
        ("read_file", {"path": "~/.bashrc"}, "absolute paths are not allowed"),
        ("list_files", {"path": ".."}, "'..' is not allowed"),
        ("read_file", {"path": ""}, "non-empty string"),
        ("read_file", {"path": 3}, "non-empty string"),
        ("shell", {"command": "echo hello"}, "not enabled"),
        ("delete_everything", {}, "unknown tool"),
    ],
)
def test_confinement_refusals_are_recorded(
    workspace: Callable[[bool], tuple[Workspace, Ledger]], tool: str, arguments: dict[str, object], reason: str
) -> None:
    ws, ledger = workspace(False)
    result = ws.call(tool, arguments, CTX)
    assert not result.ok and reason in (result.error or "")
    assert not (ws.root.parent / "evil.txt").exists() and not Path("/tmp/evil.txt").exists()
    recorded = rows(ledger)
    assert len(recorded) == 1 and recorded[0]["ok"] == 0 and reason in str(recorded[0]["error"])


def test_symlink_escape_is_refused(workspace: Callable[[bool], tuple[Workspace, Ledger]]) -> None:
    ws, _ = workspace(False)
    os.symlink(ws.root.parent / "secret.txt", ws.root / "link.txt")
    os.symlink(ws.root.parent, ws.root / "up")
    for path in ("link.txt", "up/secret.txt"):
        result = ws.call("read_file", {"path": path}, CTX)
        assert not result.ok and "outside the workspace" in (result.error or ""), path
    wrote = ws.call("write_file", {"path": "up/planted.txt", "content": "x"}, CTX)
    assert not wrote.ok and not (ws.root.parent / "planted.txt").exists()
    # a symlink that stays inside is fine
    os.symlink(ws.root / "src" / "a.txt", ws.root / "inside.txt")
    assert ws.call("read_file", {"path": "inside.txt"}, CTX).output == "hello\n"


def test_shell_allow_list_and_no_interpreter(workspace: Callable[[bool], tuple[Workspace, Ledger]]) -> None:
    ws, ledger = workspace(True)
    assert ws.call("shell", {"command": "echo hello"}, CTX).output == "hello\n"
    # the allow-list entry is a prefix of words, not of characters
    assert not ws.call("shell", {"command": "echo hellothere"}, CTX).ok
    refused = ws.call("shell", {"command": "rm -rf /"}, CTX)
    assert not refused.ok and "not allowed" in (refused.error or "")
    # no shell: metacharacters are plain arguments of the allowed program
    chained = ws.call("shell", {"command": "echo hello; touch pwned"}, CTX)
    assert not chained.ok and not (ws.root / "pwned").exists()
    piped = ws.call("shell", {"command": "echo hello && touch pwned"}, CTX)
    assert not piped.ok and "operators are not supported" in (piped.error or "")
    assert not (ws.root / "pwned").exists()
    slow = ws.call("shell", {"command": "python -c 'import time; time.sleep(5)'"}, CTX)
    assert not slow.ok and "timed out" in (slow.error or "")
    loud = ws.call("shell", {"command": "python -c 'print(\"x\" * 1000)'"}, CTX)
    assert loud.ok and len(loud.output) < 200 and "capped at 100" in loud.output
    assert len(rows(ledger)) == 7


def test_csv_and_rename_helpers(workspace: Callable[[bool], tuple[Workspace, Ledger]]) -> None:
    ws, _ = workspace(False)
    (ws.root / "d.csv").write_text("a,b\n1,x|y\n", "utf-8")
    assert csv_to_markdown("a,b\n1,x|y\n") == "| a | b |\n| --- | --- |\n| 1 | x\\|y |\n"
    made = ws.call("csv_to_markdown", {"source": "d.csv", "destination": "d.md"}, CTX)
    assert made.ok and (ws.root / "d.md").read_text("utf-8").startswith("| a | b |")
    assert not ws.call("csv_to_markdown", {"source": "d.md", "destination": "d.csv"}, CTX).ok
    (ws.root / "m.py").write_text("def f():\n    return ff() + f()\n", "utf-8")
    renamed = ws.call("replace_identifier", {"path": "m.py", "old": "f", "new": "g"}, CTX)
    assert renamed.ok and (ws.root / "m.py").read_text("utf-8") == "def g():\n    return ff() + g()\n"
    assert not ws.call("replace_identifier", {"path": "m.py", "old": "f", "new": "not valid"}, CTX).ok
    assert not ws.call("replace_identifier", {"path": "../x.py", "old": "f", "new": "g"}, CTX).ok


def test_the_to_do_lists_and_their_results_are_never_written(
    isolated_home: Path, write_config: Callable[[str], Path]
) -> None:
    """Measured (chores benchmark, list-todos, session 5): Qwen overwrote tasks/todo.md — the list
    being worked, which an item's rollback does not cover — with the TODOs it was asked to collect
    into docs/todo.md: the item line vanished, never ticked, and docs/todo.md stayed."""
    config = load_config(write_config(CONFIG.replace("{shell}", "").replace('workspace = "ws"', 'workspace = "."')))
    (isolated_home / "tasks" / "done").mkdir(parents=True)
    (isolated_home / "tasks" / "todo.md").write_text("- [ ] Collect the TODOs into `docs/todo.md`\n", "utf-8")
    ws = Workspace(config, Ledger.for_config(config))
    for path in ("tasks/todo.md", "tasks/tomorrow.md", "tasks/done/2026-12-01/x.md", "tasks/review/2026-12-01/x.md"):
        result = ws.call("write_file", {"path": path, "content": "- TODO: x\n"}, CTX)
        assert not result.ok and "to-do list" in (result.error or ""), path
    assert (isolated_home / "tasks" / "todo.md").read_text("utf-8").startswith("- [ ] Collect")
    assert not (isolated_home / "tasks" / "tomorrow.md").exists()
    assert ws.call("read_file", {"path": "tasks/todo.md"}, CTX).ok  # reading it is fine
    assert ws.call("write_file", {"path": "docs/todo.md", "content": "- TODO: x\n"}, CTX).ok
    assert ws.call("write_file", {"path": "tasks/data/notes.txt", "content": "x\n"}, CTX).ok  # not a list
