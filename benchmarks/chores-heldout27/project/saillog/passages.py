"""Reading passages from the logbook CSV (date, from, to, distance, time, wind, rig, notes).

The CSV is typed in on a phone in the cockpit, so every field comes in several spellings; each
parser here turns one field into one clean value or raises ValueError.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from saillog.wind import parse_wind

KM_PER_NM = 1.852
RIGS = ("sail", "motor", "motorsail")
_RIG_SPELLINGS = {
    "sail": "sail",
    "s": "sail",
    "sailing": "sail",
    "under sail": "sail",
    "motor": "motor",
    "m": "motor",
    "engine": "motor",
    "motoring": "motor",
    "under engine": "motor",
    "motorsail": "motorsail",
    "motor sail": "motorsail",
    "motor-sail": "motorsail",
    "motorsailing": "motorsail",
    "motor-sailing": "motorsail",
    "ms": "motorsail",
}
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d %b %Y", "%d %B %Y")
_DISTANCE = re.compile(r"(\d+(?:\.\d+)?)\s*(nm|nautical miles?|km|kilometres?|kilometers?)?", re.IGNORECASE)
_HOURS_MINUTES = re.compile(r"(\d+)\s*(?:h|:)\s*(\d{1,2})")
_HOURS = re.compile(r"(\d+(?:\.\d+)?)\s*(?:h|hrs?|hours?)")
_MINUTES = re.compile(r"(\d+)\s*(?:min|mins|minutes)")


@dataclass(frozen=True)
class Passage:
    day: date
    start: str
    end: str
    distance_nm: float
    hours: float
    wind_force: int | None = None
    rig: str = "sail"
    notes: str = ""

    @property
    def route(self) -> str:
        return f"{self.start} → {self.end}"


def parse_date(text: str) -> date:
    """The day of a passage: `2026-04-18`, `19/04/2026` (day first), `25 Apr 2026` or `2 May 2026`."""
    cleaned = " ".join(text.split())
    for form in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, form).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r}")


def parse_distance(text: str) -> float:
    match = _DISTANCE.fullmatch(text.strip())
    if not match:
        raise ValueError(f"not a distance: {text!r}")
    value = float(match.group(1))
    unit = (match.group(2) or "nm").lower()
    if unit.startswith("k"):
        value /= KM_PER_NM
    if value <= 0:
        raise ValueError(f"a passage has a distance above zero: {text!r}")
    return round(value, 2)


def parse_duration(text: str) -> float:
    """Hours under way: `3h20`, `3:45`, `2.5h`, `4 h` or `200 min`."""
    cleaned = text.strip().lower()
    if match := _HOURS_MINUTES.fullmatch(cleaned):
        hours, minutes = int(match.group(1)), int(match.group(2))
        if minutes >= 60:
            raise ValueError(f"not a duration: {text!r}")
        return hours + minutes / 60
    if match := _HOURS.fullmatch(cleaned):
        return float(match.group(1))
    if match := _MINUTES.fullmatch(cleaned):
        return int(match.group(1)) / 60
    raise ValueError(f"not a duration: {text!r}")


def parse_rig(text: str) -> str:
    """How the boat was driven: sail, motor or motorsail, from any of the log's spellings; blank is sail."""
    cleaned = " ".join(text.lower().split())
    if not cleaned:
        return "sail"
    try:
        return _RIG_SPELLINGS[cleaned]
    except KeyError:
        raise ValueError(f"unknown rig: {text!r} (sail, motor or motorsail)") from None


def parse_row(row: dict[str, str]) -> Passage:
    """One CSV row (from csv.DictReader) as a Passage; ValueError when a field is unreadable."""
    hours = parse_duration(row["time"])
    if hours <= 0:
        raise ValueError(f"a passage takes some time: {row['time']!r}")
    return Passage(
        day=parse_date(row["date"]),
        start=row["from"].strip(),
        end=row["to"].strip(),
        distance_nm=parse_distance(row["distance"]),
        hours=hours,
        wind_force=parse_wind(row.get("wind") or ""),
        rig=parse_rig(row.get("rig") or ""),
        notes=(row.get("notes") or "").strip(),
    )


def load_passages(path: str | Path) -> list[Passage]:
    """Every passage in the logbook CSV, oldest first."""
    with open(path, newline="", encoding="utf-8") as handle:
        passages = [parse_row(row) for row in csv.DictReader(handle)]  # TODO: say which line of the CSV is bad
    return sorted(passages, key=lambda passage: passage.day)
