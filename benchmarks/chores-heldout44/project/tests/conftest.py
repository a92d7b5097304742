from datetime import date

import pytest

from courtbook.bookings import Booking


@pytest.fixture
def booking():
    """A Booking with sensible defaults: a weekday in March, 10:00 for an hour on court 1."""

    def make(**fields):
        values = {"day": date(2026, 3, 11), "start": 600, "minutes": 60, "court": 1, "member": "Priya Shah"}
        values.update(fields)
        return Booking(**values)

    return make
