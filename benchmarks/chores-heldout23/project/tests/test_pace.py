import pytest
from laps.pace import format_clock, format_pace, pace_per_100m


def test_pace_per_100m():
    assert pace_per_100m(1930, 1500) == pytest.approx(128.667, abs=1e-3)
    with pytest.raises(ValueError):
        pace_per_100m(60, 0)


def test_format_clock():
    assert format_clock(119.6) == "2:00"
    assert format_clock(3750) == "1:02:30"
    assert format_clock(59) == "0:59"


def test_format_pace():
    assert format_pace(128.7) == "2:09/100m"
