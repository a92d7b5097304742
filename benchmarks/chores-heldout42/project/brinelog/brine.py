"""Brine strengths: every way the log writes them, read to a percentage of salt by weight of water."""

from __future__ import annotations

import re

# Grams of fine pickling salt in a level spoon (kosher flakes weigh less: weigh those).
SPOON_GRAMS = {
    "tbsp": 17.0,
    "tablespoon": 17.0,
    "tablespoons": 17.0,
    "tsp": 17.0 / 3,
    "teaspoon": 17.0 / 3,
    "teaspoons": 17.0 / 3,
}
# Litres of water in each measure (US measures: the canning books are American).
VOLUME_LITRES = {
    "quart": 0.946,
    "quarts": 0.946,
    "qt": 0.946,
    "pint": 0.473,
    "pints": 0.473,
    "pt": 0.473,
    "litre": 1.0,
    "liter": 1.0,
    "l": 1.0,
    "cup": 0.237,
    "cups": 0.237,
}

# The ratings of `brinelog brine`, by the percentage of salt.
TOO_WEAK_BELOW = 2.0  # under 2% the bad bacteria win: not safe
LIGHT_BELOW = 3.0
STANDARD_UP_TO = 5.0
STRONG_UP_TO = 8.0  # above this it is too salty to eat without soaking

_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")
_GRAMS_PER_LITRE = re.compile(r"(\d+(?:\.\d+)?)\s*g\s*(?:/|per)\s*(?:l|litre|liter)")
_SPOONS = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)\s*(?:/|per|a|to)\s*(?:1\s*)?([a-z]+)")


def parse_brine(text: str) -> float:
    cleaned = text.strip().lower()
    match = _PERCENT.fullmatch(cleaned)
    if match:
        percent = float(match.group(1))
    else:
        match = _GRAMS_PER_LITRE.fullmatch(cleaned)
        if match:
            percent = float(match.group(1)) / 10
        else:
            match = _SPOONS.fullmatch(cleaned)
            if not match or match.group(2) not in SPOON_GRAMS or match.group(3) not in VOLUME_LITRES:
                raise ValueError(f"not a brine strength: {text!r}")
            grams = float(match.group(1)) * SPOON_GRAMS[match.group(2)]
            percent = grams / VOLUME_LITRES[match.group(3)] / 10
    if percent <= 0 or percent > 30:
        raise ValueError(f"not a brine strength: {text!r}")
    return percent


def rate_brine(percent: float) -> str:
    """The rating `brinelog brine` prints for a brine of this percentage."""
    if percent < TOO_WEAK_BELOW:
        return "too weak"
    if percent < LIGHT_BELOW:
        return "light"
    if percent <= STANDARD_UP_TO:
        return "standard"
    if percent <= STRONG_UP_TO:
        return "strong"
    return "too salty"


def salt_for(litres: float, percent: float) -> float:
    """Grams of salt to dissolve in ``litres`` of water for a brine of ``percent``."""
    # TODO: take the jar size in quarts or pints too, not only litres
    return litres * percent * 10


def format_percent(percent: float) -> str:
    return f"{percent:.1f}%"
