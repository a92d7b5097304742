"""What is still in the cave, how old it is, and when it can be opened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from curdlog.batches import Batch

# The fewest days a style should age before it is cut. 0: eaten fresh, never goes in the cave.
MIN_AGE_DAYS = {
    "Cheddar": 60,
    "Gouda": 60,
    "Red Leicester": 60,
    "Wensleydale": 28,
    "Colby": 30,
    "Caerphilly": 21,
    "Camembert": 21,
    "Feta": 5,
    "Halloumi": 0,
    "Mozzarella": 0,
}
DEFAULT_MIN_DAYS = 30

# TODO: read the cave logger's export (see data/cave-sample.csv) and flag the days above 14 °C


@dataclass(frozen=True)
class CaveEntry:
    batch: Batch
    age_days: int
    ready_on: date

    def ready(self, on: date) -> bool:
        return on >= self.ready_on


def min_age(style: str) -> int:
    return MIN_AGE_DAYS.get(style, DEFAULT_MIN_DAYS)


def in_cave(batches: list[Batch], on: date) -> list[CaveEntry]:
    """The wheels ageing on the day ``on`` (made by then, not opened yet), soonest ready first."""
    entries = []
    for batch in batches:
        days = min_age(batch.style)
        if batch.opened or days == 0 or batch.aged_days == 0:
            continue
        age = (on - batch.made).days
        if age < 0:  # not made yet on that day
            continue
        entries.append(CaveEntry(batch, age, batch.made + timedelta(days=days)))
    return sorted(entries, key=lambda entry: (entry.ready_on, entry.batch.batch))
