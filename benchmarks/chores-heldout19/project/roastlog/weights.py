"""Green coffee weights as people write them on the bag: grams, kilograms, pounds or ounces."""

from __future__ import annotations

import re

GRAMS_PER_UNIT = {
    "g": 1.0,
    "kg": 1000.0,
    "lb": 453.59237,
    "oz": 28.349523125,
}

_WEIGHT = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)")


def parse_weight(text: str) -> float:
    # TODO: accept mixed weights like "1 lb 4 oz" from the old scale's labels
    match = _WEIGHT.fullmatch(text.strip().lower())
    if match is None:
        raise ValueError(f"not a weight: {text!r}")
    amount, unit = match.groups()
    if unit not in GRAMS_PER_UNIT:
        raise ValueError(f"unknown weight unit {unit!r} in {text!r}")
    grams = float(amount) * GRAMS_PER_UNIT[unit]
    if grams <= 0:
        raise ValueError(f"a weight must be more than zero: {text!r}")
    return round(grams, 1)


def format_grams(grams: float) -> str:
    """Grams with one decimal and the unit, e.g. ``226.8 g``."""
    return f"{grams:.1f} g"
