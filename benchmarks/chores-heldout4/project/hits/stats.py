"""Counting and percentiles over parsed log entries."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

from hits.filters import strip_query
from hits.parse import LogEntry


def status_counts(entries: Iterable[LogEntry]) -> dict[int, int]:
    """How many entries had each status code, by code."""
    counts = Counter(entry.status for entry in entries)
    return dict(sorted(counts.items()))


def status_classes(entries: Iterable[LogEntry]) -> dict[str, int]:
    """Counts by class ("2xx", "3xx", ...): every class from 1xx to 5xx is present, zero or not."""
    classes = {f"{digit}xx": 0 for digit in range(1, 6)}
    for entry in entries:
        key = f"{entry.status // 100}xx"
        if key in classes:
            classes[key] += 1
    return classes


def top_paths(entries: Iterable[LogEntry], n: int = 10) -> list[tuple[str, int]]:
    """The ``n`` most requested paths (query strings ignored), most requested first, ties by path."""
    counts = Counter(strip_query(entry.path) for entry in entries)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ranked[:n]


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return float(ordered[0])
    rank = (len(ordered) - 1) * p / 100
    low = math.floor(rank)
    high = math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def latency_percentiles(entries: Iterable[LogEntry], ps: Sequence[float] = (50, 90, 99)) -> dict[float, float]:
    """Latency percentiles in milliseconds; entries without a request time are left out."""
    latencies = [entry.latency_ms for entry in entries if entry.latency_ms is not None]
    if not latencies:
        return {}
    return {p: percentile(latencies, p) for p in ps}


def size_percentiles(entries: Iterable[LogEntry], ps: Sequence[float] = (50, 90, 99)) -> dict[float, float]:
    """Response-size percentiles in bytes."""
    sizes = [entry.size for entry in entries]
    if not sizes:
        return {}
    # TODO: leave out 304s and HEAD requests, which never have a body
    return {p: percentile(sizes, p) for p in ps}


def error_rate(entries: Iterable[LogEntry]) -> float:
    """The share of entries with a 4xx or 5xx status, 0.0 for no entries."""
    statuses = [entry.status for entry in entries]
    if not statuses:
        return 0.0
    return sum(1 for status in statuses if status >= 400) / len(statuses)
