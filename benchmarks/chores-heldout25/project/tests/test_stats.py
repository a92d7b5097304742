from datetime import date

from bplog.readings import Reading
from bplog.stats import mean, morning_evening, week_start, weekly_averages


def reading(day, bp, time="07:00", pulse=60):
    systolic, diastolic = bp
    return Reading(day, time, systolic, diastolic, pulse, "left")


def test_week_start_is_monday():
    assert week_start(date(2026, 2, 8)) == date(2026, 2, 2)  # a Sunday
    assert week_start(date(2026, 2, 9)) == date(2026, 2, 9)


def test_mean_rounds_and_handles_nothing():
    assert mean([120, 121]) == 120
    assert mean([]) is None


def test_weekly_averages():
    weeks = weekly_averages([
        reading(date(2026, 2, 2), (120, 80)),
        reading(date(2026, 2, 8), (130, 90), pulse=None),
        reading(date(2026, 2, 9), (140, 70)),
    ])
    assert list(weeks) == [date(2026, 2, 2), date(2026, 2, 9)]
    assert weeks[date(2026, 2, 2)] == {"count": 2, "systolic": 125, "diastolic": 85, "pulse": 60}


def test_morning_evening_split():
    halves = morning_evening([
        reading(date(2026, 2, 2), (120, 80), "07:00"),
        reading(date(2026, 2, 2), (140, 90), "21:30"),
        reading(date(2026, 2, 3), (124, 78), ""),
    ])
    assert halves == {"morning": (122, 79), "evening": (140, 90)}
