import pytest

from runlog.pace import format_duration, format_pace, pace_seconds, speed_kmh


def test_pace_seconds():
    assert pace_seconds(10.0, 3000) == 300.0


def test_format_pace_pads_seconds():
    assert format_pace(305) == "5:05/km"


def test_format_pace_rounds_up_into_the_next_minute():
    assert format_pace(299.6) == "5:00/km"


def test_format_duration_with_and_without_hours():
    assert format_duration(3723) == "1:02:03"
    assert format_duration(1300) == "21:40"


def test_speed_kmh():
    assert speed_kmh(300) == pytest.approx(12.0)
