"""Daily summaries, extremes and gaps in the readings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from meteo.readings import Reading

DEFAULT_MAX_GAP = timedelta(hours=1)


@dataclass(frozen=True)
class DaySummary:
    station: str
    day: date
    count: int
    min_c: float
    max_c: float
    mean_c: float


@dataclass(frozen=True)
class Gap:
    station: str
    start: datetime
    end: datetime

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


def daily_summary(readings: Iterable[Reading]) -> list[DaySummary]:
    groups: dict[tuple[str, date], list[float]] = {}
    for reading in readings:
        groups.setdefault((reading.station, reading.timestamp.date()), []).append(reading.temp_c)
    summaries = []
    for (station, day), temps in sorted(groups.items()):
        mean = round(sum(temps) / len(temps), 2)
        summaries.append(DaySummary(station, day, len(temps), min(temps), max(temps), mean))
    return summaries


def find_gaps(readings: Iterable[Reading], max_gap: timedelta = DEFAULT_MAX_GAP) -> list[Gap]:
    """Every stretch longer than ``max_gap`` between two consecutive readings of a station."""
    if max_gap <= timedelta(0):
        raise ValueError("max_gap must be positive")
    gaps = []
    last_seen: dict[str, datetime] = {}
    for reading in sorted(readings, key=lambda r: (r.station, r.timestamp)):
        previous = last_seen.get(reading.station)
        if previous is not None and reading.timestamp - previous > max_gap:
            gaps.append(Gap(reading.station, previous, reading.timestamp))
        last_seen[reading.station] = reading.timestamp
    return gaps


def station_extremes(summaries: Iterable[DaySummary]) -> dict[str, tuple[float, float]]:
    """The lowest and highest temperature of each station over all its days."""
    extremes: dict[str, tuple[float, float]] = {}
    for summary in summaries:
        low, high = extremes.get(summary.station, (summary.min_c, summary.max_c))
        extremes[summary.station] = (min(low, summary.min_c), max(high, summary.max_c))
    return extremes
