"""The walk log: one row per dog per walk, read from a CSV."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from walkies.parsing import (
    normalise_dog,
    normalise_owner,
    parse_date,
    parse_distance,
    parse_duration,
    parse_walk_type,
)


@dataclass(frozen=True)
class Walk:
    day: date
    dog: str
    owner: str
    minutes: int
    km: float | None
    kind: str
    notes: str = ""


def parse_row(row: dict[str, str]) -> Walk:
    return Walk(
        day=parse_date(row["date"]),
        dog=normalise_dog(row["dog"]),
        owner=normalise_owner(row["owner"]),
        minutes=parse_duration(row["duration"]),
        km=parse_distance(row.get("distance") or ""),
        kind=parse_walk_type(row["walk"]),
        notes=(row.get("notes") or "").strip(),
    )


def load_walks(path: str | Path) -> list[Walk]:
    """Every walk in the CSV at ``path``, oldest first (walks of one day keep the file's order)."""
    with open(path, newline="", encoding="utf-8") as handle:
        walks = [parse_row(row) for row in csv.DictReader(handle)]  # TODO: say which line of the CSV is bad
    return sorted(walks, key=lambda walk: walk.day)
