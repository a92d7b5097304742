"""How worn a set of strings is, from the days it has been on the guitar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from stringlog.log import StringChange

STALE_DAYS = 90        # plain strings are dead after this many days
COATED_FACTOR = 2.5    # coated strings last this many times longer
WORN_AT = 0.75         # "worn" from this share of the life on


@dataclass(frozen=True)
class Wear:
    guitar: str
    since: date
    days: int
    share: float  # of the set's life used up, 1.0 = dead

    @property
    def status(self) -> str:
        if self.share >= 1.0:
            return "dead"
        if self.share >= WORN_AT:
            return "worn"
        return "fresh"


def life_days(change: StringChange) -> float:
    """The days a set lasts before it counts as dead."""
    return STALE_DAYS * COATED_FACTOR if change.coated else STALE_DAYS


def wear(change: StringChange, today: date) -> Wear:
    # The day of the change does not count: strings put on today have 0 days of wear.
    # TODO: take the hours played into account, not only the days
    days = (today - change.day).days
    if days < 0:
        raise ValueError(f"{change.guitar}: the change on {change.day} is after {today}")
    return Wear(change.guitar, change.day, days, days / life_days(change))
