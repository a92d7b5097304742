from datetime import date

import pytest

from meterlog.readings import Reading
from meterlog.usage import MonthUsage, intervals, monthly_usage, next_month, split_days


def test_intervals():
    readings = [Reading(date(2026, 1, 1), 100.0, 50.0, 0.0), Reading(date(2026, 1, 11), 160.0, 80.0, 5.0)]
    (interval,) = intervals(readings)
    assert interval.days == 10
    assert (interval.day_kwh, interval.night_kwh, interval.export_kwh) == (60.0, 30.0, 5.0)
    assert interval.import_kwh == 90.0


def test_no_intervals_from_one_reading():
    assert intervals([Reading(date(2026, 1, 1), 100.0, 50.0)]) == []


def test_next_month():
    assert next_month(date(2026, 1, 31)) == date(2026, 2, 1)
    assert next_month(date(2025, 12, 15)) == date(2026, 1, 1)


def test_split_days_across_a_month_end():
    assert split_days(date(2026, 1, 20), date(2026, 2, 3)) == {"2026-01": 12, "2026-02": 2}


def test_split_days_within_a_month():
    assert split_days(date(2026, 2, 3), date(2026, 2, 10)) == {"2026-02": 7}


def test_monthly_usage_spreads_an_interval_by_days(readings_csv):
    from meterlog.readings import load_readings

    january, february = monthly_usage(load_readings(readings_csv))
    assert (january.month, january.days, february.days) == ("2026-01", 12, 9)
    assert january.day_kwh == pytest.approx(120.0)
    assert february.day_kwh == pytest.approx(20.0 + 56.0)
    assert february.export_kwh == pytest.approx(14.0)


def test_monthly_usage_of_one_month(readings_csv):
    from meterlog.readings import load_readings

    (february,) = monthly_usage(load_readings(readings_csv), "2026-02")
    assert february.month == "2026-02"
    assert monthly_usage(load_readings(readings_csv), "2026-05") == []


def test_month_usage_per_day():
    assert MonthUsage("2026-01", days=10, day_kwh=60.0, night_kwh=40.0).per_day() == 10.0
    assert MonthUsage("2026-01").per_day() == 0.0

# TODO: readings that span New Year (the December -> January split)
