"""How much life the working-strength fixer has left."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from filmlog.rolls import Roll

CAPACITY_PER_LITRE = 24  # rolls (35mm or 120) a litre of working-strength fixer clears
SHELF_LIFE_DAYS = 60  # a mixed working solution, whatever its use
TIRED_AT = 0.75  # from this share of either limit, the fixer is tired


@dataclass(frozen=True)
class FixerStatus:
    mixed: date
    rolls: int
    capacity: int
    age_days: int
    verdict: str


def rolls_since(rolls, mixed, today):
    return [roll for roll in rolls if mixed <= roll.day <= today]


def verdict(used, capacity, age_days):
    """fresh, tired or exhausted, by the worse of the two limits."""
    share = max(used / capacity, age_days / SHELF_LIFE_DAYS)
    if share >= 1:
        return "exhausted"
    if share >= TIRED_AT:
        return "tired"
    return "fresh"


def fixer_status(rolls, mixed, litres=1.0, today=None):
    today = today or date.today()
    # TODO: count sheet film by area instead of as whole rolls
    used = len(rolls_since(rolls, mixed, today))
    capacity = int(CAPACITY_PER_LITRE * litres)
    age = (today - mixed).days
    return FixerStatus(mixed, used, capacity, age, verdict(used, capacity, age))


def rolls_per_developer(rolls):
    counts = defaultdict(int)
    for roll in rolls:
        counts[roll.developer.split()[0].lower()] += 1
    return dict(sorted(counts.items()))


def busiest_day(rolls):
    per_day = {}
    for roll in rolls:
        per_day[roll.day] = per_day.get(roll.day, 0) + 1
    if not per_day:
        return None
    return max(per_day.items(), key=lambda item: (item[1], item[0]))


def fixer_report(rolls, mixed, litres=1.0, today=None):
    status = fixer_status((roll for roll in rolls if roll.film), mixed, litres, today)
    return f"{status.rolls}/{status.capacity} rolls, {status.age_days} days old: {status.verdict}"
