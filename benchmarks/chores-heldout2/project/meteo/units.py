"""Unit conversions and derived quantities (wind chill, dew point)."""

import math

# Magnus formula coefficients (Sonntag 1990), valid from -45 °C to 60 °C.
MAGNUS_A = 17.62
MAGNUS_B = 243.12


def c_to_f(celsius):
    return celsius * 9 / 5 + 32


def f_to_c(fahrenheit):
    return (fahrenheit - 32) * 5 / 9


def kmh_to_ms(kmh):
    return kmh / 3.6


def convert_temp(celsius, unit):
    """A Celsius temperature in ``unit``: "C", "F" or "K" (any case)."""
    unit = unit.upper()
    if unit == "C":
        return celsius
    if unit == "F":
        return c_to_f(celsius)
    if unit == "K":
        return celsius + 273.15
    raise ValueError(f"unknown temperature unit {unit!r} (use C, F or K)")


def wind_chill(temp_c, wind_kmh):
    """The felt temperature in °C (North American / UK formula).

    Defined only at or below 10 °C with wind of at least 4.8 km/h; outside that the air
    temperature is returned unchanged.
    """
    if temp_c > 10 or wind_kmh < 4.8:
        return temp_c
    v = wind_kmh**0.16
    return 13.12 + 0.6215 * temp_c - 11.37 * v + 0.3965 * temp_c * v


def dew_point(temp_c, humidity):
    """The dew point in °C from the temperature and the relative humidity in percent."""
    if not 0 < humidity <= 100:
        raise ValueError(f"relative humidity must be in (0, 100], got {humidity}")
    gamma = math.log(humidity / 100) + MAGNUS_A * temp_c / (MAGNUS_B + temp_c)
    return MAGNUS_B * gamma / (MAGNUS_A - gamma)
