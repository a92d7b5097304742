from datetime import date

import pytest

from waterlog.readings import Reading
from waterlog.usage import (
    Day,
    daily_usage,
    leak_days,
    mains_cost,
    per_person,
    rain_share,
    usage_band,
    weekly_usage,
)


def test_daily_usage_adds_up_the_readings_of_a_day():
    readings = [
        Reading(date(2026, 3, 10), "main", 120.0),
        Reading(date(2026, 3, 10), "main", 180.0),
        Reading(date(2026, 3, 10), "barrel", 40.0),
        Reading(date(2026, 3, 9), "garden", 35.0),
    ]
    days = daily_usage(readings)
    assert days == [Day(date(2026, 3, 9), garden=35.0), Day(date(2026, 3, 10), main=300.0, barrel=40.0)]


@pytest.mark.parametrize(
    ("litres", "band"),
    [(95.0, "frugal"), (110.0, "average"), (149.9, "average"), (150.0, "high"), (260.0, "very high")],
)
def test_usage_band(litres, band):
    assert usage_band(litres) == band


def test_per_person_needs_someone_at_home():
    assert per_person(300.0, 2) == 150.0
    with pytest.raises(ValueError):
        per_person(300.0, 0)


def test_weekly_usage_runs_monday_to_sunday():
    days = [Day(date(2026, 3, 8), main=268.0), Day(date(2026, 3, 9), main=295.0), Day(date(2026, 3, 15), main=297.0)]
    weeks = weekly_usage(days)
    assert [(week.start, week.main, week.days) for week in weeks] == [
        (date(2026, 3, 2), 268.0, 1),
        (date(2026, 3, 9), 592.0, 2),
    ]


def test_rain_share_is_none_without_garden_water():
    assert rain_share(0.0, 0.0) is None
    assert rain_share(30.0, 90.0) == 0.75


def test_mains_cost_is_by_the_cubic_metre():
    assert mains_cost(1000.0, tariff=2.5) == 2.5


def test_a_single_big_day_is_flagged_as_a_leak():
    usage = [300.0, 280.0, 310.0, 290.0, 700.0, 300.0]
    days = [Day(date(2026, 3, 2 + i), main=litres) for i, litres in enumerate(usage)]
    flagged = leak_days(days)
    assert [(day.day.day, usual) for day, usual in flagged] == [(6, 295.0)]


def test_no_leak_before_three_days_of_history():
    days = [Day(date(2026, 3, 2), main=300.0), Day(date(2026, 3, 3), main=290.0), Day(date(2026, 3, 4), main=900.0)]
    assert leak_days(days) == []
