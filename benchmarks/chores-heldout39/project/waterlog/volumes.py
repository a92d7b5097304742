"""Volumes as they get typed into the log: "120 L", "120l", "31.7 gal", "0.12 m3", "45,5 l"."""

from __future__ import annotations

import re

LITRES_PER_GALLON = 4.54609  # the imperial gallon
LITRES_PER_M3 = 1000.0

UNITS = {
    "": 1.0,
    "l": 1.0,
    "ltr": 1.0,
    "litre": 1.0,
    "litres": 1.0,
    "liter": 1.0,
    "liters": 1.0,
    "ml": 0.001,
    "gal": LITRES_PER_GALLON,  # TODO: US gallons too, behind an option, for the cousin's log
    "gals": LITRES_PER_GALLON,
    "gallon": LITRES_PER_GALLON,
    "gallons": LITRES_PER_GALLON,
    "m3": LITRES_PER_M3,
    "m³": LITRES_PER_M3,
}

_VOLUME = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z³0-9]*)")


def parse_volume(text):
    cleaned = text.strip().lower().replace(",", ".")
    match = _VOLUME.fullmatch(cleaned)
    if not match:
        raise ValueError(f"not a volume: {text!r}")
    number, unit = match.groups()
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r} in {text!r}")
    return float(number) * UNITS[unit]


def format_volume(litres: float) -> str:
    """Litres for people: "286 L" under a cubic metre, "1.25 m³" from there on."""
    if litres >= LITRES_PER_M3:
        return f"{litres / LITRES_PER_M3:.2f} m³"
    return f"{litres:.0f} L"
