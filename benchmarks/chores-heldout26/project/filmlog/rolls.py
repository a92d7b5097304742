"""Reading the darkroom log: one CSV row per roll developed."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from filmlog.stocks import BOX_SPEED, normalise_stock, push_stops
from filmlog.units import parse_dev_time, parse_temperature

COLUMNS = ("date", "film", "ei", "developer", "dev_time", "temp", "notes")


@dataclass(frozen=True)
class Roll:
    day: date
    film: str
    ei: int
    developer: str
    seconds: int
    temp_c: float
    notes: str = ""

    @property
    def stops(self) -> float:
        """Stops pushed (positive) or pulled (negative) from the film's box speed."""
        return push_stops(self.ei, self.film)


def parse_date(text: str) -> date:
    """2026-03-14, 14/03/2026 (day first) or 14 Mar 2026."""
    cleaned = " ".join(text.split())
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d %b %Y", "%d %B %Y"):
        try:
            return datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r}")


def parse_ei(text: str, film: str) -> int:
    """800, EI 800, ISO 800 or 1600 push; blank is the film's box speed."""
    match = re.search(r"\d+", text)
    return int(match[0]) if match else BOX_SPEED[film]


def parse_row(row):
    film = normalise_stock(row["film"])
    return Roll(
        day=parse_date(row["date"]),
        film=film,
        ei=parse_ei(row.get("ei") or "", film),
        developer=" ".join((row.get("developer") or "").split()),
        seconds=parse_dev_time(row["dev_time"]),
        temp_c=parse_temperature(row.get("temp") or "20"),
        notes=(row.get("notes") or "").strip(),
    )


def load_rolls(path: str | Path) -> list[Roll]:
    """Every roll in the log, in the order they were developed."""
    with open(path, newline="", encoding="utf-8") as handle:
        rolls = [parse_row(row) for row in csv.DictReader(handle)]
    return sorted(rolls, key=lambda roll: roll.day)
