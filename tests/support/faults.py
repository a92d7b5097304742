"""Fault injection helpers for the reliability tests: real read-only and full filesystems.

Both need mount(2) (root, or a container that allows it). Where mounting is refused the helpers
yield False and the calling test skips itself or falls back to ``RLIMIT_FSIZE`` in a subprocess,
which makes the kernel refuse writes past a size (EFBIG, the same path through SQLite as ENOSPC).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path


def _mount(*args: str) -> bool:
    if os.geteuid() != 0:
        return False
    result = subprocess.run(["mount", *args], capture_output=True, text=True)
    return result.returncode == 0


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True)


@contextmanager
def read_only_mount(directory: Path) -> Iterator[bool]:
    """Make ``directory`` (and everything in it) read-only, even for root: a read-only bind mount
    of itself. Yields False (and changes nothing) where mounting is not allowed."""
    directory.mkdir(parents=True, exist_ok=True)
    if not _mount("--bind", str(directory), str(directory)):
        yield False
        return
    try:
        if not _mount("-o", "remount,bind,ro", str(directory)):
            yield False
            return
        yield True
    finally:
        _umount(directory)


@contextmanager
def tiny_filesystem(directory: Path, size: str = "512k") -> Iterator[bool]:
    """A tmpfs of ``size`` mounted on ``directory`` (which must be empty): the disk fills up for
    real. Yields False where mounting is not allowed."""
    directory.mkdir(parents=True, exist_ok=True)
    if not _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(directory)):
        yield False
        return
    try:
        yield True
    finally:
        _umount(directory)


def fill(directory: Path, leave_bytes: int = 0) -> None:
    """Fill the filesystem holding ``directory`` until fewer than ``leave_bytes`` are free."""
    filler = directory / "filler.bin"
    with open(filler, "ab") as handle:
        chunk = b"\0" * 4096
        while True:
            stat = os.statvfs(directory)
            if stat.f_bavail * stat.f_frsize <= leave_bytes + len(chunk):
                break
            try:
                handle.write(chunk)
                handle.flush()
            except OSError:
                break


def run_with_file_size_limit(
    args: Sequence[str], limit_bytes: int, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    """Run a command whose writes past ``limit_bytes`` in any file fail (RLIMIT_FSIZE; SIGXFSZ is
    ignored so the write returns EFBIG instead of killing the process)."""
    code = (
        "import resource, signal, sys, os;"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN);"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit_bytes}, {limit_bytes}));"
        "os.execvp(sys.argv[1], sys.argv[1:])"
    )
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]
