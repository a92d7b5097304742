"""Weekly totals: eggs, average weight and shell trouble per Monday-to-Sunday week."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

TROUBLE = ("soft", "cracked")  # shells that make an egg unfit to sell


@dataclass
class Week:
    start: date
    eggs: int = 0
    grams: float = 0.0
    trouble: int = 0

    @property
    def end(self):
        return self.start + timedelta(days=6)

    @property
    def mean_weight(self):
        """Average weight of the week's eggs in grams (0.0 for an empty week)."""
        return self.grams / self.eggs if self.eggs else 0.0


def week_start(day):
    # TODO: let the week start on Sunday, like the calendar on the egg fridge
    return day - timedelta(days=day.weekday())


def weekly_totals(eggs):
    """The weeks with eggs, oldest first."""
    weeks = {}
    for egg in eggs:
        start = week_start(egg.day)
        week = weeks.setdefault(start, Week(start))
        week.eggs += 1
        week.grams += egg.weight_g
        if egg.shell in TROUBLE:
            week.trouble += 1
    return [weeks[start] for start in sorted(weeks)]


def best_week(eggs):
    """The week with the most eggs fit to sell (no soft or cracked shell); None without eggs."""
    weeks = weekly_totals(egg for egg in eggs if egg.shell not in TROUBLE)
    return max(weeks, key=lambda week: week.eggs, default=None)


def hen_counts_by_week(eggs):
    """{week start: {hen: eggs}} for the weeks with eggs, oldest first."""
    counts = defaultdict(lambda: defaultdict(int))
    for egg in eggs:
        counts[week_start(egg.day)][egg.hen] += 1
    return {start: dict(hens) for start, hens in sorted(counts.items())}
