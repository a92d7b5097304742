from datetime import date

import pytest

from paddlelog.effort import effort_level, effort_points, grade_label, level_counts
from paddlelog.trips import Trip


def trip(km, grade):
    return Trip(date(2026, 5, 2), "River Tryweryn", km, 90, "kayak", grade)


def test_grade_label():
    assert [grade_label(g) for g in (0, 1, 3, 6)] == ["flat", "I", "III", "VI"]


def test_effort_points():
    assert effort_points(trip(12.0, 1)) == pytest.approx(15.0)
    assert effort_points(trip(9.5, 0)) == pytest.approx(9.5)


@pytest.mark.parametrize(
    ("km", "grade", "level"),
    [(11.9, 0, "easy"), (12.0, 0, "moderate"), (6.0, 2, "moderate"), (16.0, 2, "hard"), (29.0, 2, "epic")],
)
def test_effort_level(km, grade, level):
    assert effort_level(trip(km, grade)) == level


def test_grade_four_is_at_least_hard():
    # TODO: test the grade IV rule on a long trip as well (it must not pull an epic down)
    assert effort_level(trip(1.0, 4)) == "hard"


def test_level_counts_lists_every_level():
    assert level_counts([trip(3.0, 0), trip(30.0, 2)]) == {"easy": 1, "moderate": 0, "hard": 0, "epic": 1}
