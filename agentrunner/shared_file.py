"""A file other programs write too: rewrite it without losing a byte they wrote meanwhile.

To-do files are edited by people (editors, ``echo … >> today.md``, sync tools), by ``agentrunner
add`` and by runs ticking items, all at once. Three rules keep every line:

1. **One writer of ours at a time.** Every agentrunner writer takes ``fcntl.flock`` on the folder
   that holds the file (a directory's inode survives the file being replaced, so no lock file is
   left lying next to the user's notes; the kernel drops the lock when a process dies). Threads and
   processes wait for each other.
2. **Look again before swapping.** The new content is written to a temp file (fsynced), then the
   file is checked: another inode, or bytes changed anywhere but at the end, and the edit is made
   again on what is there now. The swap is ``renameat2(RENAME_EXCHANGE)``, so the old file stays
   reachable: if it is not the one we read (an editor replaced it in the last microseconds), it is
   swapped back and the edit made again.
3. **Bytes appended to the old file after we read it are carried over.** An appender that does
   not lock (``>>``) may have opened the old inode just before the swap and write to it just after.
   We keep the old inode open and copy whatever grows on it to the end of the new file until
   nobody has it open for writing any more — known from a read lease (``F_SETLEASE``), which the
   kernel grants only when no process has the file open for writing, and breaks when one opens
   it. Where leases are unavailable we poll the size for a short while instead.

Readers see the old file or the new one, never half of either (the swap is atomic; a crash leaves
at most a hidden temp file, removed by a later write once it is an hour old).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from .atomic import _remove_stale_temp_files
from .atomic import fsync_folder as _fsync_folder
from .errors import UsageError

# How long we keep copying bytes appended to the old inode while someone still holds it open for
# writing (an appender is open for microseconds; a program holding the file open for ever cannot be
# waited for).
CARRY_WAIT_SECONDS = 2.0
# Without leases: the old file's size must stay put this long before we stop watching it.
CARRY_QUIET_SECONDS = 0.02
TRIES = 50

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_thread_locks: dict[str, threading.Lock] = {}
_thread_locks_guard = threading.Lock()


@contextlib.contextmanager
def folder_lock(path: Path) -> Iterator[None]:
    """Exclusive, blocking: held by every agentrunner writer of files in ``path``'s folder."""
    folder = path.parent
    with _thread_locks_guard:
        thread_lock = _thread_locks.setdefault(str(folder), threading.Lock())
    with thread_lock:
        try:
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        except OSError as exc:
            raise UsageError(f"{folder}: cannot open the folder to lock it ({exc.strerror})") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the flock


def _read_all(fd: int) -> bytes:
    chunks: list[bytes] = []
    offset = 0
    while True:
        chunk = os.pread(fd, 1 << 20, offset)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        offset += len(chunk)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


_libc: ctypes.CDLL | None = None


def _exchange(first: Path, second: Path) -> bool:
    """Atomically swap two names. False when the system or file system cannot (the caller then
    falls back to a plain rename)."""
    global _libc
    try:
        if _libc is None:
            _libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = _libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(code, os.strerror(code), str(second))


def _copy_tail(source: int, offset: int, target: int) -> int:
    """Append ``source[offset:]`` to ``target`` (opened O_APPEND); the new offset."""
    while True:
        chunk = os.pread(source, 1 << 20, offset)
        if not chunk:
            return offset
        _write_all(target, chunk)
        offset += len(chunk)


def _carry_appends(old_fd: int, offset: int, new_fd: int) -> int:
    """Copy what lands on the old inode past ``offset`` to the new file until no one has the old
    inode open for writing. Returns the number of bytes carried."""
    start = offset
    deadline = time.monotonic() + CARRY_WAIT_SECONDS
    leases = True
    with contextlib.suppress(OSError):  # a lease break must not kill us with SIGIO's default action
        fcntl.fcntl(old_fd, fcntl.F_SETSIG, signal.SIGURG)
    quiet_since = time.monotonic()
    while True:
        grown = _copy_tail(old_fd, offset, new_fd)
        if grown != offset:
            quiet_since = time.monotonic()
        offset = grown
        if leases:
            try:
                fcntl.fcntl(old_fd, fcntl.F_SETLEASE, fcntl.F_RDLCK)
            except OSError as exc:
                if exc.errno != errno.EAGAIN:  # not supported here (or not ours): watch the size
                    leases = False
                    continue
                if time.monotonic() > deadline:
                    return offset - start
                time.sleep(0.001)
                continue
            # No one has it open for writing, and opening it now would break our lease.
            offset = _copy_tail(old_fd, offset, new_fd)
            held = fcntl.fcntl(old_fd, fcntl.F_GETLEASE)
            fcntl.fcntl(old_fd, fcntl.F_SETLEASE, fcntl.F_UNLCK)
            if held == fcntl.F_RDLCK:
                return offset - start
            continue  # someone opened it meanwhile: wait for them too
        if time.monotonic() - quiet_since >= CARRY_QUIET_SECONDS or time.monotonic() > deadline:
            return offset - start
        time.sleep(0.002)


def _unchanged_or_appended(target: Path, old_fd: int, data: bytes) -> bool:
    """The file at ``target`` is still the inode we read, holding what we read (plus perhaps bytes
    appended since, which are carried over after the swap)."""
    try:
        now = os.stat(target)
    except FileNotFoundError:
        return False
    before = os.fstat(old_fd)
    if (now.st_dev, now.st_ino) != (before.st_dev, before.st_ino) or now.st_size < len(data):
        return False
    return os.pread(old_fd, len(data), 0) == data


def rewrite(path: Path, edit: Callable[[bytes], bytes | None]) -> bool:
    """Replace the file's bytes by ``edit(bytes)`` (None: leave it). Returns True if written.

    ``edit`` may run more than once: whenever the file changed under us it is called again on the
    new content. A symlink is written through to its target (the caller decides whether to allow
    it)."""
    target = Path(os.path.realpath(path))
    with folder_lock(target):
        for _ in range(TRIES):
            old_fd = os.open(target, os.O_RDONLY)
            try:
                data = _read_all(old_fd)
                new = edit(data)
                if new is None or new == data:
                    return False
                if _replace(target, old_fd, data, new):
                    return True
            finally:
                os.close(old_fd)
    raise UsageError(f"{path}: changed by another program on each of {TRIES} tries; not written")


def _replace(target: Path, old_fd: int, data: bytes, new: bytes) -> bool:
    """Swap ``new`` in for the file we read as ``data`` (open as ``old_fd``). False if the file
    turned out to have been changed or replaced by someone else: the caller edits it again."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        _write_all(fd, new)
        os.fsync(fd)
        os.fchmod(fd, os.fstat(old_fd).st_mode & 0o7777)
        if not _unchanged_or_appended(target, old_fd, data):
            return False
        if _exchange(tmp, target):
            swapped_out = os.stat(tmp)
            before = os.fstat(old_fd)
            if (swapped_out.st_dev, swapped_out.st_ino) != (before.st_dev, before.st_ino):
                # Replaced by someone else in the last instant: put theirs back, keeping anything
                # appended to ours meanwhile, and edit theirs.
                _exchange(tmp, target)
                with contextlib.suppress(OSError):
                    appended = os.pread(fd, 1 << 30, len(new))
                    if appended:
                        back = os.open(target, os.O_WRONLY | os.O_APPEND)
                        try:
                            _write_all(back, appended)
                        finally:
                            os.close(back)
                return False
        else:
            os.replace(tmp, target)
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_APPEND)
        if _carry_appends(old_fd, len(data), fd):
            os.fsync(fd)
        return True
    finally:
        os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        _remove_stale_temp_files(target)
        _fsync_folder(target.parent)


def append(path: Path, make: Callable[[bytes | None], bytes]) -> int:
    """Append ``make(current bytes)`` under the folder lock (``make(None)``: the content of a file
    that does not exist yet). No inode is swapped, so other appenders lose nothing. Returns the
    file offset just past the appended bytes."""
    target = Path(os.path.realpath(path))
    target.parent.mkdir(parents=True, exist_ok=True)
    with folder_lock(target):
        try:
            fd = os.open(target, os.O_RDWR | os.O_APPEND)
            data = make(_read_all(fd))
        except FileNotFoundError:
            fd = os.open(target, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
            current = _read_all(fd)  # someone who does not lock may have created it meanwhile
            data = make(current if current else None)
        try:
            _write_all(fd, data)
            end = os.lseek(fd, 0, os.SEEK_CUR)
            os.fsync(fd)
        finally:
            os.close(fd)
    _fsync_folder(target.parent)
    return end


__all__ = ["append", "folder_lock", "rewrite"]
