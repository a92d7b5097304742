"""The agent's tools, confined to the workspace, each call recorded in the ledger.

File tools take paths relative to ``agent.workspace``. A path is refused when it is absolute,
contains ``..``, or resolves (following symlinks) to somewhere outside the workspace — a symlink
inside the workspace pointing out of it is an escape too. Inside the workspace, the agent's own data
folder (``.agentrunner/``), ``.git/`` and secret-looking files (``.env``, keys:
:func:`agentrunner.sandbox.is_secret_name`) are neither read nor written, and the active
routes.toml, the to-do lists (``tasks/*.md``) and their results (``tasks/done/``) are never written.
Reads and writes walk the path from the workspace folder one component at a time without following
symlinks (``O_NOFOLLOW``, a directory fd per step), so a folder swapped for a symlink between the
check and the write is refused, not followed; a file with more than one hard link is refused (the
other name may be outside the workspace or a protected file); a write is at most
:data:`MAX_WRITE_BYTES`.

``shell`` exists only when listed in ``agent.tools`` and a sandbox works here
(:mod:`agentrunner.sandbox`: bubblewrap; without it the tool is disabled with one line saying why).
It runs a command only if it matches an ``agent.shell_allow`` entry (the entry's words are a prefix
of the command's), splits it with :mod:`shlex` and runs it without a shell, inside the sandbox, with
a timeout and an output cap. The allow-list is the second layer; the sandbox is the confinement.

Every call, allowed or refused, is a row of the ledger's ``tool_calls`` table with its run, task
and step ids.
"""

from __future__ import annotations

import contextlib
import contextvars
import csv
import errno
import io
import keyword
import os
import re
import shlex
import stat
import subprocess
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from .atomic import ENCODING, ERRORS
from .chat import ToolSpec
from .config import Config
from .edits import EditError, apply_edit, dropped_content, elision, numbered, parse_problem
from .ledger import Ledger
from .sandbox import CommandResult, SandboxUnavailable, is_secret_name, run_sandboxed, sandbox_status

MAX_READ_CHARS = 20_000
MAX_READ_BYTES = 4 * 1024 * 1024  # read_file shows 20,000 characters: never load a huge file for that
MAX_WRITE_BYTES = 8 * 1024 * 1024  # no source or result file the agent writes is bigger
MAX_LIST_ENTRIES = 200
MAX_GREP_MATCHES = 60
# write_file may replace a whole existing file only up to this size: a model rewriting a long file
# drops or elides parts of it; edit_file changes a snippet instead
WRITE_REPLACE_MAX_LINES = 150
# the tools a configuration enables or not (agent.tools); the others are the agent's own helpers
MODEL_TOOLS = ("read_file", "write_file", "edit_file", "list_files", "grep", "glob", "run", "shell")
# `run` runs these (the words start the command), whatever agent.shell_allow says: checks whose
# output the model needs (tests, lint, compile), nothing that fetches or installs
RUN_ALLOW = (
    "pytest",
    "python -m pytest",
    "python3 -m pytest",
    "ruff check",
    "python -m py_compile",
    "python3 -m py_compile",
)
_SKIP_DIRS = {
    ".git",
    ".venv",
    "venv",
    "node_modules",
    "__pycache__",
    ".agentrunner",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
}
_SHELL_OPERATORS = {"|", "||", "&&", ";", "&", ">", ">>", "<", "<<", "2>", "2>&1", "$(", "`"}


def tool_spec(name: str, description: str, required: list[str], **properties: str) -> ToolSpec:
    """A tool's spec from its described arguments (strings, but ``offset``/``limit`` are integers)."""
    kinds = {"offset": "integer", "limit": "integer"}
    return ToolSpec(
        name=name,
        description=description,
        parameters={
            "type": "object",
            "properties": {
                key: {"type": kinds.get(key, "string"), "description": text} for key, text in properties.items()
            },
            "required": required,
        },
    )


class ToolRefused(Exception):
    """The tool call is not allowed (confinement, allow-list) or its arguments are wrong."""


@dataclass
class ToolResult:
    ok: bool
    output: str
    error: str | None = None

    def as_message(self) -> str:
        return self.output if self.ok else f"error: {self.error}"


@dataclass(frozen=True)
class ToolContext:
    run_id: str | None = None
    task_id: str | None = None
    step_id: str | None = None


class WriteGuard(Protocol):
    """What watches the workspace's changes (the agent's per-item journal: agent/journal.py)."""

    def writing(self, path: Path, task_id: str | None) -> AbstractContextManager[None]: ...

    def command(self, task_id: str | None) -> AbstractContextManager[None]: ...


# the task (item) whose tool call is running: the guard journals the change under it
_CALLING: contextvars.ContextVar[str | None] = contextvars.ContextVar("agentrunner_tool_task", default=None)


def _identifier(value: Any, name: str) -> str:
    text = str(value or "")
    if not text.isidentifier() or keyword.iskeyword(text):
        raise ToolRefused(f"{name}: {text!r} is not an identifier")
    return text


class Workspace:
    """Confined file and shell tools for one configuration's workspace."""

    def __init__(self, config: Config, ledger: Ledger | None = None, *, dry_run: bool = False) -> None:
        self.root = config.workspace
        self.config = config
        self.ledger = ledger
        self.dry_run = dry_run
        self.enabled = list(config.agent.tools)
        # without a working sandbox, no command runs at all (never unconfined): one line says why
        self.shell_disabled = sandbox_status() if {"shell", "run"} & set(self.enabled) else None
        if self.shell_disabled:
            self.enabled = [tool for tool in self.enabled if tool not in ("shell", "run")]
        self.guard: WriteGuard | None = None
        self._tools: dict[str, Callable[[dict[str, Any]], str]] = {
            "read_file": self._read_file,
            "write_file": self._write_file,
            "edit_file": self._edit_file,
            "list_files": self._list_files,
            "grep": self._grep,
            "glob": self._glob,
            "run": self._run,
            "shell": self._shell,
            # deterministic helpers the agent applies from a model's structured instruction
            "csv_to_markdown": self._csv_to_markdown,
            "replace_identifier": self._replace_identifier,
        }

    # -- confinement ------------------------------------------------------------------------

    def resolve(self, raw: Any, *, for_write: bool = False) -> Path:
        """The real path of a workspace-relative path, or ToolRefused (also for a protected path:
        the data folder, ``.git``, secret-looking files; with ``for_write`` the active routes.toml)."""
        if not isinstance(raw, str) or not raw.strip():
            raise ToolRefused("path must be a non-empty string")
        text = raw.strip()
        if "\0" in text:
            raise ToolRefused("path contains a NUL byte")
        candidate = Path(text)
        if candidate.is_absolute() or text.startswith("~"):
            raise ToolRefused(f"{text}: absolute paths are not allowed; use a path inside the workspace")
        if ".." in candidate.parts:
            raise ToolRefused(f"{text}: '..' is not allowed in paths")
        resolved = (self.root / candidate).resolve()
        if resolved != self.root and not resolved.is_relative_to(self.root):
            raise ToolRefused(f"{text}: resolves outside the workspace (symlink?)")
        for path in (self.root / candidate, resolved):
            problem = self.protected(path, for_write=for_write)
            if problem:
                raise ToolRefused(f"{text}: {problem}")
        return resolved

    def protected(self, path: Path, *, for_write: bool) -> str | None:
        """Why tools may not touch ``path`` (absolute, inside the workspace), or None."""
        data_dir = self.config.data_dir.resolve()
        if path == data_dir or path.is_relative_to(data_dir):
            return "the agent's own data folder is off limits to tools"
        parts = path.relative_to(self.root).parts if path.is_relative_to(self.root) else path.parts
        if ".git" in parts:
            return "version control internals (.git) are off limits to tools"
        if any(is_secret_name(part) for part in parts):
            return "may hold secrets (.env, keys, credentials): off limits to tools"
        source = self.config.source_path
        if for_write and source is not None and path in (source, source.resolve()):
            return "the active configuration cannot be written by tools"
        tasks = self.config.tasks_dir
        if for_write and path.is_relative_to(tasks) and (
            (path.parent == tasks and path.suffix.lower() == ".md")
            or path.is_relative_to(tasks / "done")
            or path.is_relative_to(tasks / "review")
        ):
            # The to-do lists are agentrunner's to tick, and they are outside an item's rollback (the
            # runner merges them): Qwen once overwrote tasks/todo.md with the TODOs it was asked to
            # collect into docs/todo.md — the item vanished, its other file stayed.
            return "a to-do list or its results: agentrunner writes these itself; write the item's output where it says"
        if for_write and any(path.is_relative_to(prefix) for prefix in _RUNTIME):
            # a .pth file or module planted there would run, unconfined, in agentrunner's next start
            return "agentrunner's own Python installation cannot be written by tools"
        return None

    def _parent_fd(self, path: Path, *, create: bool) -> int:
        """An fd of ``path``'s folder, reached from the workspace one component at a time without
        following a symlink: a folder swapped for a link after :meth:`resolve` is refused here."""
        parts = path.relative_to(self.root).parts[:-1]
        fd = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY)
        try:
            for part in parts:
                if create:
                    with contextlib.suppress(FileExistsError):
                        os.mkdir(part, 0o777, dir_fd=fd)
                try:
                    child = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
                except OSError as exc:
                    raise ToolRefused(
                        f"{self.relative(path)}: {part} changed while being opened (symlink?): {exc.strerror}"
                    ) from None
                os.close(fd)
                fd = child
        except BaseException:
            os.close(fd)
            raise
        return fd

    def read_bytes(self, path: Path, limit: int = MAX_READ_BYTES) -> bytes:
        """At most ``limit`` bytes of a workspace file resolved by :meth:`resolve`, opened without
        following symlinks; a file with several hard links is refused."""
        parent = self._parent_fd(path, create=False)
        try:
            try:
                fd = os.open(path.name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=parent)
            except FileNotFoundError:
                raise ToolRefused(f"{self.relative(path)}: no such file") from None
            except OSError as exc:
                raise ToolRefused(f"{self.relative(path)}: cannot open ({exc.strerror}; symlink?)") from None
        finally:
            os.close(parent)
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            _refuse_unsafe_file(self.relative(path), info)
            return handle.read(limit)

    def write_bytes(self, path: Path, data: bytes) -> None:
        """Replace a workspace file atomically (temp file, fsync, rename) inside a folder fd reached
        without symlinks: the rename never lands outside the workspace."""
        if len(data) > MAX_WRITE_BYTES:
            raise ToolRefused(
                f"{self.relative(path)}: {len(data):,} bytes is more than a tool may write ({MAX_WRITE_BYTES:,})"
            )
        parent = self._parent_fd(path, create=True)
        try:
            mode = 0o644
            try:
                info = os.stat(path.name, dir_fd=parent, follow_symlinks=False)
            except FileNotFoundError:
                pass
            else:
                _refuse_unsafe_file(self.relative(path), info)
                mode = stat.S_IMODE(info.st_mode)
            temp = f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode, dir_fd=parent)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.chmod(temp, mode, dir_fd=parent)
                os.replace(temp, path.name, src_dir_fd=parent, dst_dir_fd=parent)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temp, dir_fd=parent)
                raise
            with contextlib.suppress(OSError):
                os.fsync(parent)
        finally:
            os.close(parent)

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix() if path != self.root else "."

    # -- changing the workspace: every tool that writes goes through these two ---------------

    def writing(self, path: Path) -> AbstractContextManager[None]:
        """Wrap every change of a workspace file in this (write, edit, delete): the guard records
        the file's original bytes durably first, and what the tool left after."""
        if self.guard is None:
            return contextlib.nullcontext()
        return self.guard.writing(path, _CALLING.get())

    def run_command(
        self,
        argv: list[str],
        *,
        timeout: float | None = None,
        writable: bool = True,
        task_id: str | None = None,
        env: dict[str, str] | None = None,
        output_cap: int | None = None,
    ) -> CommandResult:
        """The one place a command runs in the workspace (the shell tool, the verification's
        tests): inside the sandbox (:func:`agentrunner.sandbox.run_sandboxed`; ``writable=False``
        mounts the workspace read-only), with the agent's data folder hidden, routes.toml and
        ``.git`` read-only and secret-looking files empty; the guard snapshots what it may change.
        ``env``: variables to add to the sandbox's clean environment (only the ones that differ
        from this process's, so passing a copy of ``os.environ`` leaks no key). ``output_cap``:
        characters of output kept (the agent's ``shell_output_cap`` unless given).
        ToolRefused when no sandbox works here."""
        why = sandbox_status()
        if why is not None:
            raise ToolRefused(f"commands are disabled: {why}")
        extra = {k: v for k, v in (env or {}).items() if os.environ.get(k) != v}
        hidden, read_only, masked = self.sandbox_paths()
        guard = self.guard.command(task_id or _CALLING.get()) if self.guard and writable else contextlib.nullcontext()
        with guard:
            try:
                return run_sandboxed(
                    argv,
                    cwd=self.root,
                    writable=writable,
                    timeout=timeout if timeout is not None else self.config.agent.shell_timeout,
                    output_cap=output_cap if output_cap is not None else self.config.agent.shell_output_cap,
                    hidden=hidden,
                    read_only=read_only,
                    masked=masked,
                    env=extra,
                )
            except SandboxUnavailable as exc:
                raise ToolRefused(f"commands are disabled: {exc}") from None

    def run_argv(
        self,
        argv: list[str],
        *,
        timeout: float,
        task_id: str | None = None,
        env: dict[str, str] | None = None,
        writable: bool = True,
        output_cap: int | None = None,
    ) -> subprocess.CompletedProcess[bytes]:
        """:meth:`run_command` as a ``CompletedProcess`` (stdout and stderr interleaved in
        ``stdout``); TimeoutExpired and FileNotFoundError as ``subprocess.run`` raises them, and
        PermissionError when no sandbox works here (the command does not run at all)."""
        try:
            result = self.run_command(
                argv, timeout=timeout, task_id=task_id, env=env, writable=writable, output_cap=output_cap
            )
        except ToolRefused as exc:  # no sandbox here: an OSError, as when the command cannot start
            raise PermissionError(errno.EPERM, str(exc)) from None
        if result.timed_out:
            raise subprocess.TimeoutExpired(argv, timeout, output=result.output.encode("utf-8", "replace"))
        if result.returncode == 127 and result.output == f"command not found: {argv[0]}":
            raise FileNotFoundError(2, "command not found", argv[0])
        return subprocess.CompletedProcess(argv, result.returncode, result.output.encode("utf-8", "replace"), b"")

    def sandbox_paths(self) -> tuple[list[Path], list[Path], list[Path]]:
        """What commands must not touch inside the workspace: (hidden: the data folder; read-only:
        the active routes.toml, every ``.git``, this Python's installation; masked: secret-looking
        files, which read as empty)."""
        hidden = [self.config.data_dir.resolve()]
        read_only: list[Path] = []
        if self.config.source_path is not None:
            read_only.append(self.config.source_path.resolve())
        masked: list[Path] = []
        seen = 0
        for current, dirs, files in os.walk(self.root):
            here = Path(current)
            if here.resolve() in hidden:
                dirs[:] = []
                continue
            for name in (*dirs, *files):
                if name == ".git":
                    read_only.append(here / name)
                elif is_secret_name(name):
                    masked.append(here / name)
            dirs[:] = [d for d in dirs if d not in _UNSCANNED and d != ".git" and not is_secret_name(d)]
            seen += len(files) + len(dirs)
            if seen > _SCAN_LIMIT:
                break
        return hidden, read_only, masked

    # -- calling ----------------------------------------------------------------------------

    def specs(self) -> list[ToolSpec]:
        """Tool specs offered to the model: the enabled ones."""

        spec = tool_spec

        specs = {
            "read_file": spec(
                "read_file",
                "Read a text file of the workspace, lines numbered.",
                ["path"],
                path="file path",
                offset="first line (1-based)",
                limit="number of lines",
            ),
            "edit_file": spec(
                "edit_file",
                "Replace one exact snippet of a file: old must occur exactly once; include whole lines.",
                ["path", "old", "new"],
                path="file path",
                old="the exact current lines",
                new="the lines that replace them",
            ),
            "write_file": spec(
                "write_file",
                f"Create a new file, or replace a short one (up to {WRITE_REPLACE_MAX_LINES} lines) entirely.",
                ["path", "content"],
                path="file path",
                content="the complete file content",
            ),
            "list_files": spec("list_files", "List files under a folder of the workspace.", ["path"], path="folder"),
            "grep": spec(
                "grep",
                "Search files for a regular expression; answers path:line: text.",
                ["pattern"],
                pattern="regular expression",
                path="file or folder (default: everything)",
                glob="only files matching, e.g. *.py",
            ),
            "glob": spec("glob", "Find files by pattern, e.g. **/*.py.", ["pattern"], pattern="glob pattern"),
            "run": spec(
                "run",
                "Run a check and see its output: " + ", ".join(RUN_ALLOW[:5]) + " ….",
                ["command"],
                command="e.g. pytest -q",
            ),
            "shell": spec(
                "shell",
                "Run an allowed command: " + ", ".join(self.config.agent.shell_allow),
                ["command"],
                command="the command",
            ),
        }
        return [specs[name] for name in self.enabled if name in specs]

    def call(self, name: str, arguments: dict[str, Any], context: ToolContext | None = None) -> ToolResult:
        """Run one tool call and record it (refusals too)."""
        context = context or ToolContext()
        token = _CALLING.set(context.task_id)
        try:
            if name not in self._tools:
                raise ToolRefused(f"unknown tool {name!r}")
            if name in ("shell", "run") and self.shell_disabled:
                raise ToolRefused(f"tool {name!r} is disabled: {self.shell_disabled}")
            if name in MODEL_TOOLS and name not in self.enabled:
                raise ToolRefused(f"tool {name!r} is not enabled (agent.tools in routes.toml)")
            if not isinstance(arguments, dict):
                raise ToolRefused("arguments must be an object")
            output = self._tools[name](arguments)
            result = ToolResult(True, output)
        except ToolRefused as exc:
            result = ToolResult(False, "", str(exc))
        except OSError as exc:
            result = ToolResult(False, "", f"{exc.strerror or exc}")
        except ValueError as exc:  # e.g. "embedded null byte" in a path or command from the model
            result = ToolResult(False, "", f"invalid arguments: {exc}")
        finally:
            _CALLING.reset(token)
        if self.ledger is not None:
            self.ledger.record_tool_call(
                tool=name,
                arguments=arguments if isinstance(arguments, dict) else {"value": repr(arguments)},
                ok=result.ok,
                result=result.output,
                error=result.error,
                run_id=context.run_id,
                task_id=context.task_id,
                step_id=context.step_id,
            )
        return result

    # -- the tools --------------------------------------------------------------------------

    def _read_file(self, arguments: dict[str, Any]) -> str:
        """The file's text; with ``offset``/``limit`` (1-based first line, line count) or
        ``line_numbers`` the lines are numbered (the view a model edits from)."""
        path = self.resolve(arguments.get("path"))
        if not path.is_file():
            raise ToolRefused(f"{arguments.get('path')}: no such file{self._did_you_mean(arguments.get('path'))}")
        text = self.read_bytes(path).decode("utf-8", "replace")
        offset, limit = arguments.get("offset"), arguments.get("limit")
        if offset is None and limit is None and not arguments.get("line_numbers"):
            if len(text) > MAX_READ_CHARS:
                text = text[:MAX_READ_CHARS] + f"\n[… truncated at {MAX_READ_CHARS} characters]"
            return text
        try:
            first = max(int(offset or 1), 1)
            count = max(int(limit), 1) if limit is not None else 400
        except (TypeError, ValueError):
            raise ToolRefused("offset and limit must be whole numbers") from None
        lines = text.splitlines()
        if lines and first > len(lines):
            raise ToolRefused(f"{arguments.get('path')} has {len(lines)} lines; offset {first} is past the end")
        shown = numbered("\n".join(lines[first - 1 : first - 1 + count]), first)
        last = min(first - 1 + count, len(lines))
        if last < len(lines):
            shown += f"\n[lines {first}-{last} of {len(lines)}; read on with offset={last + 1}]"
        return shown[:MAX_READ_CHARS]

    def _did_you_mean(self, raw: Any) -> str:
        """A hint naming workspace files with the same name as a path that does not exist."""
        name = Path(str(raw or "")).name
        if not name:
            return ""
        found = [self.relative(p) for p in self.walk(self.root) if p.name == name][:3]
        return f" (did you mean {', '.join(found)}?)" if found else ""

    def walk(self, top: Path) -> list[Path]:
        """The files under ``top``, sorted, without hidden, cache and virtualenv folders, nor the
        agent's own result files (tasks/done/: they are not the project, and listing them would
        change the prompt of an item resumed after its result was written)."""
        files: list[Path] = []
        results = (self.config.tasks_dir / "done").resolve()
        for current, dirs, names in os.walk(top):
            here = Path(current)
            dirs[:] = sorted(
                d for d in dirs
                if d not in _SKIP_DIRS and not d.startswith(".") and (here / d).resolve() != results
                and not self.protected(here / d, for_write=False)
            )
            files += [here / name for name in sorted(names) if not self.protected(here / name, for_write=False)]
        return files

    def _check_content(self, path: Path, old: str | None, new: str, *, whole: bool = False) -> None:
        """Refuse a write that would leave a file that no longer parses, that replaces content with
        an elision placeholder, or — a whole-file rewrite — that drops most of the file (a model
        that answers with only the function it changed)."""
        label = self.relative(path)
        problem = parse_problem(label, new)
        if problem and (old is None or parse_problem(label, old) is None):
            raise ToolRefused(f"not written: {label} would not parse ({problem}); fix the content and try again")
        if old is not None:
            lazy = elision(old, new)
            if lazy:
                raise ToolRefused(f"not written: {lazy}; write out every line, or change only a snippet with edit_file")
        if old is not None and whole:
            dropped = dropped_content(label, old, new)
            if dropped:
                raise ToolRefused(
                    f"not written: the new {label} {dropped}; write the complete file, or change only a snippet "
                    "with an edit block"
                )

    def _edit_file(self, arguments: dict[str, Any]) -> str:
        path = self.resolve(arguments.get("path"), for_write=True)
        old = _first_string(arguments, "old", "old_string", "old_text", "search")
        new = _first_string(arguments, "new", "new_string", "new_text", "replace")
        if old is None or new is None:
            raise ToolRefused("edit_file needs path, old (the exact lines to replace) and new (their replacement)")
        if not path.is_file():
            raise ToolRefused(
                f"{arguments.get('path')}: no such file{self._did_you_mean(arguments.get('path'))}; "
                "create a new file with write_file"
            )
        text = self.read_bytes(path, MAX_WRITE_BYTES + 1).decode("utf-8", "replace")
        try:
            applied = apply_edit(text, old, new)
        except EditError as exc:
            raise ToolRefused(f"{self.relative(path)}: {exc}") from None
        self._check_content(path, text, applied.text)
        label = self.relative(path)
        if self.dry_run:
            return f"(dry run) would edit {label}"
        with self.writing(path):
            self.write_bytes(path, applied.text.encode(ENCODING, ERRORS))
        lines = applied.text.splitlines()
        begin, end = max(applied.start_line - 2, 1), min(applied.end_line + 1, len(lines))
        view = numbered("\n".join(lines[begin - 1 : end]), begin)
        how = "" if applied.how == "exact" else f" ({applied.how})"
        return f"edited {label}{how}; lines {begin}-{end} now:\n{view}"

    def _grep(self, arguments: dict[str, Any]) -> str:
        pattern = arguments.get("pattern")
        if not isinstance(pattern, str) or not pattern:
            raise ToolRefused("grep needs a pattern (a regular expression)")
        note = ""
        try:
            regex = re.compile(pattern)
        except re.error:
            regex, note = re.compile(re.escape(pattern)), f"(not a valid regex: searched for the text {pattern!r})\n"
        top = self.resolve(arguments.get("path") or ".")
        only = arguments.get("glob")
        files = [top] if top.is_file() else self.walk(top)
        matches: list[str] = []
        for file in files:
            if only and not file.match(str(only)):
                continue
            try:
                text = file.read_bytes().decode("utf-8")
            except (OSError, UnicodeDecodeError):
                continue  # binary or unreadable: not what grep is for
            for number, line in enumerate(text.splitlines(), 1):
                if regex.search(line):
                    matches.append(f"{self.relative(file)}:{number}: {line.strip()[:200]}")
                    if len(matches) >= MAX_GREP_MATCHES:
                        return note + "\n".join(matches) + f"\n[… stopped at {MAX_GREP_MATCHES} matches]"
        return note + ("\n".join(matches) if matches else "no matches")

    def _glob(self, arguments: dict[str, Any]) -> str:
        pattern = arguments.get("pattern")
        if not isinstance(pattern, str) or not pattern.strip():
            raise ToolRefused("glob needs a pattern such as **/*.py")
        if pattern.startswith("/") or ".." in Path(pattern).parts:
            raise ToolRefused(f"{pattern}: patterns are relative to the workspace, without '..'")
        found = sorted(
            self.relative(path)
            for path in self.root.glob(pattern)
            if path.is_file()
            and not any(part in _SKIP_DIRS or part.startswith(".") for part in path.relative_to(self.root).parts[:-1])
            and path.resolve().is_relative_to(self.root)
            and not self.protected(path, for_write=False)
        )
        if len(found) > MAX_LIST_ENTRIES:
            found = [*found[:MAX_LIST_ENTRIES], f"[… {len(found) - MAX_LIST_ENTRIES} more]"]
        return "\n".join(found) if found else "no files match"

    def _run(self, arguments: dict[str, Any]) -> str:
        """An allow-listed check (RUN_ALLOW): its exit code and output, whatever the exit code —
        a failing test is information for the next turn, not a refused call."""
        command = arguments.get("command")
        if not isinstance(command, str) or not command.strip():
            raise ToolRefused("run needs a command, e.g. pytest -q")
        try:
            argv = shlex.split(command)
        except ValueError as exc:
            raise ToolRefused(f"cannot parse command: {exc}") from None
        if any(token in _SHELL_OPERATORS for token in argv):
            raise ToolRefused("shell operators are not supported (no shell runs the command)")
        if not any(argv[: len(allowed.split())] == allowed.split() for allowed in RUN_ALLOW):
            raise ToolRefused(f"run allows only: {', '.join(RUN_ALLOW)}")
        if self.dry_run:
            return f"(dry run) would run {argv}"
        code, output = self._execute(argv, command)
        return f"exit code {code}\n{output}"

    def _write_file(self, arguments: dict[str, Any]) -> str:
        path = self.resolve(arguments.get("path"), for_write=True)
        content = arguments.get("content")
        if not isinstance(content, str):
            raise ToolRefused("content must be a string")
        if len(content) > MAX_WRITE_BYTES:  # before encoding a huge string
            raise ToolRefused(f"{len(content):,} characters is more than a tool may write ({MAX_WRITE_BYTES:,} bytes)")
        if path.is_dir():
            raise ToolRefused(f"{arguments.get('path')}: is a folder")
        old = self.read_bytes(path, MAX_WRITE_BYTES + 1).decode("utf-8", "replace") if path.is_file() else None
        if old is not None and old.count("\n") > WRITE_REPLACE_MAX_LINES:
            raise ToolRefused(
                f"not written: {self.relative(path)} exists and has more than {WRITE_REPLACE_MAX_LINES} lines; "
                "change it with edit_file (replace a snippet)"
            )
        self._check_content(path, old, content, whole=True)
        if self.dry_run:
            return f"(dry run) would write {len(content)} characters to {self.relative(path)}"
        data = content.encode(ENCODING, ERRORS)
        # the parent folders are created inside the workspace only, walked without symlinks
        with self.writing(path):
            self.write_bytes(path, data)
        return f"wrote {len(content)} characters to {self.relative(path)}"

    def _list_files(self, arguments: dict[str, Any]) -> str:
        path = self.resolve(arguments.get("path") or ".")
        if not path.is_dir():
            raise ToolRefused(f"{arguments.get('path')}: no such folder")
        entries: list[str] = []
        for current, dirs, files in os.walk(path):
            here = Path(current)
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not self.protected(here / d, for_write=False))
            for name in sorted(files):
                if name.startswith(".") or self.protected(here / name, for_write=False):
                    continue
                entries.append(self.relative(Path(current) / name))
                if len(entries) >= MAX_LIST_ENTRIES:
                    entries.append(f"[… more than {MAX_LIST_ENTRIES} files]")
                    return "\n".join(entries)
        return "\n".join(entries)

    def shell_allowed(self, command: str) -> list[str]:
        """The argv of an allowed command, or ToolRefused."""
        if "shell" not in self.enabled:
            raise ToolRefused("tool 'shell' is not enabled (agent.tools in routes.toml)")
        try:
            argv = shlex.split(command)
        except ValueError as exc:
            raise ToolRefused(f"cannot parse command: {exc}") from None
        if not argv:
            raise ToolRefused("empty command")
        operators = [token for token in argv if token in _SHELL_OPERATORS]
        if operators:
            # there is no shell to interpret them: say so rather than pass them as arguments
            raise ToolRefused(f"shell operators are not supported (no shell runs the command): {operators[0]!r}")
        for allowed in self.config.agent.shell_allow:
            prefix = shlex.split(allowed)
            if prefix and argv[: len(prefix)] == prefix:
                return argv
        raise ToolRefused(f"command not allowed: {command!r} (agent.shell_allow: {self.config.agent.shell_allow})")

    def _shell(self, arguments: dict[str, Any]) -> str:
        command = arguments.get("command")
        if not isinstance(command, str):
            raise ToolRefused("command must be a string")
        argv = self.shell_allowed(command)
        if self.dry_run:
            return f"(dry run) would run {argv}"
        code, output = self._execute(argv, command)
        if code != 0:
            raise ToolRefused(f"exit {code}: {output[-2000:]}")
        return output

    def _execute(self, argv: list[str], command: str) -> tuple[int, str]:
        """Run an allowed argv in the workspace, in the sandbox: exit code and capped output."""
        result = self.run_command(argv, timeout=self.config.agent.shell_timeout)
        if result.timed_out:
            raise ToolRefused(
                f"timed out after {self.config.agent.shell_timeout:g}s (killed with everything it started): {command}"
            )
        if result.returncode == 127 and result.output == f"command not found: {argv[0]}":
            raise ToolRefused(result.output)
        return result.returncode, result.output

    def _csv_to_markdown(self, arguments: dict[str, Any]) -> str:
        source = self.resolve(arguments.get("source"))
        destination = self.resolve(arguments.get("destination"))
        if source.suffix.lower() != ".csv":
            raise ToolRefused(f"source must be a .csv file, got {arguments.get('source')!r}")
        if destination.suffix.lower() != ".md":
            raise ToolRefused(f"destination must be a .md file, got {arguments.get('destination')!r}")
        if not source.is_file():
            raise ToolRefused(f"{arguments.get('source')}: no such file")
        table = csv_to_markdown(self.read_bytes(source).decode("utf-8"))
        return self._write_file({"path": self.relative(destination), "content": table})

    def _replace_identifier(self, arguments: dict[str, Any]) -> str:
        path = self.resolve(arguments.get("path"), for_write=True)
        old = _identifier(arguments.get("old"), "old")
        new = _identifier(arguments.get("new"), "new")
        if not path.is_file():
            raise ToolRefused(f"{arguments.get('path')}: no such file")
        # ``skip_lines_with``: lines naming that identifier too are left as they are — in a page, a line
        # naming both the old and the new name describes the rename ("Rename `a` to `b`"), it is no use
        skip = arguments.get("skip_lines_with")
        keep = re.compile(rf"(?<![\w]){re.escape(_identifier(skip, 'skip_lines_with'))}(?![\w])") if skip else None
        text = self.read_bytes(path, MAX_WRITE_BYTES + 1).decode("utf-8")
        pattern = re.compile(rf"(?<![\w]){re.escape(old)}(?![\w])")
        lines = text.splitlines(keepends=True)
        count = sum(len(pattern.findall(line)) for line in lines if not (keep and keep.search(line)))
        if count == 0:
            raise ToolRefused(f"{old!r} does not occur in {arguments.get('path')}")
        if self.dry_run:
            return f"(dry run) would replace {count} occurrences"
        replaced = "".join(line if keep and keep.search(line) else pattern.sub(new, line) for line in lines)
        with self.writing(path):
            self.write_bytes(path, replaced.encode(ENCODING, ERRORS))
        return f"replaced {count} occurrences of {old} with {new} in {self.relative(path)}"


def _first_string(arguments: dict[str, Any], *names: str) -> str | None:
    """The first of several accepted argument names that holds a string (models name them variously)."""
    for name in names:
        value = arguments.get(name)
        if isinstance(value, str):
            return value
    return None


# folders of installed dependencies and caches: no one keeps secrets there, and they can be huge
_UNSCANNED = {"node_modules", ".venv", "venv", "__pycache__", ".tox", ".nox", ".mypy_cache", ".ruff_cache",
              ".pytest_cache", "site-packages"}
_SCAN_LIMIT = 50_000
_RUNTIME = tuple(dict.fromkeys(Path(p).resolve() for p in (sys.prefix, sys.base_prefix)))


def _refuse_unsafe_file(name: str, info: os.stat_result) -> None:
    if stat.S_ISLNK(info.st_mode):
        raise ToolRefused(f"{name}: is a symlink that changed after the check")
    if not stat.S_ISREG(info.st_mode):
        raise ToolRefused(f"{name}: not a regular file")
    if info.st_nlink > 1:
        raise ToolRefused(
            f"{name}: has {info.st_nlink} hard links; another name of it may be outside the workspace or "
            "a protected file, so tools do not touch it"
        )


def csv_to_markdown(text: str) -> str:
    """A GitHub markdown table of a CSV text (first row = header)."""
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if not rows:
        raise ToolRefused("the CSV is empty")
    width = max(len(row) for row in rows)
    rows = [[cell.strip().replace("|", "\\|") for cell in row] + [""] * (width - len(row)) for row in rows]
    header, body = rows[0], rows[1:]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in body]
    return "\n".join(lines) + "\n"


__all__ = ["ToolContext", "ToolRefused", "ToolResult", "Workspace", "csv_to_markdown"]
