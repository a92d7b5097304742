"""Milk volumes, rennet doses, cheese weights and ages, as they get written in the log."""

from __future__ import annotations

import re
from fractions import Fraction

# Gallons, quarts and pints are US measures (the milk comes in US gallon jugs).
GALLON_L = 3.785
QUART_L = 0.946
PINT_L = 0.473
# TODO: imperial pints (0.568 L) for the UK recipes, as an option rather than a guess

VOLUME_UNITS = {
    "l": 1.0,
    "ltr": 1.0,
    "litre": 1.0,
    "litres": 1.0,
    "liter": 1.0,
    "liters": 1.0,
    "ml": 0.001,
    "gal": GALLON_L,
    "gals": GALLON_L,
    "gallon": GALLON_L,
    "gallons": GALLON_L,
    "qt": QUART_L,
    "quart": QUART_L,
    "quarts": QUART_L,
    "pt": PINT_L,
    "pint": PINT_L,
    "pints": PINT_L,
}

TSP_ML = 4.93
DROP_ML = 0.05
RENNET_UNITS = {"ml": 1.0, "tsp": TSP_ML, "drop": DROP_ML, "drops": DROP_ML}

OZ_G = 28.3495
LB_G = 453.592
WEIGHT_UNITS = {"g": 1.0, "kg": 1000.0, "lb": LB_G, "lbs": LB_G, "oz": OZ_G}

MONTH_DAYS = 30
AGE_UNITS = {
    "d": 1,
    "day": 1,
    "days": 1,
    "w": 7,
    "wk": 7,
    "wks": 7,
    "week": 7,
    "weeks": 7,
    "mo": MONTH_DAYS,
    "mth": MONTH_DAYS,
    "mths": MONTH_DAYS,
    "month": MONTH_DAYS,
    "months": MONTH_DAYS,
}

_AMOUNT = re.compile(r"^\s*(\d+/\d+|\d+(?:\.\d+)?)\s*([a-z]*)\s*$")
_WEIGHT_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)")


def _amount(text: str) -> tuple[float, str]:
    """The number (a decimal or a fraction like 1/4) and the unit word, lower case."""
    match = _AMOUNT.match(text.lower())
    if not match:
        raise ValueError(f"not an amount: {text!r}")
    number, unit = match.groups()
    return float(Fraction(number)), unit


def parse_volume(text: str) -> float:
    """Milk volume in litres: '8 L', '4L', '12 litres', '2 gal', '10 pints', '1 qt'; a bare number is litres."""
    amount, unit = _amount(text)
    if not unit:
        return amount
    if unit not in VOLUME_UNITS:
        raise ValueError(f"unknown volume unit {unit!r} in {text!r}")
    return round(amount * VOLUME_UNITS[unit], 3)


def parse_rennet(text: str) -> float | None:
    """Rennet dose in ml: '0.9 ml', '1/2 tsp', '20 drops'; a bare number is ml; blank is None."""
    if not text.strip():
        return None
    amount, unit = _amount(text)
    if not unit:
        return amount
    if unit not in RENNET_UNITS:
        raise ValueError(f"unknown rennet unit {unit!r} in {text!r}")
    return round(amount * RENNET_UNITS[unit], 3)


def parse_weight(text: str) -> float:
    """Cheese weight in grams, to a tenth of a gram."""
    cleaned = text.strip().lower()
    if not cleaned:
        raise ValueError("no weight")
    if re.fullmatch(r"\d+(?:\.\d+)?", cleaned):
        return float(cleaned)
    total = 0.0
    position = 0
    for match in _WEIGHT_PART.finditer(cleaned):
        if cleaned[position : match.start()].strip():
            raise ValueError(f"unreadable weight: {text!r}")
        unit = match.group(2)
        if unit not in WEIGHT_UNITS:
            raise ValueError(f"unknown weight unit {unit!r} in {text!r}")
        total += float(match.group(1)) * WEIGHT_UNITS[unit]
        position = match.end()
    if position == 0 or cleaned[position:].strip():
        raise ValueError(f"unreadable weight: {text!r}")
    return round(total, 1)


def parse_age(text):
    cleaned = text.strip().lower()
    if cleaned == "fresh":
        return 0
    amount, unit = _amount(cleaned)
    if unit not in AGE_UNITS:
        raise ValueError(f"unknown age: {text!r}")
    return round(amount * AGE_UNITS[unit])


def format_weight(grams: float) -> str:
    """'745 g' under a kilo, '1.21 kg' from a kilo up."""
    if grams < 1000:
        return f"{grams:.0f} g"
    return f"{grams / 1000:.2f} kg"
