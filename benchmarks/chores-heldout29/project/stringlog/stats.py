"""Per-guitar figures over the whole log: how often the strings get changed, and what they cost."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from statistics import mean

from stringlog.log import StringChange


@dataclass(frozen=True)
class GuitarStats:
    guitar: str
    changes: int
    mean_interval: float | None  # days between two changes
    mean_hours: float | None  # hours a set was played
    spent: float


def by_guitar(changes):
    groups = defaultdict(list)
    for change in changes:
        groups[change.guitar].append(change)
    for group in groups.values():
        group.sort(key=lambda change: change.day)
    return dict(groups)


def intervals(changes):
    """Days between each change and the next (the changes of one guitar, oldest first)."""
    return [(later.day - earlier.day).days for earlier, later in zip(changes, changes[1:])]


def summary(changes):
    rows = []
    for guitar, group in sorted(by_guitar(changes).items()):
        gaps = intervals(group)
        hours = [change.hours for change in group if change.hours is not None]
        spent = sum(change.price for change in group if change.price is not None)
        rows.append(
            GuitarStats(
                guitar,
                len(group),
                mean(gaps) if gaps else None,
                mean(hours) if hours else None,
                round(spent, 2),
            )
        )
    return rows


def spend_by_year(changes):
    totals = defaultdict(float)
    for change in changes:
        if change.price is not None:
            totals[change.day.year] += change.price
    return {year: round(total, 2) for year, total in sorted(totals.items())}
