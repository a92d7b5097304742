from datetime import date

from saillog.passages import Passage
from saillog.season import busiest, by_conditions, long_passages, longest, month_totals
from saillog.speed import average_knots, format_distance, format_hours


def passage(day, nm, hours=3.0, force=None, rig="sail"):
    return Passage(day, "Hamble", "Cowes", nm, hours, force, rig)


PASSAGES = [
    passage(date(2026, 4, 4), 10.0, force=3),
    passage(date(2026, 4, 19), 12.0, rig="motor"),
    passage(date(2026, 5, 2), 44.5, 9.25, force=5),
    passage(date(2026, 5, 30), 21.0, force=8),
]


def test_month_totals():
    april, may = month_totals(PASSAGES)
    assert (april.month, april.passages, april.distance_nm, april.sail_nm) == ("2026-04", 2, 22.0, 10.0)
    assert april.sail_share == 10 / 22
    assert (may.passages, may.distance_nm, may.hours) == (2, 65.5, 12.25)


def test_busiest_and_longest():
    assert busiest(month_totals(PASSAGES)).month == "2026-05"
    assert busiest([]) is None
    assert [p.distance_nm for p in longest(PASSAGES, 2)] == [44.5, 21.0]
    assert long_passages(PASSAGES) == [PASSAGES[2]]


def test_by_conditions():
    assert by_conditions(PASSAGES) == {"light": 0, "moderate": 1, "fresh": 1, "strong": 1, "unknown": 1}


def test_speed_and_formats():
    assert average_knots(44.5, 9.25) == 44.5 / 9.25
    assert format_hours(3 + 1 / 3) == "3h20"
    assert format_distance(10.0) == "10.0 nm"
    assert format_distance(10.0, km=True) == "18.5 km"
