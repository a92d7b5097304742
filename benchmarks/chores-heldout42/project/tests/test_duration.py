from brinelog.duration import format_days, parse_duration


def test_days_and_weeks():
    assert parse_duration("7 days") == 7
    assert parse_duration("2 weeks") == 14


def test_format_days():
    assert format_days(14) == "2 weeks"
    assert format_days(10) == "1 week 3 days"
    assert format_days(1) == "1 day"
