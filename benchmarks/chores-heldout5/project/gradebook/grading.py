"""Grading rules: late penalties, category averages, the weighted final percent, letters, curves."""

from __future__ import annotations

from gradebook.config import CourseConfig
from gradebook.roster import Student


def apply_late_penalty(score: float, days_late: int, per_day: float = 10.0, max_days: int = 5) -> float:
    """The score after the late penalty: ``per_day`` percent of it off per day, zero past ``max_days``."""
    if days_late <= 0:
        return score
    if days_late > max_days:
        return 0.0
    return max(0.0, score * (1 - per_day * days_late / 100))


def category_average(scores: list[float | None], drop_lowest: int = 0) -> float | None:
    """The mean of the scores that count: excused ones (None) left out, then the lowest dropped."""
    kept = [score for score in scores if score is not None]
    if not kept:
        return None
    if drop_lowest and len(kept) > drop_lowest:
        kept = sorted(kept)[drop_lowest:]
    return sum(kept) / len(kept)


def category_averages(student: Student, config: CourseConfig) -> dict[str, float | None]:
    averages = {}
    for category in config.categories:
        scores = []
        for column in category.columns:
            score = student.scores.get(column, 0.0)
            if score is not None:
                score = apply_late_penalty(
                    score, student.late_days.get(column, 0), config.late_per_day, config.late_max_days
                )
            scores.append(score)
        averages[category.name] = category_average(scores, category.drop_lowest)
    return averages


def compute_grade(student: Student, config: CourseConfig) -> float:
    """The weighted final percent; a category with every item excused gives its weight to the others."""
    total = 0.0
    weights = 0.0
    for category in config.categories:
        average = category_averages(student, config)[category.name]
        if average is None:
            continue
        total += category.weight * average
        weights += category.weight
    if weights == 0:
        return 0.0
    return round(total / weights, 2)


def letter_for(percent, cutoffs):
    for letter, minimum in sorted(cutoffs.items(), key=lambda pair: pair[1], reverse=True):
        if percent >= minimum:
            return letter
    return "F"


def apply_curve(percents: dict[str, float], points: float, cap: float = 100.0) -> dict[str, float]:
    """Every percent raised by ``points``, none above ``cap``."""
    # TODO: let the curve aim at a target class mean instead of flat points
    return {key: min(cap, round(value + points, 2)) for key, value in percents.items()}
