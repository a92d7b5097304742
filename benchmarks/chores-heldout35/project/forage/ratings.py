"""How good a day out was: the day's total weight, rated."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from forage.finds import Find

# (at least this many grams, rating), best first
RATINGS = ((1500.0, "a glut"), (500.0, "a feast"), (100.0, "a meal"))
BELOW = "a taste"


def rate_haul(grams: float) -> str:
    for floor, rating in RATINGS:
        if grams >= floor:
            return rating
    return BELOW


def haul_by_day(finds: list[Find]) -> dict[date, float]:
    days: dict[date, float] = defaultdict(float)
    for find in finds:
        days[find.day] += find.grams
    return dict(sorted(days.items()))
