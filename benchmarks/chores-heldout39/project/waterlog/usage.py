"""Use per meter per day and per week, the usage band of a day, and days that look like a leak."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median

from waterlog.volumes import LITRES_PER_M3

# Mains litres per person per day: a day under the first limit is frugal, under the second
# average, under the third high; from the third limit on it is very high.
BANDS = ((110.0, "frugal"), (150.0, "average"), (200.0, "high"))
TOP_BAND = "very high"

LEAK_FACTOR = 2.0  # a day at twice the usual mains use or more looks like a leak
LEAK_WINDOW = 7  # "usual" is the median of up to this many days with a mains reading before it
LEAK_MIN_DAYS = 3  # and it takes at least this many of them to say what is usual

TARIFF_PER_M3 = 3.42  # £ per m³ of mains water, supply and sewerage together (2026/27 bill)


@dataclass
class Day:
    day: date
    main: float = 0.0
    garden: float = 0.0
    barrel: float = 0.0


@dataclass
class Week:
    start: date
    main: float = 0.0
    garden: float = 0.0
    barrel: float = 0.0
    days: int = 0


def daily_usage(readings):
    """Litres per meter per day, oldest day first; several readings of a meter on one day add up."""
    days = {}
    for reading in readings:
        day = days.setdefault(reading.day, Day(reading.day))
        if reading.meter == "main":
            day.main += reading.litres
        elif reading.meter == "garden":
            day.garden += reading.litres
        else:
            day.barrel += reading.litres
    return [days[key] for key in sorted(days)]


def per_person(litres, people):
    if people < 1:
        raise ValueError(f"a house has at least one person, not {people}")
    return litres / people


def usage_band(litres_per_person):
    """The band of a day's mains use per person (see BANDS)."""
    for limit, name in BANDS:
        if litres_per_person < limit:
            return name
    return TOP_BAND


def week_start(day):
    """The Monday of the day's week."""
    return day - timedelta(days=day.weekday())


def _total(values):
    return round(sum(values), 3)


def weekly_usage(days):
    """Totals per Monday-to-Sunday week, oldest first (weeks without a reading are left out)."""
    weeks = defaultdict(list)
    for day in days:
        weeks[week_start(day.day)].append(day)
    result = []
    for start in sorted(weeks):
        group = weeks[start]
        result.append(
            Week(
                start,
                _total(day.main for day in group),
                _total(day.garden for day in group),
                _total(day.barrel for day in group),
                len(group),
            )
        )
    return result


def rain_share(garden, barrel):
    """The share of the garden's water that came from the rain barrel; None when there was none."""
    total = garden + barrel
    if not total:
        return None
    return barrel / total


def mains_cost(litres, tariff=TARIFF_PER_M3):
    """What that much mains water costs, in pounds."""
    return litres / LITRES_PER_M3 * tariff


def leak_days(days, factor=LEAK_FACTOR, window=LEAK_WINDOW):
    """The days whose mains use is at least `factor` times the usual, with that usual use.

    The usual use is the median of the mains use of the `window` days before (days without a
    mains reading do not count); with fewer than LEAK_MIN_DAYS of them a day is never flagged.
    """
    flagged = []
    history = []
    for day in days:
        if not day.main:
            continue
        recent = history[-window:]
        if len(recent) >= LEAK_MIN_DAYS:
            usual = median(recent)
            if day.main >= factor * usual:
                flagged.append((day, usual))
        history.append(day.main)
    # TODO: look at the overnight readings too, a dripping tap never shows up as a big day
    return flagged
