from datetime import date

from forage.finds import Find
from forage.ratings import haul_by_day, rate_haul


def test_ratings():
    assert rate_haul(40) == "a taste"
    assert rate_haul(100) == "a meal"
    assert rate_haul(499.9) == "a meal"
    assert rate_haul(500) == "a feast"
    assert rate_haul(1500) == "a glut"


def test_haul_by_day_adds_up_a_day():
    day = date(2025, 10, 5)
    finds = [Find(day, "cep", "A", 300.0), Find(day, "chanterelle", "B", 250.0)]
    assert haul_by_day(finds) == {day: 550.0}
