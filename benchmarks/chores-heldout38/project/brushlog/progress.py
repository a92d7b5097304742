"""Projects (time, models, rating, status, stalled or not) and painting time per week."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

# Minutes of painting per model: under SPEED_PAINT_UNDER a project is a speed paint, from
# DISPLAY_FROM on it is display standard, and in between it is tabletop standard.
SPEED_PAINT_UNDER = 20
DISPLAY_FROM = 60
# An unfinished project with no session for this many days is stalled (finished and shelved
# projects never are). The days are counted back from the newest session in the log.
STALLED_AFTER_DAYS = 21
RESTING = ("finished", "shelved")


@dataclass
class ProjectSummary:
    name: str
    sessions: int
    minutes: int
    models: int
    status: str
    first_day: date
    last_day: date
    stalled: bool = False

    @property
    def minutes_per_model(self):
        return self.minutes / self.models

    @property
    def rating(self):
        return rating(self.minutes_per_model)


@dataclass
class Week:
    start: date
    sessions: int
    minutes: int


def rating(minutes_per_model):
    """'speed paint', 'tabletop' or 'display' for the minutes of painting per model."""
    if minutes_per_model < SPEED_PAINT_UNDER:
        return "speed paint"
    if minutes_per_model < DISPLAY_FROM:
        return "tabletop"
    return "display"


def is_stalled(status, last_day, newest_day):
    return status not in RESTING and (newest_day - last_day).days >= STALLED_AFTER_DAYS


def summarise_projects(sessions, newest_day=None):
    """One summary per project, the most recently painted first.

    A project's models are the most models any of its sessions worked on; its status is that of
    its latest session.
    """
    by_project = defaultdict(list)
    for session in sessions:
        by_project[session.project].append(session)
    if not by_project:
        return []
    if newest_day is None:
        newest_day = max(session.day for group in by_project.values() for session in group)
    summaries = []
    for name, group in by_project.items():
        group.sort(key=lambda session: session.day)
        latest = group[-1]
        summary = ProjectSummary(
            name=name,
            sessions=len(group),
            minutes=sum(session.minutes for session in group),
            models=max(session.models for session in group),
            status=latest.status,
            first_day=group[0].day,
            last_day=latest.day,
        )
        summary.stalled = is_stalled(summary.status, summary.last_day, newest_day)
        summaries.append(summary)
    # TODO: count a project as stalled from today, not from the newest entry in the log
    return sorted(summaries, key=lambda summary: (summary.last_day, summary.name), reverse=True)


def week_start(day):
    """The Monday of the day's week."""
    return day - timedelta(days=day.weekday())


def weekly_totals(sessions):
    """Sessions and minutes per Monday-to-Sunday week, oldest week first (weeks without a session left out)."""
    weeks = {}
    for session in sessions:
        start = week_start(session.day)
        week = weeks.setdefault(start, Week(start, 0, 0))
        week.sessions += 1
        week.minutes += session.minutes
    return [weeks[start] for start in sorted(weeks)]
