"""Time entries: the rows of the tracker's CSV export, parsed and checked."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

REQUIRED_COLUMNS = ("date", "person", "project", "hours")
COLUMNS = (*REQUIRED_COLUMNS, "task", "billable")
MAX_HOURS_PER_ENTRY = 24.0

_CLOCK = re.compile(r"^(\d+):([0-5]\d)$")
_MINUTES = re.compile(r"^(\d+)\s*m(?:in)?$")
_YES = {"yes", "y", "true", "1", "x"}
_NO = {"no", "n", "false", "0"}


class EntryError(ValueError):
    """A row of the export that cannot be read; the message names the file or the line."""


@dataclass(frozen=True)
class Entry:
    day: date
    person: str
    project: str
    hours: float
    task: str = ""
    billable: bool = True


def parse_hours(text: str) -> float:
    """A duration as the tracker writes it: ``1.5``, ``2h``, ``1:30`` (h:mm) or ``45m``, in hours."""
    value = text.strip().lower()
    if not value:
        raise ValueError("empty duration")
    clock = _CLOCK.match(value)
    if clock:
        return int(clock.group(1)) + int(clock.group(2)) / 60
    minutes = _MINUTES.match(value)
    if minutes:
        return int(minutes.group(1)) / 60
    if value.endswith("h"):
        value = value[:-1].strip()
    try:
        hours = float(value)
    except ValueError:
        raise ValueError(f"not a duration: {text!r}") from None
    if hours < 0:
        raise ValueError(f"negative duration: {text!r}")
    if hours > MAX_HOURS_PER_ENTRY:
        raise ValueError(f"more than {MAX_HOURS_PER_ENTRY:g} hours in one entry: {text!r}")
    return hours


def parse_billable(text: str | None) -> bool:
    """The billable column: yes/no and friends; an empty cell means billable."""
    value = (text or "").strip().lower()
    if not value or value in _YES:
        return True
    if value in _NO:
        return False
    raise ValueError(f"billable must be yes or no, not {text!r}")


def parse_entry(row: dict[str, str], line: int) -> Entry:
    """One CSV row as an Entry; ``line`` is the row's line number in the file, for the error message."""
    missing = [column for column in REQUIRED_COLUMNS if not (row.get(column) or "").strip()]
    if missing:
        raise EntryError(f"line {line}: missing {', '.join(missing)}")
    try:
        day = date.fromisoformat(row["date"].strip())
    except ValueError:
        raise EntryError(f"line {line}: bad date {row['date']!r} (expected YYYY-MM-DD)") from None
    try:
        hours = parse_hours(row["hours"])
        billable = parse_billable(row.get("billable"))
    except ValueError as exc:
        raise EntryError(f"line {line}: {exc}") from None
    return Entry(
        day=day,
        person=row["person"].strip(),
        project=row["project"].strip().lower(),
        hours=hours,
        task=(row.get("task") or "").strip(),
        billable=billable,
    )


def load_entries(path: str | Path, *, keep_zero: bool = False) -> list[Entry]:
    """Every entry of an export, in file order; blank rows and (unless ``keep_zero``) 0-hour rows skipped."""
    path = Path(path)
    # TODO: accept the semicolon-separated export of the old tracker (sniff the dialect)
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = [name.strip().lower() for name in reader.fieldnames or []]
        absent = [column for column in REQUIRED_COLUMNS if column not in header]
        if absent:
            raise EntryError(f"{path}: missing column(s) {', '.join(absent)}")
        reader.fieldnames = header
        entries = []
        for line, row in enumerate(reader, start=2):
            if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
                continue
            try:
                entry = parse_entry(row, line)
            except EntryError as exc:
                raise EntryError(f"{path}: {exc}") from None
            if entry.hours == 0 and not keep_zero:
                continue
            entries.append(entry)
    return entries
