from datetime import date

import pytest

from clubrides.rides import Ride


def ride(day: str, rider: str = "Priya", km: float = 40.0, climb: int = 300, moving: int = 5400, club: bool = False) -> Ride:
    return Ride(date.fromisoformat(day), rider, km, climb, moving, club)


@pytest.fixture
def make_ride():
    return ride
