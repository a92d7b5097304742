"""Tool confinement (issue 13, section 2): commands run in a bubblewrap sandbox, file tools never
touch the agent's state, its config, VCS internals or secret files, and neither escapes through a
symlink race, a hard link, ``/proc/self/root`` or a huge write. Every test here failed before the
sandbox (the shell ran commands with a prefix allow-list and the file tools only checked paths).

Real parts: a real ``bwrap``, real git, a real pytest run inside the sandbox, a real listening
socket on the host's loopback. Tests skip themselves where bubblewrap cannot run.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from agentrunner.config import load_config
from agentrunner.doctor import run_doctor
from agentrunner.ledger import Ledger
from agentrunner.sandbox import Limits, is_secret_name, run_sandboxed, sandbox_status
from agentrunner.tools import MAX_WRITE_BYTES, ToolContext, Workspace

pytestmark = pytest.mark.skipif(sandbox_status() is not None, reason=f"no sandbox here: {sandbox_status()}")

CTX = ToolContext(run_id="run1", task_id="task1", step_id="s")
HOSTNAME = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else ""

CONFIG = """
[tiers.local]
provider = "llama-cpp"
model = "gemma3-270m"

[agent]
workspace = "."
tools = ["read_file", "write_file", "list_files", "shell"]
shell_allow = ["git diff", "git status", "python -c", "python -m pytest"]
shell_timeout = {timeout}
shell_output_cap = 4000
"""


@pytest.fixture
def project(isolated_home: Path, write_config: Callable[[str], Path]) -> Callable[..., Workspace]:
    """A workspace that is the project folder itself (workspace = "."): routes.toml, the data
    folder .agentrunner/ with a ledger, a git repository with a commit."""

    def make(timeout: float = 20) -> Workspace:
        path = write_config(CONFIG.format(timeout=timeout))
        config = load_config(path)
        root = config.workspace
        git = ["git", "-c", "user.email=t@example.com", "-c", "user.name=t"]
        subprocess.run([*git, "init", "-q", str(root)], check=True)
        (root / "a.txt").write_text("hello\n")
        subprocess.run([*git, "-C", str(root), "add", "a.txt"], check=True)
        subprocess.run([*git, "-C", str(root), "commit", "-qm", "one"], check=True)
        (root / "a.txt").write_text("hello again\n")
        ledger = Ledger.for_config(config)
        return Workspace(config, ledger)

    return make


@pytest.fixture
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("outside")
    (folder / "secret.txt").write_text("outside-secret\n")
    return folder


def test_git_diff_cannot_read_or_write_outside_the_workspace(project: Callable[..., Workspace], outside: Path) -> None:
    ws = project()
    read = ws.call("shell", {"command": "git diff --no-index /etc/hostname /dev/null"}, CTX)
    assert HOSTNAME and HOSTNAME not in read.output + (read.error or "")
    secret = ws.call("shell", {"command": f"git diff --no-index {outside / 'secret.txt'} /dev/null"}, CTX)
    assert "outside-secret" not in secret.output + (secret.error or "")
    target = outside / "diff.txt"
    wrote = ws.call("shell", {"command": f"git diff --output={target} HEAD"}, CTX)
    assert not target.exists(), wrote
    # inside the workspace both work
    assert ws.call("shell", {"command": "git diff --output=changes.diff HEAD"}, CTX).ok
    assert "hello again" in (ws.root / "changes.diff").read_text()
    assert "a.txt" in ws.call("shell", {"command": "git status --short"}, CTX).output


def test_proc_self_root_leads_nowhere(project: Callable[..., Workspace]) -> None:
    ws = project()
    result = ws.call("shell", {"command": "git diff --no-index /proc/self/root/etc/hostname /dev/null"}, CTX)
    assert HOSTNAME not in result.output + (result.error or "")
    os.symlink("/proc/self/root", ws.root / "root")
    refused = ws.call("read_file", {"path": "root/etc/hostname"}, CTX)
    assert not refused.ok and "outside the workspace" in (refused.error or "")


def test_pytest_running_project_code_cannot_write_outside_or_use_the_network(
    project: Callable[..., Workspace], outside: Path
) -> None:
    ws = project(timeout=60)
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    port = server.getsockname()[1]
    pwned = outside / "pwned.txt"
    (ws.root / "test_evil.py").write_text(
        "import socket\n\n"
        "def test_write_outside():\n"
        f"    open({str(pwned)!r}, 'w').write('x')\n\n"
        "def test_socket():\n"
        f"    socket.create_connection(('127.0.0.1', {port}), timeout=2).sendall(b'leak')\n\n"
        "def test_inside():\n"
        "    open('made-by-test.txt', 'w').write('ok')\n"
    )
    result = ws.call("shell", {"command": "python -m pytest -q -p no:cacheprovider test_evil.py"}, CTX)
    try:
        connection, _ = server.accept()
        connection.close()
        connected = True
    except TimeoutError:
        connected = False
    finally:
        server.close()
    text = result.output + (result.error or "")
    assert "2 failed, 1 passed" in text, text
    assert not pwned.exists() and not connected
    assert (ws.root / "made-by-test.txt").read_text() == "ok"


@pytest.mark.parametrize("path", [".agentrunner/ledger.db", "routes.toml", ".git/hooks/post-commit", ".git/config"])
def test_file_tools_never_write_state_config_or_git(project: Callable[..., Workspace], path: str) -> None:
    ws = project()
    target = ws.root / path
    before = target.read_bytes() if target.exists() else None
    content = '[tiers.evil]\nprovider = "openai"\n' if path.endswith(".toml") else "#!/bin/sh\necho pwned\n"
    for tool, arguments in (
        ("write_file", {"path": path, "content": content}),
        ("edit_file", {"path": path, "old": "x", "new": "y"}),
    ):
        result = ws.call(tool, arguments, CTX)
        assert not result.ok, (tool, path)
    assert (target.read_bytes() if target.exists() else None) == before


def test_file_tools_do_not_read_the_data_folder_git_or_secret_files(project: Callable[..., Workspace]) -> None:
    ws = project()
    (ws.root / ".env").write_text("API_KEY=sk-live-secret\n")
    (ws.root / "deploy.pem").write_text("-----BEGIN PRIVATE KEY-----\n")
    (ws.root / ".env.example").write_text("API_KEY=\n")
    for path in (".agentrunner/ledger.db", ".git/config", ".env", "deploy.pem"):
        result = ws.call("read_file", {"path": path}, CTX)
        assert not result.ok and "off limits" in (result.error or ""), path
    assert ws.call("read_file", {"path": ".env.example"}, CTX).ok
    assert ws.call("read_file", {"path": "routes.toml"}, CTX).ok  # readable, never writable
    assert "deploy.pem" not in ws.call("list_files", {"path": "."}, CTX).output
    assert is_secret_name(".env.production") and not is_secret_name("environment.py")


def test_commands_see_no_state_no_secrets_no_keys(
    project: Callable[..., Workspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-must-not-leak")
    ws = project()
    (ws.root / ".env").write_text("API_KEY=sk-live-secret\n")
    script = (
        "import os, pathlib\n"
        "print('key', os.environ.get('OPENAI_API_KEY'))\n"
        "print('env', repr(open('.env').read()))\n"
        "print('data', sorted(os.listdir('.agentrunner')))\n"
        "for p in ('.agentrunner/x', 'routes.toml', '.git/hooks/post-commit', '.env'):\n"
        "    try:\n"
        "        open(p, 'a').write('pwned')\n"
        "        print('wrote', p)\n"
        "    except OSError as e:\n"
        "        print('refused', p, e.strerror)\n"
        "print('home', sorted(os.listdir(os.path.expanduser('~'))))\n"
    )
    result = ws.call("shell", {"command": f"python -c {shlex.quote(script)}"}, CTX)
    assert result.ok, result.error
    out = result.output
    assert "key None" in out and "env ''" in out and "data []" in out, out
    assert "wrote" not in out, out
    assert "pwned" not in (ws.root / "routes.toml").read_text()
    assert not (ws.root / ".git" / "hooks" / "post-commit").exists()
    assert (ws.root / ".env").read_text() == "API_KEY=sk-live-secret\n"


def test_a_symlink_swapped_in_during_writes_never_lands_outside(
    project: Callable[..., Workspace], outside: Path
) -> None:
    """A second writer (another item's command) flips ``sub`` between a folder and a link to a
    folder outside while write_file writes ``sub/f.txt`` again and again."""
    ws = project()
    sub, parked = ws.root / "sub", ws.root / "parked"
    sub.mkdir()
    stop = threading.Event()
    flips = 0

    def flip() -> None:
        nonlocal flips
        while not stop.is_set():  # write_file may re-create sub/ meanwhile: every step may fail
            with contextlib.suppress(OSError):
                os.rename(sub, parked)
            with contextlib.suppress(OSError):
                os.symlink(outside, sub)
            time.sleep(0.0005)
            with contextlib.suppress(OSError):
                os.unlink(sub)
            with contextlib.suppress(OSError):
                os.rename(parked, sub)
            flips += 1
            time.sleep(0.0005)

    flipper = threading.Thread(target=flip)
    flipper.start()
    try:
        # a count of writes and flips, not a time (3 s gave 50+ writes on a quiet machine, not always
        # on a loaded one); the deadline only ends a test whose flipper never got to run
        deadline = time.monotonic() + 120
        writes = 0
        while (writes <= 50 or flips <= 50) and time.monotonic() < deadline:
            ws.call("write_file", {"path": "sub/f.txt", "content": f"write {writes}"}, CTX)
            writes += 1
    finally:
        stop.set()
        flipper.join()
    assert writes > 50 and flips > 50, (writes, flips)
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt"], "a write followed the symlink out"


def test_hard_links_are_refused(project: Callable[..., Workspace], outside: Path) -> None:
    ws = project()
    os.link(outside / "secret.txt", ws.root / "linked.txt")
    read = ws.call("read_file", {"path": "linked.txt"}, CTX)
    assert not read.ok and "hard links" in (read.error or "")
    wrote = ws.call("write_file", {"path": "linked.txt", "content": "x"}, CTX)
    assert not wrote.ok and (outside / "secret.txt").read_text() == "outside-secret\n"
    os.link(ws.config.ledger_path, ws.root / "ledger-copy.db")
    assert not ws.call("read_file", {"path": "ledger-copy.db"}, CTX).ok


def test_a_huge_write_fails(project: Callable[..., Workspace]) -> None:
    ws = project()
    huge = ws.call("write_file", {"path": "big.txt", "content": "x" * (MAX_WRITE_BYTES + 1)}, CTX)
    assert not huge.ok and "more than a tool may write" in (huge.error or "")
    assert not (ws.root / "big.txt").exists()
    # a command writing 2 GB (sparse: no disk used if it were allowed) hits RLIMIT_FSIZE
    script = "f = open('big.bin', 'wb'); f.seek(2 * 1024**3); f.write(b'x'); f.close()"
    result = ws.call("shell", {"command": f"python -c {shlex.quote(script)}"}, CTX)
    assert not result.ok and "File too large" in (result.error or "")
    assert not (ws.root / "big.bin").exists() or (ws.root / "big.bin").stat().st_size < 2 * 1024**3


def _processes_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def test_a_fork_bomb_stops_at_the_process_limit(project: Callable[..., Workspace]) -> None:
    """Forks up to 600 sleeping children (bounded, so the test cannot take the machine without a
    sandbox either); the sandbox allows 256 processes. The bounds are 10x what a quiet machine
    takes (a few seconds): a command that stops at the limit, not one that waits for its timeout."""
    ws = project(timeout=120)
    script = (
        "import os, time\n"
        "n = 0\n"
        "while n < 600:\n"
        "    try:\n"
        "        pid = os.fork()\n"
        "    except OSError:\n"
        "        break\n"
        "    if pid == 0:\n"
        "        time.sleep(3); os._exit(0)\n"
        "    n += 1\n"
        "print('forked', n)\n"
    )
    started = time.monotonic()
    result = ws.call("shell", {"command": f"python -c {shlex.quote(script)}"}, CTX)
    assert result.ok, result.error
    forked = int(result.output.split()[-1])
    assert forked < 300, result.output
    assert time.monotonic() - started < 90


def test_an_endless_command_is_killed_with_everything_it_started(project: Callable[..., Workspace]) -> None:
    ws = project(timeout=2)
    marker = "317.123"
    script = f"import subprocess\nsubprocess.Popen(['sleep', '{marker}'])\nwhile True: pass\n"
    started = time.monotonic()
    result = ws.call("shell", {"command": f"python -c {shlex.quote(script)}"}, CTX)
    assert not result.ok and "timed out after 2s" in (result.error or "")
    assert time.monotonic() - started < 30  # killed at its timeout, not left running (loaded: not 6 s)
    # killed processes vanish from /proc a moment later: wait for that (a fixed 0.2 s was a guess)
    deadline = time.monotonic() + 30
    while _processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _processes_with(marker) == [], "a process the command started outlived it"


def test_a_flood_of_output_is_capped_and_stopped(tmp_path: Path) -> None:
    started = time.monotonic()
    result = run_sandboxed(
        ["python", "-c", "import sys\nwhile True: sys.stdout.write('y' * 65536)"],
        cwd=tmp_path,
        timeout=120,
        output_cap=1000,
        limits=Limits(),
    )
    assert result.truncated and result.returncode != 0 and not result.timed_out
    assert len(result.output) < 1200 and "stopped: more than 16 MB of output" in result.output
    assert time.monotonic() - started < 60  # stopped at the cap (about 1 s here), not at its timeout


def test_verification_runs_can_be_read_only(tmp_path: Path) -> None:
    result = run_sandboxed(["python", "-c", "open('x', 'w')"], cwd=tmp_path, writable=False, timeout=30)
    assert result.returncode != 0 and "Read-only file system" in result.output
    assert not (tmp_path / "x").exists()


def test_without_a_sandbox_shell_is_disabled_with_one_line(
    project: Callable[..., Workspace], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AGENTRUNNER_BWRAP", str(tmp_path / "no-bwrap"))
    ws = project()
    assert "shell" not in [spec.name for spec in ws.specs()]
    result = ws.call("shell", {"command": "git status"}, CTX)
    assert not result.ok and "bubblewrap (bwrap) is not installed" in (result.error or "")
    assert "\n" not in (result.error or "")
    with pytest.raises(PermissionError, match="commands are disabled"):  # verification's path
        ws.run_argv(["git", "status"], timeout=5)
    report = run_doctor(ws.config.source_path, tiers=False)
    line = next(check for check in report.checks if check.name == "sandbox")
    assert line.status == "warn" and "shell is disabled" in line.detail and "bubblewrap" in line.detail


def test_doctor_reports_a_working_sandbox(project: Callable[..., Workspace]) -> None:
    ws = project()
    report = run_doctor(ws.config.source_path, tiers=False)
    line = next(check for check in report.checks if check.name == "sandbox")
    assert line.status == "ok" and "bubblewrap" in line.detail


def test_file_tools_never_write_agentrunners_own_python(
    project: Callable[..., Workspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A workspace holding agentrunner's own venv: a planted .pth would run unconfined at its next
    start. (A stand-in venv inside the workspace plays sys.prefix: the real one is never at risk.)"""
    ws = project()
    venv = ws.root / ".venv"
    (venv / "lib").mkdir(parents=True)
    monkeypatch.setattr("agentrunner.tools._RUNTIME", (venv.resolve(),))
    for target in (".venv/lib/evil.pth", "venv-link/lib/evil.pth"):
        if target.startswith("venv-link"):
            os.symlink(venv, ws.root / "venv-link")
        result = ws.call("write_file", {"path": target, "content": "import os\n"}, CTX)
        assert not result.ok and "own Python installation" in (result.error or ""), target
    assert not (venv / "lib" / "evil.pth").exists()


def test_pytest_runs_without_the_plugins_agentrunners_own_dependencies_install(tmp_path: Path) -> None:
    """langsmith (through langgraph) registers a pytest plugin in agentrunner's interpreter; loaded,
    it made every pytest start of the gate about 5 s slower here. It is the project's tests that
    run, not agentrunner's dependencies: the sandbox blocks that plugin, and only that one."""
    (tmp_path / "test_one.py").write_text(
        "import sys\n\n\ndef test_plugins():\n    assert 'langsmith.pytest_plugin' not in sys.modules\n", "utf-8"
    )
    result = run_sandboxed(["python", "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.output
    shown = run_sandboxed(["python", "-c", "import os; print(os.environ['PYTEST_ADDOPTS'])"], cwd=tmp_path, timeout=30)
    assert shown.output.strip() == "-p no:langsmith_plugin"
