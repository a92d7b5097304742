"""Per-item transactions: a failed, interrupted or killed item leaves every file as it was.

The model is a scripted OpenAI-compatible server on loopback (``helpers_scripted_http``): our own
code path end to end — HTTP, the provider, the gateway, the graph, the tools, the journal — with the
model's answers fixed so that the item deterministically writes, edits, creates and then fails.
It is not a mock of an external edge; it stands in for a model's choices. (One real-model test is
marked ``model``.)
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agentrunner.config import load_config
from agentrunner.runner import RunOptions, run
from tests.support.scripted_http import Reply, ScriptedServer, Seen

REPO = Path(__file__).resolve().parent.parent


def chat_reply(content: str | None = None, tool: tuple[str, dict[str, Any]] | None = None, delay: float = 0.0) -> Reply:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if tool is not None:
        message["tool_calls"] = [
            {"id": "call_1", "type": "function", "function": {"name": tool[0], "arguments": json.dumps(tool[1])}}
        ]
    return Reply(
        200,
        {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 0,
            "model": "scripted-model",
            "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if tool else "stop"}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
        },
        delay=delay,
    )


def config_text(url: str, *, shell: bool = False) -> str:
    tools = (
        '["read_file", "write_file", "list_files", "shell"]' if shell else '["read_file", "write_file", "list_files"]'
    )
    allow = '["python3 -m py_compile"]' if shell else "[]"
    return f"""
[tiers.remote]
provider = "openai"
model = "scripted-model"
base_url = "{url}/v1"
max_retries = 0
timeout = 60
price = {{ input_per_mtok = 1.0, output_per_mtok = 2.0 }}
# the scripted server stands in for a premium model: its prose is ticked on the checks (the review
# of a local tier's prose is tests/test_agent.py's)
review_prose = false

[agent]
workspace = "."
tasks_dir = "tasks"
max_tool_calls = 8
tools = {tools}
shell_allow = {allow}
"""


def tree(root: Path) -> dict[str, str]:
    """Every file and folder of the project (not the data folder, the to-do folder or .git):
    path → sha256 of the bytes and the permission bits (folders: 'dir')."""
    found: dict[str, str] = {}
    for current, dirs, files in os.walk(root):
        here = Path(current)
        dirs[:] = [d for d in dirs if d not in (".agentrunner", "tasks", ".git")]
        for name in dirs:
            found[(here / name).relative_to(root).as_posix() + "/"] = "dir"
        for name in files:
            path = here / name
            if path == root / "routes.toml":
                continue
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            found[path.relative_to(root).as_posix()] = f"{digest} {oct(path.stat().st_mode & 0o7777)}"
    return found


MODULE = 'def total(values):\n    """Sum of the values."""\n    return sum(values)\n'
USER_EDIT = MODULE + "\n# the user's own uncommitted work in progress\n"


@pytest.fixture
def project(isolated_home: Path) -> Path:
    """A small git project with a committed module the user has since edited (not committed)."""
    (isolated_home / "pkg").mkdir()
    (isolated_home / "pkg" / "mod.py").write_text(MODULE, "utf-8")
    (isolated_home / "pkg" / "run.sh").write_text("#!/bin/sh\necho hi\n", "utf-8")
    (isolated_home / "pkg" / "run.sh").chmod(0o755)
    (isolated_home / "README.md").write_text("# demo\n", "utf-8")
    (isolated_home / "tasks").mkdir()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q"], cwd=isolated_home, check=True)
    subprocess.run(["git", "add", "pkg", "README.md"], cwd=isolated_home, check=True)
    subprocess.run([*git, "commit", "-qm", "init"], cwd=isolated_home, check=True)
    (isolated_home / "pkg" / "mod.py").write_text(USER_EDIT, "utf-8")  # uncommitted
    return isolated_home


def todo(project: Path, *items: str) -> Path:
    path = project / "tasks" / "todo.md"
    path.write_text("# Today\n\n" + "".join(f"- [ ] {item}\n" for item in items), "utf-8")
    return path


def models() -> Reply:
    return Reply(200, {"object": "list", "data": []})


def test_a_failed_item_leaves_the_tree_byte_identical(project: Path, write_config: Callable[[str], Path]) -> None:
    """The item edits the user's (uncommitted) module, replaces an executable script, creates files in
    new folders, runs a command that writes bytecode, then fails (it never writes the output it
    names). Every file and folder is as before: same bytes, same modes, nothing created left over."""
    before = tree(project)
    with ScriptedServer({"/v1/models": models()}) as server:
        server.queue(
            "/v1/chat/completions",
            chat_reply(tool=("write_file", {"path": "pkg/mod.py", "content": "def total(values):\n    return 0\n"})),
            chat_reply(tool=("write_file", {"path": "pkg/run.sh", "content": "rm -rf /\n"})),
            chat_reply(tool=("write_file", {"path": "new/deep/stray.txt", "content": "junk\n"})),
            chat_reply(tool=("shell", {"command": "python3 -m py_compile pkg/mod.py"})),
            chat_reply(content="done."),
        )
        write_config(config_text(server.url, shell=True))
        path = todo(project, "Add type hints to `pkg/mod.py` and write a summary into `notes/summary.md`")
        summary = run(load_config(project / "routes.toml"), RunOptions(quiet=True))
    assert summary.failed == 1, summary.items
    assert (project / "pkg" / "__pycache__").exists() is False
    assert tree(project) == before
    assert (project / "pkg" / "mod.py").read_text("utf-8") == USER_EDIT  # the user's edit is intact
    assert "⚠ failed" in path.read_text("utf-8")
    assert not any((project / ".agentrunner" / "journal").glob("*/entries.jsonl"))


def test_a_file_the_user_changed_after_the_agent_wrote_it_is_kept(
    project: Path, write_config: Callable[[str], Path]
) -> None:
    """While the item runs, the user edits the file the agent just wrote. The rollback keeps the
    user's version (it is not the agent's to undo) and the warning line says so; the agent's other
    file is restored."""
    user_version = "# my own notes, typed while the agent was working\n"

    class EditingServer(ScriptedServer):
        def next_reply(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Reply:
            if path.endswith("/chat/completions") and len(self.requests_to(path)) == 2:
                (project / "notes.md").write_text(user_version, "utf-8")  # the user, between two calls
            return super().next_reply(method, path, headers, body)

    (project / "notes.md").write_text("old notes\n", "utf-8")
    with EditingServer({"/v1/models": models()}) as server:
        server.queue(
            "/v1/chat/completions",
            chat_reply(tool=("write_file", {"path": "notes.md", "content": "agent notes\n"})),
            chat_reply(tool=("write_file", {"path": "pkg/mod.py", "content": "x = 1\n"})),
            chat_reply(content="done."),
        )
        write_config(config_text(server.url))
        path = todo(project, "Update the notes and write the report into `out/report.md`")
        summary = run(load_config(project / "routes.toml"), RunOptions(quiet=True))
    assert summary.failed == 1
    assert (project / "notes.md").read_text("utf-8") == user_version
    assert (project / "pkg" / "mod.py").read_text("utf-8") == USER_EDIT
    line = next(line for line in path.read_text("utf-8").splitlines() if "⚠ failed" in line)
    assert "kept your later edit of `notes.md`" in line


def _spawn_run(project: Path, *args: str, stderr: Any = subprocess.PIPE) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "agentrunner", "run", *args],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=stderr,
    )


def _wait_until(predicate: Callable[[], bool], timeout: float = 180.0) -> None:
    # long: at load 10 the CLI alone took 9 s to start (test_replay_resume); it returns when it holds
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


@pytest.mark.parametrize("next_run", ["works-the-item", "item-deleted"])
def test_kill_9_mid_item_then_the_next_run_restores(
    project: Path, write_config: Callable[[str], Path], next_run: str
) -> None:
    """A real ``agentrunner run`` process is SIGKILLed after the item wrote two files and while it
    waits for the model. The next run rolls the item back before anything else: when it works the
    item again and the item fails, the tree is byte-identical to before the first run; when the
    user deleted the item meanwhile, the leftover journal is rolled back at the start of the run."""
    before = tree(project)
    with ScriptedServer({"/v1/models": models()}) as server:
        server.queue(
            "/v1/chat/completions",
            chat_reply(tool=("write_file", {"path": "pkg/mod.py", "content": "def total(values):\n    return 0\n"})),
            chat_reply(tool=("write_file", {"path": "stray/junk.txt", "content": "junk\n"})),
            chat_reply(content="never seen: the process is killed before this answer", delay=60),
        )
        write_config(config_text(server.url))
        path = todo(project, "Add type hints to `pkg/mod.py` and a summary into `notes/summary.md`")
        process = _spawn_run(project)
        try:
            _wait_until(
                lambda: (
                    (project / "stray" / "junk.txt").exists() and len(server.requests_to("/v1/chat/completions")) >= 3
                )
            )
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
        assert tree(project) != before  # the killed run did leave its half-done changes
        if next_run == "item-deleted":
            path.write_text("# Today\n\n- [ ] Something else entirely #later\n", "utf-8")
            server.queue("/v1/chat/completions", chat_reply(content="A reply that is long enough to count as one."))
        else:
            # the resumed step's first two calls are answered from the ledger; the third fails it
            server.queue("/v1/chat/completions", chat_reply(content="done"))
        process = _spawn_run(project)
        _out, err = process.communicate(timeout=180)
    assert b"Traceback" not in err, err.decode()
    assert tree(project) == before, err.decode()
    if next_run == "works-the-item":
        assert process.returncode == 1 and "⚠ failed" in path.read_text("utf-8")
    else:
        assert b"rolled back 3 path(s) of an unfinished item" in err, err.decode()


class ByTaskServer(ScriptedServer):
    """Answers each item from its own queue (items run in parallel threads: the arrival order of
    their requests is not fixed), keyed by a word of the item's title."""

    # how long an ordered answer waits for what it is ordered after: far beyond any real wait (a
    # few ms), below the tier's 60 s read timeout; if it runs out, the answer is a 500 that fails
    # the item (the test then fails with that error, not with a silent change of order)
    ORDER_TIMEOUT = 45.0

    def __init__(
        self,
        scripts: dict[str, list[Reply]],
        after: dict[tuple[str, int], tuple[str, int]] | None = None,
        gates: dict[tuple[str, int], threading.Event] | None = None,
    ) -> None:
        super().__init__({"/v1/models": models()})
        self.scripts = scripts
        self.order: list[str] = []
        # {("B", 1): ("A", 2)}: B's first answer waits until A's second request has arrived (A acted
        # on its first answer) — an order a delay only makes likely (it failed once at load 5)
        self.after = after or {}
        # {("A", 2): event}: A's second answer waits until the test sets the event
        self.gates = gates or {}
        self._arrived = threading.Condition(self._lock)

    def next_reply(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Reply:
        if not path.endswith("/chat/completions"):
            return super().next_reply(method, path, headers, body)
        text = json.dumps(json.loads(body)["messages"])
        key = next((k for k in self.scripts if k in text), None)
        if key is None:
            return Reply(400, {"error": f"no script for {text[:300]}"})
        with self._arrived:
            self.order.append(key)
            number = self.order.count(key)
            self._arrived.notify_all()
            other, count = self.after.get((key, number), (key, 0))
            if not self._arrived.wait_for(lambda: self.order.count(other) >= count, timeout=self.ORDER_TIMEOUT):
                return Reply(500, {"error": f"{key}'s answer #{number}: {other}'s request #{count} never came"})
            reply = self.scripts[key].pop(0) if len(self.scripts[key]) > 1 else self.scripts[key][0]
        gate = self.gates.get((key, number))  # waited for outside the lock: other items go on meanwhile
        if gate is not None and not gate.wait(timeout=self.ORDER_TIMEOUT):
            return Reply(500, {"error": f"{key}'s answer #{number}: its gate never opened"})
        return reply


def test_jobs_items_on_the_same_file_never_clobber_each_other(
    project: Path, write_config: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--jobs 2, two items whose model writes the same file (neither names it). Alpha writes it
    first and holds it until it ends; Beta's write finds it held, Beta is rolled back and runs again
    after Alpha, then fails — and its rollback restores Alpha's done work, not the file before Alpha.

    The order is made, not hoped for (a 3 s delay on Alpha's answer failed CI in session 5): Alpha
    writes only once Beta has asked its first question, Beta writes only once Alpha has written,
    and Alpha's last answer (the one that ends it and releases the file) waits until Beta's write
    has been refused. Left to the threads, two other orders happen on a loaded machine: Beta's
    write comes after Alpha has ended (and succeeds), or Beta asks first after Alpha's write and
    its run after Alpha gets the same request, answered from the ledger with the same write."""
    from agentrunner.agent.journal import Transactions
    from agentrunner.errors import PathBusy

    refused: list[tuple[str, str]] = []  # (path, holder) of every write the journal refused
    beta_refused = threading.Event()
    real_claim = Transactions._claim

    def claim(self: Transactions, rel: str, item_id: str) -> None:
        try:
            real_claim(self, rel, item_id)
        except PathBusy as exc:
            refused.append((rel, exc.holder))
            beta_refused.set()
            raise

    monkeypatch.setattr(Transactions, "_claim", claim)
    alpha_text = "# Plan\n\nAlpha's finished plan for the week.\n"
    server = ByTaskServer(
        {
            "Alpha": [
                chat_reply(tool=("write_file", {"path": "shared.md", "content": alpha_text})),
                chat_reply(content="Wrote the weekly plan into shared.md for the team."),
            ],
            "Beta": [
                chat_reply(tool=("write_file", {"path": "shared.md", "content": "Beta was here\n"})),
                chat_reply(content="x"),
            ],
        },
        after={
            # Beta's first request lists no shared.md: its run after Alpha asks anew (a different
            # request), it is not answered from the ledger with the write it was refused
            ("Alpha", 1): ("Beta", 1),
            ("Beta", 1): ("Alpha", 2),  # Beta writes once Alpha has written (and holds the file) …
        },
        gates={("Alpha", 2): beta_refused},  # … and Alpha ends only after Beta's write was refused
    )
    with server:
        write_config(config_text(server.url))
        path = todo(project, "Alpha: draft the weekly plan", "Beta: draft the weekly notes")
        summary = run(load_config(project / "routes.toml"), RunOptions(quiet=True, jobs=2))
    alpha_id = next(entry["id"] for entry in summary.items if entry["title"].startswith("Alpha"))
    assert refused == [("shared.md", alpha_id)], summary.items
    assert (project / "shared.md").read_text("utf-8") == alpha_text
    statuses = {entry["title"].split(":")[0]: entry["status"] for entry in summary.items}
    assert statuses == {"Alpha": "done", "Beta": "failed"}, summary.items
    text = path.read_text("utf-8")
    assert "- [x] Alpha" in text and "⚠ failed (attempt 1/3)" in text


def test_jobs_items_naming_the_same_file_run_one_after_the_other(
    project: Path, write_config: Callable[[str], Path]
) -> None:
    """Items that name a common path are never in flight together under --jobs."""
    server = ByTaskServer(
        {
            "Gamma": [
                chat_reply(
                    tool=(
                        "write_file",
                        {"path": "notes/shared.md", "content": "gamma section of the shared notes\n" * 3},
                    ),
                    delay=0.3,
                ),
                chat_reply(content="Wrote notes/shared.md with the gamma section.", delay=0.3),
            ],
            "Delta": [
                chat_reply(
                    tool=(
                        "write_file",
                        {"path": "notes/shared.md", "content": "delta section of the shared notes\n" * 3},
                    ),
                    delay=0.3,
                ),
                chat_reply(content="Wrote notes/shared.md with the delta section.", delay=0.3),
            ],
        }
    )
    with server:
        write_config(config_text(server.url))
        todo(project, "Gamma: write a section into `notes/shared.md`", "Delta: write a section into `notes/shared.md`")
        summary = run(load_config(project / "routes.toml"), RunOptions(quiet=True, jobs=2))
    assert summary.done == 2, summary.items
    assert server.order == ["Gamma", "Gamma", "Delta", "Delta"]


def test_journal_unit_savepoints_modes_and_folders(tmp_path: Path) -> None:
    """The journal on its own: a savepoint rolls back only what came after it; modes, created
    folders and deletions are undone; a second rollback is a no-op (a kill mid-rollback is safe)."""
    from agentrunner.agent.journal import ItemJournal, Transactions
    from agentrunner.errors import PathBusy

    root = tmp_path / "ws"
    (root / "a").mkdir(parents=True)
    (root / "a" / "x.sh").write_bytes(b"#!/bin/sh\n")
    (root / "a" / "x.sh").chmod(0o750)
    transactions = Transactions(tmp_path / "journal", root)
    journal: ItemJournal = transactions.begin("item-1")
    journal.savepoint("s0")
    with transactions.writing(root / "a" / "x.sh", "item-1"):
        (root / "a" / "x.sh").write_bytes(b"changed")
        (root / "a" / "x.sh").chmod(0o600)
    journal.savepoint("s1")
    with transactions.writing(root / "b" / "c" / "new.txt", "item-1"):
        (root / "b" / "c").mkdir(parents=True)
        (root / "b" / "c" / "new.txt").write_bytes(b"new")
    with transactions.writing(root / "a" / "x.sh", "item-1"):
        (root / "a" / "x.sh").write_bytes(b"changed again")
    assert [c.path for c in journal.changes()] == ["a/x.sh", "b/c/new.txt"]
    journal.savepoint("s1")  # the step runs again: back to the state at s1
    assert (root / "a" / "x.sh").read_bytes() == b"changed" and not (root / "b").exists()
    report = journal.restore_all()
    assert (root / "a" / "x.sh").read_bytes() == b"#!/bin/sh\n"
    assert (root / "a" / "x.sh").stat().st_mode & 0o7777 == 0o750
    assert report.restored == ["a/x.sh"]
    assert journal.restore_all().restored == []
    # a second item may not write a path the first holds
    transactions.begin("item-2")
    with transactions.writing(root / "a" / "x.sh", "item-1"):
        pass
    with pytest.raises(PathBusy), transactions.writing(root / "a" / "x.sh", "item-2"):
        pass
    transactions.end("item-1", discard=True)
    with transactions.writing(root / "a" / "x.sh", "item-2"):
        pass
    assert not (tmp_path / "journal" / "item-1").exists()
    # a torn last line (a crash mid-append) is ignored
    folder = tmp_path / "journal" / "item-2"
    with open(folder / "entries.jsonl", "a") as handle:
        handle.write('{"op": "bef')
    assert ItemJournal(folder, root, "item-2").entries[-1]["op"] == "after"


def test_a_command_killed_mid_way_is_journaled_from_its_snapshot(tmp_path: Path) -> None:
    """kill -9 while a command runs: the snapshot taken before it is on disk; the next run's journal
    finds it, records what the command had changed (in place, created, deleted) and rolls it back."""
    from agentrunner.agent.journal import Transactions

    root = tmp_path / "ws"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "a.py").write_text("a = 1\n", "utf-8")
    (root / "pkg" / "gone.txt").write_text("keep me\n", "utf-8")
    (root / "big.bin").write_bytes(b"\0" * 1000)
    before = tree(root)
    transactions = Transactions(tmp_path / "journal", root)
    journal = transactions.begin("item-1")
    transactions._take_snapshot(journal)  # what command() does first; then the "command" runs …
    with open(root / "pkg" / "a.py", "w", encoding="utf-8") as handle:  # in place: same inode
        handle.write("a = 2\n")
    (root / "pkg" / "gone.txt").unlink()
    (root / "pkg" / "__pycache__").mkdir()
    (root / "pkg" / "__pycache__" / "a.pyc").write_bytes(b"\x00pyc")
    # … and the process dies here: a new run opens the journal from disk
    again = Transactions(tmp_path / "journal", root)
    assert "item-1" in again.leftover_ids()
    report = again.journal("item-1").restore_all()
    assert tree(root) == before
    assert sorted(report.restored) == ["pkg/a.py", "pkg/gone.txt"]
    assert "pkg/__pycache__/" in report.removed


def test_sigterm_mid_item_rolls_back_and_the_next_run_pays_nothing_twice(
    project: Path, write_config: Callable[[str], Path]
) -> None:
    """SIGTERM while the item waits for its third answer (after two writes): the call finishes, the
    item's files are rolled back, exit 130. The next run starts the item again with the same
    attempt: the three answered calls come from the ledger (the server sees none of them again).

    The third answer is held until the run has handled the SIGTERM (it logs so): a 2 s delay made
    that likely, not certain, on a loaded machine."""
    before = tree(project)
    handled = threading.Event()

    class HeldServer(ScriptedServer):
        def next_reply(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Reply:
            reply = super().next_reply(method, path, headers, body)
            if path.endswith("/chat/completions") and len(self.requests_to(path)) == 3:
                handled.wait(120)
            return reply

    err_path = project.parent / "first-run.err"
    with HeldServer({"/v1/models": models()}) as server:
        server.queue(
            "/v1/chat/completions",
            chat_reply(tool=("write_file", {"path": "pkg/mod.py", "content": MODULE + "\nx: int = 1\n"})),
            chat_reply(tool=("write_file", {"path": "stray/junk.txt", "content": "junk\n"})),
            chat_reply(tool=("read_file", {"path": "README.md"})),
        )
        write_config(config_text(server.url))
        todo(project, "Add type hints to `pkg/mod.py` and a summary into `notes/summary.md`")
        with open(err_path, "wb") as err_file:
            process = _spawn_run(project, stderr=err_file)
        try:
            _wait_until(lambda: len(server.requests_to("/v1/chat/completions")) >= 3)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                _wait_until(lambda: b"finishing the current call" in err_path.read_bytes())
            finally:
                handled.set()
            process.communicate(timeout=120)
            err = err_path.read_bytes()
        assert process.returncode == 130, err.decode()
        assert tree(project) == before, err.decode()
        first = [seen.body for seen in server.requests_to("/v1/chat/completions")]
        server.defaults["/v1/chat/completions"] = chat_reply(content="done.")
        process = _spawn_run(project)
        _out, err = process.communicate(timeout=180)
        again = [seen.body for seen in server.requests_to("/v1/chat/completions")][len(first) :]
        assert again and not set(again) & set(first), err.decode()  # none of the answered calls asked again
    assert process.returncode == 1 and tree(project) == before, err.decode()


class _Died(BaseException):
    """Stands in for SIGKILL: nothing after it runs (not an Exception: no handler catches it)."""


def test_killed_between_the_graph_ending_and_the_tick_is_finished_without_paying_or_rolling_back(
    project: Path, write_config: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The graph ended done (result file, final checkpoint, the item's journal still held) and the
    process died before the to-do file was ticked. The next run finishes the item from its
    checkpoint: no model call, and the work is kept — not rolled back as a half-done item."""
    import agentrunner.runner as runner_module

    poem = "Green lights all night,\nthe pager sleeps, the queue drains by dawn.\n"
    with ScriptedServer({"/v1/models": models()}) as server:
        server.queue(
            "/v1/chat/completions",
            chat_reply(tool=("write_file", {"path": "notes/poem.md", "content": poem})),
            chat_reply(content="DONE wrote the poem"),
        )
        write_config(config_text(server.url))
        path = todo(project, "Write a two-line poem about reliability into `notes/poem.md`")

        real_update = runner_module.update_item

        def die_on_tick(*args: Any, **kwargs: Any) -> Any:
            raise _Died()

        monkeypatch.setattr(runner_module, "update_item", die_on_tick)
        with pytest.raises(_Died):
            run(load_config(project / "routes.toml"), RunOptions(quiet=True))
        paid = len(server.requests_to("/v1/chat/completions"))
        assert "- [ ]" in path.read_text("utf-8")

        monkeypatch.setattr(runner_module, "update_item", real_update)
        summary = run(load_config(project / "routes.toml"), RunOptions(quiet=True))
        assert summary.done == 1, summary.items
        assert len(server.requests_to("/v1/chat/completions")) == paid, "the finished item was paid again"
    assert "- [x]" in path.read_text("utf-8")
    assert (project / "notes" / "poem.md").read_text("utf-8") == poem


def test_an_item_done_but_not_ticked_whose_files_were_rolled_back_is_done_again(
    project: Path, write_config: Callable[[str], Path]
) -> None:
    """An item's graph ended done, the run died before the tick (journal and checkpoint left); the
    next run does not work it (--max-items) and rolls its files back. The run after must not tick
    it from the stale checkpoint with its files gone: it is worked again (calls from the ledger)."""
    from agentrunner.agent import Agent, ItemInfo
    from agentrunner.gateway import Gateway
    from agentrunner.ledger import Ledger
    from agentrunner.router import Router

    note = "# Plan\n\n1. Freeze main on Monday.\n2. Ship on Thursday.\n"

    class PlanWriter(ScriptedServer):
        """Writes the plan until a tool result says it was written, then says it is finished."""

        def next_reply(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Reply:
            if path.endswith("/chat/completions"):
                with self._lock:
                    self.seen.append(Seen(method, path, headers, body))
                if b"release plan" in body and b"characters to notes/plan.md" not in body:
                    return chat_reply(tool=("write_file", {"path": "notes/plan.md", "content": note}))
                return chat_reply(content="Finished: the plan is written and saved.")
            return super().next_reply(method, path, headers, body)

    with PlanWriter({"/v1/models": models()}) as server:
        write_config(config_text(server.url))
        path = todo(project, "Something else first #later", "Write the release plan into `notes/plan.md`")
        config = load_config(project / "routes.toml")
        from agentrunner.todo import parse_file

        item = parse_file(path).items[1]
        config.data_dir.mkdir(parents=True, exist_ok=True)
        ledger = Ledger.for_config(config)
        gateway = Gateway(config, ledger)
        agent = Agent(
            config, ledger, gateway, Router(config, ledger, gateway.availability, run_id="r0"), config.state_path
        )
        info = ItemInfo(id=item.id, title=item.title, context="", tags=[], file=item.file_key)
        assert agent.work(info, run_id="r0", attempt=1, resume=False).status == "done"  # … then the run died
        agent.close()
        gateway.close()
        ledger.close()
        assert (project / "notes" / "plan.md").read_text("utf-8") == note
        run(load_config(project / "routes.toml"), RunOptions(quiet=True, max_items=1))
        assert not (project / "notes" / "plan.md").exists()  # rolled back: that run did not work it
        summary = run(load_config(project / "routes.toml"), RunOptions(quiet=True))
    assert [entry["status"] for entry in summary.items] == ["done"], [e.get("error") for e in summary.items]
    assert (project / "notes" / "plan.md").read_text("utf-8") == note
    assert "- [x] Write the release plan" in path.read_text("utf-8")
