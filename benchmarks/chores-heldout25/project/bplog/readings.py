"""Reading the diary CSV: one row per reading, typed in by hand."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

_PRESSURE = re.compile(r"^\s*(\d{2,3})\s*(?:/|-|over)\s*(\d{2,3})\s*$", re.IGNORECASE)
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d %b %Y", "%d %B %Y")
_ARMS = {
    "l": "left",
    "left": "left",
    "lt": "left",
    "left arm": "left",
    "r": "right",
    "right": "right",
    "rt": "right",
    "right arm": "right",
}


@dataclass(frozen=True)
class Reading:
    day: date
    time: str
    systolic: int
    diastolic: int
    pulse: int | None
    arm: str
    note: str = ""


def parse_date(text: str) -> date:
    """The day of a reading: 2026-03-14, 14/03/2026 (day first) or 14 Mar 2026."""
    cleaned = " ".join(text.split())
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r}")


def parse_pressure(text: str) -> tuple[int, int]:
    match = _PRESSURE.match(text)
    if match is None:
        raise ValueError(f"not a blood pressure: {text!r}")
    systolic, diastolic = int(match.group(1)), int(match.group(2))
    if diastolic >= systolic:
        raise ValueError(f"diastolic not below systolic: {text!r}")
    return systolic, diastolic


def parse_arm(text: str) -> str:
    """'left' or 'right', however the arm was written; a blank arm is the left one."""
    cleaned = " ".join(text.lower().replace(".", "").split())
    if not cleaned:
        return "left"
    try:
        return _ARMS[cleaned]
    except KeyError:
        raise ValueError(f"not an arm: {text!r}") from None


def parse_pulse(text: str) -> int | None:
    cleaned = text.strip().lower().removesuffix("bpm").strip()
    if not cleaned or cleaned in {"-", "?"}:
        return None
    return int(cleaned)


def parse_row(row: dict[str, str]) -> Reading:
    systolic, diastolic = parse_pressure(row["bp"])
    return Reading(
        day=parse_date(row["date"]),
        time=row.get("time", "").strip(),
        systolic=systolic,
        diastolic=diastolic,
        pulse=parse_pulse(row.get("pulse", "")),
        arm=parse_arm(row.get("arm", "")),
        note=row.get("note", "").strip(),
    )


def load_readings(path: str | Path) -> list[Reading]:
    """Every reading of the diary CSV, oldest first."""
    with open(path, newline="", encoding="utf-8") as handle:
        readings = [parse_row(row) for row in csv.DictReader(handle)]  # TODO: skip blank rows instead of failing
    return sorted(readings, key=lambda r: (r.day, r.time))
