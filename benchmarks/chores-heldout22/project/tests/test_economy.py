from datetime import date

import pytest
from fuelbook.economy import Segment, average, segments
from fuelbook.fillups import Fillup


def fill(day, odometer, litres, full=True):
    return Fillup(date(2026, 1, day), odometer, litres, 1.45, full)


def test_full_to_full():
    found = segments([fill(1, 10000, 40.0), fill(8, 10600, 36.0), fill(15, 11250, 39.0)])
    assert [(s.distance_km, s.litres) for s in found] == [(600, 36.0), (650, 39.0)]
    assert found[0].litres_per_100km == pytest.approx(6.0)


def test_one_fill_up_is_no_figure_yet():
    assert segments([fill(1, 10000, 40.0)]) == []
    assert average([]) is None


def test_average_is_over_the_whole_distance():
    first = Segment(fill(1, 0, 40.0), fill(2, 500, 30.0), 30.0)
    second = Segment(fill(2, 500, 30.0), fill(3, 1500, 50.0), 50.0)
    assert average([first, second]) == pytest.approx(80 / 1500 * 100)
