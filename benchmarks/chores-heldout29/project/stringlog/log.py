"""The string-change log: one row per new set of strings."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from stringlog.parsing import (
    canonical_guitar,
    parse_coated,
    parse_date,
    parse_gauge,
    parse_hours,
    parse_price,
)

COLUMNS = ("date", "guitar", "strings", "gauge", "coated", "price", "hours")


class LogError(ValueError):
    """A row of the log that cannot be read (the message names its line)."""


@dataclass(frozen=True)
class StringChange:
    day: date
    guitar: str
    strings: str
    gauge: tuple[int, int]
    coated: bool
    price: float | None = None
    # Hours played on this set by the time it came off; None while it is still on.
    hours: float | None = None


def _row_to_change(row: dict[str, str]) -> StringChange:
    return StringChange(
        day=parse_date(row["date"]),
        guitar=canonical_guitar(row["guitar"]),
        strings=row["strings"].strip(),
        gauge=parse_gauge(row["gauge"]),
        coated=parse_coated(row.get("coated") or ""),
        price=parse_price(row.get("price") or ""),
        hours=parse_hours(row.get("hours") or ""),
    )


def load_changes(path: str | Path) -> list[StringChange]:
    """Every change in the CSV at ``path``, oldest first."""
    changes = []
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in COLUMNS[:4] if column not in (reader.fieldnames or [])]
        if missing:
            raise LogError(f"{path}: missing column(s): {', '.join(missing)}")
        for row in reader:
            if not any((value or "").strip() for value in row.values()):
                continue  # a blank line
            try:
                changes.append(_row_to_change(row))
            except ValueError as exc:
                raise LogError(f"{path}:{reader.line_num}: {exc}") from None
    # TODO: warn about two changes of the same guitar on the same day
    return sorted(changes, key=lambda change: change.day)


def current_sets(changes: list[StringChange]) -> dict[str, StringChange]:
    """The set on each guitar now: its latest change."""
    latest: dict[str, StringChange] = {}
    for change in changes:
        if change.guitar not in latest or change.day >= latest[change.guitar].day:
            latest[change.guitar] = change
    return latest
