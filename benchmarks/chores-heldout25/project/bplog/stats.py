"""Averages: per Monday-to-Sunday week, and the morning/evening split."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta


def week_start(day):
    """The Monday of the day's week."""
    return day - timedelta(days=day.weekday())


def mean(values):
    values = list(values)
    if not values:
        return None
    return round(sum(values) / len(values))


def weekly_averages(readings):
    """Per week (by its Monday): the readings counted and the mean systolic, diastolic and pulse."""
    weeks = defaultdict(list)
    for reading in readings:
        weeks[week_start(reading.day)].append(reading)
    result = {}
    for monday in sorted(weeks):
        group = weeks[monday]
        result[monday] = {
            "count": len(group),
            "systolic": mean(r.systolic for r in group),
            "diastolic": mean(r.diastolic for r in group),
            "pulse": mean(r.pulse for r in group if r.pulse is not None),
        }
    return result


def is_morning(reading):
    """A reading before noon (a blank time counts as morning)."""
    # TODO: read 7.30pm style times as well as 24h ones
    hour = reading.time.split(":")[0].strip()
    return not hour or int(hour) < 12


def morning_evening(readings):
    halves = {"morning": [], "evening": []}
    for reading in readings:
        halves["morning" if is_morning(reading) else "evening"].append(reading)
    return {
        name: (mean(r.systolic for r in group), mean(r.diastolic for r in group))
        for name, group in halves.items()
    }
