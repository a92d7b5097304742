"""Commands the agent runs, confined by the operating system (bubblewrap), not by their spelling.

An allow-list of command prefixes cannot confine a command: ``git diff --no-index /etc/hostname
/dev/null`` reads outside the workspace, ``git diff --output=/tmp/x`` writes outside it, and
``pytest`` runs whatever code the project holds. So every command runs under ``bwrap``, the way
Claude Code does on Linux:

- a new mount namespace holding only what a build or test tool needs: the workspace (writable, or
  read-only when the caller asks), ``/usr`` and the other system folders read-only, a short list of
  ``/etc`` files (the dynamic linker's cache, passwd/group, timezone, gitconfig …, not
  ``/etc/hostname``, ``ssh``, ``shadow`` or ``npmrc``), the Python installation running agentrunner
  and the installation of the command itself, read-only; a private ``/tmp``, a fresh ``/proc`` and a
  minimal ``/dev``. Home folders and every other data folder are simply absent.
- inside the workspace, the caller's protected paths: ``hidden`` ones (the agent's data folder) are
  an empty read-only folder, ``read_only`` ones (routes.toml, ``.git``) are readable but not
  writable, ``masked`` files (``.env``, keys) read as empty.
- no network (a new network namespace with only loopback), new user/pid/ipc/uts namespaces, all
  capabilities dropped, a new session (no terminal injection), and the sandbox dies with its parent.
- limits: a wall-clock timeout (the whole process group and pid namespace are killed), an output
  cap, ``RLIMIT_FSIZE`` (a 2 GB write fails with EFBIG), ``RLIMIT_AS`` (memory), and a process
  limit — a pids cgroup where one can be created, else ``RLIMIT_NPROC`` counted from the user's
  current processes — so a fork bomb stops at a few hundred processes.
- a clean environment: ``PATH``, ``HOME`` (private), locale and time zone; never API keys.

:func:`sandbox_status` probes once whether this works here (``bwrap`` installed, user namespaces
allowed, a process limit available) and says why not in one line; callers then refuse to run
commands at all — never unconfined. ``AGENTRUNNER_BWRAP`` names another bwrap binary (tests point
it at a missing file to see the refusal).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import importlib.metadata
import itertools
import os
import resource
import selectors
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

BWRAP_ENV = "AGENTRUNNER_BWRAP"

# /etc entries a compiler, git, Python or a test runner reads; everything else in /etc (hostname,
# machine-id, ssh, shadow, npmrc, pip.conf, environment …) stays out of the sandbox.
ETC_ALLOWED = (
    "alternatives", "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "passwd",
    "group", "nsswitch.conf", "hosts", "host.conf", "protocols", "services", "gitconfig", "python3",
    f"python3.{sys.version_info.minor}", "mime.types", "terminfo", "locale.alias", "os-release",
    "ssl", "ca-certificates",
)
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
SANDBOX_PATH = ("/usr/local/bin", "/usr/bin", "/bin", "/usr/local/sbin", "/usr/sbin", "/sbin")
SANDBOX_HOME = "/tmp/home"
OUTPUT_FLOOD_BYTES = 16 * 1024 * 1024  # a command printing more than this is stopped

# Files and folders that hold credentials by convention: tools neither read nor write them, and
# inside the sandbox they read as empty. Examples and templates (.env.example) are ordinary files.
SECRET_NAMES = frozenset({
    ".env", ".envrc", ".netrc", ".pgpass", ".npmrc", ".pypirc", ".git-credentials", ".dockercfg",
    "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", ".ssh", ".gnupg", ".aws", ".docker", ".kube",
})
SECRET_SUFFIXES = (".pem", ".key", ".p12", ".pfx", ".jks", ".keystore")
_ENV_TEMPLATES = (".example", ".sample", ".template", ".dist", ".defaults")


def is_secret_name(name: str) -> bool:
    """Whether a file or folder name is one that holds secrets by convention (``.env``,
    ``.env.local``, ``id_ed25519``, ``server.pem``, ``.aws`` …); ``.env.example`` is not."""
    if name in SECRET_NAMES:
        return True
    if name.startswith(".env.") and not name.endswith(_ENV_TEMPLATES):
        return True
    return name.lower().endswith(SECRET_SUFFIXES)


@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandboxed command (each applies to the whole sandbox or to each of
    its processes, as the kernel enforces it)."""

    max_processes: int = 256
    max_file_bytes: int = 512 * 1024 * 1024
    max_memory_bytes: int = 4 * 1024 * 1024 * 1024
    tmp_bytes: int = 512 * 1024 * 1024


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class CommandResult:
    """How a sandboxed command ended: ``returncode`` (negative: killed by that signal), its stdout
    and stderr interleaved (capped), and whether it ran out of time or printed too much."""

    returncode: int
    output: str
    timed_out: bool = False
    truncated: bool = False


class SandboxUnavailable(RuntimeError):
    """No working sandbox on this machine; ``str()`` is the one-line reason."""


# -- probing ------------------------------------------------------------------------------------


def bwrap_path() -> str | None:
    override = os.environ.get(BWRAP_ENV)
    if override:
        return override if os.access(override, os.X_OK) else None
    return shutil.which("bwrap")


def sandbox_status() -> str | None:
    """None when commands can be sandboxed here, else one line saying why not (and how to fix it)."""
    return _probe(bwrap_path(), os.geteuid())


@functools.lru_cache(maxsize=8)
def _probe(bwrap: str | None, euid: int) -> str | None:
    if bwrap is None:
        hint = "apt-get install bubblewrap" if shutil.which("apt-get") else "install bubblewrap"
        return f"bubblewrap (bwrap) is not installed: {hint}, then run again"
    if euid == 0 and _pids_cgroup_base() is None:
        return (
            "no process limit is possible: running as root (RLIMIT_NPROC does not apply) and no writable "
            "pids cgroup; run agentrunner as a normal user"
        )
    try:
        completed = subprocess.run(
            [bwrap, *_namespace_flags(), "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "--", "true"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bubblewrap ({bwrap}) does not start: {exc}"
    if completed.returncode != 0:
        why = " ".join(completed.stderr.decode("utf-8", "replace").split())[:200] or f"exit {completed.returncode}"
        return f"bubblewrap ({bwrap}) cannot create a sandbox here ({why}); user namespaces may be disabled"
    return None


def _namespace_flags() -> list[str]:
    return ["--unshare-all", "--unshare-user", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]


# -- the process limit ------------------------------------------------------------------------


def _pids_cgroup_base() -> Path | None:
    """The pids cgroup (v1 or v2) this process may create children in, or None."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, where = line.split(":", 2)
        if "pids" in controllers.split(","):
            base = Path("/sys/fs/cgroup/pids") / where.lstrip("/")
            if (base / "cgroup.procs").exists() and os.access(base, os.W_OK):
                return base
    for line in lines:
        if line.startswith("0::"):
            base = Path("/sys/fs/cgroup") / line[3:].lstrip("/")
            try:
                enabled = (base / "cgroup.subtree_control").read_text().split()
            except OSError:
                continue
            if "pids" in enabled and os.access(base, os.W_OK):
                return base
    return None


_cgroup_counter = itertools.count()


class _PidsCgroup:
    """A child pids cgroup holding one command: ``pids.max`` bounds its processes; at the end
    every process left in it is killed and the cgroup removed."""

    def __init__(self, base: Path, max_processes: int) -> None:
        _remove_stale_cgroups(base)
        self.path = base / f"agentrunner-{os.getpid()}-{next(_cgroup_counter)}"
        self.path.mkdir()
        (self.path / "pids.max").write_text(str(max_processes))
        self.procs = str(self.path / "cgroup.procs")

    def kill_all(self) -> None:
        for _ in range(50):
            try:
                pids = [int(p) for p in Path(self.procs).read_text().split()]
            except OSError:
                return
            if not pids:
                return
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.02)

    def remove(self) -> None:
        self.kill_all()
        for _ in range(200):
            try:
                self.path.rmdir()
                return
            except OSError as exc:
                if exc.errno != errno.EBUSY:
                    return
                time.sleep(0.005)  # the kernel frees an emptied cgroup a moment after its last exit


def _remove_stale_cgroups(base: Path) -> None:
    """Cgroups an agentrunner killed mid-command left behind (its processes died with it)."""
    for path in base.glob("agentrunner-*-*"):
        owner = path.name.split("-")[1]
        if owner.isdigit() and not Path(f"/proc/{owner}").exists():
            with contextlib.suppress(OSError):
                path.rmdir()


def _user_tasks(uid: int) -> int:
    """Threads this user runs now: RLIMIT_NPROC counts them all, so the limit is this plus the
    sandbox's allowance."""
    count = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if entry.stat().st_uid == uid:
                    count += len(os.listdir(f"/proc/{entry.name}/task"))
    return count


# -- what the sandbox holds ---------------------------------------------------------------------


def _prefix_of(executable: Path) -> Path | None:
    """The installation folder of ``…/PREFIX/bin/tool`` (a venv, pyenv, /opt/x), or None."""
    return executable.parent.parent if executable.parent.name == "bin" else None


def _runtime_dirs(argv0: str) -> list[Path]:
    """Read-only folders outside the system ones a command needs: this Python's venv and base
    installation (``python``, ``pytest``, ``ruff`` of the project's venv) and the installation of
    the command itself."""
    dirs = [Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).parent]
    exe = Path(argv0)
    for path in (exe, exe.resolve()):
        prefix = _prefix_of(path)
        dirs.append(prefix if prefix is not None and prefix != Path("/") else path.parent)
    unique: list[Path] = []
    for path in dirs:
        path = Path(os.path.abspath(path))
        real = path.resolve()
        for candidate in (path, real):
            if candidate.is_dir() and candidate not in unique and not _is_system(candidate):
                unique.append(candidate)
    return unique


def _is_system(path: Path) -> bool:
    return any(path == Path(d) or path.is_relative_to(d) for d in SYSTEM_DIRS)


def find_command(name: str, cwd: Path) -> str | None:
    """The absolute path a command name runs: ``python``/``python3`` are the interpreter running
    agentrunner (its venv holds pytest and ruff), other names are looked up in that venv's ``bin``
    first, then in the system folders; a name with a slash is relative to ``cwd``."""
    if "/" in name:
        path = Path(name) if Path(name).is_absolute() else cwd / name
        return str(path) if os.access(path, os.X_OK) and path.is_file() else None
    venv_bin = Path(sys.executable).parent
    if name in ("python", "python3", f"python3.{sys.version_info.minor}"):
        return sys.executable
    return shutil.which(name, path=os.pathsep.join([str(venv_bin), *SANDBOX_PATH]))


# pytest plugins agentrunner's own dependencies install into its interpreter, not the project's:
# langsmith's (through langgraph) imports langsmith at every pytest start — 5.7 s against 0.6 s
# for a one-test run here — and the gate starts pytest several times an item
_FOREIGN_PYTEST_PLUGINS = ("langsmith_plugin",)


@functools.cache
def _blocked_pytest_plugins() -> str:
    """``-p no:NAME`` for each foreign plugin this interpreter has, as PYTEST_ADDOPTS takes them."""
    try:
        installed = {entry.name for entry in importlib.metadata.entry_points(group="pytest11")}
    except Exception:  # a broken distribution's metadata must not stop a command
        return ""
    return " ".join(f"-p no:{name}" for name in _FOREIGN_PYTEST_PLUGINS if name in installed)


def _environment(path_dirs: Sequence[str], extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {
        "PATH": os.pathsep.join(path_dirs),
        "HOME": SANDBOX_HOME,
        "TMPDIR": "/tmp",
        "LANG": os.environ.get("LANG", "C.UTF-8"),
        "TERM": "dumb",
        "PYTHONDONTWRITEBYTECODE": "1",
        "NO_COLOR": "1",
    }
    for name in ("LC_ALL", "LC_CTYPE", "TZ", "SOURCE_DATE_EPOCH"):
        if name in os.environ:
            env[name] = os.environ[name]
    if sys.prefix != sys.base_prefix:
        env["VIRTUAL_ENV"] = sys.prefix
    blocked = _blocked_pytest_plugins()
    if blocked:
        env["PYTEST_ADDOPTS"] = blocked
    env.update(extra or {})
    return env


def bwrap_argv(
    argv: Sequence[str],
    *,
    cwd: Path,
    workspace: Path,
    writable: bool,
    hidden: Sequence[Path] = (),
    read_only: Sequence[Path] = (),
    masked: Sequence[Path] = (),
    limits: Limits = DEFAULT_LIMITS,
    env: dict[str, str] | None = None,
    empty_fd: int | None = None,
) -> list[str]:
    """The full ``bwrap … -- argv`` command line (``argv[0]`` already absolute). ``empty_fd``: the
    read end of a pipe whose write end is closed, passed to bwrap: the empty content of masked files
    (a bind of /dev/null would be refused: bind mounts are nodev)."""
    bwrap = bwrap_path()
    if bwrap is None:
        raise SandboxUnavailable(sandbox_status() or "bubblewrap is not installed")
    args = [bwrap, *_namespace_flags()]
    for name in SYSTEM_DIRS:
        path = Path(name)
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), name]
        elif path.is_dir():
            args += ["--ro-bind", name, name]
    for name in ETC_ALLOWED:
        path = Path("/etc") / name
        if path.exists():
            args += ["--ro-bind", str(path), str(path)]
    args += ["--proc", "/proc", "--dev", "/dev"]
    args += ["--size", str(limits.tmp_bytes), "--tmpfs", "/tmp", "--dir", SANDBOX_HOME]
    args += ["--tmpfs", "/var/tmp"]
    runtime = _runtime_dirs(argv[0])
    for path in runtime:
        if not path.is_relative_to(workspace):
            args += ["--ro-bind", str(path), str(path)]
    args += ["--bind" if writable else "--ro-bind", str(workspace), str(workspace)]
    # agentrunner's own venv inside the workspace: code planted there would run unconfined later
    for path in runtime:
        if path.is_relative_to(workspace) and path != workspace:
            args += ["--ro-bind", str(path), str(path)]
    # .git of a worktree is a file naming the real git folder: readable, like .git itself
    for path in read_only:
        if path.exists():
            args += ["--ro-bind", str(path), str(path)]
            for extra in _git_dirs(path):
                if not extra.is_relative_to(workspace):
                    args += ["--ro-bind", str(extra), str(extra)]
    files = [p for p in (*hidden, *masked) if p.is_file() and not p.is_symlink() and p.is_relative_to(workspace)]
    if files and empty_fd is None:
        raise ValueError("masking files needs empty_fd")
    for path in hidden:
        if path.is_dir() and not path.is_symlink():
            args += ["--tmpfs", str(path), "--remount-ro", str(path)]
    for path in files:
        args += ["--ro-bind-data", str(empty_fd), str(path)]
    path_dirs = [d for d in dict.fromkeys([str(Path(sys.executable).parent), *SANDBOX_PATH]) if Path(d).is_dir()]
    exe_dir = str(Path(argv[0]).parent)
    if exe_dir not in path_dirs:
        path_dirs.append(exe_dir)
    args += ["--chdir", str(cwd)]
    for name, value in _environment(path_dirs, env).items():
        args += ["--setenv", name, value]
    return [*args, "--", *argv]


def _git_dirs(path: Path) -> list[Path]:
    """The folders a ``.git`` file (worktree, submodule) points at: its gitdir and common dir."""
    if not path.is_file():
        return []
    try:
        text = path.read_text("utf-8", "replace").strip()
    except OSError:
        return []
    if not text.startswith("gitdir:"):
        return []
    gitdir = (path.parent / text.removeprefix("gitdir:").strip()).resolve()
    found = [gitdir] if gitdir.is_dir() else []
    with contextlib.suppress(OSError):
        common = (gitdir / (gitdir / "commondir").read_text().strip()).resolve()
        if common.is_dir():
            found.append(common)
    return found


# -- running ------------------------------------------------------------------------------------


def run_sandboxed(
    argv: Sequence[str],
    *,
    cwd: Path,
    writable: bool = True,
    timeout: float = 60.0,
    output_cap: int = 20_000,
    workspace: Path | None = None,
    hidden: Sequence[Path] = (),
    read_only: Sequence[Path] = (),
    masked: Sequence[Path] = (),
    limits: Limits = DEFAULT_LIMITS,
    env: dict[str, str] | None = None,
) -> CommandResult:
    """Run ``argv`` (no shell) confined to ``workspace`` (default ``cwd``), see the module doc.

    ``output`` keeps the first ``output_cap`` characters and the last few hundred, with a marker
    between; a command still running after ``timeout`` seconds is killed with everything it
    started (``timed_out``). A command that is not found is returncode 127. Raises
    :class:`SandboxUnavailable` when there is no working sandbox — it never runs unconfined."""
    why = sandbox_status()
    if why is not None:
        raise SandboxUnavailable(why)
    if not argv:
        raise ValueError("empty command")
    workspace = Path(workspace or cwd).resolve()
    cwd = Path(cwd).resolve()
    found = find_command(argv[0], cwd)
    if found is None:
        return CommandResult(127, f"command not found: {argv[0]}")
    # masked files read as this pipe's (empty) content: its write end is closed at once
    empty_fd, writer = os.pipe()
    os.close(writer)
    try:
        command = bwrap_argv(
            [found, *argv[1:]],
            cwd=cwd,
            workspace=workspace,
            writable=writable,
            hidden=hidden,
            read_only=read_only,
            masked=masked,
            limits=limits,
            env=env,
            empty_fd=empty_fd,
        )
        return _run(command, timeout, output_cap, limits, empty_fd)
    finally:
        os.close(empty_fd)


def _run(command: list[str], timeout: float, output_cap: int, limits: Limits, empty_fd: int) -> CommandResult:
    base = _pids_cgroup_base()
    cgroup = _PidsCgroup(base, limits.max_processes) if base is not None else None
    nproc = None if cgroup is not None else _user_tasks(os.getuid()) + limits.max_processes

    def confine() -> None:  # in the child, before exec: only async-signal-safe-ish calls
        if cgroup is not None:
            fd = os.open(cgroup.procs, os.O_WRONLY)
            os.write(fd, str(os.getpid()).encode())
            os.close(fd)
        if nproc is not None:
            resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.max_file_bytes, limits.max_file_bytes))
        resource.setrlimit(resource.RLIMIT_AS, (limits.max_memory_bytes, limits.max_memory_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    try:
        process = subprocess.Popen(  # argv, never a shell
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env={},
            pass_fds=(empty_fd,),
            start_new_session=True,
            preexec_fn=confine,  # rlimits and the cgroup must be set before exec
        )
        try:
            head, tail, total, timed_out, flooded = _collect(process, timeout, output_cap)
        finally:
            _kill_group(process)
            if cgroup is not None:
                cgroup.kill_all()
            process.wait()
    finally:
        if cgroup is not None:
            cgroup.remove()
    output = _render(head, tail, total, output_cap, flooded)
    truncated = total > len(head) + len(tail) or flooded or total > output_cap
    return CommandResult(process.returncode, output, timed_out=timed_out, truncated=truncated)


def _collect(process: subprocess.Popen[bytes], timeout: float, cap: int) -> tuple[bytes, bytes, int, bool, bool]:
    """Read the command's output until it closes and exits, the deadline passes or it floods."""
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    head = bytearray()
    tail = bytearray()
    tail_keep = min(2000, max(cap // 4, 200))
    total = 0
    fd = process.stdout.fileno()
    os.set_blocking(fd, False)
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        open_pipe = True
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return bytes(head), bytes(tail), total, True, False
            if not open_pipe:
                try:
                    process.wait(timeout=remaining)
                except subprocess.TimeoutExpired:
                    return bytes(head), bytes(tail), total, True, False
                return bytes(head), bytes(tail), total, False, False
            if not selector.select(timeout=min(remaining, 0.5)):
                continue
            try:
                chunk = os.read(fd, 65536)
            except BlockingIOError:
                continue
            if not chunk:
                open_pipe = False
                continue
            total += len(chunk)
            room = cap * 4 - len(head)  # bytes: a character is up to 4 of them
            if room > 0:
                head += chunk[:room]
                chunk = chunk[room:]
            if chunk:
                tail = (tail + chunk)[-tail_keep * 4 :]
            if total > OUTPUT_FLOOD_BYTES:
                return bytes(head), bytes(tail), total, False, True


def _render(head: bytes, tail: bytes, total: int, cap: int, flooded: bool) -> str:
    """At most ``cap`` characters of output: all of it, or its start and its last quarter (up to
    2,000 characters: where test runners print their summary) with a marker between."""
    text = head.decode("utf-8", "replace")
    end = tail.decode("utf-8", "replace")
    if not end and not flooded and len(text) <= cap:
        return text
    keep_tail = min(2000, cap // 4)
    shown = text[: cap - keep_tail]
    last = (end if end else text[cap - keep_tail :])[-keep_tail:] if keep_tail else ""
    note = f"\n[… output capped at {cap} characters; {total:,} bytes in all"
    note += "; stopped: more than 16 MB of output]\n" if flooded else "]\n"
    return shown + note + last


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the sandbox's process group; bwrap's own pid namespace takes everything inside with it."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


__all__ = [
    "DEFAULT_LIMITS",
    "CommandResult",
    "Limits",
    "SandboxUnavailable",
    "bwrap_argv",
    "find_command",
    "is_secret_name",
    "run_sandboxed",
    "sandbox_status",
]
