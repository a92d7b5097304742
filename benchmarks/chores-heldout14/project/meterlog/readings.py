"""Meter readings: one row of data/readings.csv each time someone reads the meter.

The meter is an Economy 7 one with a day and a night register, plus the export register the
solar inverter added. All three are running totals in kWh: they only ever go up.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

REGISTERS = ("day_kwh", "night_kwh", "export_kwh")


@dataclass(frozen=True)
class Reading:
    """The registers as read on one day."""

    day: date
    day_kwh: float
    night_kwh: float
    export_kwh: float = 0.0
    note: str = ""

    @property
    def import_kwh(self) -> float:
        """Both import registers together."""
        return self.day_kwh + self.night_kwh


def parse_kwh(text: str) -> float:
    """A register value such as ``18342.7`` or ``18,342.7``; negative values are an error."""
    value = float(text.strip().replace(",", ""))
    if value < 0:
        raise ValueError(f"a meter register cannot be negative: {text!r}")
    return value


def parse_reading(row: dict[str, str]) -> Reading:
    """One CSV row as a Reading.

    The export register is blank on the rows from before the panels went in: that reads as 0.
    """
    # TODO: take the date from the meter photo's EXIF data when the date column is blank
    export = (row.get("export_kwh") or "").strip()
    return Reading(
        day=date.fromisoformat(row["date"].strip()),
        day_kwh=parse_kwh(row["day_kwh"]),
        night_kwh=parse_kwh(row["night_kwh"]),
        export_kwh=parse_kwh(export) if export else 0.0,
        note=(row.get("note") or "").strip(),
    )


def check_order(readings: list[Reading]) -> None:
    """Raise ValueError when two readings share a day or a register goes down (oldest first)."""
    for before, after in zip(readings, readings[1:]):
        if after.day == before.day:
            raise ValueError(f"two readings on {after.day.isoformat()}")
        for register in REGISTERS:
            if getattr(after, register) < getattr(before, register):
                raise ValueError(
                    f"{register} went down between {before.day.isoformat()} and {after.day.isoformat()}"
                )


def load_readings(path: str | Path) -> list[Reading]:
    """The readings of a CSV file, oldest first (the file itself may be in any order)."""
    with open(path, newline="", encoding="utf-8") as handle:
        readings = [parse_reading(row) for row in csv.DictReader(handle)]
    readings.sort(key=lambda reading: reading.day)
    check_order(readings)
    return readings
