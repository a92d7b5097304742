"""Reading the ride log: one ride per row of a CSV file."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

# What the `club` column may say (any case, spaces around ignored); anything else is an error.
CLUB_YES = ("yes", "y", "true", "1")
CLUB_NO = ("no", "n", "false", "0", "")


@dataclass(frozen=True)
class Ride:
    day: date
    rider: str
    distance_km: float
    elevation_m: int
    moving_s: int
    club: bool = False


def parse_moving_time(text: str) -> int:
    """Seconds in a moving time written as ``h:mm`` or ``h:mm:ss``."""
    parts = text.strip().split(":")
    if len(parts) == 3:
        hours, minutes, seconds = (int(part) for part in parts)
    elif len(parts) == 2:
        hours, minutes = (int(part) for part in parts)
        seconds = 0
    else:
        raise ValueError(f"moving time {text!r}: expected h:mm or h:mm:ss")
    if min(hours, minutes, seconds) < 0 or minutes > 59 or seconds > 59:
        raise ValueError(f"moving time {text!r}: minutes and seconds go from 0 to 59")
    return hours * 3600 + minutes * 60 + seconds


def parse_club(text: str) -> bool:
    value = text.strip().lower()
    if value in CLUB_YES:
        return True
    if value in CLUB_NO:
        return False
    raise ValueError(f"club {text!r}: expected yes or no")


def parse_row(row: dict[str, str]) -> Ride:
    """One CSV row (as read by csv.DictReader) as a Ride."""
    # TODO: riders sometimes type "Tom" and sometimes "Tomasz"; an alias table would merge them
    return Ride(
        day=date.fromisoformat(row["date"].strip()),
        rider=row["rider"].strip(),
        distance_km=float(row["distance_km"]),
        elevation_m=int(row["elevation_m"] or 0),
        moving_s=parse_moving_time(row["moving_time"]),
        club=parse_club(row.get("club") or ""),
    )


def load_rides(path: str | Path) -> list[Ride]:
    """Every ride of the CSV file, oldest first."""
    with open(path, newline="", encoding="utf-8") as handle:
        rides = [parse_row(row) for row in csv.DictReader(handle)]
    return sorted(rides, key=lambda ride: (ride.day, ride.rider))


def average_speed(ride: Ride) -> float:
    """The ride's average speed in km/h over its moving time."""
    if ride.moving_s <= 0:
        raise ValueError(f"{ride.rider} on {ride.day}: no moving time")
    return ride.distance_km / (ride.moving_s / 3600)
