from datetime import date

from pianolog.sessions import Session
from pianolog.weekly import average_week, format_minutes, minutes_by_kind, week_start, weekly_totals

SESSIONS = [
    Session(date(2026, 3, 2), 30, "scales"),
    Session(date(2026, 3, 8), 45, "repertoire"),  # a Sunday: still the week of 2 March
    Session(date(2026, 3, 9), 20, "scales"),
]


def test_week_start_is_the_monday():
    assert week_start(date(2026, 3, 8)) == date(2026, 3, 2)
    assert week_start(date(2026, 3, 9)) == date(2026, 3, 9)


def test_weekly_totals():
    weeks = weekly_totals(SESSIONS)
    assert [(w.start, w.minutes, w.sessions) for w in weeks] == [(date(2026, 3, 2), 75, 2), (date(2026, 3, 9), 20, 1)]
    assert weeks[0].by_kind == {"scales": 30, "repertoire": 45}


def test_minutes_by_kind_most_first():
    assert list(minutes_by_kind(SESSIONS).items()) == [("scales", 50), ("repertoire", 45)]


def test_average_week():
    assert average_week(SESSIONS) == 47.5
    assert average_week([]) == 0.0


def test_format_minutes():
    assert format_minutes(40) == "40 min"
    assert format_minutes(65) == "1h05"
