"""Hydrometer arithmetic: reading gravities, ABV, attenuation and degrees Plato."""

from __future__ import annotations

ABV_FACTOR = 131.25  # the usual homebrew approximation: ABV % = (OG - FG) * 131.25
MIN_GRAVITY = 0.990
MAX_GRAVITY = 1.200


def parse_gravity(text: str) -> float:
    """A specific gravity from the log: "1.052", or gravity points written without the dot, "1052"."""
    # TODO: correct readings taken above the hydrometer's 20 °C calibration temperature
    value = float(text.strip())
    if value >= 100:
        value = value / 1000
    if not MIN_GRAVITY <= value <= MAX_GRAVITY:
        raise ValueError(f"not a plausible specific gravity: {text!r}")
    return round(value, 3)


def abv(og: float, fg: float) -> float:
    """Alcohol by volume in percent, from the original and final gravity."""
    return (og - fg) * ABV_FACTOR


def apparent_attenuation(og: float, fg: float) -> float:
    return (og - fg) / (og - 1) * 100


def plato(sg: float) -> float:
    """Degrees Plato of a specific gravity (the cubic fit brewers use)."""
    return -616.868 + 1111.14 * sg - 630.272 * sg**2 + 135.997 * sg**3


def gravity_points(sg: float) -> int:
    """1.052 -> 52."""
    return round((sg - 1) * 1000)
