"""How hard a trip was: effort points from its distance and grade, and a level."""

from __future__ import annotations

from collections.abc import Iterable

from paddlelog.trips import Trip

GRADE_POINTS = 3  # points for each step of grade: I is 3, II is 6, III is 9 ...
# (points from, level), lowest first; a trip is at the last level whose points it reaches
LEVELS = (
    (0.0, "easy"),
    (12.0, "moderate"),
    (22.0, "hard"),
    (35.0, "epic"),
)
HARD_FROM_GRADE = 4  # grade IV and up is never rated below hard, however short
GRADE_LABELS = ("flat", "I", "II", "III", "IV", "V", "VI")
LEVEL_NAMES = tuple(name for _, name in LEVELS)


def grade_label(grade: int) -> str:
    """'flat' for 0, else the grade in Roman numerals (II for 2)."""
    return GRADE_LABELS[grade]


def effort_points(trip: Trip) -> float:
    """One point per kilometre plus GRADE_POINTS per step of grade."""
    return trip.distance_km + GRADE_POINTS * trip.grade


def effort_level(trip: Trip) -> str:
    points = effort_points(trip)
    level = LEVELS[0][1]
    for start, name in LEVELS:
        if points >= start:
            level = name
    if trip.grade >= HARD_FROM_GRADE and LEVEL_NAMES.index(level) < LEVEL_NAMES.index("hard"):
        level = "hard"
    return level


def level_counts(trips: Iterable[Trip]) -> dict[str, int]:
    """How many trips there are at each level, every level listed (easy first)."""
    counts = dict.fromkeys(LEVEL_NAMES, 0)
    for trip in trips:
        counts[effort_level(trip)] += 1
    return counts
