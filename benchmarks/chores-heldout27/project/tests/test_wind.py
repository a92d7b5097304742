import pytest

from saillog.wind import beaufort, conditions, describe


@pytest.mark.parametrize(("knots", "force"), [(0, 0), (5, 2), (12, 4), (19, 5), (30, 7), (70, 12)])
def test_beaufort(knots, force):
    assert beaufort(knots) == force


def test_conditions():
    assert [conditions(force) for force in (0, 2, 3, 4, 5, 6, 7, 10)] == [
        "light", "light", "moderate", "moderate", "fresh", "fresh", "strong", "strong",
    ]


def test_describe():
    assert describe(None) == "-"
    assert describe(4) == "F4"  # TODO: test the knots range once describe shows it
