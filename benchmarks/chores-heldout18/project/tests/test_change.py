import pytest
from tanklog.change import change_litres, change_percent, plan_changes
from tanklog.readings import Reading
from tanklog.tanks import Tank


def test_change_percent_rounds_up_to_five():
    assert change_percent(15) == 35  # 33.3% needed
    assert change_percent(20) == 50


def test_change_percent_bounds():
    assert change_percent(8) == 10
    assert change_percent(80) == 50


def test_change_litres_to_the_nearest_litre():
    assert change_litres(75.0, 10) == 8  # 7.5 L
    assert change_litres(56.775, 35) == 20


def test_plan_changes():
    from datetime import date

    tanks = {"Reef": Tank("Reef", "marine", 200.0), "Nano": Tank("Nano", "marine", 30.0)}
    latest = {"Reef": Reading(date(2026, 5, 1), "Reef", 25.0, 8.2, 0, 0, 30.0)}
    [change] = plan_changes(tanks, latest)
    assert (change.tank, change.percent, change.litres, change.again) == ("Reef", 50, 100, True)
    assert plan_changes(tanks, latest, target=15.0)[0].again is False
    assert change.nitrate == pytest.approx(30.0)
