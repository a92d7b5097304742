"""The mooring log: one row per stay (arrived, boat, berth, length, nights, hw_time, hw_height)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path

from moorlog.parsing import (
    normalise_berth,
    normalise_boat,
    parse_date,
    parse_height,
    parse_length,
    parse_nights,
    parse_tide_time,
)


@dataclass(frozen=True)
class Stay:
    arrived: date
    boat: str
    berth: str
    length_m: float
    nights: int
    hw_time: time | None = None
    hw_height_m: float | None = None

    @property
    def departs(self) -> date:
        """The morning the boat leaves: the day of arrival plus the nights paid for."""
        return self.arrived + timedelta(days=self.nights)

    @property
    def pontoon(self) -> str:
        """The pontoon letter of the berth (`V` for the visitors' berths)."""
        return self.berth[0]


def parse_row(row: dict[str, str]) -> Stay:
    """One row of the log (a dict from csv.DictReader) as a Stay; ValueError when a field is bad."""
    hw_time = (row.get("hw_time") or "").strip()
    hw_height = (row.get("hw_height") or "").strip()
    return Stay(
        arrived=parse_date(row["arrived"]),
        boat=normalise_boat(row["boat"]),
        berth=normalise_berth(row["berth"]),
        length_m=parse_length(row["length"]),
        nights=parse_nights(row["nights"]),
        hw_time=parse_tide_time(hw_time) if hw_time else None,
        hw_height_m=parse_height(hw_height) if hw_height else None,
    )


def load_stays(path: str | Path) -> list[Stay]:
    """Every stay in the log, by day of arrival and then berth."""
    with open(path, newline="", encoding="utf-8") as handle:
        stays = [parse_row(row) for row in csv.DictReader(handle)]
    # TODO: warn when two boats are logged on the same berth on the same night
    return sorted(stays, key=lambda stay: (stay.arrived, stay.berth))
