"""Score differentials, the handicap index, and the strokes a player gets on a course."""

from __future__ import annotations

import math
from collections.abc import Iterable

from fairway.rounds import Round

STANDARD_SLOPE = 113  # the slope of a course of average difficulty
WINDOW = 20  # the index looks at the latest 20 rounds that count
MAX_INDEX = 54.0
# rounds in the window -> (how many of the lowest differentials are averaged, adjustment)
BEST_OF = {
    3: (1, -2.0), 4: (1, -1.0), 5: (1, 0.0), 6: (2, -1.0), 7: (2, 0.0), 8: (2, 0.0),
    9: (3, 0.0), 10: (3, 0.0), 11: (3, 0.0), 12: (4, 0.0), 13: (4, 0.0), 14: (4, 0.0),
    15: (5, 0.0), 16: (5, 0.0), 17: (6, 0.0), 18: (6, 0.0), 19: (7, 0.0), 20: (8, 0.0),
}  # fmt: skip


def score_differential(score: int, rating: float, slope: int) -> float:
    """How far over the course rating a score was, scaled to a course of standard slope (1 decimal)."""
    # TODO: cap each hole at net double bogey once the log has hole-by-hole scores
    return round((score - rating) * STANDARD_SLOPE / slope, 1)


def counts(played: Round) -> bool:
    """A round counts for the index when it was finished and was a full 18 holes."""
    return played.score is not None and played.holes == 18


def differential(played: Round) -> float | None:
    """The score differential of a round that counts; None for the others."""
    if played.score is None or not counts(played):
        return None
    return score_differential(played.score, played.rating, played.slope)


def recent(rounds: Iterable[Round], size: int = WINDOW) -> list[Round]:
    """The latest `size` rounds that count, oldest first."""
    counting = sorted((played for played in rounds if counts(played)), key=lambda played: played.day)
    return counting[-size:]


def best_rounds(window: list[Round]) -> list[Round]:
    """The rounds of the window whose differentials are averaged (the lowest ones)."""
    if len(window) not in BEST_OF:
        return []
    how_many, _ = BEST_OF[len(window)]
    ranked = sorted(window, key=lambda played: (differential(played), played.day))
    return ranked[:how_many]


def handicap_index(rounds: Iterable[Round]) -> float | None:
    """The handicap index of a player's rounds; None with fewer than 3 rounds that count."""
    window = recent(rounds)
    best = best_rounds(window)
    if not best:
        return None
    _, adjustment = BEST_OF[len(window)]
    average = sum(differential(played) or 0.0 for played in best) / len(best)
    return min(round(average + adjustment, 1), MAX_INDEX)


def course_handicap(index: float, slope: int, rating: float, par: int) -> int:
    exact = index * slope / STANDARD_SLOPE + (rating - par)
    return math.floor(exact + 0.5)
