from __future__ import annotations

import pytest
from meteo.units import c_to_f, convert_temp, dew_point, f_to_c, kmh_to_ms


def test_fahrenheit_both_ways() -> None:
    assert c_to_f(100) == 212
    assert c_to_f(-40) == -40
    assert f_to_c(212) == 100


def test_convert_temp_units() -> None:
    assert convert_temp(20.0, "c") == 20.0
    assert convert_temp(20.0, "F") == 68.0
    assert convert_temp(0.0, "K") == pytest.approx(273.15)
    with pytest.raises(ValueError, match="unknown temperature unit 'R'"):
        convert_temp(1.0, "R")


def test_kmh_to_ms() -> None:
    assert kmh_to_ms(36) == pytest.approx(10.0)


def test_dew_point() -> None:
    assert dew_point(20.0, 100) == pytest.approx(20.0)
    assert dew_point(20.0, 50) == pytest.approx(9.26, abs=0.05)
    with pytest.raises(ValueError, match="relative humidity"):
        dew_point(20.0, 0)
