"""Parsing access-log lines in the common log format (CLF).

A line looks like::

    203.0.113.7 - alice [10/Oct/2026:13:55:36 +0000] "GET /index.html HTTP/1.1" 200 2326 0.045

The last field is optional: the request time in seconds, as nginx writes it with
``$request_time`` appended to the common format. A size of ``-`` means no body was sent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

TIME_FORMAT = "%d/%b/%Y:%H:%M:%S %z"

LINE_RE = re.compile(
    r'^(?P<host>\S+) (?P<ident>\S+) (?P<user>\S+) \[(?P<time>[^\]]+)\] '
    r'"(?P<method>[A-Z]+) (?P<path>\S+) (?P<protocol>[^"]+)" '
    r"(?P<status>\d{3}) (?P<size>\d+|-)(?: (?P<latency>\d+(?:\.\d+)?))?\s*$"
)


@dataclass(frozen=True)
class LogEntry:
    host: str
    user: str | None
    time: datetime
    method: str
    path: str
    protocol: str
    status: int
    size: int
    latency_ms: float | None = None


def parse_time(text: str) -> datetime:
    return datetime.strptime(text, TIME_FORMAT)


def parse_line(line: str) -> LogEntry | None:
    """One log line as a LogEntry, or None when the line is not in the common log format."""
    match = LINE_RE.match(line.strip())
    if match is None:
        return None
    try:
        time = parse_time(match["time"])
    except ValueError:
        return None
    size = 0 if match["size"] == "-" else int(match["size"])
    latency = match["latency"]
    return LogEntry(
        host=match["host"],
        user=None if match["user"] == "-" else match["user"],
        time=time,
        method=match["method"],
        path=match["path"],
        protocol=match["protocol"],
        status=int(match["status"]),
        size=size,
        latency_ms=None if latency is None else round(float(latency) * 1000, 3),
    )


class LogReader:
    """Iterates over the entries of a log file, counting the lines it had to skip."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.skipped = 0

    def __iter__(self) -> Iterator[LogEntry]:
        self.skipped = 0
        # TODO: read .gz rotated logs (access.log.1.gz) without unpacking them first
        with self.path.open(encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if not line.strip():
                    continue
                entry = parse_line(line)
                if entry is None:
                    self.skipped += 1
                    continue
                yield entry


def read_log(path: str | Path) -> list[LogEntry]:
    """Every parseable entry of the log file at ``path`` (malformed lines are skipped)."""
    return list(LogReader(path))
