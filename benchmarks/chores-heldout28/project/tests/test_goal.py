from datetime import date

from pianolog.goal import current_streak, daily_minutes, judge, longest_streak, streaks
from pianolog.sessions import Session


def day(n):
    return date(2026, 3, n)


def test_judge():
    assert judge(240) == "met"
    assert judge(200) == "close"
    assert judge(150) == "short"


def test_daily_minutes():
    sessions = [Session(day(2), 20, "scales"), Session(day(3), 5, "scales")]
    assert daily_minutes(sessions) == {day(2): 20, day(3): 5}


def test_streaks_need_enough_minutes():
    sessions = [Session(day(n), 30, "scales") for n in (2, 3, 4, 6, 7)] + [Session(day(5), 10, "scales")]
    assert streaks(sessions) == [(day(2), day(4)), (day(6), day(7))]
    assert longest_streak(sessions) == (3, day(2), day(4))


def test_current_streak_counts_back_from_today_or_yesterday():
    sessions = [Session(day(n), 20, "technique") for n in (5, 6, 7)]
    assert current_streak(sessions, day(7)) == 3
    assert current_streak(sessions, day(8)) == 3
    assert current_streak(sessions, day(9)) == 0
