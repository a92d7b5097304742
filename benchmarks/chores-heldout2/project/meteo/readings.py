"""Load station readings from the CSV export of the logger network."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

REQUIRED_COLUMNS = ("station", "timestamp", "temp_c", "humidity", "wind_kmh")
# The loggers write ISO timestamps; older firmware writes a space instead of the T.
TIMESTAMP_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M")
MISSING = ("", "NA", "-")


@dataclass(frozen=True)
class Reading:
    station: str
    timestamp: datetime
    temp_c: float
    humidity: float | None
    wind_kmh: float


def _parse_timestamp(text: str) -> datetime:
    text = text.strip()
    for fmt in TIMESTAMP_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ValueError(f"unrecognised timestamp {text!r}")


def _parse_optional(text: str | None) -> float | None:
    if text is None or text.strip() in MISSING:
        return None
    return float(text)


def load_readings(path: str | Path, station: str | None = None) -> list[Reading]:
    """Every reading in the export (of one station if given), sorted by station and time.

    Rows without a temperature are skipped: the logger writes them while it reboots.
    """
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in REQUIRED_COLUMNS if column not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: missing column(s): {', '.join(missing)}")
        readings = []
        for row in reader:
            name = row["station"].strip()
            if station is not None and name != station:
                continue
            temp_c = _parse_optional(row["temp_c"])
            if temp_c is None:
                # TODO: count the skipped rows and show them in the report
                continue
            readings.append(
                Reading(
                    station=name,
                    timestamp=_parse_timestamp(row["timestamp"]),
                    temp_c=temp_c,
                    humidity=_parse_optional(row["humidity"]),
                    wind_kmh=_parse_optional(row["wind_kmh"]) or 0.0,
                )
            )
    readings.sort(key=lambda reading: (reading.station, reading.timestamp))
    return readings


def stations(readings: list[Reading]) -> list[str]:
    """The station names in the readings, sorted, each once."""
    return sorted({reading.station for reading in readings})
