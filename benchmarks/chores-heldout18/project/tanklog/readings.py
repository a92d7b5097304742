"""Water tests: one row of data/readings.csv per test of a tank."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class Reading:
    day: date
    tank: str
    celsius: float
    ph: float
    ammonia: float  # ppm
    nitrite: float  # ppm
    nitrate: float  # ppm


def parse_temperature(text: str) -> float:
    """A temperature as the test kit's thermometer gives it, in degrees Celsius.

    The number is followed by its unit, C or F, in either case, with or without a space or a
    degree sign ("25.5C", "77 f", "79.2°F"). Fahrenheit is converted; the result is rounded to
    0.1 °C. Raises ValueError when the unit is missing or is not C or F, or the number is bad.
    """
    cleaned = text.strip().upper().replace("°", "")
    unit = cleaned[-1:]
    if unit not in ("C", "F"):
        raise ValueError(f"not a temperature in C or F: {text!r}")
    value = float(cleaned[:-1])
    if unit == "F":
        value = (value - 32) * 5 / 9
    return round(value, 1)


def load_readings(path: str | Path) -> list[Reading]:
    """The readings of a CSV file, in the order of the file (which need not be the date order)."""
    readings = []
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if not row["date"].strip():
                continue  # a blank line at the end of a hand-edited file
            readings.append(
                Reading(
                    day=date.fromisoformat(row["date"].strip()),
                    tank=row["tank"].strip(),
                    celsius=parse_temperature(row["temp"]),
                    ph=float(row["ph"]),
                    ammonia=float(row["ammonia"]),
                    nitrite=float(row["nitrite"]),
                    nitrate=float(row["nitrate"]),  # TODO: some kits read nitrate-N; multiply by 4.43
                )
            )
    return readings
