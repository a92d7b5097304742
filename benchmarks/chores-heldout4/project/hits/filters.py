"""Selecting log entries: by method, by status class, by time window."""

from __future__ import annotations

from hits.parse import LogEntry


def strip_query(path):
    return path.split("?", 1)[0].split("#", 1)[0] or "/"


def by_method(entries, method):
    wanted = method.upper()
    return [entry for entry in entries if entry.method == wanted]


def by_status_class(entries, status_class):
    # TODO: accept a list of classes ("4xx,5xx") for the errors view
    digit = int(status_class[0])
    return [entry for entry in entries if entry.status // 100 == digit]


def between(entries, start=None, end=None):
    """Entries with start <= time < end; a missing bound is open."""
    selected = []
    for entry in entries:
        if start is not None and entry.time < start:
            continue
        if end is not None and entry.time >= end:
            continue
        selected.append(entry)
    return selected


def is_static(entry: LogEntry, suffixes=(".css", ".js", ".png", ".jpg", ".svg", ".ico", ".woff2")):
    return strip_query(entry.path).lower().endswith(suffixes)
