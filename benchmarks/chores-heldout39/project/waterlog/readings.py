"""Reading the log CSV (date, meter, volume, note), typed in by hand next to the meter."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from waterlog.volumes import parse_volume

METERS = ("main", "garden", "barrel")

# Every way the meters have been written in the log so far, after trimming and lower-casing.
ALIASES = {
    "main": "main",
    "mains": "main",
    "main meter": "main",
    "house": "main",
    "garden": "garden",
    "garden tap": "garden",
    "outside tap": "garden",
    "hose": "garden",
    "barrel": "barrel",
    "rain barrel": "barrel",
    "water butt": "barrel",
    "butt": "barrel",
}

# ISO, day-first with slashes or dots, and the day with the month's name.
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d %b %Y", "%d %B %Y")


@dataclass(frozen=True)
class Reading:
    day: date
    meter: str
    litres: float
    note: str = ""


def parse_date(text):
    """A day of the log in any of DATE_FORMATS; ValueError for anything else."""
    cleaned = " ".join(text.split())
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r}")


def normalise_meter(name):
    key = " ".join(name.split()).lower()
    try:
        return ALIASES[key]
    except KeyError:
        raise ValueError(f"unknown meter: {name!r}") from None


def parse_row(row):
    """One CSV row (a dict from csv.DictReader) as a Reading; ValueError when a field is bad."""
    return Reading(
        parse_date(row["date"]),
        normalise_meter(row["meter"]),
        parse_volume(row["volume"]),
        (row.get("note") or "").strip(),
    )


def load_readings(path: str | Path) -> list[Reading]:
    """Every reading of the CSV file, oldest day first (the readings of a day keep their order)."""
    with open(path, newline="", encoding="utf-8") as handle:
        readings = [parse_row(row) for row in csv.DictReader(handle)]  # TODO: say which line of the CSV is bad
    return sorted(readings, key=lambda reading: reading.day)
