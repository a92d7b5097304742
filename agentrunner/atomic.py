"""One way to replace a file: readers see the old bytes or the new ones, never half of them.

The data goes to a hidden temp file in the same folder, is fsynced, renamed over the target with
:func:`os.replace` (atomic on POSIX), and the folder is fsynced so the rename survives a power cut.
Every writer of the project — to-do files, result files, the agent's file tools — uses it.
"""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
import time
from pathlib import Path

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


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write text (UTF-8, surrogateescape) or bytes so that readers see the old file or the new one,
    never half of it. The new file keeps the old one's permission bits."""
    if isinstance(data, str):
        data = data.encode(ENCODING, ERRORS)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.chmod(tmp_name, os.stat(path).st_mode & 0o7777)
        except FileNotFoundError:
            os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _remove_stale_temp_files(path)
    try:  # make the rename itself durable
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass


__all__ = ["atomic_write"]
