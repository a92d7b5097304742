"""Tasting scores: judges score a batch out of 50 (BJCP style); the mean places it in a band."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from brewlog.batches import Batch

MAX_SCORE = 50
# The BJCP scoring bands: the lowest score of each, best first.
BANDS = (
    (45, "Outstanding"),
    (38, "Excellent"),
    (30, "Very Good"),
    (21, "Good"),
    (14, "Fair"),
    (0, "Problematic"),
)


def mean_score(scores: Sequence[int]) -> float | None:
    """The judges' average to one decimal, or None for a batch nobody has tasted."""
    if not scores:
        return None
    return round(sum(scores) / len(scores), 1)


def band(score: float) -> str:
    """The BJCP band of a score: Outstanding (45-50) down to Problematic (0-13)."""
    for lowest, name in BANDS:
        if score >= lowest:
            return name
    raise ValueError(f"a score below 0: {score}")


def ranked(batches: Iterable[Batch], top: int | None = None) -> list[tuple[Batch, float]]:
    """Tasted batches with their mean score, best first; a tie goes to the older batch."""
    tasted = [(batch, mean) for batch in batches if (mean := mean_score(batch.scores)) is not None]
    tasted.sort(key=lambda pair: (-pair[1], pair[0].brewed))
    return tasted if top is None else tasted[:top]
