"""Birding seasons and times of day.

The year is split the way British birders talk about it, by whole months. Winter runs over the
new year, so its label names both years. Times of day are windows on the clock, not on the sun.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time

from birdlog.sightings import Sighting

SEASONS: dict[str, tuple[int, ...]] = {
    "winter": (12, 1, 2),
    "spring migration": (3, 4, 5),
    "breeding": (6, 7),
    "autumn migration": (8, 9, 10, 11),
}
# [start, end) of the dawn and dusk windows; night is from the end of dusk to the start of dawn.
DAWN = (time(4, 30), time(8, 0))
DUSK = (time(19, 0), time(21, 30))
WINDOWS = ("dawn", "day", "dusk", "night", "unknown")


def season_of(day: date) -> str:
    for name, months in SEASONS.items():
        if day.month in months:
            return name
    raise AssertionError(f"month {day.month} is in no season")


def season_label(day: date) -> str:
    season = season_of(day)
    if season != "winter":
        return f"{season} {day.year}"
    start = day.year if day.month == 12 else day.year - 1
    return f"winter {start}/{(start + 1) % 100:02d}"


def time_window(moment: time | None) -> str:
    """dawn, day, dusk or night for a time of day; unknown when the log has no time."""
    if moment is None:
        return "unknown"
    if DAWN[0] <= moment < DAWN[1]:
        return "dawn"
    if DUSK[0] <= moment < DUSK[1]:
        return "dusk"
    if moment >= DUSK[1] or moment < DAWN[0]:
        return "night"
    return "day"


def season_counts(sightings: Iterable[Sighting]) -> dict[str, int]:
    """Sightings per season label, in the order the seasons first appear (the log is sorted)."""
    counts: dict[str, int] = {}
    for sighting in sightings:
        label = season_label(sighting.day)
        counts[label] = counts.get(label, 0) + 1
    return counts


def window_counts(sightings: Iterable[Sighting]) -> dict[str, int]:
    """Sightings per time-of-day window, every window listed (zero when nothing was logged then)."""
    counts = dict.fromkeys(WINDOWS, 0)
    for sighting in sightings:
        counts[time_window(sighting.time_of_day)] += 1
    return counts
