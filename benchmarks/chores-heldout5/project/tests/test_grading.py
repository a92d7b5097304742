import pytest

from gradebook.grading import apply_curve, category_average, compute_grade, letter_for
from gradebook.roster import Student


def test_category_average_leaves_excused_out():
    assert category_average([80.0, None, 90.0]) == 85.0
    assert category_average([None, None]) is None


def test_drop_lowest_needs_more_scores_than_it_drops():
    assert category_average([70.0], drop_lowest=1) == 70.0


def test_compute_grade_weights_the_categories(small_config):
    student = Student("S1", "A", {"hw1": 80.0, "hw2": 90.0, "hw3": 100.0, "exam": 70.0})
    # homework: 80 dropped -> 95; 0.4 * 95 + 0.6 * 70 = 80.0
    assert compute_grade(student, small_config) == 80.0


def test_an_all_excused_category_gives_its_weight_to_the_others(small_config):
    student = Student("S1", "A", {"hw1": None, "hw2": None, "hw3": None, "exam": 70.0})
    assert compute_grade(student, small_config) == 70.0


def test_missing_columns_count_as_zero(small_config):
    student = Student("S1", "A", {"exam": 50.0})
    assert compute_grade(student, small_config) == 30.0


@pytest.mark.parametrize(
    ("percent", "letter"), [(95.0, "A"), (90.0, "A"), (89.99, "B"), (70.0, "C"), (60.0, "D"), (59.9, "F")]
)
def test_letters(percent, letter):
    assert letter_for(percent, {"A": 90.0, "B": 80.0, "C": 70.0, "D": 60.0}) == letter


def test_the_curve_is_capped():
    assert apply_curve({"a": 88.5, "b": 99.0}, 2.5) == {"a": 91.0, "b": 100.0}
