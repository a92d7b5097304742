"""Plain-text tables for the CLI."""

from __future__ import annotations

from collections.abc import Sequence


def human_bytes(size: int) -> str:
    """A byte count for people: "512 B", "1.5 KiB", "3.2 MiB" (powers of 1024)."""
    if size < 1024:
        return f"{size} B"
    value = size / 1024
    for unit in ("KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Columns padded to their widest cell; numbers right-aligned, text left-aligned."""
    cells = [[str(cell) for cell in row] for row in rows]
    widths = [len(header) for header in headers]
    for row in cells:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], len(cell))
    numeric = [all(isinstance(row[i], int | float) for row in rows) and bool(rows) for i in range(len(headers))]
    lines = ["  ".join(h.rjust(w) if numeric[i] else h.ljust(w) for i, (h, w) in enumerate(zip(headers, widths)))]
    lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        lines.append("  ".join(c.rjust(w) if numeric[i] else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))))
    return "\n".join(line.rstrip() for line in lines)


def format_status(counts: dict[int, int]) -> str:
    total = sum(counts.values())
    rows = [(code, count, f"{100 * count / total:.1f}%") for code, count in counts.items()]
    return format_table(["status", "count", "share"], rows)


def format_top(pairs: Sequence[tuple[str, int]]) -> str:
    rows = [(rank, path, count) for rank, (path, count) in enumerate(pairs, start=1)]
    return format_table(["#", "path", "hits"], rows)
