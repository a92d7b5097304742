"""Speeds and totals: per river or lake, per month, and the fastest trip."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass


@dataclass
class WaterTotal:
    water: str
    trips: int
    distance_km: float
    minutes: int
    hardest: int

    @property
    def speed_kmh(self):
        return average_speed(self.distance_km, self.minutes)


def average_speed(distance_km, minutes):
    if minutes <= 0:
        raise ValueError("a trip takes some time")
    return distance_km / (minutes / 60)  # TODO: knots as well for the sea trips


def trip_speed(trip):
    return average_speed(trip.distance_km, trip.minutes)


def format_minutes(minutes):
    hours, rest = divmod(minutes, 60)
    return f"{hours}:{rest:02d}"


def total_distance(trips):
    return sum(trip.distance_km for trip in trips)


def moving_water_km(trips):
    """Kilometres paddled on graded (moving) water, grade I and up."""
    return total_distance(trip for trip in trips if trip.grade > 0)


def by_water(trips):
    """A WaterTotal per river or lake, the longest total first (ties by name)."""
    groups = defaultdict(list)
    for trip in trips:
        groups[trip.water].append(trip)
    totals = [
        WaterTotal(
            water=water,
            trips=len(group),
            distance_km=total_distance(group),
            minutes=sum(trip.minutes for trip in group),
            hardest=max(trip.grade for trip in group),
        )
        for water, group in groups.items()
    ]
    totals.sort(key=lambda total: (-total.distance_km, total.water))
    return totals


def by_month(trips):
    """Kilometres per calendar month ('2026-03'), in order."""
    months = defaultdict(float)
    for trip in trips:
        months[trip.day.strftime("%Y-%m")] += trip.distance_km
    return dict(sorted(months.items()))


def fastest(trips, craft=None):
    """The trip with the best average speed (of one craft if given), or None without trips."""
    candidates = [trip for trip in trips if craft is None or trip.craft == craft]
    if not candidates:
        return None
    return max(candidates, key=trip_speed)
