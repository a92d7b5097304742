"""Egg sizes by weight, as on the egg box."""

from __future__ import annotations

from collections.abc import Iterable

from henhouse.eggs import Egg

GRADES = ("small", "medium", "large", "very large")
SMALL_BELOW = 53.0
MEDIUM_BELOW = 63.0
LARGE_BELOW = 73.0


def grade(weight_g: float) -> str:
    if weight_g <= 0:
        raise ValueError(f"not an egg's weight: {weight_g!r}")
    if weight_g < SMALL_BELOW:
        return "small"
    if weight_g < MEDIUM_BELOW:
        return "medium"
    if weight_g < LARGE_BELOW:
        return "large"
    return "very large"


def count_grades(eggs: Iterable[Egg]) -> dict[str, int]:
    """How many eggs of each grade, every grade listed (small to very large)."""
    counts = dict.fromkeys(GRADES, 0)
    for egg in eggs:
        counts[grade(egg.weight_g)] += 1
    return counts
