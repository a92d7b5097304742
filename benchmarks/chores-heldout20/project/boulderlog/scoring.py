"""Points for each top, session scores, the grade pyramid and the working grade."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

BASE_POINTS = 100  # a V0 top
POINTS_PER_GRADE = 30  # each V grade above V0 (VB, one below, is worth 70)
FLASH_BONUS = 0.20  # a flash scores a fifth more
REPEAT_FACTOR = 0.5  # a problem topped before scores half
SESSION_BEST = 10  # a session scores its ten best tops
WORKING_TOPS = 3
WORKING_DAYS = 60


def top_points(climb):
    if not climb.topped:
        return 0
    points = BASE_POINTS + POINTS_PER_GRADE * climb.grade
    if climb.style == "flash":
        points *= 1 + FLASH_BONUS
    elif climb.style == "repeat":
        points *= REPEAT_FACTOR
    return int(points / 5 + 0.5) * 5


@dataclass
class Session:
    day: date
    climbs: list = field(default_factory=list)

    @property
    def tops(self):
        return sum(1 for climb in self.climbs if climb.topped)

    @property
    def attempts(self):
        return sum(climb.attempts for climb in self.climbs)

    @property
    def hardest(self):
        """The V grade of the hardest top of the day; None when nothing was topped."""
        grades = [climb.grade for climb in self.climbs if climb.topped]
        return max(grades) if grades else None

    @property
    def points(self):
        # TODO: let the number of tops a session scores be set from the command line
        best = sorted((top_points(climb) for climb in self.climbs), reverse=True)
        return sum(best[:SESSION_BEST])


def session_summaries(climbs):
    """One Session per day with climbs, oldest first."""
    sessions = {}
    for climb in climbs:
        sessions.setdefault(climb.day, Session(climb.day)).climbs.append(climb)
    return [sessions[day] for day in sorted(sessions)]


def grade_pyramid(climbs):
    """Problems topped per V grade, hardest first: flashes and sends (a repeat is no new problem)."""
    counts = {}
    for climb in climbs:
        if climb.style in ("flash", "send"):
            counts[climb.grade] = counts.get(climb.grade, 0) + 1
    return dict(sorted(counts.items(), reverse=True))


def working_grade(climbs, today=None, days=WORKING_DAYS, needed=WORKING_TOPS):
    """The hardest grade with `needed` problems topped in the `days` days up to `today`.

    `today` is the day of the last climb when not given; None when no grade has enough tops.
    """
    climbs = list(climbs)
    if not climbs:
        return None
    today = today or max(climb.day for climb in climbs)
    start = today - timedelta(days=days)
    pyramid = grade_pyramid(climb for climb in climbs if start < climb.day <= today)
    for grade, count in pyramid.items():
        if count >= needed:
            return grade
    return None
