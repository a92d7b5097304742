"""Monthly summaries of the log: rounds played, average score and putts, the best card."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

BANDS = (("under 80", 0, 79), ("80s", 80, 89), ("90s", 90, 99), ("100 and over", 100, 999))


@dataclass
class Month:
    year: int
    month: int
    played: int = 0
    average: float | None = None
    putts: float | None = None
    best: int | None = None

    @property
    def label(self):
        return f"{self.year}-{self.month:02d}"


def mean(values):
    """The average of the values; None when there are none."""
    values = list(values)
    if not values:
        return None
    return sum(values) / len(values)


def by_month(rounds):
    """The rounds grouped by (year, month), oldest month first."""
    months = defaultdict(list)
    for played in rounds:
        months[(played.day.year, played.day.month)].append(played)
    return dict(sorted(months.items()))


def summarise(year, month, rounds):
    """One month's figures; the scores and putts are those of 18-hole rounds."""
    scores = [played.score for played in rounds if played.score is not None and played.holes == 18]
    return Month(
        year,
        month,
        played=len(rounds),
        average=mean(scores),
        putts=mean(played.putts for played in rounds if played.putts is not None and played.holes == 18),
        best=min(scores) if scores else None,
    )


def monthly(rounds):
    return [summarise(year, month, played) for (year, month), played in by_month(rounds).items()]


def bands(rounds):
    """How many finished 18-hole rounds fell in each scoring band (under 80, the 80s, ...)."""
    counted = dict.fromkeys((name for name, _, _ in BANDS), 0)
    for played in rounds:
        if played.score is None or played.holes != 18:
            continue
        for name, low, high in BANDS:
            if low <= played.score <= high:
                counted[name] += 1
    return counted
