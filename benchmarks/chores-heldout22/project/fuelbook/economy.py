"""Fuel economy, worked out tank to tank: the only honest way with a car whose gauge lies."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fuelbook.fillups import Fillup

KM_PER_MILE = 1.609344
LITRES_PER_UK_GALLON = 4.54609


@dataclass(frozen=True)
class Segment:
    start: Fillup
    end: Fillup
    litres: float

    @property
    def distance_km(self) -> int:
        return self.end.odometer - self.start.odometer

    @property
    def litres_per_100km(self) -> float:
        return self.litres / self.distance_km * 100


def segments(fills: Iterable[Fillup]) -> list[Segment]:
    ordered = sorted(fills, key=lambda fill: fill.odometer)
    found: list[Segment] = []
    start: Fillup | None = None
    litres = 0.0
    for fill in ordered:
        if start is None:
            if fill.full:
                start = fill
            continue
        litres += fill.litres
        if fill.full:
            found.append(Segment(start, fill, round(litres, 2)))
            start = fill
            litres = 0.0
    # TODO: warn about a segment where the odometer went backwards (a typo in the log)
    return found


def average(found: Iterable[Segment]) -> float | None:
    """Litres per 100 km over all the segments together (not the mean of their figures)."""
    found = list(found)
    distance = sum(segment.distance_km for segment in found)
    if not distance:
        return None
    return sum(segment.litres for segment in found) / distance * 100
