"""The season so far: miles and hours per month, the share sailed, the longest passages."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from saillog.passages import Passage
from saillog.wind import CONDITIONS, conditions

# A passage of at least this many nautical miles counts as a long one (for the club's log book).
LONG_PASSAGE_NM = 40


@dataclass(frozen=True)
class MonthTotal:
    month: str
    passages: int
    distance_nm: float
    hours: float
    sail_nm: float

    @property
    def sail_share(self):
        """The part of the month's miles done under sail alone, 0 to 1."""
        return self.sail_nm / self.distance_nm if self.distance_nm else 0.0


def month_of(passage):
    return f"{passage.day.year:04d}-{passage.day.month:02d}"


def total(passages, month):
    passages = list(passages)
    return MonthTotal(
        month=month,
        passages=len(passages),
        distance_nm=round(sum(p.distance_nm for p in passages), 2),
        hours=sum(p.hours for p in passages),
        sail_nm=round(sum(p.distance_nm for p in passages if p.rig == "sail"), 2),
    )


def month_totals(passages):
    """One MonthTotal per month with a passage, oldest first."""
    months = defaultdict(list)
    for passage in passages:
        months[month_of(passage)].append(passage)
    return [total(months[month], month) for month in sorted(months)]


def busiest(totals, key=lambda month: month.distance_nm):
    """The month with the most of ``key`` (miles by default); None without any month."""
    return max(totals, key=key, default=None)


def longest(passages, count=3):
    """The ``count`` longest passages, longest first (the earlier one first on a tie)."""
    return sorted(passages, key=lambda p: (-p.distance_nm, p.day))[:count]


def long_passages(passages, threshold=LONG_PASSAGE_NM):
    return [p for p in passages if p.distance_nm >= threshold]


def by_conditions(passages):
    """How many passages were sailed in each of the conditions, plus "unknown" for no wind noted."""
    counts = {label: 0 for label, _ in CONDITIONS}
    counts["unknown"] = 0
    for passage in passages:
        key = "unknown" if passage.wind_force is None else conditions(passage.wind_force)
        counts[key] += 1
    return counts
