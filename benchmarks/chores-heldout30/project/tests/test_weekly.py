from datetime import date

from henhouse.eggs import Egg
from henhouse.weekly import best_week, hen_counts_by_week, week_start, weekly_totals

EGGS = [
    Egg(date(2026, 3, 2), "Marigold", 62.0),
    Egg(date(2026, 3, 8), "Pepper", 57.0, "cracked"),
    Egg(date(2026, 3, 8), "Marigold", 64.0),
    Egg(date(2026, 3, 9), "Dot", 54.0, "soft"),
    Egg(date(2026, 3, 10), "Dot", 52.0),
]


def test_week_starts_on_monday():
    assert week_start(date(2026, 3, 8)) == date(2026, 3, 2)  # a Sunday
    assert week_start(date(2026, 3, 9)) == date(2026, 3, 9)


def test_weekly_totals():
    first, second = weekly_totals(EGGS)
    assert (first.start, first.end, first.eggs, first.trouble) == (date(2026, 3, 2), date(2026, 3, 8), 3, 1)
    assert first.mean_weight == 61.0
    assert (second.eggs, second.trouble, second.mean_weight) == (2, 1, 53.0)


def test_best_week_leaves_out_soft_and_cracked_eggs():
    best = best_week(EGGS)
    assert (best.start, best.eggs) == (date(2026, 3, 2), 2)
    assert best_week([]) is None


def test_hen_counts_by_week():
    assert hen_counts_by_week(EGGS) == {
        date(2026, 3, 2): {"Marigold": 2, "Pepper": 1},
        date(2026, 3, 9): {"Dot": 2},
    }
