from datetime import date

import pytest

from paddlelog.stats import average_speed, by_month, by_water, fastest, format_minutes, moving_water_km
from paddlelog.trips import Trip


def trip(day, water, km, minutes, craft="kayak", grade=0):
    return Trip(date(2026, 4, day), water, km, minutes, craft, grade)


TRIPS = [
    trip(1, "River Dee", 8.0, 100, grade=2),
    trip(2, "Llyn Tegid", 5.0, 60, craft="canoe"),
    trip(3, "River Dee", 6.0, 75, grade=3),
    trip(4, "Loch Ness", 14.0, 180),
]


def test_average_speed():
    assert average_speed(12.0, 135) == pytest.approx(5.333, abs=0.001)
    with pytest.raises(ValueError):
        average_speed(5.0, 0)


def test_format_minutes():
    assert [format_minutes(m) for m in (45, 60, 135, 605)] == ["0:45", "1:00", "2:15", "10:05"]


def test_by_water_longest_first():
    totals = by_water(TRIPS)
    assert [total.water for total in totals] == ["Loch Ness", "River Dee", "Llyn Tegid"]
    dee = totals[1]
    assert (dee.trips, dee.distance_km, dee.minutes, dee.hardest) == (2, 14.0, 175, 3)
    assert dee.speed_kmh == pytest.approx(4.8)


def test_by_month_and_moving_water():
    assert by_month([*TRIPS, Trip(date(2026, 5, 1), "Wye", 3.0, 40, "kayak")]) == {"2026-04": 33.0, "2026-05": 3.0}
    assert moving_water_km(TRIPS) == 14.0


def test_fastest():
    assert fastest(TRIPS).day.day == 2
    assert fastest(TRIPS, craft="kayak").day.day == 1
    assert fastest([]) is None
