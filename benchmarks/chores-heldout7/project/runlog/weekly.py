"""Weekly totals: distance, time, runs and the longest run per Monday-to-Sunday week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass
class Week:
    start: date
    distance_km: float = 0.0
    seconds: int = 0
    runs: int = 0
    longest_km: float = 0.0

    @property
    def pace(self):
        """Average seconds per kilometre over the week (0.0 for an empty week)."""
        return self.seconds / self.distance_km if self.distance_km else 0.0


def week_start(day):
    # TODO: let the week start on Sunday for people who plan that way
    return day - timedelta(days=day.weekday())


def weekly_totals(runs, fill_gaps=False):
    """The weeks with runs, oldest first; with fill_gaps, the empty weeks between them too."""
    weeks = {}
    for run in runs:
        start = week_start(run.day)
        week = weeks.setdefault(start, Week(start))
        week.distance_km += run.distance_km
        week.seconds += run.seconds
        week.runs += 1
        week.longest_km = max(week.longest_km, run.distance_km)
    if fill_gaps and weeks:
        start, last = min(weeks), max(weeks)
        while start < last:
            weeks.setdefault(start, Week(start))
            start += timedelta(days=7)
    return [weeks[start] for start in sorted(weeks)]


def by_kind(runs):
    totals = {}
    for run in runs:
        totals[run.kind] = totals.get(run.kind, 0.0) + run.distance_km
    return totals
