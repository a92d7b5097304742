"""Sightings: one row of data/sightings.csv per species seen at a site on a day.

Columns: date (YYYY-MM-DD), time (HH:MM, may be blank), site, species (the code from the
species list), count (a number, or X for "present, not counted"), notes and flags (letters
separated by ";", see KNOWN_FLAGS).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

FIELDS = ("date", "time", "site", "species", "count", "notes", "flags")
KNOWN_FLAGS = {"H": "heard only", "F": "flyover", "B": "breeding evidence", "P": "photographed"}


@dataclass(frozen=True)
class Sighting:
    day: date
    site: str
    code: str
    count: int | None  # None: present but not counted (an X in the CSV)
    time_of_day: time | None = None
    notes: str = ""
    flags: frozenset[str] = field(default_factory=frozenset)

    @property
    def heard_only(self) -> bool:
        return "H" in self.flags

    @property
    def individuals(self) -> int:
        """The birds this sighting adds to a total: an uncounted one is at least one bird."""
        return 1 if self.count is None else self.count


def parse_count(text: str) -> int | None:
    value = text.strip()
    if value.upper() == "X":
        return None
    # TODO: accept an eBird-style count with a breeding code, like "2 (FL)"
    number = int(value)
    if number < 1:
        raise ValueError(f"a count must be at least 1, got {text!r}")
    return number


def parse_time(text: str) -> time | None:
    value = text.strip()
    if not value:
        return None
    return datetime.strptime(value, "%H:%M").time()


def parse_flags(text: str) -> frozenset[str]:
    flags = frozenset(part.strip().upper() for part in text.split(";") if part.strip())
    unknown = sorted(flags - KNOWN_FLAGS.keys())
    if unknown:
        raise ValueError(f"unknown flag(s): {', '.join(unknown)}")
    return flags


def parse_row(row: dict[str, str]) -> Sighting:
    """One CSV row as a Sighting; species codes are read case-insensitively."""
    site = (row.get("site") or "").strip()
    if not site:
        raise ValueError("a sighting needs a site")
    code = (row.get("species") or "").strip().upper()
    if not code:
        raise ValueError("a sighting needs a species code")
    return Sighting(
        day=date.fromisoformat((row.get("date") or "").strip()),
        site=site,
        code=code,
        count=parse_count(row.get("count") or ""),
        time_of_day=parse_time(row.get("time") or ""),
        notes=(row.get("notes") or "").strip(),
        flags=parse_flags(row.get("flags") or ""),
    )


def read_sightings(path: Path | str) -> list[Sighting]:
    """All the sightings of a CSV file, oldest first; a bad row raises ValueError with its line."""
    sightings = []
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            try:
                sightings.append(parse_row(row))
            except ValueError as exc:
                raise ValueError(f"{path}:{reader.line_num}: {exc}") from exc
    sightings.sort(key=lambda s: (s.day, s.time_of_day or time.min))
    return sightings
