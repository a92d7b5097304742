"""Totals per Monday-to-Sunday week, and the distance per stroke."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from laps.pace import pace_per_100m


@dataclass(frozen=True)
class Week:
    start: date
    distance_m: float
    swims: int
    seconds: int

    @property
    def pace(self):
        return pace_per_100m(self.seconds, self.distance_m)


def week_start(day):
    return day - timedelta(days=day.weekday())


def weekly_totals(sessions):
    distance = defaultdict(float)
    swims = defaultdict(int)
    seconds = defaultdict(int)
    for session in sessions:
        start = week_start(session.day)
        distance[start] += session.distance_m
        swims[start] += 1
        seconds[start] += session.seconds
    return [Week(start, distance[start], swims[start], seconds[start]) for start in sorted(distance)]


def busiest_week(sessions, stroke=None):
    weeks = weekly_totals(session for session in sessions if stroke is None or session.stroke == stroke)
    return max(weeks, key=lambda week: week.distance_m, default=None)


def strokes_by_week(sessions):
    totals = defaultdict(lambda: defaultdict(float))
    for session in sessions:
        totals[week_start(session.day)][session.stroke] += session.distance_m
    return {start: dict(strokes) for start, strokes in sorted(totals.items())}
