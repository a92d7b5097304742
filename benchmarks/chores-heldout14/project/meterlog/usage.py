"""Consumption between readings, and the same spread over calendar months."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from meterlog.readings import Reading


@dataclass
class Interval:
    """What the registers went up by from one reading to the next."""

    start: date
    end: date
    day_kwh: float
    night_kwh: float
    export_kwh: float

    @property
    def days(self) -> int:
        """Days from the first reading to the second (the second day not included)."""
        return (self.end - self.start).days

    @property
    def import_kwh(self):
        return self.day_kwh + self.night_kwh

    def per_day(self):
        """Average kWh imported per day."""
        return self.import_kwh / self.days if self.days else 0.0


@dataclass
class MonthUsage:
    """The kWh of one calendar month ("YYYY-MM"), from the intervals that cover it."""

    month: str
    days: int = 0
    day_kwh: float = 0.0
    night_kwh: float = 0.0
    export_kwh: float = 0.0

    @property
    def import_kwh(self) -> float:
        return self.day_kwh + self.night_kwh

    def per_day(self):
        return self.import_kwh / self.days if self.days else 0.0


def intervals(readings: list[Reading]) -> list[Interval]:
    """The interval between each reading and the next; ``readings`` oldest first."""
    return [
        Interval(
            start=before.day,
            end=after.day,
            day_kwh=after.day_kwh - before.day_kwh,
            night_kwh=after.night_kwh - before.night_kwh,
            export_kwh=after.export_kwh - before.export_kwh,
        )
        for before, after in zip(readings, readings[1:])
    ]


def month_key(day):
    return f"{day.year:04d}-{day.month:02d}"


def next_month(day: date) -> date:
    """The first day of the month after ``day``'s month."""
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def split_days(start, end):
    """How many of the days from ``start`` up to ``end`` (not included) fall in each month."""
    days = {}
    cursor = start
    while cursor < end:
        stop = min(next_month(cursor), end)
        days[month_key(cursor)] = (stop - cursor).days
        cursor = stop
    return days


def monthly_usage(readings, month=None):
    """Each interval's kWh spread over the months it covers, the same amount every day.

    With ``month`` ("YYYY-MM"), only that month (an empty list when no reading covers it).
    """
    # TODO: spread by heating degree-days instead of evenly: a cold week uses more than a mild one
    months = {}
    for interval in intervals(readings):
        for key, days in split_days(interval.start, interval.end).items():
            share = days / interval.days
            usage = months.setdefault(key, MonthUsage(key))
            usage.days += days
            usage.day_kwh += interval.day_kwh * share
            usage.night_kwh += interval.night_kwh * share
            usage.export_kwh += interval.export_kwh * share
    return [months[key] for key in sorted(months) if month is None or key == month]
