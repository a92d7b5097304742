from datetime import date

from laps.sessions import Session
from laps.weekly import busiest_week, strokes_by_week, week_start, weekly_totals


def swim(day, lengths, stroke="freestyle", seconds=600):
    return Session(day, 25.0, lengths, seconds, stroke)


def test_week_starts_on_monday():
    assert week_start(date(2026, 3, 15)) == date(2026, 3, 9)
    assert week_start(date(2026, 3, 9)) == date(2026, 3, 9)


def test_weekly_totals():
    weeks = weekly_totals([swim(date(2026, 3, 2), 40), swim(date(2026, 3, 8), 20), swim(date(2026, 3, 9), 10)])
    assert [(w.start, w.distance_m, w.swims, w.seconds) for w in weeks] == [
        (date(2026, 3, 2), 1500.0, 2, 1200),
        (date(2026, 3, 9), 250.0, 1, 600),
    ]


def test_busiest_week_per_stroke():
    sessions = [swim(date(2026, 3, 2), 40), swim(date(2026, 3, 10), 30, "breaststroke")]
    assert busiest_week(sessions).start == date(2026, 3, 2)
    assert busiest_week(sessions, "breaststroke").start == date(2026, 3, 9)
    assert busiest_week(sessions, "butterfly") is None


# TODO: a week with only yard-pool sessions
def test_strokes_by_week():
    sessions = [swim(date(2026, 3, 2), 40), swim(date(2026, 3, 3), 8, "butterfly"), swim(date(2026, 3, 4), 4)]
    assert strokes_by_week(sessions) == {date(2026, 3, 2): {"freestyle": 1100.0, "butterfly": 200.0}}
