"""Weekly (ISO week, Monday to Sunday) and monthly totals per rider."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from clubrides.rides import Ride


@dataclass
class Total:
    rider: str
    period: str  # "2026-W14" for a week, "2026-04" for a month
    rides: int = 0
    distance_km: float = 0.0
    elevation_m: int = 0
    moving_s: int = 0

    def add(self, ride):
        self.rides += 1
        self.distance_km += ride.distance_km
        self.elevation_m += ride.elevation_m
        self.moving_s += ride.moving_s

    @property
    def speed(self) -> float:
        """Average speed in km/h over the period's moving time (0.0 without any)."""
        return self.distance_km / (self.moving_s / 3600) if self.moving_s else 0.0


def week_key(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def month_key(day):
    return f"{day.year}-{day.month:02d}"


def totals_by(rides, key):
    table = {}
    for ride in rides:
        period = key(ride.day)
        total = table.get((ride.rider, period))
        if total is None:
            total = table[(ride.rider, period)] = Total(ride.rider, period)
        total.add(ride)
    return sorted(table.values(), key=lambda total: (total.period, total.rider))


def weekly_totals(rides: Iterable[Ride]) -> list[Total]:
    return totals_by(rides, week_key)


def monthly_totals(rides):
    return totals_by(rides, month_key)


def for_rider(totals: Iterable[Total], rider: str) -> list[Total]:
    wanted = rider.strip().casefold()
    return [total for total in totals if total.rider.casefold() == wanted]


def busiest(totals, count=3):
    return sorted(totals, key=lambda total: (-total.distance_km, total.period, total.rider))[:count]
