from datetime import date

import pytest

from henhouse.eggs import Egg
from henhouse.grades import count_grades, grade


@pytest.mark.parametrize(
    ("weight", "expected"),
    [(48.0, "small"), (52.9, "small"), (53.0, "medium"), (62.4, "medium"), (63.0, "large"), (72.9, "large"),
     (73.0, "very large"), (80.5, "very large")],
)
def test_grade_bands(weight, expected):
    assert grade(weight) == expected


def test_grade_refuses_a_weight_of_nothing():
    with pytest.raises(ValueError):
        grade(0)


def test_count_grades_lists_every_grade():
    eggs = [Egg(date(2026, 3, 2), "Dot", 51.0), Egg(date(2026, 3, 2), "Clementine", 74.0)]
    assert count_grades(eggs) == {"small": 1, "medium": 0, "large": 0, "very large": 1}
