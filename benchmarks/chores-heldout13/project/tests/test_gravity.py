import pytest

from brewlog.gravity import abv, apparent_attenuation, gravity_points, plato


def test_abv_from_og_and_fg():
    assert abv(1.050, 1.010) == pytest.approx(5.25)


def test_abv_of_nothing_fermented_is_zero():
    assert abv(1.048, 1.048) == 0.0


def test_apparent_attenuation_in_percent():
    assert apparent_attenuation(1.060, 1.015) == pytest.approx(75.0)


def test_attenuation_can_pass_100_percent_below_water():
    assert apparent_attenuation(1.040, 0.998) == pytest.approx(105.0)


def test_plato_of_water_and_a_typical_wort():
    assert plato(1.000) == pytest.approx(0.0, abs=0.01)
    assert plato(1.048) == pytest.approx(11.9, abs=0.05)


def test_gravity_points():
    assert gravity_points(1.052) == 52
    assert gravity_points(1.1) == 100
