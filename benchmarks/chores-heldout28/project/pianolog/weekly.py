"""Practice time per Monday-to-Sunday week, and per kind of practice."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass
class Week:
    start: date
    minutes: int = 0
    sessions: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


def week_start(day):
    """The Monday of the week of ``day``."""
    return day - timedelta(days=day.weekday())


def weekly_totals(sessions):
    """One Week per Monday-to-Sunday week with practice in it, oldest first."""
    weeks = {}
    for session in sessions:
        start = week_start(session.day)
        week = weeks.setdefault(start, Week(start))
        week.minutes += session.minutes
        week.sessions += 1
        week.by_kind[session.kind] = week.by_kind.get(session.kind, 0) + session.minutes
    return [weeks[start] for start in sorted(weeks)]


def minutes_by_kind(sessions):
    """Total minutes per kind of practice, most practised first."""
    totals = defaultdict(int)
    for session in sessions:
        totals[session.kind] += session.minutes
    return dict(sorted(totals.items(), key=lambda item: (-item[1], item[0])))


def average_week(sessions):
    """The mean minutes of the weeks with practice in them (0.0 without any)."""
    weeks = weekly_totals(session for session in sessions if session.minutes > 0)
    if not weeks:
        return 0.0
    # TODO: count the empty weeks between the first and the last one too
    return sum(week.minutes for week in weeks) / len(weeks)


def format_minutes(minutes):
    """``95`` as ``1h35``, ``40`` as ``40 min``."""
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60}h{minutes % 60:02d}"
