"""Reading runs from the training log CSV (date, distance_km, duration, kind, heart_rate)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

KINDS = ("easy", "tempo", "long", "interval", "race")


@dataclass(frozen=True)
class Run:
    day: date
    distance_km: float
    seconds: int
    kind: str = "easy"
    heart_rate: int | None = None

    @property
    def pace(self) -> float:
        """Seconds per kilometre."""
        return self.seconds / self.distance_km


def parse_duration(text):
    parts = text.strip().split(":")
    if len(parts) == 3:
        hours, minutes, seconds = (int(part) for part in parts)
        if minutes >= 60:
            raise ValueError(f"not a duration: {text!r}")
    elif len(parts) == 2:
        hours = 0
        minutes, seconds = (int(part) for part in parts)
    else:
        raise ValueError(f"not a duration: {text!r}")
    if seconds >= 60 or min(hours, minutes, seconds) < 0:
        raise ValueError(f"not a duration: {text!r}")
    return hours * 3600 + minutes * 60 + seconds


def parse_row(row):
    """One CSV row (a dict from csv.DictReader) as a Run; ValueError when a field is bad."""
    day = date.fromisoformat(row["date"].strip())
    distance = float(row["distance_km"])
    seconds = parse_duration(row["duration"])
    kind = (row.get("kind") or "").strip().lower() or "easy"
    if kind not in KINDS:
        raise ValueError(f"unknown kind of run: {kind!r}")
    heart_rate = (row.get("heart_rate") or "").strip()
    return Run(day, distance, seconds, kind, int(heart_rate) if heart_rate else None)


def load_runs(path: str | Path) -> list[Run]:
    """Every run in the CSV file, oldest first."""
    with open(path, newline="", encoding="utf-8") as handle:
        # TODO: report the line number of a bad row instead of just raising
        runs = [parse_row(row) for row in csv.DictReader(handle)]
    return sorted(runs, key=lambda run: run.day)
