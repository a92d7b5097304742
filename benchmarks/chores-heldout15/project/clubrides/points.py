"""The club's points rule and the leaderboard built on it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from clubrides.rides import Ride
from clubrides.totals import month_key

KM_PER_POINT = 10  # one point per full 10 km
CLIMB_M_PER_POINT = 250  # one point per full 250 m of elevation gain
CLUB_BONUS = 5  # showing up to a club ride


@dataclass(frozen=True)
class Standing:
    rank: int
    rider: str
    points: int
    rides: int
    distance_km: float


def points_for(ride: Ride) -> int:
    """The points one ride earns: distance, climbing and the club-ride bonus."""
    points = int(ride.distance_km // KM_PER_POINT) + ride.elevation_m // CLIMB_M_PER_POINT
    if ride.club:
        points += CLUB_BONUS
    # TODO: cap the points of a single ride once someone logs a 300 km audax
    return points


def leaderboard(rides: Iterable[Ride], month: str | None = None) -> list[Standing]:
    points: dict[str, int] = {}
    count: dict[str, int] = {}
    distance: dict[str, float] = {}
    for ride in rides:
        if month is not None and month_key(ride.day) != month:
            continue
        points[ride.rider] = points.get(ride.rider, 0) + points_for(ride)
        count[ride.rider] = count.get(ride.rider, 0) + 1
        distance[ride.rider] = distance.get(ride.rider, 0.0) + ride.distance_km
    order = sorted(points, key=lambda rider: (-points[rider], rider.casefold()))
    standings: list[Standing] = []
    for position, rider in enumerate(order, start=1):
        if standings and standings[-1].points == points[rider]:
            rank = standings[-1].rank
        else:
            rank = position
        standings.append(Standing(rank, rider, points[rider], count[rider], round(distance[rider], 1)))
    return standings
