"""When each hive is due its next inspection.

In swarm season (April to June) a colony can build queen cells and swarm within ten days, so hives
are looked at every week; for the rest of the active season every two weeks. From November to
February the hives stay closed: whatever falls due then waits until 1 March.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from hivelog.inspections import Inspection, latest_by_hive

SWARM_SEASON = (4, 6)  # first and last month, both included
WINTER_MONTHS = (11, 12, 1, 2)
SWARM_INTERVAL_DAYS = 7
SEASON_INTERVAL_DAYS = 14


@dataclass(frozen=True)
class Due:
    hive: str
    last: date
    due: date
    days_overdue: int  # negative: days still to go


def interval_days(day: date) -> int | None:
    """Days from an inspection on ``day`` to the next one; None in winter (no inspections)."""
    first, last = SWARM_SEASON
    if first <= day.month <= last:
        return SWARM_INTERVAL_DAYS
    if day.month in WINTER_MONTHS:
        return None
    return SEASON_INTERVAL_DAYS


def spring_opening(day: date) -> date:
    """The first of March after a winter day (the same year in January and February)."""
    return date(day.year + 1 if day.month >= 11 else day.year, 3, 1)


def next_due(last: date) -> date:
    """The day the next inspection is due after one on ``last``."""
    interval = interval_days(last)
    if interval is None:
        return spring_opening(last)
    due = last + timedelta(days=interval)
    if due.month in WINTER_MONTHS:
        return spring_opening(due)
    return due


def due_list(inspections: list[Inspection], today: date) -> list[Due]:
    """Every hive with its next due date, the most overdue first (then by name)."""
    rows = []
    for hive, inspection in latest_by_hive(inspections).items():
        due = next_due(inspection.day)
        rows.append(Due(hive, inspection.day, due, (today - due).days))
    return sorted(rows, key=lambda row: (-row.days_overdue, row.hive))
