import pytest

from fairway.courses import find_course, normalise


def test_load_courses_reads_par_and_tees(courses):
    hollins = courses["Hollins Park"]
    assert hollins.par == 71
    assert (hollins.tees["white"].rating, hollins.tees["white"].slope) == (70.4, 128)
    assert set(courses) == {"Hollins Park", "Westgate Links", "Barrow Heath"}


def test_normalise():
    assert normalise("  Westgate   LINKS ") == "westgate links"


@pytest.mark.parametrize("name", ["Hollins Park", "hollins pk", "HOLLINS", " hollins park gc "])
def test_find_course_by_name_or_alias(courses, name):
    assert find_course(courses, name).name == "Hollins Park"


def test_an_unknown_course_is_an_error(courses):
    with pytest.raises(ValueError, match="unknown course"):
        find_course(courses, "St Andrews")


def test_tees_a_course_does_not_have(courses):
    with pytest.raises(ValueError, match="no red tees"):
        courses["Barrow Heath"].tee("red")
