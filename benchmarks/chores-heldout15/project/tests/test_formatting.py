from clubrides.formatting import format_duration, format_km, format_speed


def test_format_duration_hours_and_minutes():
    assert format_duration(8710) == "2:25"


def test_format_duration_rounds_to_the_minute():
    assert format_duration(3599) == "1:00"


def test_format_km_and_speed():
    assert format_km(64.04) == "64.0 km"
    assert format_speed(26.456) == "26.5 km/h"
