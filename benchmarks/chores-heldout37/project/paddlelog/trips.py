"""The trip log: one row of data/trips.csv per trip on the water."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from paddlelog.parse import (
    normalise_water,
    parse_craft,
    parse_date,
    parse_distance,
    parse_duration,
    parse_grade,
)

COLUMNS = ("date", "water", "distance", "duration", "craft", "grade", "notes")


@dataclass(frozen=True)
class Trip:
    day: date
    water: str
    distance_km: float
    minutes: int
    craft: str
    grade: int = 0
    notes: str = ""


def parse_row(row: dict[str, str]) -> Trip:
    """One CSV row (a dict from csv.DictReader) as a Trip; ValueError when a field is bad."""
    missing = [column for column in COLUMNS[:5] if not (row.get(column) or "").strip()]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    return Trip(
        day=parse_date(row["date"]),
        water=normalise_water(row["water"]),
        distance_km=parse_distance(row["distance"]),
        minutes=parse_duration(row["duration"]),
        craft=parse_craft(row["craft"]),
        grade=parse_grade(row.get("grade") or ""),
        notes=(row.get("notes") or "").strip(),
    )


def load_trips(path: str | Path) -> list[Trip]:
    """Every trip in the CSV file, oldest first; blank lines are skipped."""
    trips = []
    with open(path, newline="", encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
                continue
            try:
                trips.append(parse_row(row))
            except ValueError as exc:
                raise ValueError(f"{path}, line {number}: {exc}") from None
    # TODO: warn about two trips on the same day and water (a row pasted twice)
    return sorted(trips, key=lambda trip: trip.day)
