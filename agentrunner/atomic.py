"""One way to replace a file: readers see the old bytes or the new ones, never half of them.

The data goes to a hidden temp file in the same folder, is fsynced, renamed over the target with
:func:`os.replace` (atomic on POSIX), and the folder is fsynced so the rename survives a power cut.
Every writer of the project — to-do files, result files, the agent's file tools, routes.toml,
reports, outcome datasets, the trained router — uses it (:class:`AtomicFile` for streamed writes).
"""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
import time
from pathlib import Path
from typing import IO, Any

ENCODING = "utf-8"
ERRORS = "surrogateescape"  # undecodable bytes read with the same handler come back unchanged

STALE_TEMP_SECONDS = 3600


def _remove_stale_temp_files(path: Path) -> None:
    """Temp files a killed writer left behind (a live one exists for milliseconds): an hour old is
    certainly abandoned. They are hidden and never read, but should not pile up over months of cron."""
    cutoff = time.time() - STALE_TEMP_SECONDS
    for leftover in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()


class AtomicFile:
    """A file written in pieces (``handle``) that replaces ``path`` only on :meth:`commit`, with the
    same guarantees as :func:`atomic_write`; :meth:`abort` (or an exception before commit, when used
    as a context manager) leaves the old file untouched and removes the temp file."""

    def __init__(self, path: Path, *, binary: bool = False) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self.temp_name = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        self.handle: IO[Any] = (
            os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding=ENCODING, errors=ERRORS, newline="")
        )
        self.done = False

    def commit(self) -> None:
        if self.done:
            return
        try:
            self.handle.flush()
            os.fsync(self.handle.fileno())
            self.handle.close()
            try:
                os.chmod(self.temp_name, os.stat(self.path).st_mode & 0o7777)
            except FileNotFoundError:
                os.chmod(self.temp_name, 0o644)
            os.replace(self.temp_name, self.path)
        except BaseException:
            self.abort()
            raise
        self.done = True
        _remove_stale_temp_files(self.path)
        fsync_folder(self.path.parent)

    def abort(self) -> None:
        if self.done:
            return
        self.done = True
        with contextlib.suppress(OSError):
            self.handle.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.temp_name)

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is None:
            self.commit()
        else:
            self.abort()


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (not every file system allows it: best effort)."""
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write text (UTF-8, surrogateescape) or bytes so that readers see the old file or the new one,
    never half of it. The new file keeps the old one's permission bits."""
    if isinstance(data, str):
        data = data.encode(ENCODING, ERRORS)
    with AtomicFile(path, binary=True) as file:
        file.handle.write(data)


__all__ = ["AtomicFile", "atomic_write", "fsync_folder"]
