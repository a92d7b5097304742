"""The weekly practice goal and the daily streak."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from pianolog.sessions import Session
from pianolog.weekly import Week

WEEKLY_GOAL_MINUTES = 240
CLOSE_FRACTION = 0.8  # a week from 80% of the goal is "close"
STREAK_MIN_MINUTES = 15  # a day counts for the streak from this many minutes at the piano


def judge(minutes: int) -> str:
    """A week's verdict: "met" from the goal, "close" from CLOSE_FRACTION of it, else "short"."""
    if minutes >= WEEKLY_GOAL_MINUTES:
        return "met"
    if minutes >= CLOSE_FRACTION * WEEKLY_GOAL_MINUTES:
        return "close"
    return "short"


def goal_report(weeks: Iterable[Week]) -> list[tuple[Week, str]]:
    """Each week with its verdict."""
    return [(week, judge(week.minutes)) for week in weeks]


def daily_minutes(sessions: Iterable[Session]) -> dict[date, int]:
    """The minutes at the piano per day (all the sessions of a day added up)."""
    totals: dict[date, int] = {}
    for session in sessions:
        totals[session.day] = totals.get(session.day, 0) + session.minutes
    return totals


def streak_days(sessions: Iterable[Session]) -> set[date]:
    """The days that count for the streak: at least STREAK_MIN_MINUTES in all."""
    return {day for day, minutes in daily_minutes(sessions).items() if minutes >= STREAK_MIN_MINUTES}


def streaks(sessions: Iterable[Session]) -> list[tuple[date, date]]:
    """Every run of consecutive streak days as (first day, last day), oldest first."""
    runs: list[tuple[date, date]] = []
    for day in sorted(streak_days(sessions)):
        if runs and runs[-1][1] == day - timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def longest_streak(sessions: Iterable[Session]) -> tuple[int, date | None, date | None]:
    """The longest streak as (days, first day, last day); the earliest of equally long ones."""
    best: tuple[int, date | None, date | None] = (0, None, None)
    for first, last in streaks(sessions):
        days = (last - first).days + 1
        if days > best[0]:
            best = (days, first, last)
    return best


def current_streak(sessions: Iterable[Session], today: date) -> int:
    """Days in a row up to ``today`` (or up to yesterday while today has no practice yet)."""
    days = streak_days(sessions)
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:  # TODO: allow one rest day a week without breaking the streak
        count += 1
        day -= timedelta(days=1)
    return count
