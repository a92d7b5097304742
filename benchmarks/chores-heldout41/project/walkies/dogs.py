"""Per-dog totals: how many walks, how long and how far."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from walkies.walks import Walk


@dataclass
class DogTotals:
    dog: str
    owner: str
    walks: int = 0
    minutes: int = 0
    km: float = 0.0
    unmeasured: int = 0  # walks with no distance written down

    @property
    def hours(self) -> float:
        return self.minutes / 60


SORT_KEYS = ("name", "walks", "km")


def dog_totals(walks: Iterable[Walk], sort: str = "name") -> list[DogTotals]:
    found: dict[str, DogTotals] = {}
    for walk in walks:
        totals = found.setdefault(walk.dog, DogTotals(walk.dog, walk.owner))
        totals.walks += 1
        totals.minutes += walk.minutes
        if walk.km is None:
            totals.unmeasured += 1
        else:
            totals.km += walk.km
    rows = sorted(found.values(), key=lambda totals: totals.dog)
    if sort == "walks":
        rows.sort(key=lambda totals: totals.walks, reverse=True)
    elif sort == "km":
        rows.sort(key=lambda totals: totals.km, reverse=True)
    elif sort != "name":
        raise ValueError(f"unknown sort: {sort!r} (one of {', '.join(SORT_KEYS)})")
    return rows
