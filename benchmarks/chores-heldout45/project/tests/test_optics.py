import pytest
from obslog.optics import (
    exit_pupil,
    highest_useful_power,
    limiting_magnitude,
    magnification,
    power_verdict,
    reach,
)


def test_magnification_multiplies_in_the_barlow():
    assert magnification(1200, 25) == pytest.approx(48.0)
    assert magnification(1200, 10, 2.0) == pytest.approx(240.0)


def test_exit_pupil():
    assert exit_pupil(200, 48) == pytest.approx(4.1667, abs=1e-3)


def test_the_highest_useful_power_is_twice_the_aperture_unless_the_seeing_caps_it():
    assert highest_useful_power(200) == 400
    assert highest_useful_power(200, 1) == 400
    assert highest_useful_power(200, 3) == 200
    assert highest_useful_power(80, 2) == 160


def test_power_verdict():
    assert power_verdict(200, 48, 2) == "ok"
    assert power_verdict(200, 22, 2) == "too low"
    assert power_verdict(127, 150, 4) == "too high"
    assert power_verdict(200, 400, 1) == "ok"


def test_limiting_magnitude():
    assert limiting_magnitude(200) == pytest.approx(14.005, abs=1e-3)


def test_reach():
    assert reach(8.4, 200) == "easy"
    assert reach(10.0, 200) == "fair"
    assert reach(13.0, 200) == "hard"
    assert reach(13.0, 80) == "beyond"
    assert reach(None, 80) == "-"
